"""The doctor's side: drafts, pieces, eligibility, submission, withdrawal."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import FacultySettings

from .. import eligibility, rpps, snapshot
from ..models import Application, Doctor, Document, Event, RequestedLevel
from ..pieces import required_pieces
from ..workflow import CLOSED, DOCTOR_EDITABLE, Action, Status
from .common import WorkflowError, lock, transition

# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def start_application(doctor, by, kind=Application.Kind.INITIAL):
    """The doctor's dossier still in their hands, or a new one.

    One dossier in progress at a time: its profile and practice sites are the doctor's own, so
    a second dossier could otherwise change what the first one, already submitted, shows.
    """
    Doctor.objects.select_for_update().get(pk=doctor.pk)  # two clicks create one dossier
    current = Application.objects.filter(doctor=doctor).exclude(status__in=CLOSED).first()
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


def open_complement_request(application):
    return application.complement_requests.filter(answered_at__isnull=True).first()


def editable_sections(application):
    """What the doctor may change: everything in a draft; in a dossier sent back, only what the
    secretariat's request names (step slugs, and "piece:<code>" for single pieces)."""
    if application.status == Status.DRAFT:
        return None
    request = open_complement_request(application)
    return set(request.items) if request else set()


def section_editable(application, section):
    sections = editable_sections(application)
    if sections is None:
        return True
    if section == "pieces":
        return any(item.startswith("piece:") or item == "pieces" for item in sections)
    if section.startswith("piece:"):
        return section in sections or "pieces" in sections
    return section in sections


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
        old_file = previous.file
        previous.delete()
        transaction.on_commit(lambda: old_file.storage.delete(old_file.name))
    document = Document(
        application=locked,
        piece=piece,
        original_name=uploaded.name[:255],
        content_type=detected.content_type,
        size=uploaded.size,
        uploaded_by=by,
    )
    document.file.save(f"piece{detected.extension}", uploaded, save=False)
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
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Eligibility and completeness ------------------------------------------------------------


def profile_of(application):
    doctor = application.doctor
    return eligibility.Profile(
        degree_date=doctor.degree_date,
        registered_with_ordre=doctor.registered_with_ordre,
        rpps=doctor.rpps,
        installation_date=doctor.installation_date,
        general_practice=doctor.is_general_practitioner,
        training_completed=doctor.training_completed_on is not None,
        training_commitment=application.commit_training,
    )


def rules_of(application):
    settings = FacultySettings.for_faculty(application.faculty)
    return eligibility.Rules(
        years_required_externe=settings.years_required_externe,
        years_required_interne=settings.years_required_interne,
        training_required_general_practice=settings.training_required_general_practice,
    )


def eligibility_of(application, on=None, levels=None):
    on = on or timezone.localdate()
    levels = application.levels if levels is None else levels
    return eligibility.check_levels(levels, profile_of(application), rules_of(application), on)


PROFILE_FIELDS = {
    "civility": gettext_lazy("la civilité"),
    "rpps": gettext_lazy("le numéro RPPS"),
    "specialty": gettext_lazy("la spécialité"),
    "degree_date": gettext_lazy("la date du diplôme"),
    "installation_date": gettext_lazy("la date de première installation"),
    "exercise_mode": gettext_lazy("le mode d'exercice"),
    "faculty": gettext_lazy("la faculté de rattachement"),
}


def missing_pieces(application, levels=None):
    levels = application.levels if levels is None else levels
    present = {doc.piece for doc in application.documents.all()}
    settings = FacultySettings.for_faculty(application.faculty)
    return [p for p in required_pieces(levels, application.kind, settings) if p not in present]


def unfinished(application, on=None):
    """(step slug, French sentence) for everything that stops submission, in step order.

    The one source of both the review's checklist and where a resumed draft lands. An
    ineligible level is tagged with the review step: it follows from the profile, it is not an
    input missing from the levels step.
    """
    doctor = application.doctor
    found = []
    missing = [
        label
        for name, label in PROFILE_FIELDS.items()
        if not getattr(doctor, name if name != "faculty" else "faculty_id")
    ]
    if not doctor.user.first_name or not doctor.user.last_name:
        missing.insert(0, _("vos nom et prénom"))
    if missing:
        found.append(
            (
                "profil",
                _("Profil : indiquez %(fields)s.") % {"fields": ", ".join(map(str, missing))},
            )
        )
    if not doctor.sites.exists():
        found.append(("exercice", _("Exercice : ajoutez au moins un lieu d'exercice.")))
    if not application.practice_description.strip():
        found.append(("exercice", _("Exercice : décrivez l'activité de votre cabinet.")))
    levels = application.levels
    if not levels:
        found.append(("niveaux", _("Niveaux : choisissez au moins un niveau de stage.")))
    for result in eligibility_of(application, on=on, levels=levels):
        if not result.eligible:
            reasons = " ; ".join(check.reason for check in result.unmet)
            found.append(
                (
                    "recapitulatif",
                    _(
                        "Niveau « %(level)s » non éligible : %(reasons)s Retirez ce niveau ou "
                        "complétez votre profil ; les autres niveaux pourront être transmis."
                    )
                    % {"level": result.label, "reasons": reasons},
                )
            )
    for piece in missing_pieces(application, levels):
        found.append(("pieces", _("Pièces : ajoutez « %(piece)s ».") % {"piece": piece.label}))
    if not (
        application.commit_charter and application.commit_insurer and application.certify_accuracy
    ):
        found.append(("engagements", _("Engagements : cochez les engagements obligatoires.")))
    return found


def completeness_problems(application, on=None):
    """Every reason the dossier cannot be submitted yet, in French, step by step."""
    return [text for _step, text in unfinished(application, on)]


def first_unfinished_step(application):
    """Where a doctor coming back to a draft should land."""
    steps = [step for step, _text in unfinished(application) if step != "recapitulatif"]
    return steps[0] if steps else "recapitulatif"


def rpps_warning(doctor):
    if rpps.is_well_formed(doctor.rpps) and not rpps.luhn_ok(doctor.rpps):
        return _(
            "Le numéro RPPS %(rpps)s ne passe pas le contrôle de clé : vérifiez-le sur "
            "votre carte CPS. Vous pouvez le conserver s'il est exact."
        ) % {"rpps": doctor.rpps}
    return ""


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
    from ..tasks import send_submission_receipt
    from .documents import request_dossier_pdf

    request_dossier_pdf(locked)
    version = locked.version
    transaction.on_commit(lambda: send_submission_receipt.delay(locked.pk, version))
    return locked


@transaction.atomic
def withdraw(application, by, comment=""):
    locked = lock(application)
    transition(locked, Action.WITHDRAW, by, comment)
    return locked
