"""Role helpers: who holds which staff role where. Querysets per role live in selectors."""

from .models import Membership


def faculties_where(user, *roles):
    """Ids of the organisations where the user holds one of the given roles."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role__in=roles).values_list(
            "organisation_id", flat=True
        )
    )


def has_role(user, *roles):
    return bool(
        user.is_authenticated and Membership.objects.filter(user=user, role__in=roles).exists()
    )
