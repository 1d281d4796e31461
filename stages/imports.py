"""Importing students and their placements from the scolarité's list (CSV or XLSX), for one
period.

1. `read_file` turns the file into lines (a French `ImportFileError` for a file that cannot be
   read, a missing column, too many lines) and `create_batch` stores them with the choice
   "all or nothing".
2. `preview` runs the whole import inside a transaction that is rolled back: each line goes
   through `services.place_student`, the one place of the placement rules, so the reasons
   shown (unknown offer, full, overlap, agrément ending, a known student number under another
   name) are exactly those of an import, lines of the same file counting against each other
   (two lines filling the last seat, the same student twice).
3. `run` does the same and keeps the accepted lines, in one transaction; with "all or
   nothing", a single refused line saves nothing.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.services import WorkflowError

from . import services
from .models import Offer, Student
from .records import ImportBatch

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 2000

# (column, required, what it holds) — shown on the import page and written in the template.
COLUMNS = [
    ("numero_etudiant", True, gettext_lazy("numéro d'étudiant (jusqu'à 20 caractères)")),
    ("nom", True, gettext_lazy("nom de famille")),
    ("prenom", True, gettext_lazy("prénom")),
    ("promotion", True, gettext_lazy("année d'entrée dans le cycle, par exemple 2025")),
    (
        "terrain",
        True,
        gettext_lazy(
            "numéro du terrain de stage de la période (indiqué sur la page de la période) "
            "ou son intitulé exact"
        ),
    ),
    (
        "temps_partiel",
        False,
        gettext_lazy("« oui » pour un stage à temps partiel ; vide ou « non » sinon"),
    ),
    (
        "email",
        False,
        gettext_lazy("adresse électronique de l'étudiant, pour ses liens d'évaluation"),
    ),
]
REQUIRED = [name for name, required, _help in COLUMNS if required]
NAMES = [name for name, _required, _help in COLUMNS]
# Headers are compared without accents, case or punctuation ("Numéro d'étudiant" →
# "numero_d_etudiant"); these are the usual other names of the columns.
ALIASES = {
    "numero": "numero_etudiant",
    "numero_d_etudiant": "numero_etudiant",
    "n_etudiant": "numero_etudiant",
    "nom_de_famille": "nom",
    "terrain_de_stage": "terrain",
    "e_mail": "email",
    "courriel": "email",
    "adresse_electronique": "email",
}
YES = {"oui", "o", "1", "x", "vrai"}
NO = {"", "non", "n", "0", "faux"}


class ImportFileError(Exception):
    """The file cannot be read as a list of students; the message is French."""


def template_csv():
    """The downloadable template: the header and one example line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(NAMES)
    writer.writerow(["22001234", "Martin", "Alix", "2025", "12", "non", "alix.martin@example.org"])
    return "\ufeff" + out.getvalue()  # Excel opens a UTF-8 file with its BOM as UTF-8


# --- Reading -------------------------------------------------------------------------------


def _header(cells):
    names = []
    for cell in cells:
        plain = unicodedata.normalize("NFKD", str(cell or "")).encode("ascii", "ignore").decode()
        name = "_".join(re.findall(r"[a-z0-9]+", plain.casefold()))
        names.append(ALIASES.get(name, name))
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportFileError(
            _(
                "La première ligne du fichier doit nommer les colonnes ; il manque : %(missing)s. "
                "Partez du modèle proposé sur cette page."
            )
            % {"missing": ", ".join(missing)}
        )
    return names


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a spreadsheet cell
    return " ".join(str(value).split())


def _rows(names, lines):
    rows = []
    for number, cells in lines:
        values = [_text(c) for c in cells]
        if not any(values):
            continue
        row = {name: values[i] if i < len(values) else "" for i, name in enumerate(names)}
        rows.append({"line": number, **{name: row.get(name, "") for name in NAMES}})
        if len(rows) > MAX_LINES:
            raise ImportFileError(
                _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_LINES}
            )
    if not rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne d'étudiant."))
    return rows


def _read_csv(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n'est pas un fichier CSV ou XLSX lisible."))
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error:
        raise ImportFileError(_("Ce fichier n'est pas un fichier CSV ou XLSX lisible.")) from None
    if not lines:
        raise ImportFileError(_("Le fichier est vide."))
    names = _header(lines[0])
    return _rows(names, ((i, cells) for i, cells in enumerate(lines[1:], start=2)))


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise ImportFileError(_("Le fichier est vide."))
        names = _header(header)
        rows = _rows(names, ((i, cells) for i, cells in enumerate(lines, start=2)))
        workbook.close()
        return rows
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportFileError(_("Ce fichier n'est pas un fichier CSV ou XLSX lisible.")) from None


def read_file(uploaded):
    """The lines of an uploaded CSV or XLSX file: [{"line": 2, "numero_etudiant": …}, …]."""
    if uploaded.size > MAX_BYTES:
        raise ImportFileError(_("Le fichier dépasse 2 Mo."))
    data = uploaded.read()
    if not data.strip():
        raise ImportFileError(_("Le fichier est vide."))
    name = (uploaded.name or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return _read_xlsx(data)
    extension = name.rpartition(".")[2] if "." in name else ""
    if extension not in ("", "csv", "txt"):  # whatever else it is, it is not a list to read
        raise ImportFileError(
            _(
                "Seuls les fichiers CSV et XLSX sont acceptés ; enregistrez la liste dans l'un "
                "d'eux."
            )
        )
    return _read_csv(data)


@transaction.atomic
def create_batch(period, by, uploaded, all_or_nothing=False):
    services.require_faculty_admin(by, period.faculty_id)
    rows = read_file(uploaded)
    return ImportBatch.objects.create(
        faculty_id=period.faculty_id,
        period=period,
        filename=(uploaded.name or "")[:255],
        rows=rows,
        all_or_nothing=all_or_nothing,
        created_by=by,
    )


# --- Checking and importing ----------------------------------------------------------------


@dataclass
class LineResult:
    line: int
    data: dict
    reasons: list = field(default_factory=list)
    offer: Offer | None = None

    @property
    def ok(self):
        return not self.reasons


def _shape_problems(row):
    problems = []
    for name, label in (
        ("numero_etudiant", _("le numéro d'étudiant")),
        ("nom", _("le nom")),
        ("prenom", _("le prénom")),
        ("terrain", _("le terrain de stage")),
    ):
        if not row.get(name):
            problems.append(_("Il manque %(what)s.") % {"what": label})
    if len(row.get("numero_etudiant", "")) > 20:
        problems.append(_("Le numéro d'étudiant compte au plus 20 caractères."))
    if len(row.get("nom", "")) > 150 or len(row.get("prenom", "")) > 150:
        problems.append(_("Le nom et le prénom comptent au plus 150 caractères."))
    promotion = row.get("promotion", "")
    if not (promotion.isdigit() and 1990 <= int(promotion) <= 2100):
        problems.append(
            _("La promotion « %(value)s » n'est pas une année (par exemple 2025).")
            % {"value": promotion}
        )
    if row.get("temps_partiel", "").casefold() not in YES | NO:
        problems.append(
            _("Temps partiel : « %(value)s » n'est ni « oui » ni « non ».")
            % {"value": row["temps_partiel"]}
        )
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append(
                _("L'adresse « %(value)s » n'est pas une adresse électronique.")
                % {"value": row["email"]}
            )
    return problems


def _offers(period):
    offers = list(Offer.objects.filter(period=period).select_related("period"))
    by_pk = {str(o.pk): o for o in offers}
    by_label = {}
    for offer in offers:
        by_label.setdefault(offer.label.casefold(), []).append(offer)
    return by_pk, by_label


def _find_offer(value, by_pk, by_label):
    if value.isdigit():
        return by_pk.get(value), None
    found = by_label.get(" ".join(value.split()).casefold(), [])
    if len(found) > 1:
        return None, _(
            "Plusieurs terrains de stage s'intitulent « %(value)s » : donnez son numéro."
        ) % {"value": value}
    return (found[0] if found else None), None


def _apply(batch, by):
    """Every line placed in turn (each in its savepoint); returns the LineResults."""
    services.require_faculty_admin(by, batch.faculty_id)
    by_pk, by_label = _offers(batch.period)
    results, emails = [], []
    for row in batch.rows:
        result = LineResult(line=row["line"], data=row, reasons=_shape_problems(row))
        offer, ambiguous = _find_offer(row.get("terrain", ""), by_pk, by_label)
        if ambiguous:
            result.reasons.append(ambiguous)
        elif row.get("terrain") and offer is None:
            result.reasons.append(
                _("Terrain de stage « %(value)s » inconnu pour la période « %(period)s ».")
                % {"value": row["terrain"], "period": batch.period.label}
            )
        result.offer = offer
        if result.ok:
            student = services.StudentInput(
                row["numero_etudiant"], row["nom"], row["prenom"], int(row["promotion"])
            )
            try:
                with transaction.atomic():
                    placement = services.place_student(
                        offer,
                        by,
                        student,
                        part_time=row.get("temps_partiel", "").casefold() in YES,
                    )
            except WorkflowError as error:
                result.reasons.extend(error.messages)
            else:
                if row.get("email") and placement.student.email != row["email"]:
                    placement.student.email = row["email"]
                    emails.append(placement.student)
        results.append(result)
    Student.objects.bulk_update(emails, ["email"], batch_size=500)
    return results


def preview(batch, by):
    """What `run` would do now, saving nothing."""
    with transaction.atomic():
        results = _apply(batch, by)
        transaction.set_rollback(True)
    return results


@transaction.atomic
def run(batch, by):
    """Import the accepted lines; with "all or nothing", nothing at all if one is refused.
    Returns the LineResults; raises WorkflowError (nothing saved) when the batch was imported
    already or when "all or nothing" meets a refused line."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.imported_at is not None:
        raise WorkflowError(_("Ce fichier a déjà été importé."))
    results = _apply(batch, by)
    refused = [r for r in results if not r.ok]
    if batch.all_or_nothing and refused:
        transaction.set_rollback(True)
        raise WorkflowError(
            _(
                "Rien n'a été importé : %(n)s ligne(s) refusée(s) et vous avez demandé « tout ou "
                "rien ». Corrigez le fichier et importez-le de nouveau."
            )
            % {"n": len(refused)}
        )
    batch.imported_at = timezone.now()
    batch.imported_count = len(results) - len(refused)
    batch.save(update_fields=["imported_at", "imported_count"])
    return results
