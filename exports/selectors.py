"""Which exports a user may see: those of the kinds their roles allow, in the faculties where
they hold those roles (a superuser sees all). Anyone else gets a 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organisation

from . import registry
from .models import Export


def faculties_for(user, roles):
    """The faculties where the user holds one of `roles` (every faculty for a superuser)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    faculties = Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
    if user.is_superuser:
        return faculties
    return faculties.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("organisation_id")
    )


def exports_for(user):
    if not user.is_authenticated:
        return Export.objects.none()
    exports = Export.objects.select_related("faculty", "requested_by")
    if user.is_superuser:
        return exports
    condition = Q(pk__in=[])
    by_roles = {}
    for kind in registry.kinds():
        by_roles.setdefault(kind.roles, []).append(kind.slug)
    for roles, slugs in by_roles.items():
        condition |= Q(
            kind__in=slugs,
            faculty__in=Membership.objects.filter(user=user, role__in=roles).values(
                "organisation_id"
            ),
        )
    return exports.filter(condition)


def get_export_for(user, pk):
    return get_object_or_404(exports_for(user), pk=pk)
