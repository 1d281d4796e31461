"""Asking the background side to try again now, from the background page.

Each retry locks the row, checks that the person may see it (a faculty admin only their
faculty's, a superuser all), resets the attempt counter (the admin asks explicitly, past the
automatic attempts) and enqueues the work after commit. The row itself keeps the work: if the
broker is still down, the sweeper delivers it later."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from applications.services import WorkflowError

from . import selectors
from .enqueue import enqueue_on_commit

log = logging.getLogger(__name__)
Status = selectors.Status


def _require_access(by):
    if not selectors.can_see_background(by):
        raise WorkflowError(_("Seul un administrateur de la faculté peut relancer un envoi."))


@transaction.atomic
def retry_notification(notification_id, by):
    from notifications.tasks import deliver_notifications

    _require_access(by)
    row = (
        selectors.notifications_to_deliver(by)
        .select_for_update(of=("self",))
        .filter(pk=notification_id)
        .first()
    )
    if row is None:
        raise WorkflowError(_("Cet e-mail n'est plus en attente : il a déjà été envoyé."))
    if row.email_status == Status.SENDING:
        raise WorkflowError(_("Cet e-mail est en cours d'envoi : attendez quelques minutes."))
    row.email_status = Status.PENDING
    row.attempts = 0
    row.save(update_fields=["email_status", "attempts"])
    log.info("Notification %s: retry asked by user %s", row.pk, by.pk)
    enqueue_on_commit(deliver_notifications, [row.pk])
    return row


@transaction.atomic
def retry_document(document_id, by):
    from applications.tasks import build_document

    _require_access(by)
    row = (
        selectors.documents_to_build(by)
        .select_for_update(of=("self",))
        .filter(pk=document_id)
        .first()
    )
    if row is None:
        raise WorkflowError(_("Ce document est déjà à jour."))
    row.attempts = 0
    row.error = ""
    row.save(update_fields=["attempts", "error"])
    log.info("Document %s: retry asked by user %s", row.pk, by.pk)
    enqueue_on_commit(build_document, row.pk, row.requested_revision)
    return row
