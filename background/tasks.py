"""The heartbeat: beat sends it every minute, a worker runs it, its JobRun row is the proof."""

from celery import shared_task

from .jobs import tracked


@shared_task(acks_late=True, expires=120)
@tracked
def heartbeat():
    return "ok"
