"""Each list as a file: the queue (tab and filters), the register of agréments and the
directory of MSUs, in CSV (read back with `;` and the BOM), XLSX (openpyxl) and ODS (odfpy);
the PDF list of approved MSUs; the COPY path writing the same lines as the Python one; the
purge; who may ask."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from odf.opendocument import load
from odf.style import Style, TableColumnProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from pypdf import PdfReader

from accounts.models import Organisation
from applications.workflow import Status
from exports import services, sources
from exports.models import Export
from stages import services as stage_services
from tests.factories import DoctorFactory, UserFactory
from tests.reports.timeline import STRAIGHT, at, walk
from tests.stages_helpers import add_agrements, make_msu, semester, student, team
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db
BOM = b"\xef\xbb\xbf"
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def staff():
    return make_staff()


def build(staff, kind, fmt, params=None, by=None):
    export = services.request_export(
        staff.faculty, by or staff.secretariat, kind, params or {}, fmt
    )
    assert services.build_export(export.pk)
    export.refresh_from_db()
    assert export.state == Export.State.DONE
    with export.file.open("rb") as handle:
        return export, handle.read()


def csv_rows(content):
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8")), delimiter=";"))


def ods_rows(content):
    document = load(io.BytesIO(content))
    sheet = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in sheet.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttribute("valuetype")
            if kind == "date":
                cells.append(datetime.date.fromisoformat(cell.getAttribute("datevalue")))
            elif kind == "float":
                cells.append(float(cell.getAttribute("value")))
            else:
                cells.append(str(cell) or None)
        rows.append(cells)
    return rows


QUEUE_HEADER = [
    "Dossier",
    "Nom",
    "Prénom",
    "RPPS",
    "UPP",
    "Type de demande",
    "Niveaux demandés",
    "État",
    "Transmis le",
    "Dernier changement d'état le",
    "Décidé le",
    "Âge (jours depuis la transmission)",
    "Jours dans l'état",
    "Signalements",
]


@pytest.fixture
def queue_dossiers(staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Sète", parent=staff.faculty)
    formula = DoctorFactory(
        faculty=staff.faculty, user=UserFactory(last_name="=HYPERLINK(1)"), upp=upp
    )
    with time_machine.travel(at(datetime.date(2026, 3, 2)), tick=False):
        old = submitted_application(staff, doctor=formula, levels=("externe", "niveau_1"))
    with time_machine.travel(at(datetime.date(2026, 11, 20)), tick=False):
        fresh = submitted_application(staff, levels=("saspas",))
        advanced = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
    decided = walk(staff, datetime.date(2026, 9, 1), STRAIGHT, levels=("niveau_1",))
    return {"old": old, "fresh": fresh, "admissible": advanced, "decided": decided, "upp": upp}


def test_the_queue_as_csv_one_line_per_dossier_of_the_tab(staff, queue_dossiers):
    with time_machine.travel(at(TODAY), tick=False):
        export, content = build(staff, "queue", "csv", {"onglet": "a-verifier"})
    header, *lines = csv_rows(content)
    assert header == QUEUE_HEADER
    assert export.total == 2 and len(lines) == 2
    old, fresh = lines  # oldest first, as on the page
    assert old[0] == queue_dossiers["old"].reference
    assert old[1] == "'=HYPERLINK(1)"  # a name typed as a formula stays text
    assert old[4] == "UPP Sète"
    assert old[5:8] == [
        "Première demande",
        "2e cycle (externes), Niveau 1 — stage chez le praticien (phase socle)",
        "Transmis",
    ]
    assert old[8:11] == ["02/03/2026", "02/03/2026", ""]
    assert old[11] == old[12] == str((TODAY - datetime.date(2026, 3, 2)).days)
    assert old[13] == "trop ancien ; en attente trop longue"
    assert fresh[6] == "SASPAS (niveau 2)" and fresh[11] == "11" and fresh[13] == ""
    assert export.filename == "dossiers-2026-12-01.csv"


def test_the_queue_export_keeps_the_filters_and_the_decided_tab(staff, queue_dossiers):
    with time_machine.travel(at(TODAY), tick=False):
        _export, content = build(
            staff, "queue", "csv", {"onglet": "a-verifier", "upp": queue_dossiers["upp"].pk}
        )
        _header, *lines = csv_rows(content)
        assert [line[0] for line in lines] == [queue_dossiers["old"].reference]
        _export, content = build(staff, "queue", "xlsx", {"onglet": "decides"})
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header, line = list(sheet.iter_rows(values_only=True))
    assert list(header) == QUEUE_HEADER
    decided_on = datetime.date(2026, 9, 1) + datetime.timedelta(days=40)
    assert line[10].date() == decided_on  # a date cell
    assert line[7] == "Décidé" and line[13] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_same_lines_as_the_python_path(staff, queue_dossiers, monkeypatch):
    with time_machine.travel(at(TODAY), tick=False):
        _export, by_copy = build(staff, "queue", "csv", {"onglet": "a-verifier"})
        monkeypatch.setattr(services, "uses_copy", lambda source, fmt: False)
        _export, by_python = build(staff, "queue", "csv", {"onglet": "a-verifier"})
    assert csv_rows(by_copy) == csv_rows(by_python)
    assert sources.uses_copy  # the real check is still there for the next test


@pytest.fixture
def register(staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Sète", parent=staff.faculty)
    current = make_msu(staff.faculty, levels=("niveau_1",), last_name="Aubert")
    current.upp = upp
    current.save()
    make_msu(
        staff.faculty,
        levels=("externe",),
        valid_from=datetime.date(2022, 1, 1),
        valid_until=datetime.date(2027, 3, 31),
        last_name="Bernard",
    )
    make_msu(
        staff.faculty,
        levels=("saspas",),
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
        last_name="Colin",
    )
    renewed = make_msu(
        staff.faculty,
        levels=("niveau_1",),
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2025, 12, 31),
        last_name="Durand",
    )
    add_agrements(renewed, ("niveau_1",), datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))
    make_msu(make_staff().faculty, last_name="Étranger")  # another faculty's
    return upp


REGISTER_HEADER = [
    "Nom",
    "Prénom",
    "RPPS",
    "Niveau",
    "Autorité",
    "Référence",
    "Valable du",
    "Valable jusqu'au",
    "Statut",
    "UPP",
    "Lieu d'exercice",
    "Commune",
    "Zonage",
    "Étudiants au plus",
    "MSU associé",
]


def test_the_register_as_xlsx_typed_frozen_and_filterable(staff, register):
    with time_machine.travel(at(TODAY), tick=False):
        _export, content = build(staff, "agrements", "xlsx", by=staff.admin)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O6"
    header, *lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == REGISTER_HEADER
    status = {(line[0], line[6].year): line[8] for line in lines}
    assert status == {
        ("Aubert", 2020): "En cours",
        ("Bernard", 2022): "À renouveler",
        ("Colin", 2020): "Expiré",
        ("Durand", 2020): "Renouvelé",
        ("Durand", 2026): "En cours",
    }
    aubert = lines[0]
    assert aubert[3] == "Niveau 1 — stage chez le praticien (phase socle)"
    assert aubert[4] == "Directeur général de l'ARS"
    assert aubert[7].date() == datetime.date(2030, 12, 31)
    assert aubert[9] == "UPP Sète" and aubert[12] == "Hors zonage"
    assert aubert[13] == 1 and isinstance(aubert[13], int)
    assert aubert[14] is None  # not an MSU associé


def test_the_register_filters_by_level_upp_and_status(staff, register):
    with time_machine.travel(at(TODAY), tick=False):
        for params, names in [
            ({"niveau": "niveau_1"}, ["Aubert", "Durand", "Durand"]),
            ({"upp": register.pk}, ["Aubert"]),
            ({"statut": "a_renouveler"}, ["Bernard"]),
            ({"statut": "renouvele", "niveau": "niveau_1"}, ["Durand"]),
        ]:
            _export, content = build(staff, "agrements", "csv", params)
            _header, *lines = csv_rows(content)
            assert [line[0] for line in lines] == names, params
            assert all(line[6].count("/") == 2 for line in lines)  # dd/mm/yyyy


def test_the_register_as_ods_opens_with_odfpy(staff, register):
    with time_machine.travel(at(TODAY), tick=False):
        _export, content = build(staff, "agrements", "ods", {"niveau": "externe"})
    assert zipfile.ZipFile(io.BytesIO(content)).namelist()[0] == "mimetype"
    header, line = ods_rows(content)
    assert header == REGISTER_HEADER
    assert line[0] == "Bernard" and line[8] == "À renouveler"
    assert line[6] == datetime.date(2022, 1, 1) and line[13] == 1.0
    # Each column as wide as in the XLSX file (LibreOffice's default cut the level labels).
    with time_machine.travel(at(TODAY), tick=False):
        _export, xlsx = build(staff, "agrements", "xlsx", {"niveau": "externe"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    xlsx_widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    odf = load(io.BytesIO(content))
    cm = {
        style.getAttribute("name"): style.getElementsByType(TableColumnProperties)[0]
        for style in odf.automaticstyles.getElementsByType(Style)
        if style.getAttribute("family") == "table-column"
    }
    ods_widths = [
        float(cm[column.getAttribute("stylename")].getAttribute("columnwidth").removesuffix("cm"))
        for column in odf.spreadsheet.getElementsByType(TableColumn)
    ]
    assert ods_widths == pytest.approx([w * 0.19 for w in xlsx_widths], abs=0.01)
    assert max(ods_widths) >= 5


def test_the_directory_with_offers_placements_tutees_and_obligations(staff):
    msu = make_msu(staff.faculty, levels=("niveau_1", "externe"), last_name="Aubert")
    msu.phone = "0400000000"
    msu.training_completed_on = datetime.date(2021, 6, 3)
    msu.save()
    make_msu(
        staff.faculty, valid_until=datetime.date(2025, 1, 1), last_name="Ancien"
    )  # no agrément in force: not in the directory
    period = semester(staff.faculty, staff.admin, start=datetime.date(2026, 11, 1))
    offer = stage_services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet Aubert", team(msu), capacity=2
    )
    placement = stage_services.place_student(offer, staff.admin, student())
    stage_services.assign_tutor(msu, placement.student, staff.admin, datetime.date(2026, 11, 2))
    with time_machine.travel(at(TODAY), tick=False):
        _export, content = build(staff, "directory", "ods", by=staff.admin)
        _export, csv_content = build(staff, "directory", "csv")
    header, line = ods_rows(content)
    assert header[:5] == ["Nom", "Prénom", "RPPS", "Adresse électronique", "Téléphone"]
    assert header[10:] == [
        "Niveaux agréés",
        "Terrains de stage de l'année",
        "Étudiants placés dans l'année",
        "Tutorés en cours",
        "Formation pédagogique initiale le",
        "Charte pédagogique signée",
    ]
    assert line[0] == "Aubert" and line[3] == msu.user.email and line[4] == "0400000000"
    assert line[10] == "2e cycle (externes), Niveau 1 — stage chez le praticien (phase socle)"
    assert line[11:14] == [1.0, 1.0, 1.0]
    assert line[14] == datetime.date(2021, 6, 3)
    (_header, csv_line) = csv_rows(csv_content)
    assert csv_line[14] == "03/06/2021"


def test_the_pdf_list_of_approved_msus_of_a_level(client, staff, register):
    client.force_login(staff.secretariat)
    with time_machine.travel(at(TODAY), tick=False):
        response = client.get(reverse("reports:agrements_pdf") + "?niveau=niveau_1")
    assert response["Content-Type"] == "application/pdf"
    assert "liste-msu-agrees-niveau-1-" in response["Content-Disposition"]  # no code name
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Liste des maîtres de stage agréés" in text
    assert str(staff.faculty) in text and "01/12/2026" in text
    assert "Aubert" in text and "Durand" in text
    assert "Bernard" not in text and "Colin" not in text  # another level; expired
    assert text.count("Durand") == 1  # the renewed agrément only: the old one ended


def test_an_export_says_until_when_it_stays_the_faculty_setting(staff):
    from accounts.models import FacultySettings

    FacultySettings.objects.create(faculty=staff.faculty, retention_export_days=3)
    export, _content = build(staff, "agrements", "csv")
    assert (export.expires_at - export.requested_at) == datetime.timedelta(days=3)


def test_who_may_ask_for_a_list(client, staff):
    doctor = DoctorFactory(faculty=staff.faculty).user
    other = make_staff()
    url = reverse("exports:request")
    data = {"kind": "agrements", "faculty": staff.faculty.pk, "format": "csv"}
    for user in (doctor, staff.visitor, staff.commission, other.admin, other.secretariat):
        client.force_login(user)
        assert client.post(url, data).status_code == 404
    assert not Export.objects.exists()
    # The payment file is the admin's: the secretariat is refused in French.
    client.force_login(staff.secretariat)
    response = client.post(
        url, {"kind": "payments", "faculty": staff.faculty.pk, "format": "csv", "year": 2026}
    )
    assert response.status_code == 404
    response = client.post(url, {**data, "format": "pdf"}, follow=True)
    assert "Choisissez le format de l&#x27;export : CSV, XLSX ou ODS." in response.content.decode()
    assert not Export.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("exports:list")
    assert Export.objects.get().kind == "agrements"
    page = client.get(reverse("exports:list")).content.decode()
    assert "Registre des agréments" in page
