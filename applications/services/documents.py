"""Producing the portal's PDFs in the background, each version once and completely.

`request_*` (called inside the business action's transaction) bumps the document's requested
revision, a row committed with the action, and tries to enqueue `build` after commit (a broker
down only delays the PDF until the next sweep). `build` renders outside any lock (a render takes a
second; holding the row would block the doctor's next submission), then, under the row lock,
points the document at the new file only if no newer version was stored meanwhile. A build
that finds its revision already stored does nothing, so a re-delivered task, two workers
racing or the sweeper re-enqueueing never produce a second copy. Files of a build killed
before its commit are removed by the next successful build of the same document."""

import datetime
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import GeneratedDocument, private_storage
from ..selectors.documents import has_visit_report

log = logging.getLogger(__name__)

Kind = GeneratedDocument.Kind
# A build not stored by then lost its task (or the broker was down): the sweeper, every 2
# minutes, enqueues it again. A build merely queued may so run twice: the second stores nothing.
STALE_AFTER = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 5

__all__ = [
    "request_dossier_pdf",
    "request_decision_letter",
    "request_lift_letter",
    "request_agenda_pdf",
    "request_minutes_pdf",
]


def _request(kind, subject_key, **subject):
    document, _created = GeneratedDocument.objects.get_or_create(
        subject_key=subject_key, defaults={"kind": kind, **subject}
    )
    GeneratedDocument.objects.filter(pk=document.pk).update(
        requested_revision=F("requested_revision") + 1, requested_at=timezone.now(), attempts=0
    )
    document.refresh_from_db(fields=["requested_revision"])
    _enqueue(document.pk, document.requested_revision)
    return document


def _enqueue(document_id, revision):
    from background.enqueue import enqueue_on_commit

    from ..tasks import build_document

    enqueue_on_commit(build_document, document_id, revision)


def request_dossier_pdf(application):
    """The staff's dossier PDF and, once the visit is reported, the doctor's copy without the
    report (before that, both would be the same file: the doctor downloads the staff's)."""
    if has_visit_report(application):
        _request(
            Kind.DOSSIER_FOR_DOCTOR, f"dossier_doctor:{application.pk}", application=application
        )
    return _request(Kind.DOSSIER, f"dossier:{application.pk}", application=application)


def request_decision_letter(decision):
    return _request(
        Kind.DECISION_LETTER,
        f"decision_letter:{decision.pk}",
        decision=decision,
        application_id=decision.requested_level.application_id,
    )


def request_lift_letter(suspension):
    """The letter telling the doctor that the authority lifted the suspension of their agrément."""
    return _request(
        Kind.LIFT_LETTER,
        f"lift_letter:{suspension.pk}",
        suspension=suspension,
        application_id=suspension.agrement.application_id,
    )


def request_agenda_pdf(session):
    return _request(Kind.AGENDA, f"agenda:{session.pk}", session=session)


def request_minutes_pdf(session):
    return _request(Kind.MINUTES, f"minutes:{session.pk}", session=session)


def _render(document):
    from ..documents.dossier_pdf import build_dossier_pdf
    from ..documents.letters import (
        build_agenda,
        build_decision_letter,
        build_lift_letter,
        build_minutes,
    )
    from ..models import AgrementSuspension, Application, CommissionSession, Decision

    if document.kind in (Kind.DOSSIER, Kind.DOSSIER_FOR_DOCTOR):
        return build_dossier_pdf(
            Application.objects.select_related("doctor__user", "faculty").get(
                pk=document.application_id
            ),
            with_visit_report=document.kind == Kind.DOSSIER,
        )
    if document.kind == Kind.DECISION_LETTER:
        decision = Decision.objects.select_related(
            "requested_level__application__doctor__user", "requested_level__application__faculty"
        ).get(pk=document.decision_id)
        return build_decision_letter(decision)
    if document.kind == Kind.LIFT_LETTER:
        return build_lift_letter(AgrementSuspension.objects.get(pk=document.suspension_id))
    session = CommissionSession.objects.select_related("faculty").get(pk=document.session_id)
    return build_agenda(session) if document.kind == Kind.AGENDA else build_minutes(session)


def _folder(document):
    return f"generated/{document.subject_key.replace(':', '-')}"


REVISION_IN_NAME = re.compile(r"/r(\d+)-[0-9a-f]+\.pdf$")


def build(document_id, revision):
    """Store version `revision` (or newer) of the document. Returns True if this call stored it."""
    document = GeneratedDocument.objects.get(pk=document_id)
    if document.built_revision >= revision:
        return False
    target = document.requested_revision  # build the newest asked for; older tasks then skip
    pause = getattr(settings, "DOCUMENT_BUILD_PAUSE_SECONDS", 0)
    if pause:  # test hook: lets the worker test kill a build in the middle
        time.sleep(pause)
    try:
        built = _render(document)
    except Exception as exc:
        GeneratedDocument.objects.filter(pk=document_id).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    storage = private_storage()
    name = storage.save(
        f"{_folder(document)}/r{target}-{uuid.uuid4().hex[:12]}.pdf", ContentFile(built.content)
    )
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if locked.built_revision >= target:
            transaction.on_commit(lambda: storage.delete(name))  # lost a race: keep theirs
            return False
        locked.file.name = name
        locked.built_revision = target
        locked.pages = built.pages
        locked.omitted = [{"piece": label, "reason": reason} for label, reason in built.omitted]
        locked.built_at = timezone.now()
        locked.error = ""
        locked.save()
        transaction.on_commit(lambda: _remove_older_files(locked))
    return True


def _remove_older_files(document):
    """Delete the document's files of older revisions: the previous version and whatever a
    build killed between its write and its commit left behind."""
    storage = private_storage()
    folder = _folder(document)
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        match = REVISION_IN_NAME.search(f"/{filename}")
        path = f"{folder}/{filename}"
        if match and int(match.group(1)) <= document.built_revision and path != document.file.name:
            storage.delete(path)


def stale_builds(now=None):
    """Documents whose last requested version should have been stored by now."""
    now = now or timezone.now()
    return GeneratedDocument.objects.filter(
        requested_revision__gt=F("built_revision"),
        requested_at__lt=now - STALE_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    )


def sweep(now=None):
    """Re-enqueue builds lost with a dead worker or a broker restart (idempotent)."""
    rows = list(stale_builds(now).values_list("pk", "requested_revision"))
    from background.enqueue import enqueue

    from ..tasks import build_document

    for pk, revision in rows:  # outside any transaction: enqueued at once
        enqueue(build_document, pk, revision)
    return len(rows)
