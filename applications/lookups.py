"""`AnyOf`: a column equal to one of a list, the list sent to PostgreSQL as one array.

`field__in=[…]` sends one parameter per value. With hundreds of values (the doctors a name
search found), psycopg's parsing of the statement and PostgreSQL's planning of the long list
cost more than the query itself; `= ANY(%s)` is one parameter whatever the length. Other
databases (SQLite, the embedded default) get the plain IN list."""

from django.db.models import BooleanField, Expression, F


class AnyOf(Expression):
    conditional = True
    output_field = BooleanField()

    def __init__(self, column, values):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.values = list(values)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def resolve_expression(self, *args, **kwargs):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if not self.values:
            return "1 = 0", params
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"{column} IN ({placeholders})", [*params, *self.values]

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        # Typed as the column: psycopg sends ints as int4[], and `bigint = ANY(int4[])` is
        # searched element by element, where a same-typed constant array is hashed once.
        array_type = self.column.output_field.db_type(connection)
        return f"{column} = ANY(%s::{array_type}[])", [*params, self.values]
