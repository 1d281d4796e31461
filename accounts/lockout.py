"""django-axes glue: the French lockout page, the holder's e-mail, the attempted address."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import SecurityEvent, User

log = logging.getLogger(__name__)


def attempted_username(request, credentials=None):
    """The address typed, normalised like the login form does, so that `Jane@Example.org` and
    `jane@example.org` count against the same account."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return value.strip().lower() or None


def cool_off_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_message():
    return _(
        "Trop de tentatives de connexion infructueuses : la connexion est bloquée pendant "
        "%(minutes)s minutes. Réessayez plus tard ou choisissez un nouveau mot de passe avec "
        "« Mot de passe oublié ? »."
    ) % {"minutes": cool_off_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the reason, and 429 (what django-axes answers by default)."""
    from .forms import EmailAuthenticationForm

    form = EmailAuthenticationForm(request, initial={"username": attempted_username(request)})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": locked_message()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    """Tell the account holder, once per cool-off, that their account is being attacked (or
    that they mistyped their password too often)."""
    user = User.objects.filter(email__iexact=username or "", is_active=True).first()
    if user is None:
        return
    if not cache.add(f"lockout-mail:{user.pk}", 1, settings.AXES_COOLOFF_TIME.total_seconds()):
        return
    SecurityEvent.objects.create(
        user=user, kind=SecurityEvent.Kind.LOCKED_OUT, ip_address=ip_address
    )
    from notifications.services import notify

    reset_link = settings.SITE_URL + reverse("accounts:password_reset")
    context = {"user": user, "minutes": cool_off_minutes(), "reset_link": reset_link}
    # Through the outbox, like every e-mail: written now, delivered after commit or swept.
    notify(
        user,
        "account_locked",
        f"account_locked:{user.pk}:{uuid.uuid4().hex}",
        "emails/account_locked",
        context,
        reset_link,
    )
    log.warning("Account %s locked out after repeated failures", user.pk)
