"""Idle timeout and the second factor, for every page."""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sessions, two_factor


class IdleTimeoutMiddleware:
    """A session unused for longer than its limit (staff 30 min, doctors 2 h) ends; the login
    page then says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if sessions.is_idle(request, now):
                sessions.forget_session(request)
                logout(request)
                messages.info(
                    request,
                    _(
                        "Votre session a expiré après une période d'inactivité. "
                        "Reconnectez-vous pour continuer."
                    ),
                )
                return _to(request, reverse("accounts:login"))
            sessions.touch(request, now)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff (and doctors who turned it on) reach no page but the second-factor ones until the
    session is verified: password only gets them to the code page, or to the enrolment page
    when they have no device yet. A browser trusted for 30 days is verified silently."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._exempt(request):
            if two_factor.requires_second_factor(user):
                device = two_factor.trusted_device(request, user)
                if device is not None:
                    two_factor.sign_in_trusted(request, device)
                else:
                    name = (
                        "accounts:second_factor"
                        if two_factor.has_second_factor(user)
                        else "accounts:second_factor_enrol"
                    )
                    query = urlencode({"next": request.get_full_path()})
                    return _to(request, f"{reverse(name)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request):
        path = request.path_info
        return path.startswith(reverse("accounts:second_factor")) or path == reverse(
            "accounts:logout"
        )


def _to(request, url):
    """A redirect that htmx follows as a page change, not as a fragment to swap in."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
