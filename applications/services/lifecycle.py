"""The one writer of an agrément's status (`_move`, following workflow.AGREMENT_TRANSITIONS
and writing its event), and the daily end of the suspensions that reach their date. Kept apart
from services.agrements (which requests letters) so that the periodic task imports no PDF code."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Agrement
from ..workflow import AGREMENT_TRANSITIONS
from .common import WorkflowError, record_event

__all__ = ["end_due_suspensions"]


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _label(agrement):
    return str(agrement.get_level_display())


def _lock_agrements(pks):
    return list(
        Agrement.objects.select_for_update(of=("self",))
        .select_related("application__faculty", "doctor__user")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def _move(agrement, action, by, comment, now=None):
    """Change a locked agrément's status along AGREMENT_TRANSITIONS, writing the event."""
    target = AGREMENT_TRANSITIONS.get(agrement.status, {}).get(action)
    if target is None:
        raise WorkflowError(
            _("Action impossible : l'agrément « %(level)s » est « %(status)s ».")
            % {"level": _label(agrement), "status": agrement.get_status_display()}
        )
    now = now or timezone.now()
    agrement.status = target
    agrement.status_changed_at = now
    agrement.save()
    record_event(agrement.application, by, f"agrement_{action}", comment, now=now)
    return agrement


def current_suspension(agrement):
    return agrement.suspensions.filter(lifted_on__isnull=True).order_by("-starts_on").first()


def end_due_suspensions(today=None):
    """Agréments whose suspension reached its end date count again (idempotent: derived from
    the suspensions' dates; run daily)."""
    today = today or timezone.localdate()
    ended = 0
    due = Agrement.objects.filter(
        status=Agrement.Status.SUSPENDED,
        suspensions__lifted_on__isnull=True,
        suspensions__ends_on__lt=today,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            agrement = _lock_agrements([pk])[0]
            suspension = current_suspension(agrement)
            if agrement.status != Agrement.Status.SUSPENDED or suspension is None:
                continue
            if suspension.ends_on is None or suspension.ends_on >= today:
                continue
            _move(
                agrement,
                "end_suspension",
                None,
                _("%(level)s : fin de la suspension le %(date)s")
                % {
                    "level": _label(agrement),
                    "date": _date(suspension.ends_on),
                },
            )
            ended += 1
    return ended
