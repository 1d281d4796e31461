"""Rows read from the database for an export, in chunks, and the PostgreSQL fast path.

A `QuerySource` is one annotated queryset and one field per column. Every format reads it
with `values_list(...).iterator(chunk_size=…)`: the rows stream, memory stays flat. For CSV on
PostgreSQL the same select, with each column formatted in SQL as the Python writer would
(dd/mm/yyyy, formula-looking text prefixed with an apostrophe), is handed to
`COPY (…) TO STDOUT WITH (FORMAT csv)`: PostgreSQL writes the file, which runs at the speed
of COPY itself (see tests/bench/test_exports.py)."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, F, Func

from .writers import Table, csv_writer

CHUNK = 2000


class CsvText(Func):
    """Text as the CSV writer writes it: an apostrophe before a formula-looking start, NULL
    for an empty string (so that both paths write an empty field the same way)."""

    output_field = CharField()
    # The column appears once (its parameters, if any, are bound once).
    template = r"NULLIF(REGEXP_REPLACE(%(expressions)s, E'^([=+@\t\r-])', '''\1'), '')"


class NullIfEmpty(Func):
    output_field = CharField()
    template = "NULLIF(%(expressions)s, '')"


class CsvDate(Func):
    output_field = CharField()
    template = "TO_CHAR(%(expressions)s, 'DD/MM/YYYY')"


class CsvMoney(Func):
    output_field = CharField()
    template = "REPLACE(CAST(ROUND(%(expressions)s, 2) AS text), '.', ',')"


CSV_SQL = {"text": CsvText, "date": CsvDate, "money": CsvMoney}


@dataclass
class QuerySource:
    sheet_title: str
    columns: list
    queryset: object
    fields: list

    def count(self):
        return self.queryset.count()

    def rows(self, progress=None, every=CHUNK):
        done = 0
        for row in self.queryset.values_list(*self.fields).iterator(chunk_size=CHUNK):
            yield row
            done += 1
            if progress and done % every == 0:
                progress(done)
        if progress:
            progress(done)

    def table(self, progress=None):
        return Table(self.sheet_title, self.columns, self.rows(progress))

    def copy_sql(self):
        """The select of the CSV path, every column formatted in SQL (PostgreSQL only)."""
        names = {}
        for index, (column, name) in enumerate(zip(self.columns, self.fields, strict=True)):
            wrap = (
                NullIfEmpty if column.kind == "text" and column.ours else CSV_SQL.get(column.kind)
            )
            names[f"csv_{index}"] = wrap(F(name)) if wrap else F(name)
        query = self.queryset.annotate(**names).values_list(*names).query
        return query.sql_with_params()

    def write_csv_with_copy(self, out):
        """Header by Python, lines by PostgreSQL."""
        writer, stream = csv_writer(out)
        writer.writerow([column.title for column in self.columns])
        stream.flush()
        stream.detach()
        sql, params = self.copy_sql()
        with connection.cursor() as cursor:
            from psycopg import ClientCursor

            raw = cursor.cursor
            # Parameters merged client-side: COPY takes no bound parameters.
            statement = ClientCursor(raw.connection).mogrify(sql, params)
            copy_sql = (
                f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', ENCODING 'UTF8')"
            )
            with raw.copy(copy_sql) as copy:
                for data in copy:
                    out.write(data)


def uses_copy(source, fmt):
    return fmt == "csv" and isinstance(source, QuerySource) and connection.vendor == "postgresql"
