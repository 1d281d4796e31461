"""Signing in through the pages, second factor included, as a person would."""

import time

from django.urls import reverse
from django_otp.oath import TOTP

from accounts.two_factor import DEMO_TOTP_KEY


def totp_code(key_hex=DEMO_TOTP_KEY, at=None):
    """The 6-digit code an authenticator app shows for this secret now (or at `at`)."""
    totp = TOTP(bytes.fromhex(key_hex))
    if at is not None:
        totp.time = at
    else:
        totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in(client, email, password, code=None, trust=False):
    """Password, then (when the portal asks for it) the code. Returns the last response."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    if response.status_code != 302:
        return response
    response = client.get(response.url)
    if response.status_code == 302 and response.url.startswith(reverse("accounts:second_factor")):
        data = {"code": code or totp_code()}
        if trust:
            data["trust"] = "on"
        response = client.post(response.url, data)
    return response
