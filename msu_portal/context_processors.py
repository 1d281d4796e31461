from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _staff_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return set()
    from accounts.memberships import roles_of

    roles = roles_of(user)
    # Before the second factor, staff see no staff menu: those pages would only send them back.
    if roles and not user.is_verified():
        return set()
    return roles


def _unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from notifications.services import unread_count

    return unread_count(user)


def _is_msu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from stages.selectors import is_msu

    return is_msu(user)


def _faculty(request):
    from accounts.faculties import faculty_of_user, identity

    return identity(faculty_of_user(getattr(request, "user", None)))


def portal(request):
    """Institution and service names for the DSFR header, from settings; the staff roles of
    the signed-in user for the menu (one query, only when a page shows the menu)."""
    return {
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        # The signed-in person's faculty (name, settings with the DUMG's details), or national.
        "current_faculty": SimpleLazyObject(lambda: _faculty(request)),
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SERVICE_TAGLINE": settings.SERVICE_TAGLINE,
        "staff_roles": SimpleLazyObject(lambda: _staff_roles(request)),
        "unread_notifications": SimpleLazyObject(lambda: _unread_notifications(request)),
        "is_msu": SimpleLazyObject(lambda: _is_msu(request)),
    }
