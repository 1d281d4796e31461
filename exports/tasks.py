"""Celery tasks of the exports: thin wrappers taking ids and calling services, with the retry
options of applications.tasks (a build started over is harmless). Expired exports are deleted
by the retention job (retention.services)."""

from celery import shared_task

from applications.tasks import RETRY
from background.jobs import tracked

from . import services


@shared_task(**RETRY, time_limit=600, soft_time_limit=540)
def build_export(export_id):
    return services.build_export(export_id)


@shared_task(**RETRY)
@tracked
def sweep_exports():
    return services.sweep()
