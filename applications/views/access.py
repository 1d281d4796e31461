"""What every page needs to know about the request: the signed-in doctor, the posted data."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Membership

from ..models import (
    Doctor,
)


def doctor_of(user):
    """The signed-in doctor's profile; staff accounts are not doctors."""
    try:
        return user.doctor
    except Doctor.DoesNotExist:
        if user.is_superuser or Membership.objects.filter(user=user).exists():
            return None
        return Doctor.objects.create(user=user)


def posted(request):
    """The POST data, bound even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def doctor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        doctor = doctor_of(request.user)
        if doctor is None:
            raise PermissionDenied(_("Cet espace est réservé aux médecins candidats."))
        request.doctor = doctor
        return view(request, *args, **kwargs)

    return wrapper
