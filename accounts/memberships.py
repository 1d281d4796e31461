"""The signed-in person's staff memberships, read once per request.

The header (faculty name and details), the menu (staff roles), the queue (the faculties it
covers) and a dossier's roles all ask for them: `RequestMemberships` marks the request's user
so that the first reader's list, with each organisation and its faculty's settings, serves the
others. Any other user object (a service called from a task or a test) reads afresh each time,
so that a membership granted meanwhile is never missed."""

from .models import Membership

_MEMO = "_portal_memberships"
_SCOPED = "_portal_request_scoped"


def memberships_of(user):
    """[Membership] of `user`, oldest first, with organisation, its parent and their settings."""
    if not getattr(user, "is_authenticated", False):
        return []
    memo = getattr(user, _MEMO, None)
    if memo is not None:
        return memo
    rows = list(
        Membership.objects.filter(user_id=user.pk)
        .select_related(
            "organisation__faculty_settings",
            "organisation__parent__faculty_settings",
        )
        .order_by("pk")
    )
    if getattr(user, _SCOPED, False):
        setattr(user, _MEMO, rows)
    return rows


def know_none(user):
    """The request's user is known to hold no membership (the second-factor check said so)."""
    if getattr(user, _SCOPED, False):
        setattr(user, _MEMO, [])


def roles_of(user, organisation_id=None):
    """The user's staff roles, everywhere or in one organisation."""
    return {
        m.role
        for m in memberships_of(user)
        if organisation_id is None or m.organisation_id == organisation_id
    }


def organisations_of(user, *roles):
    """The ids of the organisations where the user holds one of `roles`."""
    return {m.organisation_id for m in memberships_of(user) if m.role in roles}


class RequestMemberships:
    """Marks request.user so that memberships_of() reads once for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            setattr(user, _SCOPED, True)
        return self.get_response(request)
