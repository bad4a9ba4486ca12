"""The shared cache (Redis) as an optimisation that may be away.

Menus, rate-limit counters and the like live in Redis, but none of them is worth failing a
request for: when Redis is unreachable or slow, each operation here logs, counts and returns its
fallback. A per-process breaker then skips Redis for a few seconds, so a black-holed Redis costs
one timeout per process every few seconds instead of one per call.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import Counter
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")

BREAKER_SECONDS = 5.0
CACHE_FAILURES = Counter(
    "cache_unavailable_total", "Cache operations that fell back because Redis was away.", ["what"]
)
_skip_until = 0.0


def cache_or(fallback: T, operation: Callable[[], T], *, what: str) -> T:
    """`operation()`, or `fallback` when the cache cannot answer (Redis down, slow, or skipped
    for a moment after such a failure)."""
    global _skip_until
    if time.monotonic() < _skip_until:
        CACHE_FAILURES.labels(what).inc()
        return fallback
    try:
        return operation()
    except (ConnectionInterrupted, RedisError, OSError) as error:
        _skip_until = time.monotonic() + BREAKER_SECONDS
        CACHE_FAILURES.labels(what).inc()
        logger.warning("cache unavailable for %s (%s); going on without it", what, error)
        return fallback


def cache_breaker_reset() -> None:
    """Forget a past failure (tests; an operator who knows Redis is back need not wait)."""
    global _skip_until
    _skip_until = 0.0
