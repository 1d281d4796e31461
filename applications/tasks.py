"""Celery tasks: thin wrappers taking ids and calling services. All are idempotent (a
notification is keyed, a document revision is stored once), so `acks_late` re-deliveries after
a worker dies are safe.

The `send_*` tasks are no longer enqueued: the services create each e-mail's Notification in
their own transaction. They stay for the messages still queued by an older release."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from background.jobs import tracked

from .emails import notices, reminders
from .services import documents

# Transient: the database or the storage briefly unreachable. Retried with backoff (30 s,
# 60 s, … capped at 5 min): far under the broker's visibility timeout (docs/decisions.md).
TRANSIENT = (OperationalError, InterfaceError, OSError)
RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_submission_receipt(application_id, version):
    notices.submission_receipt(application_id, version)


@shared_task(**RETRY)
def send_complement_request(request_id):
    notices.complement_request(request_id)


@shared_task(**RETRY)
def send_message_notification(message_id):
    notices.message_posted(message_id)


@shared_task(**RETRY)
def send_visit_scheduled(visit_id):
    notices.visit_scheduled(visit_id)


@shared_task(**RETRY)
def send_commission_convocation(session_id):
    notices.commission_convocation(session_id)


@shared_task(**RETRY)
def send_decision_notification(application_id):
    notices.decision_notification(application_id)


@shared_task(**RETRY, time_limit=300, soft_time_limit=240)
def build_document(document_id, revision):
    return documents.build(document_id, revision)


@shared_task(**RETRY)
@tracked
def sweep_documents():
    return documents.sweep()


@shared_task(**RETRY)
@tracked
def send_daily_reminders():
    return reminders.run_daily()


@shared_task(**RETRY)
@tracked
def end_suspensions():
    """Agréments whose suspension reached its end date count again (daily, idempotent)."""
    from .services.lifecycle import end_due_suspensions

    return end_due_suspensions()
