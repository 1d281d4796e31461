"""Demo data for the dashboard: the demo's dossiers decided this academic year get a spread
timeline (they were walked through the services in one instant), and the stage periods get
a number of students to place. Only timestamps and the targets are written; the events'
immutability trigger is set aside for that, in the demo only."""

import contextlib
import datetime

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from applications.models import Application, Event
from applications.workflow import Status
from stages.models import Offer

from .models import StudentTarget

# Days spent in each state before the next transition, by target state of the event.
GAPS = {
    Status.SUBMITTED: 12,
    Status.INCOMPLETE: 20,
    Status.ADMISSIBLE: 9,
    Status.VISIT_SCHEDULED: 16,
    Status.VISIT_DONE: 30,
    Status.IN_COMMISSION: 14,
}


def _events_editable():
    """The events' immutability trigger set aside for the demo's own rows (PostgreSQL only;
    SQLite has no trigger): nothing but the demo ever moves an event."""
    if connection.vendor != "postgresql":
        return contextlib.nullcontext()
    import pgtrigger

    return pgtrigger.ignore("applications.Event:event_no_update")


def spread_timelines(faculty, now=None):
    with _events_editable():
        _spread_timelines(faculty, now)


def _spread_timelines(faculty, now=None):
    now = now or timezone.now()
    # Only the dossiers walked in one instant: those the demo took step by step on their own
    # days (applications.demo.on) have their timeline already.
    decided = Application.objects.filter(
        faculty=faculty,
        status=Status.DECIDED,
        status_changed_at__gte=now - datetime.timedelta(days=2),
        submitted_at__gte=now - datetime.timedelta(days=2),
    ).order_by("pk")
    for index, application in enumerate(decided):
        end = now - datetime.timedelta(days=2 + 4 * index)
        events = list(application.events.exclude(to_status="").order_by("created_at", "pk"))
        moment = end
        for event in reversed(events):
            Event.objects.filter(pk=event.pk).update(created_at=moment)
            if event.from_status:
                moment -= datetime.timedelta(days=GAPS.get(event.from_status, 7) + 3 * index)
        Application.objects.filter(pk=application.pk).update(
            status_changed_at=end, submitted_at=_first_submission(application)
        )


def _first_submission(application):
    first = application.events.filter(to_status=Status.SUBMITTED).order_by("created_at").first()
    return first.created_at if first else application.submitted_at


def set_demo_targets(faculty):
    for row in (
        Offer.objects.filter(period__faculty=faculty)
        .values("period", "level")
        .annotate(capacity=Sum("capacity"))
    ):
        StudentTarget.objects.get_or_create(
            period_id=row["period"], level=row["level"], defaults={"students": row["capacity"] + 1}
        )


def load_reports_demo(faculty):
    spread_timelines(faculty)
    set_demo_targets(faculty)
