"""The daily job on the boundary days of a due date (time travel): one reminder 30 days
before, one the day after, each once, none when done."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from obligations import tasks
from tests.stages_helpers import make_msu
from tests.workflow_helpers import make_staff

from .helpers import attest

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 10))), tick=False
    )


def charter_reminders(doctor):
    return list(
        Notification.objects.filter(
            kind="obligation_reminder", user=doctor.user, key__contains=":charter:"
        ).order_by("pk")
    )


def test_charter_reminders_on_the_boundary_days():
    staff = make_staff()
    msu = make_msu(staff.faculty, valid_from=D(2026, 1, 15), valid_until=D(2030, 1, 14))
    # The charter falls due on 15 April 2026 (three months after the first agrément).
    with at(D(2026, 3, 15)):  # 31 days before: nothing
        tasks.send_obligation_reminders()
    assert charter_reminders(msu) == []
    with at(D(2026, 3, 16)):  # 30 days before: the first reminder, once
        tasks.send_obligation_reminders()
        tasks.send_obligation_reminders()  # beat running twice
    (soon,) = charter_reminders(msu)
    assert "avant le 15/04/2026" in soon.subject
    assert "Charte pédagogique signée" in soon.subject
    with at(D(2026, 4, 15)):  # the due date: still on time, nothing new
        tasks.send_obligation_reminders()
    assert len(charter_reminders(msu)) == 1
    with at(D(2026, 4, 16)):  # the day after: the overdue reminder
        tasks.send_obligation_reminders()
    soon, late = charter_reminders(msu)
    assert "en retard" in late.subject
    assert "/obligations/" in late.body_text
    with at(D(2026, 4, 20)):
        tasks.send_obligation_reminders()
    assert len(charter_reminders(msu)) == 2


def test_no_reminder_once_done_and_a_day_missed_is_caught_up():
    staff = make_staff()
    signed = make_msu(staff.faculty, valid_from=D(2026, 1, 15), valid_until=D(2030, 1, 14))
    with at(D(2026, 2, 1)):
        attest(signed, "charter", D(2026, 2, 1))
    forgetful = make_msu(staff.faculty, valid_from=D(2026, 1, 15), valid_until=D(2030, 1, 14))
    # Beat down from 10 March to 1 May: on its first run, only the latest stage goes out.
    with at(D(2026, 5, 1)):
        tasks.send_obligation_reminders()
    assert charter_reminders(signed) == []
    (late,) = charter_reminders(forgetful)
    assert "en retard" in late.subject


def test_continuing_training_reminder_a_year_after_the_last_one():
    staff = make_staff()
    msu = make_msu(staff.faculty, valid_from=D(2024, 1, 15), valid_until=D(2029, 1, 14))
    with at(D(2025, 3, 1)):
        attest(msu, "initial_training", D(2025, 3, 1))

    def training_reminders():
        return Notification.objects.filter(
            kind="obligation_reminder", user=msu.user, key__contains=":continuing_training:"
        ).count()

    with at(D(2026, 1, 29)):  # 31 days before 1 March 2026
        tasks.send_obligation_reminders()
    assert training_reminders() == 0
    with at(D(2026, 1, 30)):
        tasks.send_obligation_reminders()
    assert training_reminders() == 1
    with at(D(2026, 2, 10)):  # done: next due on 10 February 2027, no overdue reminder
        attest(msu, "continuing_training", D(2026, 2, 10))
    with at(D(2026, 3, 2)):
        tasks.send_obligation_reminders()
    assert training_reminders() == 1


def test_an_msu_without_an_agrement_in_force_is_not_reminded():
    staff = make_staff()
    ended = make_msu(staff.faculty, valid_from=D(2020, 1, 15), valid_until=D(2025, 1, 14))
    with at(D(2026, 4, 16)):
        tasks.send_obligation_reminders()
    assert not Notification.objects.filter(kind="obligation_reminder", user=ended.user).exists()
