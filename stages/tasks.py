"""Celery entry points of the stages, thin: the daily follow-up of evaluations (the MSU's
reminders, the student's links) and the sending of a student's link."""

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from background.jobs import tracked

from . import evaluations, incident_replies, links

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_student_link(link_id):
    return links.deliver(link_id)


@shared_task(**RETRY)
def send_student_reply(message_id):
    return incident_replies.deliver(message_id)


def daily_followup(today=None):
    """The MSUs' evaluation reminders due today, and the evaluation links due to students,
    derived from the database (idempotent: keyed notifications, one link per placement)."""
    today = today or timezone.localdate()
    reminded = evaluations.msu_reminders(today)
    with transaction.atomic():
        created = [
            links.new_link(placement, links.Purpose.EVALUATION)
            for placement in evaluations.student_links_due(today).select_for_update(of=("self",))
        ]
    sent = sum(links.deliver(link.pk) for link in created)
    return {"reminders": reminded, "student_links": sent}


@shared_task(acks_late=True)
@tracked
def send_stage_followup():
    return daily_followup()


@shared_task(acks_late=True)
@tracked
def sweep_student_links():
    """The students' links and the replies to their reports whose e-mail did not leave (the
    replies first: they never raise, and a failing link must not hold them up)."""
    replies = incident_replies.sweep()
    return {"replies": replies, "links": links.sweep()}
