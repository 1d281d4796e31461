"""The files: a statement as CSV (BOM, `;`, decimal comma, total line), XLSX (numbers and
dates as such) and PDF (read back with pypdf), and the faculty's payment export asked for on
the page, built by the task after commit with its progress, served to its faculty's admins
only."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.services import WorkflowError
from exports import services as export_services
from exports.models import Export as PaymentExport
from remuneration import services, statements
from remuneration.models import PaymentLine
from stages import services as stage_services
from stages.models import Period
from tests.remuneration.test_statement_pages import build_binome
from tests.stages_helpers import student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def binome():
    return build_binome(second_semester=True)


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def csv_rows(content):
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8")), delimiter=";"))


def test_statement_csv_is_for_a_french_spreadsheet(client, binome):
    response = download(client, binome.a.user, binome.url(binome.a, fmt="csv"))
    assert f'filename="releve-msu-{binome.a.rpps}-2026-2027.csv"' in response["Content-Disposition"]
    assert response.content.startswith(BOM)
    rows = csv_rows(response.content)
    header, *lines, total = rows
    assert header[:4] == ["Période", "Du", "Au", "Étudiant"]
    assert header[-2:] == ["Honoraires pédagogiques", "Total"]
    assert len(lines) == 2
    assert lines[0][1:4] == ["01/11/2026", "30/04/2027", "Martin Alix"]
    assert lines[0][-1] == "2000,00" and lines[1][-1] == "3600,00"
    assert total[0] == "Total" and total[-1] == "5600,00"


def test_statement_csv_of_a_semester_and_its_filename(client, binome):
    url = binome.url(binome.b, semester=1, fmt="csv")
    response = download(client, binome.staff.admin, url)
    assert f"releve-msu-{binome.b.rpps}-2026-2027-s1.csv" in response["Content-Disposition"]
    *_, total = csv_rows(response.content)
    assert total[-1] == "1600,00"


def test_statement_xlsx_has_numbers_dates_and_a_total(client, binome):
    response = download(client, binome.a.user, binome.url(binome.a, fmt="xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Relevé 2026-2027"
    rows = list(sheet.iter_rows())
    header, *lines, total = rows
    assert header[0].value == "Période" and header[0].font.bold
    assert isinstance(lines[0][1].value, datetime.datetime)
    assert lines[0][1].value.date() == datetime.date(2026, 11, 1)
    amounts = [row[-1].value for row in lines]
    assert all(isinstance(value, int | float) for value in amounts)
    assert "€" in lines[0][-1].number_format
    assert total[0].value == "Total" and total[-1].value == pytest.approx(sum(amounts))
    assert total[-1].value == pytest.approx(5600)
    # The MSU, the faculty and the yearly amount (not in the total) on a second sheet.
    info = {row[0]: row[1] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert info["RPPS"] == binome.a.rpps
    assert any("2026" in label and value == 800 for label, value in info.items())


def test_statement_pdf_reads_with_the_msu_and_the_total(client, binome):
    response = download(client, binome.a.user, binome.url(binome.a, semester=1, fmt="pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "-s1.pdf" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "Camille Aubert" in text and binome.a.rpps in text
    assert "2 000,00 €" in text and "Alix Martin" in text
    assert "Page 1 / 1" in text


def payment_export(client, binome, fmt, user=None, captured=None):
    client.force_login(user or binome.staff.admin)
    with captured(execute=True):
        response = client.post(
            reverse("remuneration:export_request"),
            {"faculty": binome.faculty.pk, "year": 2026, "format": fmt},
        )
    return response


def test_payment_export_built_after_commit_one_line_per_msu_and_period(
    client, binome, django_capture_on_commit_callbacks
):
    response = payment_export(client, binome, "csv", captured=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    export = PaymentExport.objects.get()
    assert export.state == PaymentExport.State.DONE and export.finished_at is not None
    assert (export.done, export.total, export.percent) == (2, 2, 100)

    status = client.get(reverse("exports:status", args=[export.pk])).content.decode()
    assert reverse("exports:download", args=[export.pk]) in status
    assert "hx-trigger" not in status

    file = download(client, binome.staff.admin, reverse("exports:download", args=[export.pk]))
    content = b"".join(file.streaming_content)
    header, *lines, total = csv_rows(content)
    assert header == [
        "Référence de ligne",
        "Nature",
        "Nom",
        "Prénom",
        "RPPS",
        "Période",
        "Du",
        "Au",
        "Étudiants",
        "Honoraires pédagogiques",
        "Indemnité de supervision",
        "Supplément ZIP/ZAC/QPV",
        "Supplément PDSA",
        "Supplément COSCOM",
        "Total",
        "Lignes corrigées",
    ]
    # Aubert: both semesters; Bernard: the first. Each line has its own reference.
    assert [(line[1], line[2], line[6], line[8], line[-2]) for line in lines] == [
        ("Paiement", "Aubert", "01/11/2026", "1", "2000,00"),
        ("Paiement", "Aubert", "01/05/2027", "1", "3600,00"),
        ("Paiement", "Bernard", "01/11/2026", "1", "1600,00"),
    ]
    assert [line[0] for line in lines] == [
        line.reference for line in PaymentLine.objects.order_by("doctor__user__last_name", "pk")
    ]
    owed = sum(
        statements.statement_for(binome.faculty, doctor, 2026).total()
        for doctor in (binome.a, binome.b)
    )
    # No students' total: the first semester's student is on both MSUs' lines (it said 3).
    assert total[0] == "Total" and total[8] == ""
    assert Decimal(total[-2].replace(",", ".")) == owed == Decimal("7200.00")


def test_payment_export_xlsx_sums_to_its_total(client, binome, django_capture_on_commit_callbacks):
    payment_export(client, binome, "xlsx", captured=django_capture_on_commit_callbacks)
    export = PaymentExport.objects.get()
    assert export.state == PaymentExport.State.DONE
    with export.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
    header, *lines, total = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Paiements 2026-2027"
    assert len(lines) == 3 and isinstance(lines[0][6], datetime.datetime)
    assert total[-2] == pytest.approx(sum(line[-2] for line in lines)) == pytest.approx(7200)


def test_the_status_partial_shows_the_progress_while_building(client, binome):
    export = PaymentExport.objects.create(
        kind="payments",
        params={"year": 2026},
        faculty=binome.faculty,
        format="csv",
        state=PaymentExport.State.RUNNING,
        done=150,
        total=600,
    )
    client.force_login(binome.staff.admin)
    url = reverse("exports:status", args=[export.pk])
    html = client.get(url).content.decode()
    assert "150 / 600 placements (25 %)" in html
    assert 'hx-trigger="every 2s"' in html and f'hx-get="{url}"' in html
    page = client.get(reverse("remuneration:faculty_home") + "?year=2026").content.decode()
    assert "150 / 600 placements (25 %)" in page
    # Not ready: nothing to download yet.
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_a_failed_build_says_so_in_french(
    client, binome, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(statements, "payment_rows", broken)
    with pytest.raises(ValueError):
        payment_export(client, binome, "csv", captured=django_capture_on_commit_callbacks)
    export = PaymentExport.objects.get()
    assert export.state == PaymentExport.State.FAILED
    html = client.get(reverse("exports:status", args=[export.pk])).content.decode()
    assert "L&#x27;export n&#x27;a pas pu être produit" in html
    assert "hx-trigger" not in html and "boom" not in html


def test_exports_are_for_the_faculty_admins_only(
    client, binome, django_capture_on_commit_callbacks
):
    payment_export(client, binome, "csv", captured=django_capture_on_commit_callbacks)
    export = PaymentExport.objects.get()
    other_staff = make_staff()
    for user in (other_staff.admin, binome.staff.secretariat, binome.a.user):
        client.force_login(user)
        for name in ("status", "download"):
            assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 404
        response = client.post(
            reverse("remuneration:export_request"),
            {"faculty": binome.faculty.pk, "year": 2026, "format": "csv"},
        )
        assert response.status_code == 404
    assert PaymentExport.objects.count() == 1
    with pytest.raises(WorkflowError):
        services.request_export(binome.faculty, binome.staff.secretariat, 2026, "csv")


def test_an_unknown_format_is_refused_with_a_message(client, binome):
    client.force_login(binome.staff.admin)
    response = client.post(
        reverse("remuneration:export_request"),
        {"faculty": binome.faculty.pk, "year": 2026, "format": "pdf"},
        follow=True,
    )
    assert "Choisissez le format de l&#x27;export" in response.content.decode()
    assert not PaymentExport.objects.exists()


def test_the_sweeper_restarts_lost_exports_and_closes_interrupted_ones(binome):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    payments = {"kind": "payments", "params": {"year": 2026}, "faculty": binome.faculty}
    lost = PaymentExport.objects.create(**payments, format="csv", requested_at=long_ago)
    interrupted = PaymentExport.objects.create(
        **payments, format="xlsx", state="running", requested_at=long_ago
    )
    fresh = PaymentExport.objects.create(**payments, format="csv")
    assert export_services.sweep() == (1, 1)  # the lost one rebuilt at once (eager)
    lost.refresh_from_db(), interrupted.refresh_from_db(), fresh.refresh_from_db()
    assert lost.state == "done" and lost.file
    assert interrupted.state == "failed" and "interrompu" in interrupted.error
    assert fresh.state == "pending"
    assert export_services.sweep() == (0, 0)


def test_students_column_counts_the_students_of_each_msu_and_period(
    client, binome, django_capture_on_commit_callbacks
):
    # In the first semester Bernard also hosts, alone, a second interne.
    period = Period.objects.get(faculty=binome.faculty, start=datetime.date(2026, 11, 1))
    alone = stage_services.create_offer(
        period, binome.staff.admin, "niveau_1", "Cabinet Bernard", team(binome.b)
    )
    stage_services.place_student(alone, binome.staff.admin, student("21000003", "Roux", "Lou"))
    payment_export(client, binome, "csv", captured=django_capture_on_commit_callbacks)
    with PaymentExport.objects.get().file.open("rb") as handle:
        _header, *lines, _total = csv_rows(handle.read())
    counts = {(line[2], line[6]): (line[8], line[-2]) for line in lines}
    assert counts[("Bernard", "01/11/2026")] == ("2", "5200,00")
    assert counts[("Aubert", "01/11/2026")] == ("1", "2000,00")


def test_names_typed_as_formulas_stay_text_in_the_files(client):
    """A student or a doctor named '=HYPERLINK(…)' must not become a live formula in the
    accounting department's spreadsheet."""
    from tests.stages_helpers import make_msu, semester

    staff = make_staff()
    msu = make_msu(staff.faculty, last_name="=2+5")
    offer = stage_services.create_offer(
        semester(staff.faculty, staff.admin), staff.admin, "niveau_1", "@Cabinet", team(msu)
    )
    stage_services.place_student(
        offer, staff.admin, student("1", '=HYPERLINK("http://example.org","x")', "-Alix")
    )
    url = reverse(
        "remuneration:statement_download",
        kwargs={"faculty_pk": staff.faculty.pk, "doctor_pk": msu.pk, "year": 2026, "fmt": "csv"},
    )
    rows = csv_rows(download(client, msu.user, url).content)
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]

    workbook = openpyxl.load_workbook(
        io.BytesIO(download(client, msu.user, url.replace(".csv", ".xlsx")).content)
    )
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(str(cell.value).startswith("'=HYPERLINK") for cell in cells)

    # The payment export carries the doctor's own name: text too.
    for fmt in ("csv", "xlsx"):
        # Each export sends only what was not sent yet: start the ledger afresh for the
        # second format.
        PaymentLine.objects.all().delete()
        export = services.request_export(staff.faculty, staff.admin, 2026, fmt)
        export_services.build_export(export.pk)
        export.refresh_from_db()
        content = export.file.read()
        if fmt == "csv":
            assert "'=2+5" in [cell for row in csv_rows(content) for cell in row]
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
            values = [cell for row in sheet.iter_rows() for cell in row]
            assert not [cell.coordinate for cell in values if cell.data_type == "f"]
            assert "'=2+5" in [cell.value for cell in values]
