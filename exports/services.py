"""Exports asked for by a user, built in the background: one mechanism for every list.

`request_export` checks the kind's roles in the faculty, the format and the filters, creates
the row and enqueues `build_export` after commit. `build_export` writes the file to a
temporary file (rows stream: memory stays flat), stores it in the private storage and marks
the row done, writing its progress on the row with `.update()` (committed at once: the page
polling the row sees it move). It is safe to run again: a done export is left as it is, an
interrupted one starts over. A failure marks the row failed with a French message before
re-raising, so that the task's retries and the logs see the exception too.

`sweep` re-enqueues lost tasks and closes interrupted ones (beat, every 2 minutes). The
retention job (`retention.services`) deletes exports and their files once the faculty's
`retention_export_days` have passed."""

import datetime
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FacultySettings, Membership
from applications.services import WorkflowError

from . import registry
from .models import Export
from .sources import uses_copy
from .writers import Table, write

log = logging.getLogger(__name__)

State = Export.State
# A pending export not started by then lost its task (broker restart); one running that long
# lost its worker (the task's hard limit is far shorter).
PENDING_STALE_AFTER = datetime.timedelta(minutes=2)  # the sweeper runs every 2 minutes
RUNNING_STALE_AFTER = datetime.timedelta(hours=1)
PROGRESS_EVERY = 2000  # rows between two progress writes
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "ods": "ODS"}


class ExportError(WorkflowError):
    """An export refused (rights, format, filters); its message is French."""


def may_request(user, faculty, kind):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organisation=faculty, role__in=kind.roles).exists()


def _formats_sentence(formats):
    names = [FORMAT_NAMES[f] for f in formats]
    if len(names) == 1:
        return names[0]
    return _("%(first)s ou %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@transaction.atomic
def request_export(faculty, by, kind, params, fmt):
    if not registry.exists(kind):
        raise ExportError(_("Cette liste ne peut pas être exportée."))
    spec = registry.get(kind)
    if not may_request(by, faculty, spec):
        raise ExportError(str(spec.denied or _("Vous n'avez pas le droit d'exporter cette liste.")))
    if fmt not in spec.formats:
        raise ExportError(
            _("Choisissez le format de l'export : %(formats)s.")
            % {"formats": _formats_sentence(spec.formats)}
        )
    kept = spec.clean(dict(params or {}))
    now = timezone.now()
    days = FacultySettings.for_faculty(faculty).retention_export_days
    export = Export.objects.create(
        kind=kind,
        params=kept,
        faculty=faculty,
        format=fmt,
        requested_by=by,
        requested_at=now,
        # What the list shows; the retention job deletes it (counted from when it was built).
        expires_at=now + datetime.timedelta(days=days),
    )
    _enqueue(export.pk)
    return export


def _enqueue(export_id):
    from background.enqueue import enqueue_on_commit

    from .tasks import build_export as task

    enqueue_on_commit(task, export_id)


def _update(pk, **fields):
    Export.objects.filter(pk=pk).update(**fields)


def write_export(export, out, progress=None):
    """Write the export's file to the binary file `out`; returns the number of rows."""
    source = export.spec.source(export, progress)
    if isinstance(source, Table):
        rows = list(source.rows)
        write(Table(source.sheet_title, source.columns, rows, source.total), export.format, out)
        return source.extra.get("count", len(rows))
    total = source.count()
    if progress:
        progress(0, total)
    if uses_copy(source, export.format):
        source.write_csv_with_copy(out)
    else:
        table = source.table(lambda done: progress and progress(done, total))
        write(table, export.format, out)
    return total


def build_export(pk):
    """Build export `pk`. Returns True if this call stored its file."""
    export = Export.objects.select_related("faculty", "requested_by").get(pk=pk)
    if export.state == State.DONE:
        return False
    _update(pk, state=State.RUNNING, done=0, total=0, error="", finished_at=None)

    def progress(done, total):
        _update(pk, done=done, total=total)

    try:
        with tempfile.TemporaryFile() as out:
            count = write_export(export, out, progress)
            out.seek(0)
            export.file.save(export.filename, File(out), save=False)
    except Exception:
        log.exception("Export %s (%s) failed", pk, export.kind)
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
    _update(
        pk,
        state=State.DONE,
        file=export.file.name,
        done=count,
        total=count,
        finished_at=timezone.now(),
        error="",
    )
    return True


def sweep(now=None):
    """Re-enqueue exports whose task was lost before it started; mark failed those whose
    worker died mid-way (the user asks again). Idempotent; meant for beat."""
    now = now or timezone.now()
    pending = list(
        Export.objects.filter(
            state=State.PENDING, requested_at__lt=now - PENDING_STALE_AFTER
        ).values_list("pk", flat=True)
    )
    from background.enqueue import enqueue

    from .tasks import build_export as task

    for pk in pending:
        enqueue(task, pk)
    interrupted = Export.objects.filter(
        state=State.RUNNING, requested_at__lt=now - RUNNING_STALE_AFTER
    ).update(
        state=State.FAILED,
        finished_at=now,
        error=_("L'export a été interrompu avant la fin. Demandez un nouvel export."),
    )
    return len(pending), interrupted
