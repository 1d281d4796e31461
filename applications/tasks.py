"""Celery tasks: thin wrappers taking ids and calling services."""

from celery import shared_task

from . import notifications


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5
)
def send_submission_receipt(application_id):
    notifications.submission_receipt(application_id)
