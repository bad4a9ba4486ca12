"""How often anyone may try a password, wherever it is typed: the API's `login` and the two
admin consoles' sign-in pages count against the same limits."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from accounts.errors import InvalidCredentials
from accounts.models import normalize_email
from core.cache import cache_or
from core.errors import RateLimited
from core.limits import rate_limit


def _account_key(email: str) -> str:
    # The normalised email, hashed: the limiter's keys hold no personal data.
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


@contextmanager
def sign_in_guard(*, ip: str, email: str) -> Iterator[None]:
    """Guard one password check for `email` from `ip`: limited per client IP (high, for people
    behind one NAT) and per account (low), and refused for a while after repeated failures for
    the account (an InvalidCredentials raised inside counts as one). Unknown emails are counted
    exactly like known ones, so nothing here tells whether an account exists."""
    account = _account_key(email)
    rate_limit(action="sign_in:ip", key=ip, limit=settings.RATE_LIMIT_SIGN_IN_PER_IP)
    rate_limit(action="sign_in:account", key=account, limit=settings.RATE_LIMIT_SIGN_IN_PER_ACCOUNT)
    failures_key = f"sign_in_failures:{account}"
    failures = cache_or(0, lambda: cache.get(failures_key, 0), what="rate_limit")
    if settings.RATE_LIMITS_ENABLED and failures >= settings.SIGN_IN_LOCKOUT_AFTER_FAILURES:
        minutes = settings.SIGN_IN_LOCKOUT_SECONDS // 60
        raise RateLimited(
            f"Too many failed sign-ins. Try again in {minutes} minutes.",
            retry_after=_seconds_left(failures_key, settings.SIGN_IN_LOCKOUT_SECONDS),
        )
    try:
        yield
    except InvalidCredentials:
        cache_or(None, lambda: _failure_count(failures_key), what="rate_limit")
        raise
    cache_or(None, lambda: cache.delete(failures_key), what="rate_limit")


def _seconds_left(key: str, window_seconds: int) -> int:
    """Seconds until `key` expires (Redis knows; other caches: the whole window)."""
    ttl = cache_or(None, lambda: getattr(cache, "ttl", lambda _key: None)(key), what="rate_limit")
    return ttl if isinstance(ttl, int) and 0 < ttl <= window_seconds else window_seconds


def _failure_count(key: str) -> None:
    # The lock-out window starts at the first failure and is not extended by later ones.
    cache.add(key, 0, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
