"""Liveness and readiness probes for the load balancer and the orchestrator."""

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from config.celery import app

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz:probe", "1", timeout=5)
    if cache.get("readyz:probe") != "1":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    if not settings.CELERY_BROKER_URL:
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
# Each check runs in a thread of its own and the probe waits this long at most: a database or
# broker that stopped answering (black-holed, not refusing) makes it 503 at once, not hang.
READYZ_TIMEOUT_SECONDS = 1.5
_checks = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
_running: dict[str, Future] = {}


def _run_check(name: str):
    try:
        return CHECKS[name]()
    finally:
        if name == "database":
            connection.close()  # this thread's connection goes back to the pool


def readyz(request):
    failing = {}
    for name in CHECKS:
        # A check still stuck from an earlier probe is not run again: the threads stay bounded.
        if name not in _running or _running[name].done():
            _running[name] = _checks.submit(_run_check, name)
    deadline = time.monotonic() + READYZ_TIMEOUT_SECONDS
    for name, future in _running.items():
        try:
            future.result(timeout=max(deadline - time.monotonic(), 0))
        except FutureTimeout:
            logger.warning("readiness check %s did not answer in time", name)
            failing[name] = "Timeout"
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, error)
            failing[name] = type(error).__name__
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
