"""Rate limits: a fixed-window counter per client and action in the shared cache (Redis).

Every web process shares the counters, so a limit holds across the whole deployment. The API's
limits (graphql_api.core.limits) and the admin consoles' sign-in both count here.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

from core.cache import cache_or
from core.errors import RateLimited


def request_ip(request) -> str:
    """The address the server resolved for the client. The server alone reads X-Forwarded-For,
    and only from the proxies it trusts (TRUST_X_FORWARDED_FOR with FORWARDED_ALLOW_IPS, in
    deploy/gunicorn.conf.py), taking the nearest address they did not add themselves; the
    header's first entry is whatever the client wrote, so it is never read here."""
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limit(*, action: str, key: str, limit: int, window_seconds: int = 60) -> None:
    """Count one attempt of `action` by `key`; RateLimited once `limit` is passed in the window.

    With Redis away the limit fails open (logged and counted): nobody is locked out of signing
    in or paying because the counters cannot be read."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    now = time.time()
    window = int(now // window_seconds)
    cache_key = f"ratelimit:{action}:{key}:{window}"
    count = cache_or(0, lambda: _count(cache_key, window_seconds), what="rate_limit")
    if count > limit:
        # The window is fixed: the next attempt that counts afresh is at its end.
        retry_after = math.ceil((window + 1) * window_seconds - now)
        raise RateLimited(
            f"Too many attempts. Try again in {retry_after} seconds.", retry_after=retry_after
        )


def _count(cache_key: str, window_seconds: int) -> int:
    # add() is atomic: only the first request of a window creates the counter.
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        return 1
