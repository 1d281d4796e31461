"""Recording the runs of the periodic jobs, for the health page and the background page."""

import datetime
import functools

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import JobRun

HEARTBEAT = "background.tasks.heartbeat"
# Beat sends the heartbeat every minute; three missed beats mean beat (or every worker) is down.
HEARTBEAT_STALE_AFTER = datetime.timedelta(minutes=3)

# What each periodic job does, in French, for the background page (keyed by task name).
LABELS = {
    "applications.tasks.send_daily_reminders": _("Relances quotidiennes"),
    "stages.tasks.send_stage_followup": _("Évaluations de stage : relances et liens aux étudiants"),
    "stages.tasks.sweep_student_links": _("Envoi des liens aux étudiants en attente"),
    "obligations.tasks.send_obligation_reminders": _("Relances des obligations des MSU"),
    "notifications.tasks.send_daily_digests": _("Récapitulatifs quotidiens des notifications"),
    "notifications.tasks.sweep_notifications": _("Envoi des e-mails en attente"),
    "applications.tasks.sweep_documents": _("Production des PDF en attente"),
    "applications.tasks.end_suspensions": _("Fin des suspensions d'agrément arrivées à leur terme"),
    "exports.tasks.sweep_exports": _("Exports en attente"),
    "retention.tasks.apply_retention": _(
        "Effacement des données arrivées au terme de leur conservation"
    ),
    HEARTBEAT: _("Signal de vie du planificateur"),
}


def tracked(func):
    """Write the job's start, end and result in its JobRun row (one row per task name)."""
    name = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def run(*args, **kwargs):
        JobRun.objects.update_or_create(
            name=name, defaults={"started_at": timezone.now(), "finished_at": None}
        )
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            JobRun.objects.filter(name=name).update(
                finished_at=timezone.now(),
                succeeded=False,
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
            raise
        JobRun.objects.filter(name=name).update(
            finished_at=timezone.now(), succeeded=True, result=str(result)[:200], error=""
        )
        return result

    return run


def beat_is_alive(now=None):
    now = now or timezone.now()
    return JobRun.objects.filter(
        name=HEARTBEAT, succeeded=True, finished_at__gte=now - HEARTBEAT_STALE_AFTER
    ).exists()


def describe(when):
    """A beat crontab in French words ("toutes les 2 minutes", "chaque jour à 7 h 30")."""
    minute, hour = str(getattr(when, "_orig_minute", "")), str(getattr(when, "_orig_hour", ""))
    if hour == "*":
        if minute == "*":
            return _("chaque minute")
        step = minute.rpartition("/")[2]
        if "/" in minute and step.isdigit():
            return _("toutes les %(n)s minutes") % {"n": step}
    if hour.isdigit() and minute.isdigit():
        return _("chaque jour à %(h)s h %(m)s") % {"h": hour, "m": f"{int(minute):02d}"}
    return str(when)


def schedule():
    """(task name, French label, French schedule) for each job of the beat schedule."""
    return [
        (entry["task"], LABELS.get(entry["task"], entry["task"]), describe(entry["schedule"]))
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    ]
