"""The doctor's side: drafts, pieces, eligibility, submission, withdrawal."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import snapshot
from ..models import Application, Doctor, Document, Event, ReplacedPiece, RequestedLevel
from ..selectors.candidature import (
    completeness_problems,
    open_complement_request,
    section_editable,
)
from ..workflow import CLOSED, DOCTOR_EDITABLE, Action, Status
from .common import WorkflowError, lock, record_event, transition

# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def start_application(doctor, by, kind=Application.Kind.INITIAL):
    """The doctor's dossier still in their hands, or a new one.

    One dossier in progress at a time: its profile and practice sites are the doctor's own, so
    a second dossier could otherwise change what the first one, already submitted, shows.
    """
    Doctor.objects.select_for_update().get(pk=doctor.pk)  # two clicks create one dossier
    current = (
        Application.objects.filter(doctor=doctor)
        .exclude(status__in=CLOSED)
        .exclude(kind=Application.Kind.REVIEW)  # the secretariat's, beside the doctor's own
        .first()
    )
    if current and current.status in DOCTOR_EDITABLE:
        return current
    if current:
        raise WorkflowError(
            _(
                "Votre dossier %(reference)s est en cours d'instruction : une nouvelle demande "
                "pourra être déposée une fois la décision rendue ou ce dossier retiré."
            )
            % {"reference": current.reference}
        )
    application = Application.objects.create(doctor=doctor, kind=kind, faculty=doctor.faculty)
    Event.objects.create(application=application, actor=by, action="create", to_status=Status.DRAFT)
    return application


def ensure_editable(application, by, section=None):
    if application.doctor.user_id != by.pk:
        raise WorkflowError(_("Seul le médecin qui a créé ce dossier peut le modifier."))
    if application.status not in DOCTOR_EDITABLE:
        raise WorkflowError(
            _(
                "Ce dossier a été transmis : il n'est plus modifiable, sauf si le secrétariat "
                "vous demande des compléments."
            )
        )
    if section and not section_editable(application, section):
        raise WorkflowError(
            _(
                "Le secrétariat n'a pas demandé de modifier cette partie du dossier : elle reste "
                "telle que vous l'avez transmise."
            )
        )


@transaction.atomic
def save_step(application, by, *forms_to_save, section=None):
    """Save a step's forms, if the dossier is still the doctor's to edit."""
    locked = lock(application)
    ensure_editable(locked, by, section)
    for form in forms_to_save:
        form.save()
    # A draft goes to the faculty the doctor attaches to in the profile; once submitted, the
    # dossier stays with the faculty instructing it (the profile form locks the field).
    faculty_id = Doctor.objects.values_list("faculty_id", flat=True).get(pk=locked.doctor_id)
    if locked.status == Status.DRAFT and locked.faculty_id != faculty_id:
        locked.faculty_id = faculty_id
        locked.save(update_fields=["faculty", "updated_at"])
    else:
        locked.save(update_fields=["updated_at"])
    return locked


@transaction.atomic
def set_levels(application, by, levels):
    locked = lock(application)
    ensure_editable(locked, by, "niveaux")
    wanted = set(levels)
    locked.requested_levels.exclude(level__in=wanted).delete()
    have = set(locked.requested_levels.values_list("level", flat=True))
    RequestedLevel.objects.bulk_create(
        RequestedLevel(application=locked, level=level) for level in sorted(wanted - have)
    )
    locked.save(update_fields=["updated_at"])
    return locked


@transaction.atomic
def attach_document(application, by, piece, uploaded, detected):
    """Store a checked upload as the dossier's piece, replacing the previous file if any."""
    locked = lock(application)
    ensure_editable(locked, by, f"piece:{piece}")
    previous = Document.objects.filter(application=locked, piece=piece).first()
    if previous:
        _set_aside(locked, previous, removed=False)
    document = Document(
        application=locked,
        piece=piece,
        original_name=uploaded.name[:255],
        content_type=detected.content_type,
        size=detected.size,
        uploaded_by=by,
    )
    # The cleaned copy (uploads.check_upload): no metadata, scripts or actions.
    document.file.save(f"piece{detected.extension}", detected.file(), save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)  # no orphan file on failure
        raise
    locked.save(update_fields=["updated_at"])
    return document


@transaction.atomic
def remove_document(document, by):
    locked = lock(document.application)
    ensure_editable(locked, by, f"piece:{document.piece}")
    _set_aside(locked, document, removed=True)


def _set_aside(locked, document, removed):
    """Delete a piece the doctor replaces or removes, except the version an open complement
    request was about: that one moves to ReplacedPiece (same stored file), for the secretariat
    to open from "what changed". A version uploaded since the request is simply deleted."""
    request = open_complement_request(locked) if locked.status != Status.DRAFT else None
    stored = document.file
    if request is not None and document.uploaded_at <= request.requested_at:
        ReplacedPiece.objects.create(
            complement_request=request,
            application=locked,
            piece=document.piece,
            file=stored.name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            uploaded_at=document.uploaded_at,
            removed=removed,
        )
        document.delete()
        return
    document.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Eligibility and completeness ------------------------------------------------------------


# --- Transitions wired now (the rest of the table comes with the instruction) ----------------


@transaction.atomic
def submit(application, by):
    locked = lock(application)
    if locked.status not in DOCTOR_EDITABLE:
        raise WorkflowError(
            _("Ce dossier est déjà « %(status)s » : il ne peut pas être transmis de nouveau.")
            % {"status": Status(locked.status).label}
        )
    problems = completeness_problems(locked)
    if problems:
        raise WorkflowError(*problems)
    action = Action.SUBMIT if locked.status == Status.DRAFT else Action.RESUBMIT
    request = open_complement_request(locked) if action == Action.RESUBMIT else None
    transition(locked, action, by)
    if request:
        request.answered_at = timezone.now()
        request.changes = snapshot.changes(request.snapshot, snapshot.take(locked))
        request.save(update_fields=["answered_at", "changes"])
    from ..emails import notices
    from .documents import request_dossier_pdf

    request_dossier_pdf(locked)
    version = locked.version
    notices.submission_receipt(locked.pk, version)  # the receipt commits with the submission
    if action == Action.SUBMIT:
        coordinator = notices.coordinator_submission(locked.pk)
        if coordinator is not None:
            record_event(locked, by, "coordinator_informed", coordinator_line(coordinator))
    return locked


def coordinator_line(coordinator):
    return _("%(name)s, professeur coordonnateur (%(specialty)s)") % {
        "name": coordinator.name,
        "specialty": coordinator.get_specialty_display(),
    }


@transaction.atomic
def withdraw(application, by, comment=""):
    locked = lock(application)
    transition(locked, Action.WITHDRAW, by, comment)
    return locked
