"""Benchmark (make bench): the daily reminder job over 10,000 agréments.

One dossier is decided through the real services; its rows are then cloned in bulk (users,
doctors, dossiers, levels, decisions, agréments), the agréments ending evenly over the next
five years, as in a faculty's steady state. Measured on the job itself (`run_daily`): the
e-mails leave afterwards in delivery tasks, 200 per task.

- cold start: the first run ever, every agrément in its last six months is reminded;
- a day later: only what became due overnight;
- the same day again: nothing.
The number of queries must not depend on the number of agréments.
"""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from applications.emails import reminders
from applications.models import Agrement, Application, Decision, Doctor, RequestedLevel
from applications.workflow import Status
from notifications.models import Notification
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 3, 15)  # not September nor January: only the dated reminders


def _clone(template, count, start):
    """`count` doctors, each with a decided dossier and an externe agrément (bulk inserts)."""
    users = User.objects.bulk_create(
        User(
            email=f"msu{start + i}@example.org", first_name="Dominique", last_name=f"Msu{start + i}"
        )
        for i in range(count)
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(
            user=user,
            civility="MME",
            rpps=f"9{start + i:010d}",
            specialty=template.doctor.specialty,
            faculty_id=template.faculty_id,
            installation_date=template.doctor.installation_date,
            degree_date=template.doctor.degree_date,
            registered_with_ordre=True,
        )
        for i, user in enumerate(users)
    )
    # The decided dossier the agrément comes from (cloned from one decided by the services).
    applications = Application.objects.bulk_create(
        Application(doctor=d, faculty_id=template.faculty_id, status=Status.DECIDED)
        for d in doctors
    )
    levels = RequestedLevel.objects.bulk_create(
        RequestedLevel(application=a, level="externe") for a in applications
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            requested_level=lv,
            authority="ufr",
            decided_on=TODAY,
            reference=f"ARR-{lv.pk}",
            outcome=Decision.Outcome.GRANTED,
        )
        for lv in levels
    )
    five_years = 5 * 365
    Agrement.objects.bulk_create(
        Agrement(
            doctor=a.doctor,
            application=a,
            decision=dec,
            level="externe",
            authority="ufr",
            reference=dec.reference,
            valid_from=TODAY - datetime.timedelta(days=five_years),
            valid_until=TODAY + datetime.timedelta(days=(start + i) * five_years // 10_000),
        )
        for i, (a, dec) in enumerate(zip(applications, decisions, strict=True))
    )


def _run(day):
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        cpu = time.process_time()
        created = reminders.run_daily(day)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return sum(created.values()), len(captured), elapsed, cpu


def test_daily_reminders_over_ten_thousand_agrements(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = make_staff()
    template = advance(submitted_application(staff, levels=("externe",)), staff, Status.DECIDED)
    print(f"\n{'agréments':>9} {'run':<14} {'new':>6} {'queries':>8} {'time':>9} {'cpu':>9}")
    results = {}
    total = 0
    for size in (1_000, 10_000):
        _clone(template, size - total, total)
        total = size
        Notification.objects.all().delete()
        for label, day in (
            ("cold start", TODAY),
            ("next day", TODAY + datetime.timedelta(days=1)),
            ("same day", TODAY + datetime.timedelta(days=1)),
        ):
            new, queries, elapsed, cpu = _run(day)
            results[(size, label)] = (new, queries)
            print(
                f"{size:>9} {label:<14} {new:>6} {queries:>8}"
                f" {elapsed * 1000:>7.0f} ms {cpu * 1000:>7.0f} ms"
            )
    assert Agrement.objects.count() == 10_001
    assert results[(10_000, "same day")][0] == 0
    assert results[(10_000, "next day")][0] > 0
    # The number of queries does not grow with the number of agréments.
    for label in ("cold start", "next day", "same day"):
        assert results[(10_000, label)][1] == results[(1_000, label)][1], label
