"""Small portable SQL expressions the lists need (PostgreSQL and SQLite)."""

import datetime

from django.db.models import Aggregate, CharField, Func, IntegerField


def _literal(text):
    text = str(text)
    assert "%" not in text, text  # labels are ours; a % would be read as a placeholder
    return "'" + text.replace("'", "''") + "'"


class Label(Func):
    """The French label of a choice column, as a literal CASE (no parameters: the expression
    can be repeated inside an aggregate and handed to COPY as it is)."""

    output_field = CharField()

    def __init__(self, expression, choices, **extra):
        whens = " ".join(
            f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in choices
        )
        super().__init__(
            expression, template=f"CASE %(expressions)s {whens} ELSE NULL END", **extra
        )


class JoinedText(Aggregate):
    """The values of a group joined with ', ' (sorted on PostgreSQL)."""

    function = "STRING_AGG"
    template = "STRING_AGG(%(expressions)s, ', ' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="GROUP_CONCAT(%(expressions)s, ', ')", **extra
        )


class DaysSince(Func):
    """Whole days between a timestamp column and a fixed moment (given as an ISO string)."""

    output_field = IntegerField()

    def __init__(self, expression, moment, **extra):
        self.moment = moment
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"FLOOR(EXTRACT(EPOCH FROM (%s::timestamptz - {sql})) / 86400)::integer",
            [self.moment.isoformat(), *params],
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"CAST(julianday(%s) - julianday({sql}) AS integer)",
            [self.moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"), *params],
        )
