"""The daily reminder job, with time travel: boundary dates, catching up a missed day, and
running twice without sending twice. Each e-mail: the right person, the right link."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from applications import services
from applications.dates import add_months
from applications.emails import reminders
from applications.models import Agrement, Application
from applications.workflow import Status
from notifications.models import Notification
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START = datetime.date(2027, 3, 1)


def at(day, hour=7):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS), tick=False
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily job on `day`; return the e-mails it sent."""

    def run_on(day):
        before = len(mail.outbox)
        with at(day), django_capture_on_commit_callbacks(execute=True):
            reminders.run_daily()
        return mail.outbox[before:]

    return run_on


@pytest.fixture
def staff():
    return make_staff()


def days(n):
    return START + datetime.timedelta(days=n)


# --- Complement requests -------------------------------------------------------------------


@pytest.fixture
def incomplete(staff):
    with at(START, hour=10):
        app = submitted_application(staff)
        services.request_complements(
            app, staff.secretariat, "Le CV n'est pas signé.", days(20), ["piece:cv"]
        )
    return Application.objects.get(pk=app.pk)


def test_complement_reminders_on_day_7_and_14_and_after_the_due_date(incomplete, run):
    doctor = incomplete.doctor.user
    assert run(days(6)) == []
    sent = run(days(7))
    assert [m.to for m in sent] == [[doctor.email]]
    assert incomplete.reference in sent[0].subject
    assert f"/dossiers/{incomplete.pk}/" in sent[0].body
    assert "Il y a 7 jours" in sent[0].body
    assert "Curriculum vitae" in sent[0].body
    assert run(days(7)) == []  # beat ran twice
    assert run(days(13)) == []
    fourteen = run(days(14))
    assert len(fourteen) == 1 and "Il y a 14 jours" in fourteen[0].body
    assert run(days(20)) == []  # the due date itself
    overdue = run(days(21))
    assert len(overdue) == 1
    assert "délai pour compléter est dépassé" in overdue[0].subject
    assert run(days(40)) == []
    assert Notification.objects.filter(kind="complement_reminder").count() == 3


def test_a_missed_week_sends_only_the_latest_reminder(incomplete, run):
    """Beat was down from day 5 to day 15: one reminder (the 14-day one), not two."""
    sent = run(days(15))
    assert len(sent) == 1
    assert "Il y a 15 jours" in sent[0].body
    reminders = Notification.objects.filter(kind="complement_reminder")  # besides the receipt
    assert list(reminders.values_list("key", flat=True)) == [
        f"complement_reminder:{incomplete.complement_requests.get().pk}:14d:{incomplete.doctor.user_id}"
    ]


def test_no_reminder_once_the_doctor_has_answered(incomplete, run):
    with at(days(3)):
        services.submit(incomplete, incomplete.doctor.user)
    assert run(days(7)) == []
    assert run(days(30)) == []


# --- Site visits ---------------------------------------------------------------------------


def test_visit_reminder_two_days_before_to_the_doctor_and_the_visitors(staff, run):
    with at(START, hour=10):
        app = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
        visit_at = datetime.datetime(2027, 3, 10, 14, 30, tzinfo=PARIS)
        services.schedule_visit(app, staff.secretariat, visit_at, [staff.visitor])
    assert run(datetime.date(2027, 3, 7)) == []
    sent = run(datetime.date(2027, 3, 8))
    assert sorted(m.to[0] for m in sent) == sorted([app.doctor.user.email, staff.visitor.email])
    doctor_mail = next(m for m in sent if m.to == [app.doctor.user.email])
    assert "mercredi 10 mars à 14:30" in doctor_mail.subject
    assert "La visite de votre lieu de stage aura lieu" in doctor_mail.body
    visitor_mail = next(m for m in sent if m.to == [staff.visitor.email])
    assert f"dossier {app.reference}" in visitor_mail.body
    assert f"/dossiers/{app.pk}/" in visitor_mail.body
    assert run(datetime.date(2027, 3, 9)) == []  # already reminded
    assert run(datetime.date(2027, 3, 11)) == []  # past


def test_a_rescheduled_visit_is_reminded_again(staff, run):
    with at(START, hour=10):
        app = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
        first = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=PARIS)
        services.schedule_visit(app, staff.secretariat, first, [staff.visitor])
    assert len(run(datetime.date(2027, 3, 8))) == 2
    visit = app.visit
    visit.scheduled_for = datetime.datetime(2027, 3, 17, 9, 0, tzinfo=PARIS)
    visit.save()
    assert len(run(datetime.date(2027, 3, 15))) == 2


# --- Agréments nearing their end -----------------------------------------------------------

END = datetime.date(2031, 8, 31)  # six months earlier is 28 February: a month-length edge


@pytest.fixture
def agrement(staff):
    app = advance(submitted_application(staff, levels=("externe",)), staff, Status.DECIDED)
    agrement = Agrement.objects.get(application=app)
    Agrement.objects.filter(pk=agrement.pk).update(valid_until=END)
    agrement.refresh_from_db()
    return agrement


def test_expiry_reminders_on_their_boundary_dates(agrement, run):
    doctor = agrement.doctor.user
    six, three, one = (add_months(END, -m) for m in (6, 3, 1))
    assert six == datetime.date(2031, 2, 28)
    assert run(six - datetime.timedelta(days=1)) == []
    sent = run(six)
    assert [m.to for m in sent] == [[doctor.email]]
    assert "prend fin le 31 août 2031" in sent[0].subject
    assert "Il reste un peu plus de 6 mois" in sent[0].body
    assert "Renouveler votre agrément : http" in sent[0].body
    assert run(six + datetime.timedelta(days=1)) == []
    assert run(three - datetime.timedelta(days=1)) == []
    assert "Il reste un peu plus de 3 mois" in run(three)[0].body
    assert run(three) == []
    assert len(run(one)) == 1
    assert run(END) == []
    assert run(END + datetime.timedelta(days=1)) == []
    assert list(
        Notification.objects.filter(kind="agrement_expiry")
        .order_by("pk")
        .values_list("key", flat=True)
    ) == [f"agrement_expiry:{agrement.pk}:{m}m:{doctor.pk}" for m in (6, 3, 1)]


def test_an_agrement_ending_on_the_first_of_a_month_says_1er(agrement, run):
    first = datetime.date(2031, 9, 1)
    Agrement.objects.filter(pk=agrement.pk).update(valid_until=first)
    (sent,) = run(add_months(first, -6))
    assert "prend fin le 1er septembre 2031" in sent.subject
    assert "1er septembre 2031" in sent.body


def test_a_missed_stage_is_caught_up_once(agrement, run):
    """Beat down from before the 6-month mark until after the 3-month mark: one e-mail."""
    sent = run(add_months(END, -3) + datetime.timedelta(days=2))
    assert len(sent) == 1
    assert "Il reste un peu plus de 2 mois" in sent[0].body
    assert Notification.objects.get(kind="agrement_expiry").key.split(":")[2] == "3m"


def test_no_expiry_reminder_once_renewed(agrement, staff, run):
    later = Agrement.objects.get(pk=agrement.pk)
    # A renewal under instruction stops the reminders.
    with at(add_months(END, -7)):
        renewal = submitted_application(staff, levels=("externe",), doctor=later.doctor)
    assert run(add_months(END, -6)) == []
    assert renewal.status == Status.SUBMITTED


# --- Yearly reminders ----------------------------------------------------------------------


def test_training_reminder_once_a_year_from_september(agrement, staff, run):
    Agrement.objects.filter(pk=agrement.pk).update(valid_from=datetime.date(2027, 1, 1))
    doctor = agrement.doctor.user
    expired = advance(submitted_application(staff, levels=("externe",)), staff, Status.DECIDED)
    Agrement.objects.filter(application=expired).update(
        valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2025, 1, 1)
    )
    assert [m for m in run(datetime.date(2027, 8, 31)) if "Formation continue" in m.subject] == []
    sent = [m for m in run(datetime.date(2027, 9, 1)) if "Formation continue" in m.subject]
    assert [m.to for m in sent] == [[doctor.email]]  # not the doctor whose agrément ended
    assert "2027-2028" in sent[0].subject
    assert run(datetime.date(2027, 9, 2)) == []
    assert (
        len([m for m in run(datetime.date(2028, 9, 1)) if "Formation continue" in m.subject]) == 1
    )


def test_declaration_reminder_in_january_to_the_msus_who_hosted(staff, run):
    from stages import services as stages
    from tests.stages_helpers import externe_period, make_msu, student, team

    host = make_msu(staff.faculty, levels=["externe"])
    make_msu(staff.faculty, levels=["externe"])  # approved too, but hosted nobody
    offer = stages.create_offer(
        externe_period(staff.faculty, staff.admin, start=datetime.date(2027, 1, 4)),
        staff.admin,
        "externe",
        "Cabinet",
        team(host),
    )
    stages.place_student(offer, staff.admin, student())

    def declarations(day):
        return [m for m in run(day) if "Déclaration annuelle" in m.subject]

    assert declarations(datetime.date(2027, 12, 31)) == []
    sent = declarations(datetime.date(2028, 1, 3))
    # Only the MSU who hosted a student in 2027, not their colleague approved but idle.
    assert [m.to for m in sent] == [[host.user.email]]
    assert "Déclaration annuelle de votre rémunération de maître de stage (2027)" == sent[0].subject
    assert "800 €" in sent[0].body and "500 €" in sent[0].body
    assert "/remuneration/mes-releves/" in sent[0].body
    assert declarations(datetime.date(2028, 1, 4)) == []
    # Nobody hosted in 2026 (the placement is in 2027): nothing in January 2027.
    assert declarations(datetime.date(2027, 1, 5)) == []
    assert Notification.objects.filter(key__startswith="remuneration_declaration:2026").count() == 0


def test_the_whole_job_twice_the_same_day_sends_nothing_more(incomplete, agrement, run):
    day = add_months(END, -6)
    first = run(day)
    assert first  # the expiry reminder at least
    assert run(day) == []


# --- Review additions ----------------------------------------------------------------------


def test_day_boundaries_are_paris_days_not_utc_days(staff, run):
    """Asked at 00:30 in Paris (still the previous day in UTC): day 7 is counted from the Paris
    date, so nothing goes out on UTC day 7 = Paris day 6."""
    with at(START, hour=0):
        app = submitted_application(staff)
    with time_machine.travel(
        datetime.datetime(START.year, START.month, START.day, 0, 30, tzinfo=PARIS), tick=False
    ):
        services.request_complements(app, staff.secretariat, "CV.", days(20), ["piece:cv"])
    assert run(days(6)) == []
    assert len(run(days(7))) == 1


def test_no_gentle_reminder_after_the_overdue_one(staff, run):
    """A short deadline (day 5): the overdue reminder on day 6 is the last word; the doctor must
    not then get an 'Il y a 7 jours' reminder on day 7 nor a 14-day one."""
    with at(START, hour=10):
        app = submitted_application(staff)
        services.request_complements(app, staff.secretariat, "CV.", days(5), ["piece:cv"])
    assert run(days(5)) == []
    overdue = run(days(6))
    assert len(overdue) == 1 and "délai pour compléter est dépassé" in overdue[0].subject
    assert run(days(7)) == []
    assert run(days(14)) == []


def test_a_visit_just_after_midnight_is_reminded_on_the_paris_day(staff, run):
    """A visit on 10 March at 00:30 Paris (9 March 23:30 UTC): reminded on 8 March, not 7."""
    with at(START, hour=10):
        app = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
        visit_at = datetime.datetime(2027, 3, 10, 0, 30, tzinfo=PARIS)
        services.schedule_visit(app, staff.secretariat, visit_at, [staff.visitor])
    assert run(datetime.date(2027, 3, 7)) == []
    assert len(run(datetime.date(2027, 3, 8))) == 2


def test_the_reminder_links_open_for_their_recipients(staff, run, client):
    """Each reminder's link is a page its recipient may open (doctor and visitor alike)."""
    with at(START, hour=10):
        app = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
        visit_at = datetime.datetime(2027, 3, 10, 14, 30, tzinfo=PARIS)
        services.schedule_visit(app, staff.secretariat, visit_at, [staff.visitor])
    assert len(run(datetime.date(2027, 3, 8))) == 2
    for notification in Notification.objects.filter(kind="visit_reminder"):
        client.force_login(notification.user)
        assert client.get(notification.link).status_code == 200, notification.user


def _queries_of_the_job(day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(day), CaptureQueriesContext(connection) as queries:
        reminders.run_daily()  # on-commit delivery not run: the job's own queries only
    return len(queries)


def _incomplete(staff, count):
    with at(START, hour=10):
        for _ in range(count):
            app = submitted_application(staff)
            services.request_complements(app, staff.secretariat, "CV.", days(20), ["piece:cv"])


def test_the_complement_job_makes_as_many_queries_for_three_dossiers_as_for_one(staff):
    _incomplete(staff, 1)
    one_new = _queries_of_the_job(days(7))
    one_known = _queries_of_the_job(days(7))
    Notification.objects.all().delete()
    _incomplete(staff, 2)
    three_new = _queries_of_the_job(days(7))
    three_known = _queries_of_the_job(days(7))
    assert Notification.objects.filter(kind="complement_reminder").count() == 3
    assert (three_new, three_known) == (one_new, one_known)


def test_the_expiry_job_makes_as_many_queries_for_three_agrements_as_for_one(staff, agrement):
    def another():
        app = advance(submitted_application(staff, levels=("externe",)), staff, Status.DECIDED)
        Agrement.objects.filter(application=app).update(valid_until=END)

    six = add_months(END, -6)
    one_new = _queries_of_the_job(six)
    one_known = _queries_of_the_job(six)
    Notification.objects.all().delete()
    another()
    another()
    three_new = _queries_of_the_job(six)
    three_known = _queries_of_the_job(six)
    assert Notification.objects.filter(kind="agrement_expiry").count() == 3
    assert (three_new, three_known) == (one_new, one_known)
