"""Rate limits: a fixed-window counter per client and action in the shared cache (Redis).

Every web process shares the counters, so a limit holds across the whole deployment.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from strawberry.types import Info

from core.cache import cache_or
from core.errors import RateLimited


def client_ip(info: Info) -> str:
    request = info.context.request
    # Behind a load balancer the client is the first hop it recorded; trust it only when told.
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
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


def rate_limit_request(info: Info, *, action: str, limit: int, extra_key: str = "") -> None:
    """Limit by client IP (and `extra_key`, e.g. the email being signed in to)."""
    key = client_ip(info) + (f":{extra_key.lower()}" if extra_key else "")
    rate_limit(action=action, key=key, limit=limit)
