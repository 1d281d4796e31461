"""What `/sante/` and `manage.py health` check: each part the portal needs to do its work.

Each check returns None when the part works, or a short French reason. Nothing here renders a
template or reads a session: the page must answer even when the database is down."""

import uuid

from django.core.files.base import ContentFile
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from msu_portal.celery import app as celery_app

from .jobs import beat_is_alive

BROKER_TIMEOUT = 3  # seconds: a health probe must answer before the orchestrator's own timeout


def _eager():
    return bool(celery_app.conf.task_always_eager)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def check_broker():
    if _eager():
        return None  # no broker configured: tasks run inline
    with celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    return None


def check_storage():
    from applications.models import private_storage

    storage = private_storage()
    name = storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    storage.delete(name)
    return None


def check_beat():
    if _eager():
        return None  # nothing is scheduled without a broker
    if not beat_is_alive():
        return _("aucun signal de vie depuis plus de trois minutes")
    return None


CHECKS = {
    "database": (gettext_lazy("base de données"), check_database),
    "broker": (gettext_lazy("file des tâches (Redis)"), check_broker),
    "storage": (gettext_lazy("stockage des fichiers"), check_storage),
    "beat": (gettext_lazy("planificateur des tâches (beat)"), check_beat),
}


def run(names=None):
    """[(key, French label, None or French reason)] for the checks asked for (all by default).

    The beat check reads the database: when the database is down it is reported as unknown
    rather than as a second failure."""
    results = []
    database_down = False
    for key, (label, check) in CHECKS.items():
        if names is not None and key not in names:
            continue
        if key == "beat" and database_down:
            results.append((key, label, _("inconnu tant que la base de données est indisponible")))
            continue
        try:
            problem = check()
        except Exception as exc:  # whatever the failure, the page names the part and goes on
            problem = _("indisponible (%(error)s)") % {"error": type(exc).__name__}
        if key == "database" and problem:
            database_down = True
        results.append((key, label, problem))
    return results
