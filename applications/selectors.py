"""The querysets each role may see. Every view reads dossiers and pieces through these, so that
nobody reaches a dossier that isn't theirs (a 404, never a leak)."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership

from .models import (
    AgendaItem,
    Application,
    CommissionSession,
    Document,
    Message,
    RequestedLevel,
    Review,
    SiteVisit,
)
from .workflow import Status

# Roles that see every non-draft dossier of their faculty.
FACULTY_WIDE_ROLES = [Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN]


def _faculties(user, *roles):
    return Membership.objects.filter(user=user, role__in=roles).values("organisation_id")


def staff_faculties(user):
    """The faculties whose whole instruction the user sees (secretariat, faculty admin)."""
    return _faculties(user, *FACULTY_WIDE_ROLES)


def _visibility(user):
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    condition = Q(doctor__user=user)
    condition |= Q(faculty_id__in=staff_faculties(user)) & ~Q(status=Status.DRAFT)
    # A visitor: the dossiers of the visits they are assigned to, in a faculty where they hold
    # the visitor role.
    visits = SiteVisit.objects.filter(
        visitors=user, application__faculty_id__in=_faculties(user, Membership.Role.VISITOR)
    ).values("application_id")
    condition |= Q(pk__in=visits)
    # A commission member: the dossiers on the agenda of the sessions they sit in.
    agenda = AgendaItem.objects.filter(
        session__members=user,
        session__faculty_id__in=_faculties(user, Membership.Role.COMMISSION),
    ).values("application_id")
    condition |= Q(pk__in=agenda)
    return condition


def applications_visible_to(user):
    return Application.objects.filter(_visibility(user))


def get_application_for(user, pk):
    queryset = applications_visible_to(user).select_related("doctor__user", "faculty")
    return get_object_or_404(queryset, pk=pk)


def get_own_application(user, pk):
    """A dossier of the signed-in doctor (for the steps the doctor alone may take)."""
    return get_object_or_404(
        Application.objects.select_related("doctor__user", "faculty"), pk=pk, doctor__user=user
    )


def get_document_for(user, application_pk, document_pk):
    application = get_application_for(user, application_pk)
    return get_object_or_404(Document, pk=document_pk, application=application)


def doctor_applications(doctor):
    return (
        Application.objects.filter(doctor=doctor)
        .prefetch_related("requested_levels")
        .order_by("-created_at")
    )


def sessions_visible_to(user):
    """Commission sessions: all of their faculty for the secretariat and the faculty admin;
    for a commission member, the sessions they sit in."""
    if user.is_superuser:
        return CommissionSession.objects.all()
    return CommissionSession.objects.filter(
        Q(faculty_id__in=staff_faculties(user))
        | Q(members=user, faculty_id__in=_faculties(user, Membership.Role.COMMISSION))
    ).distinct()


def get_session_for(user, pk):
    return get_object_or_404(sessions_visible_to(user).select_related("faculty"), pk=pk)


def visits_of(user):
    """The visits a visitor is assigned to, next first."""
    return (
        SiteVisit.objects.filter(
            visitors=user,
            application__faculty_id__in=_faculties(user, Membership.Role.VISITOR),
        )
        .select_related("application__doctor__user")
        .prefetch_related("application__doctor__sites")
        .order_by("reported_at", "scheduled_for")
    )


def get_attachment_for(user, application_pk, message_pk):
    """A message's attachment, for the two sides of the thread only."""
    from .services import actor_roles
    from .workflow import DOCTOR, FACULTY_ADMIN, SECRETARIAT

    application = get_application_for(user, application_pk)
    if not actor_roles(application, user) & {DOCTOR, SECRETARIAT, FACULTY_ADMIN}:
        raise Http404
    return get_object_or_404(
        Message.objects.exclude(attachment=""), pk=message_pk, application=application
    )


def session_agenda(session):
    """The session's dossiers with their levels and this session's opinions (fixed queries)."""
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("application__doctor__user", "application__visit")
        .prefetch_related(
            Prefetch(
                "application__requested_levels",
                queryset=RequestedLevel.objects.prefetch_related(
                    Prefetch(
                        "reviews",
                        queryset=Review.objects.filter(session=session).select_related("author"),
                        to_attr="session_reviews",
                    )
                ),
            )
        )
    )
