"""A fixed-window counter in the cache (Redis in production), per client IP and per address,
for the forms that send an e-mail to an address typed by anyone (sign-up, password reset)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW = 3600  # seconds


def _key(scope, kind, value):
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def _hit(key, limit):
    cache.add(key, 0, WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
        count = 1
    return count <= limit


def allow(scope, request, address):
    """Count one request of `scope` for this client and this address; False once either went
    over its hourly limit. Both counters move on every request, allowed or not."""
    from .sessions import client_ip

    checks = [
        _hit(_key(scope, "ip", client_ip(request) or "?"), settings.RATE_LIMIT_PER_IP),
        _hit(
            _key(scope, "address", (address or "").strip().lower()), settings.RATE_LIMIT_PER_ADDRESS
        ),
    ]
    return all(checks)
