"""Signed-in sessions for the load test: staff of the 100 k faculty and doctors of its dossiers.

The load test measures pages, not the sign-in (which hashes a password on purpose and, for
staff, asks a second factor): sessions are written here as a sign-in would write them, and the
locust users present their cookies. Prints them as JSON lines: role, cookie, dossier ids.
"""

import json
import os
import sys

STAFF = 10
DOCTORS = 40


def main():
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msu_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from accounts.models import Membership, User
    from applications.models import Application
    from tests.bench.dataset import ensure_faculty

    faculty, _upps, staff = ensure_faculty(100_000)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    users = []
    for n in range(STAFF):
        user, _ = User.objects.get_or_create(
            email=f"banc-charge-{n}@example.org",
            defaults={"first_name": "Dominique", "last_name": f"Chargé {n}"},
        )
        Membership.objects.get_or_create(
            user=user, organisation=faculty, role=Membership.Role.SECRETARIAT
        )
        users.append(("staff", user, []))
    applications = (
        Application.objects.filter(faculty=faculty)
        .exclude(status="draft")
        .select_related("doctor__user")
        .order_by("pk")[:DOCTORS]
    )
    for application in applications:
        users.append(("doctor", application.doctor.user, [application.pk]))
    sample = list(
        Application.objects.filter(faculty=faculty)
        .exclude(status="draft")
        .values_list("pk", flat=True)[::997]
    )
    # The backend a sign-in records: ModelBackend, last (django-axes' first only refuses).
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    for role, user, own in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = _verified_device(user)
        if device:
            session["otp_device_id"] = device
        session.create()
        line = {
            "role": role,
            "cookie": session.session_key,
            "dossiers": own or sample,
            "name": user.last_name,
        }
        print(json.dumps(line))


def _verified_device(user):
    """django-otp's session key for a staff account with a device, when the app is installed."""
    try:
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return None
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="banc", defaults={"confirmed": True}
    )
    return device.persistent_id


if __name__ == "__main__":
    main()
