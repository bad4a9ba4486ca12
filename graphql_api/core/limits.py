"""Rate limits: a fixed-window counter per client and action in the shared cache (Redis).

Every web process shares the counters, so a limit holds across the whole deployment.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from strawberry.types import Info

from accounts.errors import InvalidCredentials
from accounts.models import User, normalize_email
from core.cache import cache_or
from core.errors import RateLimited
from graphql_api.core.context import require_user


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
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{action}:{key}:{window}"
    count = cache_or(0, lambda: _count(cache_key, window_seconds), what="rate_limit")
    if count > limit:
        raise RateLimited(f"Too many attempts. Try again in {window_seconds} seconds.")


def _count(cache_key: str, window_seconds: int) -> int:
    # add() is atomic: only the first request of a window creates the counter.
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        return 1


def user_within_limit(info: Info, action: str) -> User:
    """The signed-in caller, once this call of an action that reaches Stripe or sends messages
    is counted against the caller's limit (aliases count one by one)."""
    user = require_user(info)
    rate_limit(action=action, key=str(user.pk), limit=settings.RATE_LIMIT_PAYMENT_CALLS_PER_MINUTE)
    return user


# --- signing in ----------------------------------------------------------------------------------
# Mutations that check a password or mint a session: one per request, so aliases cannot turn one
# request into thirty argon2 checks (or thirty attempts that the per-request limits see as one).
SIGN_IN_FIELDS = frozenset({"login", "register", "refreshToken", "changePassword"})


class OneSignInPerRequest(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        if node.operation != OperationType.MUTATION:
            return
        sign_ins = [
            selection
            for selection in node.selection_set.selections
            if isinstance(selection, FieldNode) and selection.name.value in SIGN_IN_FIELDS
        ]
        if len(sign_ins) > 1:
            self.report_error(
                GraphQLError(
                    "Only one sign-in mutation (login, register, refreshToken, changePassword) "
                    "may be sent per request.",
                    sign_ins[1],
                    extensions={"code": "RATE_LIMITED"},
                )
            )


def _account_key(email: str) -> str:
    # The normalised email, hashed: the limiter's keys hold no personal data.
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


@contextmanager
def sign_in_attempt(info: Info, email: str) -> Iterator[None]:
    """Guard one password check for `email`: limited per client IP (high, for people behind one
    NAT) and per account (low), and refused for a while after repeated failures for the
    account. Unknown emails are counted exactly like known ones, so nothing here tells whether
    an account exists."""
    account = _account_key(email)
    rate_limit(action="sign_in:ip", key=client_ip(info), limit=settings.RATE_LIMIT_SIGN_IN_PER_IP)
    rate_limit(action="sign_in:account", key=account, limit=settings.RATE_LIMIT_SIGN_IN_PER_ACCOUNT)
    failures_key = f"sign_in_failures:{account}"
    failures = cache_or(0, lambda: cache.get(failures_key, 0), what="rate_limit")
    if settings.RATE_LIMITS_ENABLED and failures >= settings.SIGN_IN_LOCKOUT_AFTER_FAILURES:
        minutes = settings.SIGN_IN_LOCKOUT_SECONDS // 60
        raise RateLimited(f"Too many failed sign-ins. Try again in {minutes} minutes.")
    try:
        yield
    except InvalidCredentials:
        cache_or(None, lambda: _failure_count(failures_key), what="rate_limit")
        raise
    cache_or(None, lambda: cache.delete(failures_key), what="rate_limit")


def _failure_count(key: str) -> None:
    # The lock-out window starts at the first failure and is not extended by later ones.
    cache.add(key, 0, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)


def rate_limit_request(info: Info, *, action: str, limit: int, extra_key: str = "") -> None:
    """Limit by client IP (and `extra_key`, e.g. the user changing a password)."""
    key = client_ip(info) + (f":{extra_key}" if extra_key else "")
    rate_limit(action=action, key=key, limit=limit)
