"""Celery tasks: thin, taking ids, calling notifications.services."""

from celery import shared_task

from background.jobs import tracked

from . import services


class DeliveryIncomplete(Exception):
    """Some e-mails of the chunk failed; they are retried with backoff."""


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DeliveryIncomplete,),
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=services.MAX_ATTEMPTS,
)
def deliver_notifications(self, ids):
    failures = services.deliver(ids)
    if failures:
        raise DeliveryIncomplete(f"{failures} e-mail(s) en échec")


@shared_task(acks_late=True)
@tracked
def sweep_notifications():
    return services.sweep()


@shared_task(acks_late=True)
@tracked
def send_daily_digests():
    return services.send_digests()
