"""The MSU's « Mes obligations » page (upload of a charter or an attestation, with the upload
checks), the faculty's list of MSUs behind (filters, export, query count), one MSU's page,
the UPP meetings and their attendance, and who may open each page."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from exports import services as export_services
from exports.models import Export
from obligations import services
from obligations.models import Attestation, ObligationEvent, ObligationStatus
from tests.factories import DoctorFactory, UserFactory
from tests.files import EXE_BYTES, pdf_upload, upload
from tests.stages_helpers import make_msu
from tests.workflow_helpers import make_staff

from .helpers import attest, up_to_date

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 1)
BOM = b"\xef\xbb\xbf"


@pytest.fixture(autouse=True)
def _today():
    moment = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(10)))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


# --- The MSU's page ------------------------------------------------------------------------


def test_the_msu_uploads_the_signed_charter_and_sees_it_done(client, staff):
    msu = make_msu(staff.faculty, valid_from=D(2026, 1, 15), valid_until=D(2030, 1, 14))
    client.force_login(msu.user)
    url = reverse("obligations:mine")
    page = client.get(url).content.decode()
    charter_row = page.split('id="obligation-charter"', 1)[1].split("</tr>", 1)[0]
    assert "En retard" in charter_row and "depuis le 15/04/2026" in charter_row
    # Nothing done yet: said in a sentence, not as the first item of a numbered list.
    assert '<p id="historique">Rien pour le moment.</p>' in page
    response = client.post(
        url, {"kind": "charter", "done_on": "2026-11-30", "file": pdf_upload("charte.pdf")}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    charter_row = page.split('id="obligation-charter"', 1)[1].split("</tr>", 1)[0]
    assert "Fait" in charter_row and "30/11/2026" in charter_row
    assert "charte.pdf" in page
    assert "Charte pédagogique signée déposée" in page.split('id="historique"', 1)[1]
    attestation = Attestation.objects.get(doctor=msu)
    assert attestation.file.name.startswith(f"obligations/{msu.pk}/")
    # The faculty's list no longer counts them behind on the charter.
    assert not ObligationStatus.objects.filter(
        doctor=msu, obligation="charter", due_on__isnull=False
    ).exists()
    # The file is served to its owner, privately.
    download = client.get(reverse("obligations:attestation", args=[attestation.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    b"".join(download.streaming_content)


def test_a_refused_file_or_a_future_date_stores_nothing(client, staff):
    msu = make_msu(staff.faculty)
    client.force_login(msu.user)
    url = reverse("obligations:mine")
    response = client.post(
        url,
        {
            "kind": "initial_training",
            "done_on": "2026-06-01",
            "body": "Organisme agréé",
            "file": upload("attestation.pdf", EXE_BYTES),
        },
    )
    assert response.status_code == 400
    assert "son contenu a été vérifié, pas seulement son nom" in response.content.decode()
    response = client.post(
        url,
        {
            "kind": "initial_training",
            "done_on": "2027-06-01",
            "body": "Organisme agréé",
            "file": pdf_upload(),
        },
    )
    assert response.status_code == 400
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    response = client.post(
        url, {"kind": "initial_training", "done_on": "2026-06-01", "file": pdf_upload()}
    )
    assert response.status_code == 400
    assert "Indiquez l&#x27;organisme" in response.content.decode()
    assert not Attestation.objects.exists()
    assert not ObligationEvent.objects.exists()


def test_a_doctor_without_agrement_has_nothing_to_follow(client, staff):
    doctor = DoctorFactory(faculty=staff.faculty)
    client.force_login(doctor.user)
    response = client.get(reverse("obligations:mine"))
    assert response.status_code == 200
    assert "Vous n'avez pas d'agrément en cours" in response.content.decode()
    client.force_login(staff.secretariat)  # not a doctor
    assert client.get(reverse("obligations:mine")).status_code == 404


def test_a_withdrawn_agrement_ends_the_obligations_a_suspended_one_keeps_them(client, staff):
    from applications.models import Agrement
    from tests.workflow_helpers import decide_review, review_in_commission

    withdrawn, suspended = make_msu(staff.faculty), make_msu(staff.faculty)
    withdrawn_later = make_msu(staff.faculty)
    for msu, outcome, extra in (
        (withdrawn, "withdrawn", {}),
        (suspended, "suspended", {"until": TODAY + datetime.timedelta(days=90)}),
        (withdrawn_later, "withdrawn", {"effective_on": TODAY + datetime.timedelta(days=30)}),
    ):
        (agrement,) = Agrement.objects.filter(doctor=msu)
        review = review_in_commission(staff, [agrement])
        decide_review(review, agrement, staff.secretariat, outcome, **extra)
    services.refresh_all(TODAY)

    assert not ObligationStatus.objects.filter(doctor=withdrawn).exists()
    assert ObligationStatus.objects.filter(doctor=suspended).exists()
    # A withdrawal taking effect next month: followed until then.
    assert ObligationStatus.objects.filter(doctor=withdrawn_later).exists()
    services.refresh_all(TODAY + datetime.timedelta(days=30))
    assert not ObligationStatus.objects.filter(doctor=withdrawn_later).exists()
    services.refresh_all(TODAY)
    client.force_login(withdrawn.user)
    assert (
        "Vous n'avez pas d'agrément en cours"
        in client.get(reverse("obligations:mine")).content.decode()
    )
    client.force_login(staff.secretariat)
    behind = client.get(reverse("obligations:behind")).content.decode()
    assert reverse("obligations:msu", args=[suspended.pk]) in behind
    assert reverse("obligations:msu", args=[withdrawn.pk]) not in behind


def test_only_its_owner_and_the_faculty_staff_read_an_attestation(client, staff):
    msu = make_msu(staff.faculty)
    attestation = attest(msu, "charter", D(2026, 11, 1))
    url = reverse("obligations:attestation", args=[attestation.pk])
    other_faculty = make_staff()
    for user, expected in [
        (make_msu(staff.faculty).user, 404),
        (other_faculty.secretariat, 404),
        (other_faculty.admin, 404),
        (staff.visitor, 404),
        (staff.secretariat, 200),
        (staff.admin, 200),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            b"".join(response.streaming_content)
    # Each download is in the audit, not in the MSU's history.
    assert ObligationEvent.objects.filter(action="attestation_downloaded").count() == 2
    client.force_login(msu.user)
    page = client.get(reverse("obligations:mine")).content.decode()
    assert "téléchargée" not in page.split('id="historique"', 1)[1]


# --- The faculty's list of MSUs behind -----------------------------------------------------


@pytest.fixture
def behind_world(staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Béziers", parent=staff.faculty)
    late = make_msu(staff.faculty, last_name="Retard")
    late.upp = upp
    late.save()
    attest(late, "initial_training", D(2024, 5, 2))
    attest(late, "charter", D(2024, 5, 2))
    attest(late, "continuing_training", D(2025, 10, 1))  # next one due 1 October 2026
    fine = make_msu(staff.faculty, last_name="Ponctuel")
    up_to_date(fine, TODAY)
    elsewhere = make_msu(make_staff().faculty, last_name="Ailleurs")  # another faculty's
    services.refresh_all(TODAY)
    return {"upp": upp, "late": late, "fine": fine, "elsewhere": elsewhere}


def _rows(html):
    if 'id="en-retard"' not in html:
        return []
    body = html.split('id="en-retard"', 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr>")[2:]


def test_the_behind_list_filters_by_obligation_upp_and_name(client, staff, behind_world):
    client.force_login(staff.secretariat)
    url = reverse("obligations:behind")
    rows = _rows(client.get(url).content.decode())
    # Retard: behind on continuing training and on UPP meetings; the others never listed.
    assert len(rows) == 2
    assert all("Retard" in row for row in rows)
    rows = _rows(client.get(url, {"obligation": "continuing_training"}).content.decode())
    (row,) = rows
    assert "Formation continue des MSU" in row and "depuis le 01/10/2026" in row
    assert "01/10/2025" in row  # the last one done
    assert len(_rows(client.get(url, {"upp": behind_world["upp"].pk}).content.decode())) == 2
    other_upp = Organisation.objects.create(kind="upp", name="UPP Sète", parent=staff.faculty)
    html = client.get(url, {"upp": other_upp.pk}).content.decode()
    assert _rows(html) == [] and "Aucun MSU en retard" in html
    assert len(_rows(client.get(url, {"q": "retard"}).content.decode())) == 2
    assert _rows(client.get(url, {"q": "ponctuel"}).content.decode()) == []


def test_the_behind_list_exports_with_its_filters(staff, behind_world):
    export = export_services.request_export(
        staff.faculty,
        staff.secretariat,
        "obligations_behind",
        {"obligation": "continuing_training", "ignored": "x"},
        "csv",
    )
    assert export.params == {"obligation": "continuing_training"}
    assert export_services.build_export(export.pk)
    export.refresh_from_db()
    assert export.state == Export.State.DONE
    assert export.filename == "msu-en-retard-2026-12-01.csv"
    with export.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(BOM)
    header, *lines = list(
        csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8")), delimiter=";")
    )
    assert header[:3] == ["Nom", "Prénom", "RPPS"] and "Obligation" in header
    (line,) = lines
    assert line[0] == "Retard"
    assert line[5] == "Formation continue des MSU"
    assert line[6] == "01/10/2026"
    for fmt in ("xlsx", "ods"):
        other = export_services.request_export(
            staff.faculty, staff.admin, "obligations_behind", {}, fmt
        )
        assert export_services.build_export(other.pk)


def test_the_behind_list_and_its_export_are_the_faculty_staffs(client, staff, behind_world):
    other = make_staff()
    for user in (staff.visitor, staff.commission, behind_world["late"].user):
        client.force_login(user)
        assert client.get(reverse("obligations:behind")).status_code == 404
    # Another faculty's secretariat sees their own faculty's list, never this one's.
    client.force_login(other.secretariat)
    own = client.get(reverse("obligations:behind"))
    assert own.status_code == 200 and "Retard" not in own.content.decode()
    client.force_login(other.admin)
    asked = client.get(reverse("obligations:behind"), {"faculte": staff.faculty.pk})
    assert asked.status_code == 404
    response = client.post(
        reverse("exports:request"),
        {"kind": "obligations_behind", "faculty": staff.faculty.pk, "format": "csv"},
    )
    assert response.status_code in (403, 404)
    assert not Export.objects.exists()


def test_the_behind_list_costs_the_same_queries_whatever_its_length(client, staff):
    def grow(n):
        for _i in range(n):
            msu = make_msu(staff.faculty)
            msu.upp = Organisation.objects.create(
                kind="upp", name=f"UPP {msu.pk}", parent=staff.faculty
            )
            msu.save()
        services.refresh_all(TODAY)

    client.force_login(staff.admin)
    url = reverse("obligations:behind")

    def measure():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(_rows(response.content.decode()))

    grow(2)
    few, rows_few = measure()
    grow(5)
    many, rows_many = measure()
    assert rows_many > rows_few
    assert many == few


def test_one_msus_page_for_the_staff(client, staff, behind_world):
    client.force_login(staff.secretariat)
    url = reverse("obligations:msu", args=[behind_world["late"].pk])
    page = client.get(url).content.decode()
    row = page.split('id="obligation-continuing_training"', 1)[1].split("</tr>", 1)[0]
    assert "En retard" in row
    assert (
        client.get(reverse("obligations:msu", args=[behind_world["elsewhere"].pk])).status_code
        == 404
    )


# --- UPP meetings --------------------------------------------------------------------------


def test_the_faculty_records_a_meeting_and_who_attended(client, staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Nîmes", parent=staff.faculty)
    msu = make_msu(staff.faculty, valid_from=D(2025, 6, 1), valid_until=D(2030, 5, 31))
    msu.upp = upp
    msu.save()
    up_to_date(msu, TODAY, meeting=False)
    services.refresh_all(TODAY)
    assert ObligationStatus.objects.get(doctor=msu, obligation="upp_meeting").due_on == D(
        2026, 6, 1
    )
    client.force_login(staff.secretariat)
    response = client.post(
        reverse("obligations:meetings"),
        {"upp": upp.pk, "held_on": "2026-11-20", "title": "Groupe d'échange de pratiques"},
    )
    assert response.status_code == 302
    meeting_url = response.url
    page = client.get(meeting_url).content.decode()
    assert f"Dr {msu.user.last_name}" in page
    assert client.post(meeting_url, {"attendees": [msu.pk]}).status_code == 302
    status = ObligationStatus.objects.get(doctor=msu, obligation="upp_meeting")
    assert (status.last_done_on, status.due_on) == (D(2026, 11, 20), D(2027, 11, 20))
    assert ObligationEvent.objects.filter(doctor=msu, action="upp_attendance_recorded").exists()
    # A doctor who is not an MSU of that UPP cannot be marked.
    stranger = make_msu(staff.faculty)
    response = client.post(meeting_url, {"attendees": [msu.pk, stranger.pk]})
    assert response.status_code == 400
    assert list(ObligationEvent.objects.filter(doctor=stranger)) == []
    assert list(meeting_attendees(meeting_url)) == [msu.pk]
    # Another faculty's staff sees neither the meeting nor the list of its faculty.
    other = make_staff()
    client.force_login(other.secretariat)
    assert client.get(meeting_url).status_code == 404
    assert client.post(meeting_url, {"attendees": []}).status_code == 404
    assert ObligationStatus.objects.get(doctor=msu, obligation="upp_meeting").last_done_on


def meeting_attendees(url):
    from obligations.models import UppMeeting

    meeting = UppMeeting.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))
    return meeting.attendees.values_list("pk", flat=True)


def test_attendance_waits_for_the_meeting(client, staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Perpignan", parent=staff.faculty)
    meeting = services.record_meeting(staff.faculty, staff.admin, upp, D(2026, 12, 15), "Bilan")
    msu = make_msu(staff.faculty)
    msu.upp = upp
    msu.save()
    client.force_login(staff.admin)
    url = reverse("obligations:meeting", args=[meeting.pk])
    assert "une fois la réunion tenue" in client.get(url).content.decode()
    response = client.post(url, {"attendees": [msu.pk]})
    assert response.status_code == 400
    assert not meeting.attendees.exists()


def test_the_meetings_list_costs_the_same_queries_whatever_its_length(client, staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Narbonne", parent=staff.faculty)
    client.force_login(staff.secretariat)
    url = reverse("obligations:meetings")

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.record_meeting(staff.faculty, staff.admin, upp, D(2026, 1, 10), "Réunion 0")
    few = measure()
    for i in range(1, 6):
        services.record_meeting(staff.faculty, staff.admin, upp, D(2026, 2, i), f"Réunion {i}")
    assert measure() == few


def test_a_doctor_or_another_faculty_cannot_record_a_meeting(client, staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Montpellier", parent=staff.faculty)
    data = {"upp": upp.pk, "held_on": "2026-11-20", "title": "Réunion"}
    client.force_login(make_msu(staff.faculty).user)
    assert client.post(reverse("obligations:meetings"), data).status_code == 404
    client.force_login(make_staff().admin)
    response = client.post(reverse("obligations:meetings"), data)
    assert response.status_code == 400  # the UPP is not one of their faculty's
    from obligations.models import UppMeeting

    assert not UppMeeting.objects.exists()
    client.force_login(UserFactory())
    assert client.get(reverse("obligations:meetings")).status_code == 404
