"""The daily reminders of the obligations, derived from the ObligationStatus rows: one e-mail
when an obligation falls due within REMINDER_DAYS, one the day after it fell due. Keyed by
(MSU, obligation, due date, stage): a second run, or beat running twice, sends nothing again;
a day missed is caught up; a new due date (a training done, the next one a year later) gets
its own reminders."""

import datetime

from django.urls import reverse

from applications.emails.reminders import _publish_new, candidate, latest_stage

from . import rules
from .models import Obligation, ObligationStatus


def stages(due_on):
    return [
        ("soon", due_on - datetime.timedelta(days=rules.REMINDER_DAYS)),
        ("late", due_on + datetime.timedelta(days=1)),
    ]


def obligation_reminders(today):
    rows = (
        ObligationStatus.objects.filter(
            obligation__in=rules.TRACKED,
            due_on__isnull=False,
            due_on__lte=today + datetime.timedelta(days=rules.REMINDER_DAYS),
            # A year late is not news: the faculty's list shows it; no reminder every year.
            due_on__gte=today - datetime.timedelta(days=365),
            doctor__user__is_active=True,
        )
        .select_related("doctor__user", "faculty")
        .order_by("pk")
    )
    link = reverse("obligations:mine")
    candidates = []
    for row in rows:
        stage = latest_stage(today, stages(row.due_on))
        if stage is None:
            continue
        user = row.doctor.user
        candidates.append(
            candidate(
                user,
                "obligation_reminder",
                f"obligation_reminder:{row.doctor_id}:{row.obligation}:{row.due_on}:{stage}",
                {
                    "doctor": row.doctor,
                    "obligation": Obligation(row.obligation).label,
                    "due_on": row.due_on,
                    "late": stage == "late",
                },
                link,
            )
        )
    return _publish_new(candidates)
