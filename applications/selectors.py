"""The querysets each role may see. Every view reads dossiers and pieces through these, so that
nobody reaches a dossier that isn't theirs (a 404, never a leak)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Membership

from .models import Application, Document
from .workflow import Status

# Roles that see every non-draft dossier of their faculty (the others come with issue 3).
FACULTY_WIDE_ROLES = [Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN]


def _visibility(user):
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    condition = Q(doctor__user=user)
    faculties = Membership.objects.filter(user=user, role__in=FACULTY_WIDE_ROLES).values(
        "organisation_id"
    )
    condition |= Q(faculty_id__in=faculties) & ~Q(status=Status.DRAFT)
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


def faculty_queue(user):
    """Submitted dossiers of the faculties where the user works (a first list; the full queue
    with tabs and filters is issue 3)."""
    return (
        applications_visible_to(user)
        .exclude(status=Status.DRAFT)
        .select_related("doctor__user", "faculty")
        .prefetch_related("requested_levels")
        .order_by("-submitted_at")
    )
