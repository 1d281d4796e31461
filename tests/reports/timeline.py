"""Dossiers walked along the real services with the clock moved between steps, so that their
`Event` timeline has the durations a test wants to read back."""

import datetime
import zoneinfo

import time_machine

from applications import services
from applications.models import Application
from applications.workflow import Status
from tests.workflow_helpers import advance, submitted_application

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def walk(staff, start, steps, levels=("externe", "niveau_1"), **kwargs):
    """Submit on `start` (a date), then take each (days after start, target state) step on
    its day. "resubmit" is the doctor answering a complement request."""
    with time_machine.travel(at(start), tick=False):
        application = submitted_application(staff, levels=levels, **kwargs)
    for offset, target in steps:
        with time_machine.travel(at(start + datetime.timedelta(days=offset)), tick=False):
            application = Application.objects.get(pk=application.pk)
            if target == "resubmit":
                services.submit(application, application.doctor.user)
            else:
                advance(application, staff, target)
    return Application.objects.get(pk=application.pk)


# Day offsets of a dossier that waited 20 days for the doctor: 70 days in all.
WITH_WAIT = [
    (5, Status.INCOMPLETE),
    (25, "resubmit"),
    (30, Status.ADMISSIBLE),
    (32, Status.VISIT_SCHEDULED),
    (47, Status.VISIT_DONE),
    (60, Status.IN_COMMISSION),
    (70, Status.DECIDED),
]
# A dossier without complements: 40 days in all.
STRAIGHT = [
    (6, Status.ADMISSIBLE),
    (8, Status.VISIT_SCHEDULED),
    (20, Status.VISIT_DONE),
    (30, Status.IN_COMMISSION),
    (40, Status.DECIDED),
]
