"""Reading the obligations: the facts each MSU's standing is computed from (a constant number
of queries for any number of MSUs), what each person may see, the list of MSUs behind."""

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Organisation
from applications.models import Agrement, Doctor
from applications.text import fold
from exports.selectors import faculties_for
from stages.models import INTERNE_LEVELS, Tutoring

from . import rules
from .models import Attestation, ObligationEvent, ObligationStatus, UppMeeting

STAFF = frozenset({Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN})


# --- The facts ---------------------------------------------------------------------------------


def in_force(today):
    """The agréments that make their holder an MSU today: within their dates and not withdrawn
    (from the day the withdrawal takes effect). A suspended one still counts: its MSU keeps the
    obligations (training, charter, meetings) while the hosting is paused."""
    # As Agrement.spans reads it: the withdrawal's date of effect ends it.
    withdrawn = Q(withdrawn_on__lte=today) | Q(
        status=Agrement.Status.WITHDRAWN, withdrawn_on__isnull=True
    )
    return Agrement.objects.filter(valid_from__lte=today, valid_until__gte=today).exclude(withdrawn)


def subject_doctor_ids(today):
    """The MSUs the obligations apply to: an agrément in force today."""
    return in_force(today).values("doctor_id")


def facts_for(doctor_ids, today):
    """{doctor id: (faculty id, rules.Facts)} for those of `doctor_ids` holding an agrément in
    force today; six queries whatever their number."""
    ids = list(doctor_ids)
    current = {}
    for row in (
        in_force(today)
        .filter(doctor_id__in=ids)
        .order_by("doctor_id", "valid_until", "pk")
        .values("doctor_id", "level", "application__faculty_id")
    ):
        faculty, interne = current.get(row["doctor_id"], (None, False))
        current[row["doctor_id"]] = (
            row["application__faculty_id"],  # the latest-ending agrément's faculty
            interne or row["level"] in INTERNE_LEVELS,
        )
    if not current:
        return {}
    ids = list(current)
    first = dict(
        Agrement.objects.filter(doctor_id__in=ids, valid_from__lte=today)
        .values("doctor_id")
        .annotate(first=Min("valid_from"))
        .values_list("doctor_id", "first")
    )
    proofs = {}
    for doctor_id, kind, day in (
        Attestation.objects.filter(doctor_id__in=ids, done_on__lte=today)
        .values("doctor_id", "kind")
        .annotate(last=Max("done_on"))
        .values_list("doctor_id", "kind", "last")
    ):
        proofs[(doctor_id, kind)] = day
    meetings = dict(
        UppMeeting.attendees.through.objects.filter(
            doctor_id__in=ids, uppmeeting__held_on__lte=today
        )
        .values("doctor_id")
        .annotate(last=Max("uppmeeting__held_on"))
        .values_list("doctor_id", "last")
    )
    tutees = dict(
        Tutoring.objects.filter(tutor_id__in=ids, ended_on__isnull=True, started_on__lte=today)
        .values("tutor_id")
        .annotate(n=Count("pk"))
        .values_list("tutor_id", "n")
    )
    kinds = Attestation.Kind
    return {
        doctor_id: (
            faculty_id,
            rules.Facts(
                first_agrement_on=first[doctor_id],
                initial_training_on=proofs.get((doctor_id, kinds.INITIAL_TRAINING)),
                continuing_training_on=proofs.get((doctor_id, kinds.CONTINUING_TRAINING)),
                charter_signed_on=proofs.get((doctor_id, kinds.CHARTER)),
                last_meeting_on=meetings.get(doctor_id),
                active_tutees=tutees.get(doctor_id, 0),
                hosts_internes=interne,
            ),
        )
        for doctor_id, (faculty_id, interne) in current.items()
    }


def standings_of(doctor, today=None):
    """The MSU's standing on each obligation today, or None without an agrément in force."""
    today = today or timezone.localdate()
    found = facts_for([doctor.pk], today).get(doctor.pk)
    return None if found is None else rules.standings(found[1], today)


def attestations_of(doctor):
    return Attestation.objects.filter(doctor=doctor)


def history_of(doctor):
    from applications.events import AUDIT_ONLY

    return (
        ObligationEvent.objects.filter(doctor=doctor)
        .exclude(action__in=AUDIT_ONLY)
        .select_related("actor")
    )


# --- Who sees what -------------------------------------------------------------------------


def staff_faculties(user):
    return faculties_for(user, STAFF)


def doctors_of_faculties(faculties):
    """Doctors one of whose agréments these faculties instructed."""
    return Doctor.objects.filter(
        Exists(Agrement.objects.filter(doctor=OuterRef("pk"), application__faculty__in=faculties))
    )


def get_msu_for_staff(user, pk):
    faculties = staff_faculties(user)
    return get_object_or_404(doctors_of_faculties(faculties).select_related("user", "upp"), pk=pk)


def get_attestation_for(user, pk):
    """The MSU's own attestation, or one of an MSU of the staff member's faculty; 404 else."""
    mine = Q(doctor__user=user)
    theirs = Q(doctor__in=doctors_of_faculties(staff_faculties(user)))
    return get_object_or_404(Attestation.objects.filter(mine | theirs), pk=pk)


def meetings_for(user):
    return UppMeeting.objects.filter(faculty__in=staff_faculties(user)).select_related(
        "upp", "faculty"
    )


def get_meeting_for(user, pk):
    return get_object_or_404(meetings_for(user), pk=pk)


def upps_of(faculty):
    return Organisation.objects.filter(kind=Organisation.Kind.UPP, parent=faculty).order_by("name")


def attendance_choices(meeting, today=None):
    """The MSUs one may mark present: those of the faculty attached to the meeting's UPP, and
    whoever is already marked."""
    today = today or timezone.localdate()
    return (
        Doctor.objects.filter(
            Q(
                pk__in=in_force(today)
                .filter(application__faculty=meeting.faculty)
                .values("doctor_id"),
                upp=meeting.upp,
            )
            | Q(upp_meetings=meeting)
        )
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "pk")
    )


# --- The faculty's list of MSUs behind -----------------------------------------------------

BEHIND_FILTERS = ("obligation", "upp", "q")


def behind(faculty, filters, today=None):
    """One row per (MSU, obligation) fallen due before today, of the faculty, by how long."""
    today = today or timezone.localdate()
    rows = ObligationStatus.objects.filter(
        faculty=faculty, due_on__lt=today, obligation__in=rules.TRACKED
    )
    if filters.get("obligation") in rules.TRACKED:
        rows = rows.filter(obligation=filters["obligation"])
    if str(filters.get("upp", "")).isdigit():
        rows = rows.filter(doctor__upp_id=int(filters["upp"]))
    query = fold(filters.get("q", ""))
    if query:
        rows = rows.filter(doctor__search_name__contains=query)
    return rows.order_by("due_on", "doctor__search_name", "obligation", "pk")
