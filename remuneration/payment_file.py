"""The accounting department's file of payments made, read (CSV or XLSX): plain parsing, no
database. Each data line gives a line reference of a payment export, the payment date and the
mandate or batch reference; other columns (the export's own, returned as they were) are
ignored. The checks against the database are the service's (`services.import_payments`).

Columns (header row, in any order, case and accents ignored):
- « Référence de ligne » — as in the payment export, e.g. MSU-0000042;
- « Date de paiement » — dd/mm/yyyy (or yyyy-mm-dd, or a date cell of the spreadsheet);
- « Mandat ou lot » — the mandate number or the batch reference of the payment.
A line with a reference but neither date nor mandate is a line not paid yet: skipped.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000

REFERENCE, DATE, MANDATE = "reference", "date", "mandate"
HEADERS = {
    REFERENCE: gettext_lazy("Référence de ligne"),
    DATE: gettext_lazy("Date de paiement"),
    MANDATE: gettext_lazy("Mandat ou lot"),
}
# Other spellings met in accounting files.
ALIASES = {
    REFERENCE: {"reference", "reference de ligne", "ref", "ligne"},
    DATE: {"date de paiement", "date paiement", "date", "paye le", "payee le"},
    MANDATE: {"mandat ou lot", "mandat", "lot", "numero de mandat", "reference du mandat"},
}


class PaymentFileError(ValueError):
    """The file as a whole cannot be read (its message is French)."""


@dataclass
class FileLine:
    number: int  # the line number in the file (the header is line 1)
    reference: str
    paid_on: datetime.date | None
    mandate: str
    problem: str = ""
    skipped: bool = False  # neither date nor mandate: not paid yet (the template's blank lines)


def _key(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


def _rows_of_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _rows_of_xlsx(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a broken or disguised file: openpyxl raises many kinds
        raise PaymentFileError(
            _("Ce fichier XLSX ne peut pas être lu : enregistrez-le de nouveau depuis le tableur.")
        ) from error
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else cell for cell in row])
        if len(rows) > MAX_LINES + 1:
            break
    workbook.close()
    return rows


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def read(name, data):
    """[FileLine] of the file `name` (its bytes `data`); PaymentFileError when the file as a
    whole is unusable."""
    if len(data) > MAX_BYTES:
        raise PaymentFileError(_("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."))
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        rows = _rows_of_xlsx(data)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        rows = _rows_of_csv(data)
    else:
        raise PaymentFileError(_("Déposez un fichier CSV ou XLSX."))
    rows = [row for row in rows if any(str(cell).strip() for cell in row)]
    if not rows:
        raise PaymentFileError(_("Le fichier est vide."))
    header = [_key(cell) for cell in rows[0]]
    positions = {}
    for column, names in ALIASES.items():
        for index, title in enumerate(header):
            if title in names:
                positions[column] = index
                break
    missing = [str(HEADERS[c]) for c in (REFERENCE, DATE, MANDATE) if c not in positions]
    if missing:
        raise PaymentFileError(
            _("Colonnes manquantes dans la première ligne du fichier : %(columns)s.")
            % {"columns": ", ".join(f"« {title} »" for title in missing)}
        )
    if len(rows) - 1 > MAX_LINES:
        raise PaymentFileError(
            _("Le fichier compte plus de %(n)s lignes : découpez-le.") % {"n": MAX_LINES}
        )

    def cell(row, column):
        index = positions[column]
        return row[index] if index < len(row) else ""

    lines = []
    for number, row in enumerate(rows[1:], start=2):
        reference = str(cell(row, REFERENCE)).strip()
        if not reference:
            continue  # a total or a blank line
        raw_date = cell(row, DATE)
        paid_on = parse_date(raw_date)
        mandate = str(cell(row, MANDATE)).strip()
        problem = ""
        if not str(raw_date).strip() and not mandate:
            lines.append(FileLine(number, reference, None, "", skipped=True))
            continue
        if paid_on is None:
            problem = (
                _("la date de paiement « %(value)s » n'est pas une date (jj/mm/aaaa).")
                % {"value": raw_date}
                if str(raw_date).strip()
                else _("la date de paiement manque.")
            )
        elif not mandate:
            problem = _("le mandat ou le lot manque.")
        elif len(mandate) > 100:
            problem = _("le mandat ou le lot dépasse 100 caractères.")
        lines.append(FileLine(number, reference, paid_on, mandate, problem))
    return lines
