"""Who sees what of how stages go (reading only, below the services).

- Incidents: the MSUs of the placement's team, the secretariat and the admins of the faculty,
  the coordinators of the UPP of the offer or of one of the team's MSUs; the student through
  their link (stages.links). Nobody else: a 404.
- Evaluations: the faculty admin sees every evaluation of the faculty; an MSU sees those of
  the placements of their teams.
- Import batches: the faculty admin who may manage the period's faculty.
"""

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organisation
from applications.models import Doctor

from .models import Placement, TeamMember
from .records import Evaluation, EvaluationScore, ImportBatch, Incident
from .selectors import admin_faculties, doctor_of

Role = Membership.Role


def _organisations(user, role, kind):
    return Organisation.objects.filter(
        kind=kind, memberships__user=user, memberships__role=role
    ).values("pk")


def staff_faculties(user):
    """Faculties whose secretariat or admin the user is: they follow every incident there."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
    return Organisation.objects.filter(
        kind=Organisation.Kind.FACULTY,
        memberships__user=user,
        memberships__role__in=[Role.SECRETARIAT, Role.FACULTY_ADMIN],
    ).distinct()


def coordinated_upps(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return _organisations(user, Role.UPP_COORDINATOR, Organisation.Kind.UPP)


def incidents_visible_to(user):
    if not user.is_authenticated:
        return Incident.objects.none()
    upps = coordinated_upps(user)
    in_team = TeamMember.objects.filter(offer_id=OuterRef("placement__offer_id"))
    condition = Q(placement__offer__period__faculty__in=staff_faculties(user).values("pk"))
    condition |= Q(placement__offer__upp__in=upps)
    condition |= Exists(in_team.filter(doctor__upp__in=upps))
    doctor = doctor_of(user)
    if doctor is not None:
        condition |= Exists(in_team.filter(doctor=doctor))
    return Incident.objects.filter(condition).select_related(
        "placement__student", "placement__offer__period", "reported_by"
    )


def get_incident_for(user, pk):
    return get_object_or_404(incidents_visible_to(user), pk=pk)


def may_handle(user, incident):
    """The faculty's secretariat and admins and the UPP's coordinators set the status; the
    MSUs of the team report and write, they do not close."""
    faculty_id = incident.placement.offer.period.faculty_id
    if staff_faculties(user).filter(pk=faculty_id).exists():
        return True
    upps = coordinated_upps(user)
    return (
        Organisation.objects.filter(pk__in=upps, pk=incident.placement.offer.upp_id).exists()
        or TeamMember.objects.filter(
            offer_id=incident.placement.offer_id, doctor__upp__in=upps
        ).exists()
    )


def incident_messages(incident):
    return incident.messages.select_related("author").order_by("created_at", "pk")


def incidents_of_placements(placement_ids):
    return Incident.objects.filter(placement_id__in=placement_ids).order_by("-created_at", "-pk")


# --- Placements seen by their MSU ----------------------------------------------------------


def placements_of_doctor(doctor):
    return Placement.objects.filter(offer__team__doctor=doctor).select_related(
        "student", "offer__period"
    )


def get_placement_of_doctor(user, pk):
    doctor = doctor_of(user)
    if doctor is None:
        return get_object_or_404(Placement.objects.none(), pk=pk)
    return get_object_or_404(placements_of_doctor(doctor), pk=pk)


def is_referent(doctor, placement):
    return TeamMember.objects.filter(
        offer_id=placement.offer_id, doctor=doctor, referent=True
    ).exists()


def evaluations_of_placement(placement):
    return placement.evaluations.prefetch_related(
        Prefetch("scores", queryset=EvaluationScore.objects.order_by("pk"))
    ).order_by("submitted_at", "pk")


# --- Evaluations seen by the faculty -------------------------------------------------------


def msus_with_evaluations(user):
    """The MSUs of the admin's faculties who sit in a team, with the number of evaluations of
    their stages by students, of poor ones, and their average (one query)."""
    faculties = admin_faculties(user).values("pk")
    student = Q(
        team_memberships__offer__period__faculty__in=faculties,
        team_memberships__offer__placements__evaluations__stage=Evaluation.Stage.STUDENT,
    )
    return (
        Doctor.objects.filter(team_memberships__offer__period__faculty__in=faculties)
        .select_related("user")
        .annotate(
            received=Count(
                "team_memberships__offer__placements__evaluations", filter=student, distinct=True
            ),
            poor=Count(
                "team_memberships__offer__placements__evaluations",
                filter=student & Q(team_memberships__offer__placements__evaluations__poor=True),
                distinct=True,
            ),
        )
        .order_by("-poor", "user__last_name", "user__first_name", "pk")
        .distinct()
    )


def get_msu_for_admin(user, pk):
    faculties = admin_faculties(user).values("pk")
    return get_object_or_404(
        Doctor.objects.filter(team_memberships__offer__period__faculty__in=faculties)
        .select_related("user")
        .distinct(),
        pk=pk,
    )


def evaluations_of_msu(user, doctor):
    """Every evaluation of the placements of the MSU's teams in the admin's faculties."""
    faculties = admin_faculties(user).values("pk")
    return (
        Evaluation.objects.filter(
            placement__offer__team__doctor=doctor,
            placement__offer__period__faculty__in=faculties,
        )
        .select_related("placement__student", "placement__offer__period", "author")
        .prefetch_related(Prefetch("scores", queryset=EvaluationScore.objects.order_by("pk")))
        .order_by("-submitted_at", "-pk")
        .distinct()
    )


def average_of(evaluations):
    return evaluations.aggregate(value=Avg("average"))["value"]


# --- Imports -------------------------------------------------------------------------------


def get_import_for_admin(user, pk):
    return get_object_or_404(
        ImportBatch.objects.filter(faculty__in=admin_faculties(user)).select_related(
            "period", "faculty"
        ),
        pk=pk,
    )
