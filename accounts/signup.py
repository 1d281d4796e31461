"""Sign-up with e-mail confirmation.

The account is created inactive and only becomes usable through the signed link sent to the
address, so a mistyped address never turns into an account. Signing up again with an address
that already has a confirmed account sends that owner a notice instead of saying so on screen
(no account enumeration).

Both e-mails go through the notification outbox: the row is written in the sign-up's
transaction and delivered after commit, or by the sweeper if the broker or the mail server is
down then (they are kept out of the portal inbox: see notifications.services.EMAIL_ONLY_KINDS).
"""

import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import User

SALT = "accounts.email-confirmation"


def _password_stamp(user):
    # Bound to the password hash: if someone signs up again with the same pending address
    # (and so sets another password), the links sent before stop working.
    return salted_hmac(SALT, user.password).hexdigest()[:20]


def make_token(user):
    return signing.dumps({"u": user.pk, "e": user.email, "p": _password_stamp(user)}, salt=SALT)


def read_token(token):
    """The user the token was made for, or None if it is forged, stale or outdated."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None or not constant_time_compare(data.get("p", ""), _password_stamp(user)):
        return None
    return user


@transaction.atomic
def register_doctor(email, password, first_name, last_name):
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user and user.email_confirmed_at:
        # The same work as for a new address (a password hash, one e-mail), so that the answer
        # takes as long and nobody learns from the timing who has an account.
        make_password(password)
        send_already_registered(user)
        return user
    if user is None:
        user = User(email=email)
    user.first_name, user.last_name = first_name, last_name
    user.is_active = False
    user.set_password(password)
    user.save()
    send_confirmation(user)
    return user


def _notify(user, kind, context, link):
    from notifications.services import notify

    # Each request is its own e-mail (a second sign-up or a resent link sends again).
    notify(user, kind, f"{kind}:{user.pk}:{uuid.uuid4().hex}", f"emails/{kind}", context, link)


def send_confirmation(user):
    link = settings.SITE_URL + reverse("accounts:confirm", args=[make_token(user)])
    _notify(user, "signup_confirmation", {"user": user, "link": link}, link)


def send_already_registered(user):
    _notify(
        user,
        "signup_already_registered",
        {
            "user": user,
            "login_link": settings.SITE_URL + reverse("accounts:login"),
            "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
        },
        settings.SITE_URL + reverse("accounts:login"),
    )


@transaction.atomic
def confirm(user):
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.email_confirmed_at:
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user
