"""The files of the remuneration app: a statement (one MSU, one academic year or semester) and
the faculty's payment export (one line per MSU and period), as CSV, XLSX or PDF.

Conventions, so that a spreadsheet in French opens them as they are:
- CSV: UTF-8 with a byte order mark, `;` between fields, amounts with a decimal comma and no
  thousands separator (`3600,00`), dates as dd/mm/yyyy, a French header row and a total line.
- XLSX: amounts as numbers with a euro format, dates as date cells, a bold header row, a bold
  total line (values, not formulas: the file reads the same in any tool).
- Screens and PDF: "3 600,00 €" with non-breaking spaces.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import fees, statements

NBSP = "\u00a0"
ZERO = Decimal("0.00")
EURO_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.00%"

FORMATS = ("pdf", "csv", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def short_kind_labels():
    """Column titles of the files (the long labels of FeeRate.Kind are for the pages)."""
    return {
        fees.HONORAIRES: _("Honoraires pédagogiques"),
        fees.SUPERVISION: _("Indemnité de supervision"),
        fees.ZONE: _("Supplément ZIP/ZAC/QPV"),
        fees.PDSA: _("Supplément PDSA"),
        fees.COSCOM: _("Supplément COSCOM"),
    }


# Formatting ----------------------------------------------------------------------------------


def euros(value):
    """'3 600,00 €' (non-breaking spaces), for pages and PDFs."""
    if value is None or value == "":
        return ""
    value = Decimal(value).quantize(fees.CENT)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):,.2f}".split(".")
    return f"{sign}{whole.replace(',', NBSP)},{cents}{NBSP}€"


def csv_amount(value):
    """'3600,00': decimal comma, no thousands separator."""
    return f"{Decimal(value).quantize(fees.CENT)}".replace(".", ",")


def csv_date(value):
    return value.strftime("%d/%m/%Y")


def percent(share):
    """A share of the student (Fraction) as '55,6 %'."""
    value = f"{float(Fraction(share)) * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{value}{NBSP}%"


def share_label(share):
    """'5/9 (55,6 %)', or '100 %' for an MSU alone."""
    share = Fraction(share)
    if share == 1:
        return percent(share)
    return f"{share.numerator}/{share.denominator} ({percent(share)})"


def rhythm(placement):
    return _("Temps partiel") if placement.part_time else _("Temps plein")


# Tables: what both file formats write ---------------------------------------------------------


@dataclass
class Column:
    title: str
    kind: str = "text"  # text, date, money, int, share
    width: int = 14


@dataclass
class Table:
    sheet_title: str
    columns: list
    rows: list  # lists of plain values: str, date, Decimal, int, Fraction
    total: list  # the total line, same shape


def statement_table(statement):
    kinds = statement.kinds
    labels = short_kind_labels()
    columns = [
        Column(_("Période"), width=28),
        Column(_("Du"), "date", 12),
        Column(_("Au"), "date", 12),
        Column(_("Étudiant"), width=26),
        Column(_("Niveau"), width=30),
        Column(_("Rythme"), width=14),
        Column(_("Part du MSU"), "share", 12),
        *[Column(labels[kind], "money", 16) for kind in kinds],
        Column(_("Total"), "money", 16),
    ]
    rows = []
    for row in statement.rows:
        placement = row.placement
        rows.append(
            [
                placement.offer.period.label,
                placement.start,
                placement.end,
                f"{placement.student.last_name} {placement.student.first_name}",
                placement.offer.get_level_display(),
                rhythm(placement),
                row.share,
                *[row.amount(kind) for kind in kinds],
                row.total,
            ]
        )
    total = [
        _("Total"),
        *[None] * 6,
        *[statement.total(kind) for kind in kinds],
        statement.total(),
    ]
    title = _("Relevé %(year)s") % {"year": statement_period_label(statement, short=True)}
    return Table(title, columns, rows, total)


def payment_table(rows, year):
    labels = short_kind_labels()
    kinds = statements.KIND_ORDER
    columns = [
        Column(_("Nom"), width=20),
        Column(_("Prénom"), width=16),
        Column(_("RPPS"), width=14),
        Column(_("Période"), width=28),
        Column(_("Du"), "date", 12),
        Column(_("Au"), "date", 12),
        Column(_("Étudiants"), "int", 10),
        *[Column(labels[kind], "money", 16) for kind in kinds],
        Column(_("Total"), "money", 16),
    ]
    lines = []
    for row in rows:
        user = row.doctor.user
        lines.append(
            [
                user.last_name,
                user.first_name,
                row.doctor.rpps,
                row.period.label,
                row.period.start,
                row.period.end,
                row.students,
                *[row.amounts.get(kind, ZERO) for kind in kinds],
                row.total,
            ]
        )
    total = [
        _("Total"),
        *[None] * 5,
        sum(row.students for row in rows),
        *[sum((row.amounts.get(kind, ZERO) for row in rows), ZERO) for kind in kinds],
        sum((row.total for row in rows), ZERO),
    ]
    title = _("Paiements %(year)s") % {"year": statements.year_label(year)}
    return Table(title, columns, lines, total)


# Writers ---------------------------------------------------------------------------------------


# A cell starting with one of these is read as a formula by spreadsheets: a name typed as
# '=HYPERLINK(…)' must stay text in the accounting department's files.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(column, value):
    if value is None:
        return ""
    if column.kind == "money":
        return csv_amount(value)
    if column.kind == "date":
        return csv_date(value)
    if column.kind == "share":
        return percent(value).replace(NBSP, " ")
    if column.kind == "text":
        return safe_text(value)
    return str(value)


def write_csv(table):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.title for column in table.columns])
    for row in [*table.rows, table.total]:
        writer.writerow([_csv_cell(c, v) for c, v in zip(table.columns, row, strict=True)])
    return out.getvalue().encode("utf-8-sig")


NUMBER_FORMATS = {"money": EURO_FORMAT, "date": DATE_FORMAT, "share": PERCENT_FORMAT}


def write_xlsx(table, info=None):
    """The table on a first sheet; `info` (label, value) pairs on a second one.

    Write-only mode: rows stream to the file as they come, so a faculty's year (thousands of
    lines) takes seconds and little memory (a normal workbook rescans the sheet per row)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet_title[:31])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"

    def cell(sheet, value, number_format=None, strong=False):
        written = WriteOnlyCell(sheet, value=value)
        if number_format:
            written.number_format = number_format
        if strong:
            written.font = bold
        return written

    sheet.append([cell(sheet, column.title, strong=True) for column in table.columns])
    for values, strong in [*((row, False) for row in table.rows), (table.total, True)]:
        sheet.append(
            [
                cell(sheet, _xlsx_value(c, v), NUMBER_FORMATS.get(c.kind), strong)
                for c, v in zip(table.columns, values, strict=True)
            ]
        )
    if info:
        other = workbook.create_sheet(_("Informations"))
        other.column_dimensions["A"].width = 48
        other.column_dimensions["B"].width = 40
        for label, value in info:
            number_format = EURO_FORMAT if isinstance(value, Decimal) else None
            if isinstance(value, str):
                value = safe_text(value)
            other.append([cell(other, label, strong=True), cell(other, value, number_format)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(column, value):
    if value is None:
        return None
    if column.kind == "money":
        return Decimal(value)
    if column.kind == "share":
        return float(Fraction(value))
    if column.kind == "text" and isinstance(value, str):
        return safe_text(value)
    return value


# Statements ----------------------------------------------------------------------------------


def statement_period_label(statement, short=False):
    """'2026-2027', '2026-2027, semestre 1' (or '2026-2027 S1' when short)."""
    if statement.semester is None:
        return statement.year_label
    if short:
        return f"{statement.year_label} S{statement.semester}"
    return _("%(year)s, semestre %(n)s") % {"year": statement.year_label, "n": statement.semester}


def statement_filename(statement, fmt):
    doctor = statement.doctor
    ident = doctor.rpps or str(doctor.pk)
    suffix = f"-s{statement.semester}" if statement.semester else ""
    return f"releve-msu-{ident}-{statement.year_label}{suffix}.{fmt}"


def statement_info(statement):
    doctor = statement.doctor
    start, end = statement.bounds
    info = [
        (_("Maître de stage des universités"), doctor.user.get_full_name()),
        (_("RPPS"), doctor.rpps or "—"),
        (_("Faculté"), str(statement.faculty)),
        (_("Année universitaire"), statement_period_label(statement)),
        (_("Du"), csv_date(start)),
        (_("Au"), csv_date(end)),
        (_("Total dû par la faculté"), statement.total()),
    ]
    for calendar_year, label, amount in statement.yearly:
        info.append(
            (
                _("%(label)s, année %(year)s (à déclarer, non versé par la faculté)")
                % {"label": label, "year": calendar_year},
                amount,
            )
        )
    return info


def statement_context(statement):
    """What the page and the PDF show: the rows with their amounts in column order."""
    kinds = statement.kinds
    return {
        "statement": statement,
        "doctor": statement.doctor,
        "faculty": statement.faculty,
        "period_label": statement_period_label(statement),
        "start": statement.bounds[0],
        "end": statement.bounds[1],
        "kind_labels": [statements.kind_label(kind) for kind in kinds],
        "lines": [
            {
                "row": row,
                "placement": row.placement,
                "share": share_label(row.share),
                "amounts": [row.amount(kind) for kind in kinds],
            }
            for row in statement.rows
        ],
        "totals": [statement.total(kind) for kind in kinds],
        "grand_total": statement.total(),
    }


def statement_pdf(statement):
    from applications.documents.render import html_to_pdf

    return html_to_pdf(
        "pdf/statement.html",
        {**statement_context(statement), "generated_on": timezone.localdate()},
    )


def statement_file(statement, fmt):
    """The statement's bytes in `fmt` (pdf, csv or xlsx)."""
    if fmt == "pdf":
        return statement_pdf(statement)
    table = statement_table(statement)
    if fmt == "csv":
        return write_csv(table)
    return write_xlsx(table, info=statement_info(statement))


# The faculty's payment export -------------------------------------------------------------------


def payment_file(rows, year, fmt):
    table = payment_table(rows, year)
    return write_csv(table) if fmt == "csv" else write_xlsx(table)


def payment_filename(faculty, year, fmt):
    name = slugify(faculty.name)[:60] or str(faculty.pk)
    return f"paiements-msu-{name}-{statements.year_label(year)}.{fmt}"
