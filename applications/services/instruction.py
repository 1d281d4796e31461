"""The secretariat's instruction: admissibility, complement requests, messages, notes and the
site visit."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import snapshot
from ..dates import WITHIN_A_YEAR, beyond, latest_day
from ..models import ComplementRequest, Message, SiteVisit, StaffNote
from ..selectors.roles import faculty_visitors
from ..uploads import human_size
from ..workflow import COMMISSION, DOCTOR, FACULTY_ADMIN, SECRETARIAT, VISITOR, Action, Status
from .common import (
    WorkflowError,
    actor_roles,
    check_allowed,
    lock,
    record_event,
    require_roles,
    transition,
)

STAFF = {SECRETARIAT, FACULTY_ADMIN, VISITOR, COMMISSION}
THREAD = {DOCTOR, SECRETARIAT, FACULTY_ADMIN}


def _notices():
    # Each e-mail's Notification is written in the action's transaction (delivered after
    # commit, or by the sweeper if the broker is down then).
    from ..emails import notices

    return notices


@transaction.atomic
def declare_admissible(application, by, comment="", expected_version=None):
    locked = lock(application)
    transition(locked, Action.DECLARE_ADMISSIBLE, by, comment, expected_version)
    return locked


@transaction.atomic
def request_complements(application, by, message, due_date, items, expected_version=None):
    """Send the dossier back to its doctor, naming what to fix and by when."""
    locked = lock(application)
    errors = []
    if not items:
        errors.append(_("Indiquez au moins une pièce ou une partie du dossier à corriger."))
    if not (message or "").strip():
        errors.append(_("Écrivez au médecin ce qui manque ou doit être corrigé."))
    if due_date is None or due_date <= timezone.localdate():
        errors.append(_("La date limite doit être postérieure à aujourd'hui."))
    elif beyond(due_date, WITHIN_A_YEAR):
        errors.append(
            _("La date limite tombe dans l'année : le %(latest)s au plus tard.")
            % {"latest": f"{latest_day(WITHIN_A_YEAR):%d/%m/%Y}"}
        )
    if errors:
        raise WorkflowError(*errors)
    transition(locked, Action.REQUEST_COMPLEMENTS, by, message.strip(), expected_version)
    request = ComplementRequest.objects.create(
        application=locked,
        requested_by=by,
        message=message.strip(),
        due_date=due_date,
        items=sorted(set(items)),
        snapshot=snapshot.take(locked),
    )

    _notices().complement_request(request.pk)
    return request


DUPLICATE_WINDOW = datetime.timedelta(minutes=2)


@transaction.atomic
def post_message(application, by, body, attachment=None, detected=None):
    """A message of the thread between the doctor and the secretariat, e-mailed to the other
    side after commit. `attachment` has passed uploads.check_upload (`detected`)."""
    locked = lock(application)
    roles = actor_roles(locked, by)
    if not roles & THREAD:
        raise WorkflowError(_("Seuls le médecin et le secrétariat échangent des messages ici."))
    if locked.status == Status.DRAFT:
        raise WorkflowError(_("La messagerie s'ouvre quand le dossier est transmis."))
    if not (body or "").strip():
        raise WorkflowError(_("Le message est vide."))
    # A double click or a re-sent form: the same text by the same author a moment ago is that
    # message, not a new one (the dossier's row lock orders two racing requests).
    same = locked.messages.filter(
        author=by,
        body=body.strip(),
        attachment_name=attachment.name[:255] if attachment is not None else "",
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).first()
    if same is not None:
        return same
    message = Message(application=locked, author=by, from_doctor=DOCTOR in roles, body=body.strip())
    if attachment is not None:
        _check_attachment_quota(locked, detected.size)
        message.attachment_name = attachment.name[:255]
        message.attachment_type = detected.content_type
        message.attachment_size = detected.size
        # The cleaned copy (uploads.check_upload), never the bytes as sent.
        message.attachment.save(f"message{detected.extension}", detected.file(), save=False)
    try:
        message.save()
    except Exception:
        if message.attachment:
            message.attachment.storage.delete(message.attachment.name)
        raise
    record_event(
        locked,
        by,
        "message_posted",
        _("Pièce jointe : %(name)s") % {"name": message.attachment_name}
        if message.attachment
        else "",
    )

    _notices().message_posted(message.pk)
    return message


def _check_attachment_quota(application, size):
    """The attachments of one dossier's thread are capped all together (the row is locked)."""
    from django.conf import settings
    from django.db.models import Sum

    quota = settings.MESSAGE_ATTACHMENTS_QUOTA_BYTES
    used = application.messages.aggregate(total=Sum("attachment_size"))["total"] or 0
    if used + size > quota:
        raise WorkflowError(
            _(
                "Pièce jointe refusée : les pièces jointes des messages de ce dossier sont "
                "limitées à %(quota)s au total, %(used)s sont déjà utilisés. Envoyez un fichier "
                "plus léger, ou le message sans pièce jointe."
            )
            % {"quota": human_size(quota), "used": human_size(used)}
        )


def mark_thread_read(application, by, roles=None, thread=None):
    """The reader's side has seen the other side's messages; returns how many were new.

    `roles` and `thread` (the messages the page already read) spare their queries; a page
    with nothing new writes nothing."""
    roles = actor_roles(application, by) if roles is None else roles
    if DOCTOR in roles:
        from_doctor = False
    elif roles & {SECRETARIAT, FACULTY_ADMIN}:
        from_doctor = True
    else:
        return 0
    if thread is not None:
        new = [m.pk for m in thread if m.from_doctor == from_doctor and m.read_at is None]
        if not new:
            return 0
        return Message.objects.filter(pk__in=new).update(read_at=timezone.now())
    unread = application.messages.filter(from_doctor=from_doctor, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def add_note(application, by, body):
    locked = lock(application)
    require_roles(locked, by, STAFF)
    if not (body or "").strip():
        raise WorkflowError(_("La note est vide."))
    note = StaffNote.objects.create(application=locked, author=by, body=body.strip())
    record_event(locked, by, "note_added")
    return note


@transaction.atomic
def schedule_visit(application, by, scheduled_for, visitors, expected_version=None):
    """Plan the site visit: a date and one or two visitors of the faculty."""
    locked = lock(application)
    visitors = list(visitors)
    errors = []
    allowed = set(faculty_visitors(locked.faculty).values_list("pk", flat=True))
    if not visitors or len(visitors) > 2:
        errors.append(
            _("Choisissez un visiteur (enseignant du DUMG) ou un binôme de deux visiteurs.")
        )
    elif any(v.pk not in allowed for v in visitors):
        errors.append(_("Les visiteurs doivent avoir le rôle de visiteur dans votre faculté."))
    elif any(v.pk == locked.doctor.user_id for v in visitors):
        errors.append(_("Un médecin ne peut pas visiter son propre lieu de stage."))
    if scheduled_for is None or scheduled_for <= timezone.now():
        errors.append(_("La visite doit être programmée à une date future."))
    elif beyond(timezone.localdate(scheduled_for), WITHIN_A_YEAR):
        errors.append(
            _("La visite se programme dans l'année : le %(latest)s au plus tard.")
            % {"latest": f"{latest_day(WITHIN_A_YEAR):%d/%m/%Y}"}
        )
    if errors:
        raise WorkflowError(*errors)
    when = timezone.localtime(scheduled_for)
    transition(
        locked,
        Action.SCHEDULE_VISIT,
        by,
        _("Visite le %(date)s") % {"date": when.strftime("%d/%m/%Y %H:%M")},
        expected_version,
    )
    visit, _created = SiteVisit.objects.update_or_create(
        application=locked, defaults={"scheduled_for": scheduled_for, "scheduled_by": by}
    )
    visit.visitors.set(visitors)

    _notices().visit_scheduled(visit.pk)
    return visit


@transaction.atomic
def record_visit(application, by, checklist, report, recommendation, expected_version=None):
    """The visitor's report: the checklist, free text and a recommendation."""
    locked = lock(application)
    if recommendation not in SiteVisit.Recommendation.values:
        raise WorkflowError(_("Choisissez un avis : favorable, réservé ou défavorable."))
    if not (report or "").strip():
        raise WorkflowError(_("Rédigez le compte rendu de la visite."))
    check_allowed(locked, Action.RECORD_VISIT, by)  # who may, before when
    planned = SiteVisit.objects.filter(application=locked).only("scheduled_for").first()
    if planned and timezone.localdate() < planned.report_opens_on:
        raise WorkflowError(
            _("Le rapport ne peut pas être enregistré avant la date de la visite (le %(date)s).")
            % {"date": f"{planned.report_opens_on:%d/%m/%Y}"}
        )
    transition(
        locked,
        Action.RECORD_VISIT,
        by,
        _("Avis : %(opinion)s") % {"opinion": SiteVisit.Recommendation(recommendation).label},
        expected_version,
    )
    visit = SiteVisit.objects.select_for_update().get(application=locked)
    for field, _label in SiteVisit.CHECKLIST:
        setattr(visit, field, bool(checklist.get(field)))
    visit.report = report.strip()
    visit.recommendation = recommendation
    visit.reported_at = timezone.now()
    visit.reported_by = by
    visit.save()
    from .documents import request_dossier_pdf

    request_dossier_pdf(locked)  # the dossier PDF now carries the visit report
    _notices().visit_reported(visit.pk)  # the secretariat's notice commits with the report
    return visit
