"""The obligations' business actions: the MSU's attestations, the faculty's UPP meetings and
their attendance, and the recomputation of where each MSU stands (`refresh`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services import WorkflowError

from . import rules, selectors
from .models import Attestation, ObligationEvent, ObligationStatus, UppMeeting

CHUNK = 500

ATTESTATION_EVENTS = {
    Attestation.Kind.INITIAL_TRAINING: "initial_training_recorded",
    Attestation.Kind.CONTINUING_TRAINING: "continuing_training_recorded",
    Attestation.Kind.CHARTER: "charter_recorded",
}


def record_event(doctor, by, action, comment=""):
    return ObligationEvent.objects.create(doctor=doctor, actor=by, action=action, comment=comment)


# --- Where each MSU stands -----------------------------------------------------------------


def refresh(doctor_ids, today=None):
    """Recompute the ObligationStatus rows of these doctors (none for one without an agrément
    in force). Idempotent; a constant number of queries per CHUNK doctors."""
    today = today or timezone.localdate()
    ids = list(doctor_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        facts = selectors.facts_for(chunk, today)
        ObligationStatus.objects.filter(doctor_id__in=chunk).exclude(
            doctor_id__in=list(facts)
        ).delete()
        rows = [
            ObligationStatus(
                doctor_id=doctor_id,
                faculty_id=faculty_id,
                obligation=standing.obligation,
                last_done_on=standing.last_done_on,
                due_on=standing.due_on,
                computed_on=today,
            )
            for doctor_id, (faculty_id, doctor_facts) in facts.items()
            for standing in rules.standings(doctor_facts, today)
        ]
        ObligationStatus.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["doctor", "obligation"],
            update_fields=["faculty", "last_done_on", "due_on", "computed_on"],
            batch_size=2000,
        )


def refresh_all(today=None):
    """Every MSU with an agrément in force, and every row left by one who no longer has one."""
    today = today or timezone.localdate()
    subject = set(selectors.subject_doctor_ids(today).values_list("doctor_id", flat=True))
    ObligationStatus.objects.exclude(doctor_id__in=list(subject)).delete()
    refresh(sorted(subject), today)
    return len(subject)


# --- The MSU's attestations ----------------------------------------------------------------


@transaction.atomic
def add_attestation(doctor, by, kind, done_on, body, uploaded, detected):
    """Store a checked upload (applications.uploads.check_upload) as the MSU's attestation."""
    if doctor.user_id != by.pk:
        raise WorkflowError(_("Seul le MSU dépose ses attestations."))
    errors = []
    if kind not in Attestation.Kind.values:
        errors.append(_("Choisissez le document déposé."))
    if done_on is None or done_on > timezone.localdate():
        errors.append(_("La date ne peut pas être dans le futur."))
    body = (body or "").strip()
    if kind != Attestation.Kind.CHARTER and not body:
        errors.append(_("Indiquez l'organisme qui a dispensé la formation."))
    if errors:
        raise WorkflowError(*errors)
    attestation = Attestation(
        doctor=doctor,
        kind=kind,
        done_on=done_on,
        body=body if kind != Attestation.Kind.CHARTER else "",
        original_name=uploaded.name[:255],
        content_type=detected.content_type,
        size=detected.size,
        uploaded_by=by,
    )
    attestation.file.save(f"attestation{detected.extension}", detected.file(), save=False)
    try:
        attestation.save()
    except Exception:
        attestation.file.storage.delete(attestation.file.name)
        raise
    summary = f"{done_on:%d/%m/%Y}"
    if attestation.body:
        summary += f" ({attestation.body})"
    record_event(doctor, by, ATTESTATION_EVENTS[kind], summary)
    refresh([doctor.pk])
    return attestation


def record_download(by, attestation):
    return record_event(
        attestation.doctor,
        by,
        "attestation_downloaded",
        f"{attestation.get_kind_display()} ({attestation.original_name})",
    )


# --- UPP meetings --------------------------------------------------------------------------


def _check_staff(faculty, by):
    if not selectors.staff_faculties(by).filter(pk=faculty.pk).exists():
        raise WorkflowError(
            _("Seuls le secrétariat et l'administrateur de la faculté gèrent ses réunions.")
        )


@transaction.atomic
def record_meeting(faculty, by, upp, held_on, title):
    _check_staff(faculty, by)
    errors = []
    if upp is None or upp.parent_id != faculty.pk:
        errors.append(_("Choisissez une UPP de la faculté."))
    if held_on is None:
        errors.append(_("Indiquez la date de la réunion."))
    if not (title or "").strip():
        errors.append(_("Indiquez l'objet de la réunion."))
    if errors:
        raise WorkflowError(*errors)
    return UppMeeting.objects.create(
        faculty=faculty, upp=upp, held_on=held_on, title=title.strip(), created_by=by
    )


@transaction.atomic
def record_attendance(meeting, by, doctors):
    """Who attended: the set replaces the previous one. Each MSU marked or unmarked gets a line
    in their history; their standing is recomputed."""
    meeting = UppMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_staff(meeting.faculty, by)
    if meeting.held_on > timezone.localdate():
        raise WorkflowError(_("La présence se relève une fois la réunion tenue."))
    allowed = set(selectors.attendance_choices(meeting).values_list("pk", flat=True))
    chosen = {doctor.pk for doctor in doctors}
    if chosen - allowed:
        raise WorkflowError(_("Un des médecins cochés n'est pas un MSU de cette UPP."))
    before = set(meeting.attendees.values_list("pk", flat=True))
    what = f"{meeting.upp.name} — {meeting.title} ({meeting.held_on:%d/%m/%Y})"
    doctors_by_pk = {doctor.pk: doctor for doctor in doctors}
    for pk in sorted(chosen - before):
        record_event(doctors_by_pk[pk], by, "upp_attendance_recorded", what)
    removed = list(meeting.attendees.filter(pk__in=before - chosen))
    for doctor in removed:
        record_event(doctor, by, "upp_attendance_removed", what)
    meeting.attendees.set(sorted(chosen))
    refresh(sorted(chosen ^ before))
    return meeting
