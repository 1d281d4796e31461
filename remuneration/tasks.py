"""Celery tasks of the remuneration app: thin wrappers taking ids and calling services, with
the retry options of applications.tasks (a build started over is harmless)."""

from celery import shared_task

from applications.tasks import RETRY
from background.jobs import tracked

from . import services


@shared_task(**RETRY, time_limit=300, soft_time_limit=240)
def build_payment_export(export_id):
    return services.build_export(export_id)


@shared_task(**RETRY)
@tracked
def sweep_payment_exports():
    return services.sweep()
