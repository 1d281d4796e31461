"""The querysets each role may see. Every view reads dossiers and pieces through these, so that
nobody reaches a dossier that isn't theirs (a 404, never a leak)."""

from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.memberships import organisations_of
from accounts.models import Membership

from ..models import (
    AgendaItem,
    Application,
    CommissionSession,
    ComplementRequest,
    Document,
    Message,
    ReplacedPiece,
    SiteVisit,
    StaffNote,
)
from ..workflow import DOCTOR, FACULTY_ADMIN, SECRETARIAT, Status
from .roles import FACULTY_WIDE_ROLES, _faculties, actor_roles, staff_faculties


def _visibility(user):
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    # The roles come from the request's memberships (read once for the header and the menu):
    # only the branches of roles the user holds go into the query. A doctor's pages then ask
    # `doctor.user = me` alone, not three subqueries that could only come back empty.
    condition = Q(doctor__user=user)
    wide = organisations_of(user, *FACULTY_WIDE_ROLES)
    if wide:
        condition |= Q(faculty_id__in=sorted(wide)) & ~Q(status=Status.DRAFT)
    # A visitor: the dossiers of the visits they are assigned to, in a faculty where they hold
    # the visitor role.
    visiting = organisations_of(user, Membership.Role.VISITOR)
    if visiting:
        visits = SiteVisit.objects.filter(
            visitors=user, application__faculty_id__in=sorted(visiting)
        ).values("application_id")
        condition |= Q(pk__in=visits)
    # A commission member: the dossiers on the agenda of the sessions they sit in.
    sitting = organisations_of(user, Membership.Role.COMMISSION)
    if sitting:
        agenda = AgendaItem.objects.filter(
            session__members=user, session__faculty_id__in=sorted(sitting)
        ).values("application_id")
        condition |= Q(pk__in=agenda)
    return condition


def applications_visible_to(user):
    return Application.objects.filter(_visibility(user))


def get_application_for(user, pk):
    queryset = applications_visible_to(user).select_related(
        "doctor__user", "faculty__faculty_settings"
    )
    return get_object_or_404(queryset, pk=pk)


def get_dossier_page_for(user, pk):
    """The dossier of its page: as get_application_for, with its visit (and its author) in the
    same query, and whether it has staff notes, complement requests and agenda entries, so
    that the page does not ask for lists it knows are empty."""
    queryset = (
        applications_visible_to(user)
        .select_related(
            "doctor__user", "doctor__upp", "faculty__faculty_settings", "visit__reported_by"
        )
        .annotate(
            has_staff_notes=Exists(StaffNote.objects.filter(application=OuterRef("pk"))),
            has_complement_requests=Exists(
                ComplementRequest.objects.filter(application=OuterRef("pk"))
            ),
            has_agenda=Exists(AgendaItem.objects.filter(application=OuterRef("pk"))),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def visit_of(application):
    """The dossier's visit, or None (read with the dossier by get_dossier_page_for)."""
    try:
        return application.visit
    except SiteVisit.DoesNotExist:
        return None


def get_own_application(user, pk):
    """A dossier of the signed-in doctor (for the steps the doctor alone may take)."""
    return get_object_or_404(
        Application.objects.select_related("doctor__user", "doctor__upp", "faculty"),
        pk=pk,
        doctor__user=user,
    )


def get_document_for(user, application_pk, document_pk):
    application = get_application_for(user, application_pk)
    return get_object_or_404(Document, pk=document_pk, application=application)


def get_replaced_piece_for(user, application_pk, replaced_pk):
    application = get_application_for(user, application_pk)
    return get_object_or_404(ReplacedPiece, pk=replaced_pk, application=application)


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
    """The visits a visitor is assigned to: those not reported first, next first, then the
    reports written, latest first (explicit NULLS FIRST: PostgreSQL sorts them last)."""
    return (
        SiteVisit.objects.filter(
            visitors=user,
            application__faculty_id__in=_faculties(user, Membership.Role.VISITOR),
        )
        .select_related("application__doctor__user")
        .prefetch_related("application__doctor__sites")
        .order_by(F("reported_at").desc(nulls_first=True), "scheduled_for", "pk")
    )


def get_attachment_for(user, application_pk, message_pk):
    """A message's attachment, for the two sides of the thread only."""
    application = get_application_for(user, application_pk)
    if not actor_roles(application, user) & {DOCTOR, SECRETARIAT, FACULTY_ADMIN}:
        raise Http404
    return get_object_or_404(
        Message.objects.exclude(attachment=""), pk=message_pk, application=application
    )


def renewable_agrements(doctor, today=None):
    today = today or timezone.localdate()
    return [
        a
        for a in doctor.agrements.all()
        if a.state(today) == "renewable" and a.status != a.Status.WITHDRAWN
    ]
