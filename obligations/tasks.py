from celery import shared_task
from django.utils import timezone

from applications.tasks import RETRY
from background.jobs import tracked

from . import reminders, services


@shared_task(**RETRY)
@tracked
def send_obligation_reminders():
    """Daily: recompute where every MSU stands, then remind those whose obligation falls due."""
    today = timezone.localdate()
    services.refresh_all(today)
    return reminders.obligation_reminders(today)
