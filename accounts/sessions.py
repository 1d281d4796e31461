"""Where a user is signed in (UserSession rows), idle timeouts, and ending other sessions."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from .models import UserSession

LAST_ACTIVITY = "last_activity"
STAFF_FLAG = "staff_account"
# The last-seen time is written at most this often (seconds): a write per request is not worth
# a minute of precision on the sessions page or on the idle timeout.
TOUCH_EVERY = 60
# The stored session outlives its idle limit by this much, so that the next request still
# finds it and can say "your session expired" instead of a bare login page.
NOTICE_GRACE = 8 * 3600


def idle_limit(session):
    """Seconds of inactivity after which this session ends (staff: 30 min, doctors: 2 h)."""
    if session.get(STAFF_FLAG, True):
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_DOCTOR


def client_ip(request):
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_login(request, user):
    """At sign-in: remember the kind of account (for its idle limit) and the browser."""
    from .two_factor import is_staff_account

    session = request.session
    session[STAFF_FLAG] = is_staff_account(user)
    session[LAST_ACTIVITY] = time.time()
    session.set_expiry(idle_limit(session) + NOTICE_GRACE)
    if not session.session_key:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "created_at": timezone.now(),
            "last_seen": timezone.now(),
        },
    )


def forget_session(request):
    key = getattr(request.session, "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def is_idle(request, now):
    last = request.session.get(LAST_ACTIVITY)
    return last is not None and now - last > idle_limit(request.session)


def touch(request, now):
    """Note activity: the idle clock restarts and the sessions page shows the time."""
    session = request.session
    last = session.get(LAST_ACTIVITY)
    if last is not None and now - last < TOUCH_EVERY:
        return
    session[LAST_ACTIVITY] = now
    session.set_expiry(idle_limit(session) + NOTICE_GRACE)
    if session.session_key:
        updated = UserSession.objects.filter(session_key=session.session_key).update(
            last_seen=timezone.now(), ip_address=client_ip(request)
        )
        if not updated:
            record_login(request, request.user)


def active_sessions(request):
    """The user's sessions still alive (not expired, not idle past the limit), newest first."""
    idle_since = timezone.now() - timedelta(seconds=idle_limit(request.session) + TOUCH_EVERY)
    rows = list(UserSession.objects.filter(user=request.user, last_seen__gte=idle_since))
    alive = set(
        Session.objects.filter(
            session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    dead = [row.pk for row in rows if row.session_key not in alive]
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()
    return [row for row in rows if row.session_key in alive]
