"""Retention periods, each on its boundary (the day before: kept; the day it falls due:
deleted), with time travel; the job run twice deletes and records once."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import signup
from accounts.models import FacultySettings, User
from applications import services
from applications.dates import add_months
from applications.models import Application, Document, Event, GeneratedDocument, Message
from applications.services import documents
from applications.uploads import check_upload
from applications.workflow import Status
from audit.models import AuditEntry
from exports import services as export_services
from exports.models import Export
from remuneration import services as remuneration_services
from retention import services as retention
from retention.tasks import apply_retention
from tests.files import pdf_upload
from tests.workflow_helpers import advance, make_staff, settings_form, submitted_application

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def on(day, hour=3, minute=30):
    """Travel to `day` at the time the beat job runs (Paris)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS), tick=False
    )


def run(captured):
    """The daily job as beat runs it, with its after-commit file deletions."""
    with captured(execute=True):
        return apply_retention.delay().get()


@pytest.fixture
def staff():
    return make_staff()


def stored(file_field):
    return file_field.storage.exists(file_field.name)


# --- Decided dossiers ------------------------------------------------------------------------


@pytest.fixture
def decided(staff, django_capture_on_commit_callbacks):
    application = submitted_application(staff)
    uploaded = pdf_upload("complement.pdf")
    services.post_message(
        application, application.doctor.user, "Voici.", uploaded, check_upload(uploaded)
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = advance(application, staff, Status.DECIDED)
    for document in GeneratedDocument.objects.filter(application=application):
        documents.build(document.pk, document.requested_revision)
    return application


def test_pieces_of_a_decided_dossier_go_five_years_after_its_agrement_ends(
    decided, django_capture_on_commit_callbacks
):
    last_day = max(a.valid_until for a in decided.agrements.all())
    due = add_months(last_day, 12 * 5)
    pieces = [d.file for d in decided.documents.all()]
    attachment = Message.objects.get(application=decided).attachment
    letters = GeneratedDocument.objects.filter(
        application=decided, kind=GeneratedDocument.Kind.DECISION_LETTER
    )
    dossier_pdf = GeneratedDocument.objects.get(application=decided, kind="dossier")
    events_before = Event.objects.filter(application=decided).count()
    assert pieces and letters.exists() and all(stored(f) for f in pieces) and stored(attachment)

    with on(due - datetime.timedelta(days=1)):
        run(django_capture_on_commit_callbacks)
    assert Document.objects.filter(application=decided).count() == len(pieces)

    with on(due):
        run(django_capture_on_commit_callbacks)
    assert not Document.objects.filter(application=decided).exists()
    assert not any(stored(f) for f in pieces) and not stored(attachment)
    assert not GeneratedDocument.objects.filter(pk=dossier_pdf.pk).exists()
    assert not stored(dossier_pdf.file)
    # Kept: the dossier, its decisions and letters, its messages' text, its whole history.
    application = Application.objects.get(pk=decided.pk)
    assert application.status == Status.DECIDED
    assert application.agrements.count() == 2 and letters.count() == 2
    assert all(stored(letter.file) for letter in letters)
    assert Message.objects.get(application=decided).body == "Voici."
    purge = Event.objects.get(application=decided, action="pieces_purged")
    assert purge.actor is None and purge.label.startswith("Pièces supprimées")
    assert Event.objects.filter(application=decided).count() == events_before + 1

    with on(due + datetime.timedelta(days=1)):  # the next day's run: nothing more
        run(django_capture_on_commit_callbacks)
    assert Event.objects.filter(application=decided, action="pieces_purged").count() == 1


def test_the_faculty_chooses_how_many_years_pieces_are_kept(
    staff, decided, django_capture_on_commit_callbacks
):
    FacultySettings.objects.update_or_create(
        faculty=staff.faculty, defaults={"retention_pieces_years": 2}
    )
    last_day = max(a.valid_until for a in decided.agrements.all())
    with on(add_months(last_day, 24) - datetime.timedelta(days=1)):
        assert retention.plan().decided == []
    with on(add_months(last_day, 24)):
        assert [due.obj.pk for due in retention.plan().decided] == [decided.pk]


# --- Withdrawn dossiers ----------------------------------------------------------------------


def test_a_withdrawn_dossier_loses_its_pieces_and_personal_data_after_one_year(
    staff, django_capture_on_commit_callbacks
):
    application = submitted_application(staff)
    Application.objects.filter(pk=application.pk).update(practice_description="Cabinet rural.")
    services.post_message(application, application.doctor.user, "Une question.")
    services.add_note(application, staff.secretariat, "À rappeler.")
    withdrawn_on = timezone.localdate()
    services.withdraw(application, application.doctor.user, "Je déménage.")
    pieces = [d.file for d in application.documents.all()]
    due = add_months(withdrawn_on, 12)

    with on(due - datetime.timedelta(days=1)):
        run(django_capture_on_commit_callbacks)
    assert Document.objects.filter(application=application).count() == len(pieces)

    with on(due):
        run(django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.practice_description == ""
    assert not application.documents.exists() and not any(stored(f) for f in pieces)
    assert not application.messages.exists() and not application.staff_notes.exists()
    actions = list(application.events.values_list("action", flat=True))
    assert "withdraw" in actions and actions[-1] == "withdrawn_purged"

    with on(due + datetime.timedelta(days=3)):
        run(django_capture_on_commit_callbacks)
    assert application.events.filter(action="withdrawn_purged").count() == 1


# --- Exports and accounts --------------------------------------------------------------------


def test_exports_are_deleted_seven_days_after_they_were_built(
    staff, django_capture_on_commit_callbacks
):
    export = remuneration_services.request_export(staff.faculty, staff.admin, 2025, "csv")
    export_services.build_export(export.pk)
    # Any list goes the same way: the secretariat's export of the register.
    register = export_services.request_export(
        staff.faculty, staff.secretariat, "agrements", {}, "ods"
    )
    export_services.build_export(register.pk)
    export.refresh_from_db()
    assert export.file and stored(export.file)
    built_on = timezone.localtime(export.finished_at).date()

    with on(built_on + datetime.timedelta(days=6), 23, 59):
        run(django_capture_on_commit_callbacks)
    assert Export.objects.filter(pk=export.pk).exists()

    with on(built_on + datetime.timedelta(days=7), 0, 1):
        run(django_capture_on_commit_callbacks)
    assert not Export.objects.filter(pk=export.pk).exists() and not stored(export.file)
    assert not Export.objects.filter(pk=register.pk).exists()
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.EXPORTS_PURGED)
    assert line.faculty == staff.faculty and line.summary == "2 export(s)"

    with on(built_on + datetime.timedelta(days=8)):
        run(django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORTS_PURGED).count() == 1


# --- Students and their reports -------------------------------------------------------------


@pytest.fixture
def placed(staff):
    """A student placed for the 2026-2027 winter semester (it ends on 2027-04-30), with an
    address, a link and a report of their own, and a reply."""
    from stages import incidents, links
    from stages import services as stage_services
    from stages.records import StudentLink
    from tests.stages_helpers import make_msu, semester, student, team

    msu = make_msu(staff.faculty)
    with on(datetime.date(2026, 10, 1), 10):
        period = semester(staff.faculty, staff.admin)
        offer = stage_services.create_offer(
            period, staff.admin, "niveau_1", "Cabinet", team(msu), capacity=1
        )
        placement = stage_services.place_student(offer, staff.admin, student())
    placement.student.email = "alix@example.org"
    placement.student.save(update_fields=["email"])
    with on(datetime.date(2026, 12, 1), 10):
        link = links.new_link(placement, StudentLink.Purpose.INCIDENT)
        report = incidents.report_by_student(link.pk, "Supervision", "Seul le mardi.")
        incidents.post_message(report, staff.secretariat, "Nous appelons le cabinet.")
    return placement, link, report


def test_a_students_address_goes_a_year_after_their_last_stage_and_its_thread_after_five(
    client, staff, placed, django_capture_on_commit_callbacks
):
    from stages.records import IncidentMessage, StudentLink

    placement, link, report = placed
    end = placement.end
    assert end == datetime.date(2027, 4, 30)
    with on(add_months(end, 12) - datetime.timedelta(days=1)):
        run(django_capture_on_commit_callbacks)
    placement.student.refresh_from_db()
    assert placement.student.email == "alix@example.org"

    with on(add_months(end, 12)):
        run(django_capture_on_commit_callbacks)
    placement.student.refresh_from_db()
    assert placement.student.email == ""
    assert StudentLink.objects.get(pk=link.pk).email == ""
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.STUDENT_CONTACTS_PURGED)
    assert line.faculty == placement.offer.period.faculty
    assert line.summary == "1 adresse(s) d'étudiants effacée(s)"
    assert "alix" not in line.summary
    # The name and number stay (the placement, the fees and the evaluations name them).
    assert placement.student.student_number == "21001234"
    assert IncidentMessage.objects.filter(incident=report).count() == 2  # not yet

    with on(add_months(end, 60) - datetime.timedelta(days=1)):
        run(django_capture_on_commit_callbacks)
    assert IncidentMessage.objects.filter(incident=report).count() == 2
    with on(add_months(end, 60)):
        run(django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert not IncidentMessage.objects.filter(incident=report).exists()
    assert report.subject == "Signalement effacé (durée de conservation échue)"
    assert report.placement_id == placement.pk  # the placement keeps that it had a report
    client.force_login(staff.secretariat)
    page = client.get(reverse("stages:incident", args=[report.pk]))
    assert page.status_code == 200
    assert "Signalement effacé (durée de conservation échue)" in page.content.decode()
    assert "Nous appelons le cabinet." not in page.content.decode()
    with on(add_months(end, 61)):
        run(django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.INCIDENTS_PURGED).count() == 1
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.STUDENT_CONTACTS_PURGED).count() == 1


def test_a_look_ahead_date_applies_to_students_too(placed):
    # `apply_retention --date=…` (the day given, not today's date) blanks the address.
    placement, _link, _report = placed
    applied = retention.apply(add_months(placement.end, 12))
    assert [due.obj.pk for due in applied.students] == [placement.student.pk]
    placement.student.refresh_from_db()
    assert placement.student.email == ""


def test_a_student_placed_again_keeps_their_address(
    staff, placed, django_capture_on_commit_callbacks
):
    from stages import services as stage_services
    from tests.stages_helpers import make_msu, semester, student, team

    placement, _link, _report = placed
    with on(datetime.date(2027, 4, 1), 10):
        later = semester(staff.faculty, staff.admin, start=datetime.date(2027, 5, 1))
        offer = stage_services.create_offer(
            later, staff.admin, "niveau_1", "Cabinet 2", team(make_msu(staff.faculty))
        )
        stage_services.place_student(offer, staff.admin, student())
    with on(add_months(placement.end, 12)):
        run(django_capture_on_commit_callbacks)
    placement.student.refresh_from_db()
    assert placement.student.email == "alix@example.org"


def test_accounts_never_confirmed_are_deleted_on_the_seventh_day(
    django_capture_on_commit_callbacks,
):
    signed_up = datetime.date(2026, 3, 10)
    with on(signed_up, 22, 50), django_capture_on_commit_callbacks(execute=True):
        pending = signup.register_doctor("jamais@example.org", "un mot de passe", "Léa", "Vidal")
        confirmed = signup.register_doctor("oui@example.org", "un mot de passe", "Noé", "Roux")
        signup.confirm(confirmed)

    with on(signed_up + datetime.timedelta(days=6), 23, 59):
        run(django_capture_on_commit_callbacks)
    assert User.objects.filter(pk=pending.pk).exists()

    with on(signed_up + datetime.timedelta(days=7)):
        run(django_capture_on_commit_callbacks)
    assert not User.objects.filter(pk=pending.pk).exists()
    assert User.objects.filter(pk=confirmed.pk).exists()
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.ACCOUNTS_PURGED)
    assert "jamais@example.org" not in line.summary  # the log keeps no trace of the address
    assert line.summary.startswith("1 compte(s)")

    with on(signed_up + datetime.timedelta(days=8)):
        run(django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCOUNTS_PURGED).count() == 1


# --- The command -----------------------------------------------------------------------------


def test_the_dry_run_lists_what_would_go_and_deletes_nothing(decided):
    last_day = max(a.valid_until for a in decided.agrements.all())
    due = add_months(last_day, 60)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", f"--date={due.isoformat()}", stdout=out)
    listing = out.getvalue()
    assert "Pièces de dossiers décidés : 1" in listing
    assert f"À supprimer : Pièces du dossier {decided.reference}" in listing
    assert f"(échéance le {due:%d/%m/%Y})" in listing
    assert "Simulation : rien n'a été supprimé." in listing
    assert Document.objects.filter(application=decided).exists()
    assert not Event.objects.filter(action="pieces_purged").exists()

    out = io.StringIO()
    earlier = (due - datetime.timedelta(days=1)).isoformat()
    call_command("apply_retention", "--dry-run", f"--date={earlier}", stdout=out)
    assert "Pièces de dossiers décidés : 0" in out.getvalue()


def test_the_command_applies_and_refuses_a_malformed_date(decided):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("apply_retention", "--date=31/12/2040")
    due = add_months(max(a.valid_until for a in decided.agrements.all()), 60)
    out = io.StringIO()
    call_command("apply_retention", f"--date={due.isoformat()}", stdout=out)
    assert f"Supprimé : Pièces du dossier {decided.reference}" in out.getvalue()
    assert not Document.objects.filter(application=decided).exists()


def test_the_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "retention.tasks.apply_retention"


def test_the_settings_screen_sets_the_periods_within_bounds(client, staff):
    from django.urls import reverse

    client.force_login(staff.admin)
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    page = client.get(url).content.decode()
    assert "Durées de conservation (RGPD)" in page
    data = settings_form(retention_pieces_years=0)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "supérieure ou égale à 1" in response.content.decode()
    # A negative value is told the field's own bound, once (not the positive field's 0 too).
    response = client.post(url, {**data, "retention_pieces_years": 10, "alert_months_total": -2})
    errors = response.context["form"].errors["alert_months_total"]
    assert errors == ["Assurez-vous que cette valeur est supérieure ou égale à 1."]
    response = client.post(url, {**data, "retention_pieces_years": 10})
    assert response.status_code == 302
    assert FacultySettings.objects.get(faculty=staff.faculty).retention_pieces_years == 10
    line = AuditEntry.objects.get(kind=AuditEntry.Kind.SETTINGS_CHANGED)
    assert "après la fin de l'agrément : 5 → 10" in line.summary
