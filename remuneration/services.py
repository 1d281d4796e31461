"""The faculty's payment export: asked for by an admin, built in the background.

`request_export` creates the row and enqueues `build_export` after commit. `build_export`
computes the payment rows chunk by chunk, writing its progress to the row with `.update()`
(each one committed at once: the page polling the row sees it move), stores the file in the
private storage and marks the row done. It is safe to run again: a done export is left as it
is, and an interrupted one (worker lost, transient error retried) starts over. A failure marks
the row failed with a French message before re-raising, so that the task's retries and the
logs see the exception too."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services import WorkflowError
from stages.services import is_faculty_admin

from . import exports, statements
from .models import PaymentExport
from .selectors import MAX_YEAR, MIN_YEAR

log = logging.getLogger(__name__)

State = PaymentExport.State
# A pending export not started by then lost its task (broker restart); one running that long
# lost its worker (the task's hard limit is far shorter).
PENDING_STALE_AFTER = datetime.timedelta(minutes=2)  # the sweeper runs every 2 minutes
RUNNING_STALE_AFTER = datetime.timedelta(hours=1)
CHUNK = 200  # placements between two progress writes


@transaction.atomic
def request_export(faculty, by, year, fmt):
    if not is_faculty_admin(by, faculty.pk):
        raise WorkflowError(
            _("Seul un administrateur de la faculté peut exporter les paiements des MSU.")
        )
    if not valid_year(year):
        raise WorkflowError(_("Choisissez une année universitaire."))
    if fmt not in PaymentExport.Format.values:
        raise WorkflowError(_("Choisissez le format de l'export : CSV ou XLSX."))
    export = PaymentExport.objects.create(faculty=faculty, year=year, format=fmt, requested_by=by)
    _enqueue(export.pk)
    return export


def valid_year(year):
    return isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR


def _enqueue(export_id):
    from background.enqueue import enqueue_on_commit

    from .tasks import build_payment_export

    enqueue_on_commit(build_payment_export, export_id)


def _update(pk, **fields):
    PaymentExport.objects.filter(pk=pk).update(**fields)


def build_export(pk):
    """Build export `pk`. Returns True if this call stored its file."""
    export = PaymentExport.objects.select_related("faculty").get(pk=pk)
    if export.state == State.DONE:
        return False
    total = statements.payment_placements(export.faculty, export.year).count()
    _update(pk, state=State.RUNNING, done=0, total=total, error="", finished_at=None)

    def progress(done, total):
        _update(pk, done=done, total=total)

    try:
        rows = statements.payment_rows(export.faculty, export.year, progress=progress, chunk=CHUNK)
        content = exports.payment_file(rows, export.year, export.format)
        filename = exports.payment_filename(export.faculty, export.year, export.format)
        export.file.save(filename, ContentFile(content), save=False)
    except Exception:
        log.exception("Payment export %s failed", pk)
        _update(
            pk,
            state=State.FAILED,
            finished_at=timezone.now(),
            error=_(
                "L'export n'a pas pu être produit. Une nouvelle tentative aura lieu "
                "automatiquement si l'incident est passager ; sinon, demandez un nouvel export "
                "ou contactez l'assistance du portail."
            ),
        )
        raise
    _update(pk, state=State.DONE, file=export.file.name, finished_at=timezone.now(), error="")
    return True


def sweep(now=None):
    """Re-enqueue exports whose task was lost before it started; mark failed those whose
    worker died mid-way (the admin asks again). Idempotent; meant for beat."""
    now = now or timezone.now()
    pending = list(
        PaymentExport.objects.filter(
            state=State.PENDING, requested_at__lt=now - PENDING_STALE_AFTER
        ).values_list("pk", flat=True)
    )
    from background.enqueue import enqueue

    from .tasks import build_payment_export

    for pk in pending:
        enqueue(build_payment_export, pk)
    interrupted = PaymentExport.objects.filter(
        state=State.RUNNING, requested_at__lt=now - RUNNING_STALE_AFTER
    ).update(
        state=State.FAILED,
        finished_at=now,
        error=_("L'export a été interrompu avant la fin. Demandez un nouvel export."),
    )
    return len(pending), interrupted
