"""Who may do what on a dossier, and who holds a role in a faculty: the role helpers that
services, selectors and views all read. Below services: nothing here writes."""

from django.db.models import F

from accounts.memberships import roles_of
from accounts.models import Membership, Organisation, User

from ..models import AgendaItem, SiteVisit
from ..workflow import COMMISSION, DOCTOR, FACULTY_ADMIN, SECRETARIAT, VISITOR


def actor_roles(application, user):
    """The workflow roles `user` holds on this dossier.

    A visitor acts only on the dossiers of their own visits, a commission member only on the
    dossiers on the agenda of a session they sit in.
    """
    roles = set()
    if not user.is_authenticated:
        return roles
    if application.doctor.user_id == user.pk:
        roles.add(DOCTOR)
    roles.update(roles_of(user, application.faculty_id))
    if (
        VISITOR in roles
        and not SiteVisit.objects.filter(application_id=application.pk, visitors=user).exists()
    ):
        roles.discard(VISITOR)
    if (
        COMMISSION in roles
        and not AgendaItem.objects.filter(
            application_id=application.pk, session__members=user
        ).exists()
    ):
        roles.discard(COMMISSION)
    return roles


# A decision letter is addressed to the doctor and kept by the faculty that sends it; the
# visitor and the commission members see the decision on the dossier page, not the letter.
LETTER_READERS = {DOCTOR, SECRETARIAT, FACULTY_ADMIN}


def reads_decision_letters(user, roles):
    """Whether `user`, holding `roles` on a dossier (actor_roles), downloads its letters."""
    return user.is_superuser or bool(roles & LETTER_READERS)


def faculty_members(faculty, role):
    """The active users holding `role` in the faculty, by name (for pickers and checks)."""
    return User.objects.filter(
        is_active=True, memberships__organisation=faculty, memberships__role=role
    ).order_by("last_name", "first_name")


def faculty_visitors(faculty):
    return faculty_members(faculty, Membership.Role.VISITOR)


def faculty_commission_members(faculty):
    return faculty_members(faculty, Membership.Role.COMMISSION)


# Roles that see every non-draft dossier of their faculty.
FACULTY_WIDE_ROLES = [Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN]


def _faculties(user, *roles):
    return Membership.objects.filter(user=user, role__in=roles).values("organisation_id")


def secretariat_faculties(user):
    """The faculties whose secretariat the user is (the ones they compose agendas for)."""
    return _faculties(user, Membership.Role.SECRETARIAT)


def staff_faculties(user):
    """The faculties whose whole instruction the user sees (secretariat, faculty admin; every
    faculty for a superuser, who sees everything)."""
    if user.is_superuser:  # same shape as the memberships' values("organisation_id")
        return (
            Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
            .annotate(organisation_id=F("pk"))
            .values("organisation_id")
        )
    return _faculties(user, *FACULTY_WIDE_ROLES)
