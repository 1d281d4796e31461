"""Celery tasks: thin wrappers taking ids and calling the notifications."""

from celery import shared_task

from . import notifications

RETRY = {
    "acks_late": True,
    "autoretry_for": (ConnectionError, OSError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_submission_receipt(application_id):
    notifications.submission_receipt(application_id)


@shared_task(**RETRY)
def send_complement_request(request_id):
    notifications.complement_request(request_id)


@shared_task(**RETRY)
def send_message_notification(message_id):
    notifications.message_posted(message_id)


@shared_task(**RETRY)
def send_visit_scheduled(visit_id):
    notifications.visit_scheduled(visit_id)


@shared_task(**RETRY)
def send_commission_convocation(session_id):
    notifications.commission_convocation(session_id)


@shared_task(**RETRY)
def send_decision_notification(application_id):
    notifications.decision_notification(application_id)
