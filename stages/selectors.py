"""What each role may see of stages. The faculty admin sees its faculty's periods, offers,
students and tutorings; an MSU sees the offers they belong to, the students placed there and
their tutees; nobody sees another faculty's (a 404, never a leak)."""

from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Organisation
from applications.models import Agrement, Doctor

from .models import Offer, Period, Placement, Student, Suspension, TeamMember, Tutoring


def admin_faculties(user):
    """The faculties whose stages the user manages."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
    return Organisation.objects.filter(
        kind=Organisation.Kind.FACULTY,
        memberships__user=user,
        memberships__role=Membership.Role.FACULTY_ADMIN,
    ).distinct()


def periods_for_admin(user):
    return (
        Period.objects.filter(faculty__in=admin_faculties(user))
        .select_related("faculty")
        .annotate(offer_count=Count("offers", distinct=True))
    )


def get_period_for_admin(user, pk):
    return get_object_or_404(periods_for_admin(user), pk=pk)


def _associate_of():
    """The approved MSU a team member is the MSU associé of, for the offer's level ("" else):
    their agrément of that level came from a dossier naming that MSU."""
    return Coalesce(
        Subquery(
            Agrement.objects.filter(
                doctor=OuterRef("doctor"),
                level=OuterRef("offer__level"),
                application__associate_msu__isnull=False,
            )
            .exclude(application__associate_role="")
            .order_by("-valid_until")
            .annotate(
                msu_name=Concat(
                    "application__associate_msu__user__first_name",
                    Value(" "),
                    "application__associate_msu__user__last_name",
                    output_field=CharField(),
                )
            )
            .values("msu_name")[:1],
            output_field=CharField(),
        ),
        Value(""),
    )


def _team_prefetch():
    return Prefetch(
        "team",
        queryset=TeamMember.objects.select_related("doctor__user", "site").annotate(
            associate_of=_associate_of()
        ),
    )


def offers_for_admin(user):
    return (
        Offer.objects.filter(period__faculty__in=admin_faculties(user))
        .select_related("period", "upp")
        .prefetch_related(_team_prefetch())
        .annotate(placed=Count("placements", distinct=True))
    )


def get_offer_for_admin(user, pk):
    return get_object_or_404(offers_for_admin(user), pk=pk)


def placements_for_admin(user):
    return Placement.objects.filter(
        offer__period__faculty__in=admin_faculties(user)
    ).select_related("student", "offer__period")


def get_placement_for_admin(user, pk):
    return get_object_or_404(placements_for_admin(user), pk=pk)


def get_suspension_for_admin(user, pk):
    return get_object_or_404(
        Suspension.objects.filter(
            placement__offer__period__faculty__in=admin_faculties(user)
        ).select_related("placement__offer__period", "placement__student"),
        pk=pk,
    )


def students_for_admin(user):
    return Student.objects.filter(faculty__in=admin_faculties(user))


def get_student_for_admin(user, pk):
    return get_object_or_404(students_for_admin(user), pk=pk)


def tutorings_for_admin(user):
    return Tutoring.objects.filter(student__faculty__in=admin_faculties(user)).select_related(
        "tutor__user", "student"
    )


def get_tutoring_for_admin(user, pk):
    return get_object_or_404(tutorings_for_admin(user), pk=pk)


def offers_with_stopped_agrements(user, today=None):
    """The admin's offers not over yet whose team counts an MSU with an agrément of the offer's
    level that was withdrawn or suspended (the page that lists them checks each period against
    the dates): each with its team, its placements still to come, and the team's agréments
    for the level (`stopped_agrements`, suspensions prefetched). Constant queries."""
    today = today or timezone.localdate()
    stopped = Agrement.objects.filter(
        doctor_id=OuterRef("team__doctor_id"), level=OuterRef("level")
    ).filter(Q(withdrawn_on__isnull=False) | Q(suspensions__isnull=False))
    offers = list(
        Offer.objects.filter(period__faculty__in=admin_faculties(user), period__end__gte=today)
        .filter(Exists(stopped))
        .select_related("period__faculty")
        .prefetch_related(
            _team_prefetch(),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(end__gte=today).select_related("student"),
                to_attr="coming_placements",
            ),
        )
        .distinct()
        .order_by("period__start", "label", "pk")
    )
    doctors = {member.doctor_id for offer in offers for member in offer.team.all()}
    agrements = {}
    for agrement in Agrement.objects.filter(doctor_id__in=doctors).prefetch_related("suspensions"):
        agrements.setdefault((agrement.doctor_id, agrement.level), []).append(agrement)
    for offer in offers:
        offer.stopped_agrements = {
            member.doctor_id: agrements.get((member.doctor_id, offer.level), [])
            for member in offer.team.all()
        }
    return offers


def hosts_for_faculty(*faculties):
    """Doctors the faculties may put in a team: those holding an agrément they instructed."""
    return (
        Doctor.objects.filter(agrements__application__faculty__in=faculties)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )


# The MSU's own -----------------------------------------------------------------------------


def doctor_of(user):
    return getattr(user, "doctor", None) if user.is_authenticated else None


def is_msu(user):
    """A doctor who has (or had) an agrément or sits in a team: the one whose menu offers
    "Mes stages" and "Mes relevés" (a doctor still applying has neither)."""
    doctor = doctor_of(user)
    if doctor is None:
        return False
    # One query for both (the menu asks on every page).
    return (
        Doctor.objects.filter(pk=doctor.pk)
        .filter(
            Exists(Agrement.objects.filter(doctor=OuterRef("pk")))
            | Exists(TeamMember.objects.filter(doctor=OuterRef("pk")))
        )
        .exists()
    )


def offers_of_doctor(doctor):
    return (
        Offer.objects.filter(team__doctor=doctor)
        .select_related("period", "upp")
        .prefetch_related(
            _team_prefetch(),
            Prefetch("placements", queryset=Placement.objects.select_related("student")),
        )
        .order_by("-period__start", "label")
    )


def tutorings_of_doctor(doctor):
    return doctor.tutorings.select_related("student").order_by("ended_on", "-started_on")
