from celery import shared_task

from . import services


@shared_task(acks_late=True)
def apply_retention():
    """Daily (beat, 03:30): delete what has outlived its retention period. Idempotent."""
    applied = services.apply()
    return len(applied.items)
