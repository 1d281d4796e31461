"""Reading agréments after their decision: who may see one, its timeline (the events of its
dossier about it and those of its reviews), the reviews proposed to the secretariat."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..events import AGREMENT_EVENTS
from ..models import Agrement, AgrementSuspension, Application, Event
from ..models.agrement import COUNTING
from ..workflow import CLOSED
from .roles import secretariat_faculties, staff_faculties

__all__ = [
    "holds_agrement_in_force",
    "agrements_visible_to",
    "agrement_timeline",
    "get_agrement_for",
    "open_review_of",
    "proposed_reviews",
    "reviews_of",
]


def holds_agrement_in_force(doctor, today=None):
    """An agrément that still counts and has not expired: what the home page's link to the
    change of main site reads (Agrement.counts, state() not « expired »), asked of the database."""
    return doctor.agrements.filter(
        status__in=COUNTING, valid_until__gte=today or timezone.localdate()
    ).exists()


def agrements_visible_to(user):
    """The doctor's own agréments; those of their faculties for the secretariat and the faculty
    admin (a superuser: all)."""
    if not user.is_authenticated:
        return Agrement.objects.none()
    if user.is_superuser:
        return Agrement.objects.all()
    return Agrement.objects.filter(
        Q(doctor__user=user) | Q(application__faculty_id__in=staff_faculties(user))
    )


def get_agrement_for(user, pk):
    return get_object_or_404(
        agrements_visible_to(user)
        .select_related("doctor__user", "application__faculty__ars", "decision")
        .prefetch_related(
            Prefetch(
                "suspensions",
                queryset=AgrementSuspension.objects.select_related("decision", "lift_letter"),
            )
        ),
        pk=pk,
    )


def reviews_of(agrement):
    """The review dossiers of the agrément, newest first."""
    return (
        Application.objects.filter(
            kind=Application.Kind.REVIEW, requested_levels__reviewed_agrement=agrement
        )
        .select_related("reexamination")
        .order_by("-created_at", "-pk")
    )


def open_review_of(agrement):
    return reviews_of(agrement).exclude(status__in=CLOSED).first()


def agrement_timeline(agrement, internal=True):
    """The agrément's events: those of its dossier about it (review opened, outcome, lifting…)
    and every timeline event of its review dossiers. `internal=False`: the doctor's view."""
    reviews = Application.objects.filter(
        kind=Application.Kind.REVIEW, requested_levels__reviewed_agrement=agrement
    ).values("pk")
    events = (
        Event.objects.timeline()
        .filter(
            # Its dossier may hold other agréments (one per level): their lines start with
            # their level's name.
            Q(
                application_id=agrement.application_id,
                action__in=AGREMENT_EVENTS - {"main_site_changed"},
                comment__startswith=f"{agrement.get_level_display()} :",
            )
            | Q(application_id=agrement.application_id, action="main_site_changed")
            | Q(application_id__in=reviews)
        )
        .select_related("actor", "application")
        .order_by("created_at", "pk")
    )
    return events if internal else events.filter(internal=False)


def proposed_reviews(user):
    """Agréments of the secretariat's faculties whose doctor changed main site: a review is
    proposed (oldest proposal first)."""
    return (
        Agrement.objects.filter(
            application__faculty_id__in=secretariat_faculties(user),
            review_proposed_at__isnull=False,
            status=Agrement.Status.IN_FORCE,
        )
        .select_related("doctor__user")
        .order_by("review_proposed_at", "pk")
    )
