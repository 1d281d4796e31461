"""The files of the remuneration app: a statement (one MSU, one academic year or semester) and
the faculty's payment export (one line per MSU and period), as CSV, XLSX or PDF.

The file conventions (CSV for French spreadsheets, typed XLSX and ODS) are those of
`exports.writers`, shared by every export; a total line is written as values, not formulas.
Screens and PDF: "3 600,00 €" with non-breaking spaces.
"""

from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exports.writers import (
    CONTENT_TYPES,
    NBSP,
    Column,
    Table,
    csv_amount,
    csv_bytes,
    csv_date,
    percent,
    safe_text,
    xlsx_bytes,
)

from . import fees, statements

__all__ = [
    "CONTENT_TYPES",
    "Column",
    "Table",
    "csv_amount",
    "csv_date",
    "euros",
    "percent",
    "safe_text",
    "write_csv",
    "write_xlsx",
]


def write_csv(table):
    """The table as CSV bytes (the shared writer of `exports.writers`)."""
    return csv_bytes(table)


def write_xlsx(table, info=None):
    """The table as XLSX bytes; `info` (label, value) pairs on a second sheet."""
    return xlsx_bytes(table, info=(_("Informations"), info) if info else None)


ZERO = Decimal("0.00")

FORMATS = ("pdf", "csv", "xlsx")


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


def share_label(share):
    """'5/9 (55,6 %)', or '100 %' for an MSU alone."""
    share = Fraction(share)
    if share == 1:
        return percent(share)
    return f"{share.numerator}/{share.denominator} ({percent(share)})"


def rhythm(placement):
    return _("Temps partiel") if placement.part_time else _("Temps plein")


# Tables: what both file formats write ---------------------------------------------------------


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


def payment_table(lines, year):
    """The payment file: the PaymentLine rows one export sends (a reference the accounting
    department returns with the payment, the nature, the MSU, the period, the amounts)."""
    labels = short_kind_labels()
    kinds = statements.KIND_ORDER
    columns = [
        Column(_("Référence de ligne"), width=14),
        Column(_("Nature"), width=12),
        Column(_("Nom"), width=20),
        Column(_("Prénom"), width=16),
        Column(_("RPPS"), width=14),
        Column(_("Période"), width=28),
        Column(_("Du"), "date", 12),
        Column(_("Au"), "date", 12),
        Column(_("Étudiants"), "int", 10),
        *[Column(labels[kind], "money", 16) for kind in kinds],
        Column(_("Total"), "money", 16),
        Column(_("Lignes corrigées"), width=24),
    ]
    rows = []
    for line in lines:
        user = line.doctor.user
        amounts = {kind: Decimal(amount) for kind, amount in line.amounts.items()}
        rows.append(
            [
                line.reference,
                line.get_nature_display(),
                user.last_name,
                user.first_name,
                line.doctor.rpps,
                line.period.label,
                line.period.start,
                line.period.end,
                line.students,
                *[amounts.get(kind, ZERO) for kind in kinds],
                line.total,
                ", ".join(line.corrects),
            ]
        )
    total = [
        _("Total"),
        *[None] * 7,
        # No sum of the students: a student hosted by a team of two is on both MSUs' lines.
        None,
        *[sum((Decimal(line.amounts.get(kind, "0")) for line in lines), ZERO) for kind in kinds],
        sum((line.total for line in lines), ZERO),
        None,
    ]
    title = _("Paiements %(year)s") % {"year": statements.year_label(year)}
    return Table(title, columns, rows, total)


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
        "payments": statement.payments,
        "paid_total": statement.paid_total,
        "remaining": statement.remaining,
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
        return csv_bytes(table)
    return xlsx_bytes(table, info=(_("Informations"), statement_info(statement)))


# The faculty's payment export -------------------------------------------------------------------


def payment_filename(faculty, year, fmt):
    name = slugify(faculty.name)[:60] or str(faculty.pk)
    return f"paiements-msu-{name}-{statements.year_label(year)}.{fmt}"
