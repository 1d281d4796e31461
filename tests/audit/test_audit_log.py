"""What leaves a line in the audit trail, and the staff pages that read it."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import FacultySettings, Membership
from applications import services
from applications.events import LABELS
from applications.models import Event
from applications.services import documents
from applications.uploads import check_upload
from applications.workflow import Action, Status
from audit.models import AuditEntry
from remuneration.models import FeeRate
from tests.factories import UserFactory
from tests.files import pdf_upload
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def dossier(staff):
    return submitted_application(staff)


def actions(application):
    return list(Event.objects.filter(application=application).values_list("action", flat=True))


# --- What is recorded -----------------------------------------------------------------------


def test_messages_and_notes_leave_events_but_the_timeline_keeps_notes_from_the_doctor(
    client, staff, dossier
):
    uploaded = pdf_upload("attestation.pdf")
    services.post_message(dossier, dossier.doctor.user, "Voici.", uploaded, check_upload(uploaded))
    services.add_note(dossier, staff.secretariat, "Médecin déjà connu.")
    assert actions(dossier)[-2:] == ["message_posted", "note_added"]
    posted = Event.objects.get(application=dossier, action="message_posted")
    assert posted.actor == dossier.doctor.user and "attestation.pdf" in posted.comment
    assert Event.objects.get(application=dossier, action="note_added").comment == ""  # not the text

    client.force_login(dossier.doctor.user)
    page = client.get(reverse("applications:detail", args=[dossier.pk])).content.decode()
    timeline = page.split('id="historique"', 1)[1].split("</ol>", 1)[0]
    assert "Dossier transmis" in timeline  # the timeline is there…
    assert "Note interne ajoutée" not in page and "Message envoyé" not in timeline  # …not these
    assert "note_added" not in page


def test_downloads_of_pieces_attachments_and_generated_documents_are_recorded(
    client, staff, dossier
):
    uploaded = pdf_upload("lettre.pdf")
    message = services.post_message(
        dossier, dossier.doctor.user, "Voici.", uploaded, check_upload(uploaded)
    )
    for document in documents.GeneratedDocument.objects.all():
        documents.build(document.pk, document.requested_revision)
    piece = dossier.documents.get(piece="cv")
    client.force_login(staff.secretariat)
    for url in [
        reverse("applications:document", args=[dossier.pk, piece.pk]),
        reverse("applications:message_attachment", args=[dossier.pk, message.pk]),
        reverse("applications:dossier_pdf", args=[dossier.pk]),
    ]:
        assert client.get(url).status_code == 200
    downloads = Event.objects.filter(application=dossier, action__endswith="_downloaded")
    assert [(e.action, e.actor) for e in downloads] == [
        ("piece_downloaded", staff.secretariat),
        ("attachment_downloaded", staff.secretariat),
        ("document_downloaded", staff.secretariat),
    ]
    assert "Curriculum vitae (cv.pdf)" in downloads[0].comment
    assert downloads[2].comment.startswith("Dossier complet, version 1")
    # Refused requests record nothing.
    client.force_login(make_staff().secretariat)
    assert client.get(reverse("applications:document", args=[dossier.pk, piece.pk])).status_code
    assert downloads.count() == 3


def test_a_commission_agenda_download_is_a_faculty_line(client, staff):
    session = services.create_session(
        staff.faculty,
        staff.secretariat,
        timezone.now() + datetime.timedelta(days=20),
        "Salle A",
        [staff.commission],
    )
    for document in documents.GeneratedDocument.objects.filter(session=session):
        documents.build(document.pk, document.requested_revision)
    client.force_login(staff.commission)
    assert (
        client.get(reverse("applications:session_agenda_pdf", args=[session.pk])).status_code == 200
    )
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.SESSION_DOCUMENT_DOWNLOADED)
    assert line.faculty == staff.faculty and line.actor == staff.commission
    assert line.summary.startswith("Ordre du jour de la commission")


def test_faculty_settings_changed_on_the_screen_are_recorded_with_who_and_what(client, staff):
    client.force_login(staff.admin)
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(agrement_duration_years=4, alert_months_total=8)
    data = {k: v for k, v in data.items() if k not in ("required_pieces", "faculty", "id")}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.SETTINGS_CHANGED)
    assert line.actor == staff.admin and line.faculty == staff.faculty
    assert "durée de l'agrément (années) : 5 → 4" in line.summary
    assert "transmis depuis plus de … mois : 6 → 8" in line.summary
    # Saving again without a change writes nothing.
    client.post(url, {**data})
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.SETTINGS_CHANGED).count() == 1


def test_memberships_added_changed_and_removed_in_the_admin_are_recorded(client, staff):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    newcomer = UserFactory(first_name="Inès", last_name="Fabre")
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": newcomer.pk, "organisation": staff.faculty.pk, "role": Role.VISITOR},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": newcomer.pk, "organisation": staff.faculty.pk, "role": Role.SECRETARIAT},
    )
    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    lines = AuditEntry.objects.filter(faculty=staff.faculty, actor=superuser).order_by("pk")
    assert [line.kind for line in lines] == [
        "membership_added",
        "membership_changed",
        "membership_removed",
    ]
    assert "Inès Fabre — Visiteur" in lines[0].summary
    assert "rôle : Visiteur → Secrétariat du DUMG" in lines[1].summary
    assert "Inès Fabre — Secrétariat du DUMG" in lines[2].summary


def test_fee_rates_changes_are_recorded_as_national_lines():
    rate = FeeRate.objects.create(
        level="externe", kind="honoraires", amount="310.00", valid_from=datetime.date(2030, 1, 1)
    )
    rate.valid_until = datetime.date(2030, 12, 31)
    rate.save()
    rate.delete()
    lines = AuditEntry.objects.filter(faculty=None).order_by("pk")
    assert [line.kind for line in lines] == ["rate_added", "rate_changed", "rate_removed"]
    assert "jusqu'au (inclus) : — → 31/12/2030" in lines[1].summary
    assert lines[0].actor is None  # no request: the system


def test_every_action_a_dossier_records_has_a_french_label():
    assert set(Action.values) <= set(LABELS)
    for code in ["create", "give_opinion", "record_decision"]:
        assert code in LABELS
    assert Event(action="message_posted").label == "Message envoyé"
    # The faculty log lists both kinds in one filter: no code may mean two things.
    assert not set(LABELS) & set(AuditEntry.Kind.values)


# --- The pages ------------------------------------------------------------------------------


def dossier_url(application, **params):
    url = reverse("audit:dossier", args=[application.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def faculty_url(faculty, **params):
    url = reverse("audit:faculty", args=[faculty.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_who_sees_the_dossier_log(client, staff, dossier):
    other = make_staff()
    for user, expected in [
        (staff.secretariat, 200),
        (staff.admin, 200),
        (staff.visitor, 404),
        (staff.commission, 404),
        (dossier.doctor.user, 404),
        (other.secretariat, 404),
        (other.admin, 404),
    ]:
        client.force_login(user)
        response = client.get(dossier_url(dossier))
        assert response.status_code == expected, user
    client.force_login(staff.secretariat)
    response = client.get(dossier_url(dossier))
    assert response["Cache-Control"].count("no-store") and "private" in response["Cache-Control"]
    page = response.content.decode()
    assert "Journal d'audit du dossier" in page and "Dossier transmis" in page


def test_who_sees_the_faculty_log(client, staff):
    other = make_staff()
    for user, expected in [
        (staff.admin, 200),
        (staff.secretariat, 404),
        (staff.visitor, 404),
        (other.admin, 404),
    ]:
        client.force_login(user)
        assert client.get(faculty_url(staff.faculty)).status_code == expected, user


def test_the_faculty_log_mixes_dossier_events_and_faculty_lines_and_filters_them(
    client, staff, dossier
):
    services.add_note(dossier, staff.secretariat, "Une note.")
    Membership.objects.create(user=UserFactory(), organisation=staff.faculty, role=Role.VISITOR)
    other = make_staff()
    submitted_application(other)  # another faculty's dossier: never listed
    client.force_login(staff.admin)

    page = client.get(faculty_url(staff.faculty)).content.decode()
    assert "Note interne ajoutée" in page and "Rôle attribué" in page and "Dossier transmis" in page
    assert dossier.reference in page
    rows = client.get(faculty_url(staff.faculty)).context["rows"]
    assert all(row.application in (None, dossier) for row in rows)

    by_kind = client.get(faculty_url(staff.faculty, kind="note_added")).context["rows"]
    assert [row.label for row in by_kind] == ["Note interne ajoutée"]
    by_kind = client.get(faculty_url(staff.faculty, kind="membership_added")).context["rows"]
    assert [row.label for row in by_kind] == ["Rôle attribué"] * len(by_kind) and by_kind

    person = staff.secretariat.last_name
    by_person = client.get(faculty_url(staff.faculty, person=person)).context["rows"]
    assert by_person and {row.person for row in by_person} == {staff.secretariat.get_full_name()}

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert client.get(faculty_url(staff.faculty, start=tomorrow.isoformat())).context["rows"] == []
    today = timezone.localdate().isoformat()
    assert client.get(faculty_url(staff.faculty, start=today, end=today)).context["rows"]

    response = client.get(faculty_url(staff.faculty, start=tomorrow.isoformat(), end=today))
    assert response.status_code == 400
    assert "La date de fin précède la date de début." in response.content.decode()


def test_a_doctors_draft_in_the_faculty_log_is_named_without_a_link_to_a_closed_page(client, staff):
    """« Dossier créé — MSU-… » linked to the draft's own log, which staff may not open (404)."""
    from tests.factories import DoctorFactory

    doctor = DoctorFactory(faculty=staff.faculty)
    draft = services.start_application(doctor, doctor.user)
    client.force_login(staff.admin)
    page = client.get(faculty_url(staff.faculty)).content.decode()
    row = next(r for r in page.split("<tr>") if draft.reference in r)
    assert "brouillon du médecin, pas encore transmis" in row
    assert reverse("audit:dossier", args=[draft.pk]) not in page
    assert client.get(reverse("audit:dossier", args=[draft.pk])).status_code == 404


def test_the_journal_filter_names_each_kind_of_event_once(client, staff):
    client.force_login(staff.admin)
    form = client.get(faculty_url(staff.faculty)).context["form"]
    labels = [str(label) for _code, label in form.fields["kind"].choices if _code]
    assert len(labels) == len(set(labels)), sorted(
        label for label in labels if labels.count(label) > 1
    )


def test_the_log_is_paginated_with_the_same_queries_for_more_lines(client, staff, dossier):
    client.force_login(staff.secretariat)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(dossier_url(dossier))
        assert response.status_code == 200
        return len(captured), response

    for n in range(3):
        services.add_note(dossier, staff.secretariat, f"Note {n}")
    few, _ = queries()
    for n in range(60):
        services.add_note(dossier, staff.admin if n % 2 else staff.secretariat, f"Note {n}")
    many, response = queries()
    assert many == few
    assert len(response.context["rows"]) == 50
    assert "Page 1 sur 2" in response.content.decode()
    second = client.get(dossier_url(dossier, page=2)).context["rows"]
    assert len(second) == Event.objects.filter(application=dossier).count() - 50


def test_the_csv_export_is_french_excel_ready_and_follows_the_filters(client, staff, dossier):
    services.add_note(dossier, staff.secretariat, "Une note.")
    staff.secretariat.first_name = "=HYPERLINK(1)"  # a name typed as a formula stays text
    staff.secretariat.save()
    client.force_login(staff.admin)
    response = client.get(faculty_url(staff.faculty, kind="note_added", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-faculte-')
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Date",
        "Heure",
        "Personne",
        "Adresse électronique",
        "Événement",
        "Dossier",
        "Détail",
    ]
    assert len(rows) == 2
    date, _hour, person, _email, label, reference, _detail = rows[1]
    assert date == timezone.localdate().strftime("%d/%m/%Y")
    assert label == "Note interne ajoutée" and reference == dossier.reference
    assert person == "'" + staff.secretariat.get_full_name()


def test_no_code_name_is_shown_for_any_event_of_a_whole_path(client, staff):
    decided = advance(submitted_application(staff), staff, Status.DECIDED)
    client.force_login(staff.admin)
    rows = client.get(dossier_url(decided)).context["rows"]
    labels = {row.label for row in rows}
    assert "Autre événement" not in labels
    assert not any("_" in label for label in labels)
    assert {"Avis de la commission", "Décision enregistrée", "Visite programmée"} <= labels


def test_faculty_settings_defaults_saved_for_the_first_time_list_only_what_differs(staff):
    settings = FacultySettings(faculty=staff.faculty, years_required_interne=2)
    settings.save()
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.SETTINGS_CHANGED)
    assert line.summary == "années d'installation exigées (internes) : 3 → 2"
