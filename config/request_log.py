"""One log line per HTTP request, and the request id that ties together everything it caused.

The id comes from the caller's X-Request-ID (a load balancer or a client that already has one)
when it is a sane token, otherwise it is generated; it is returned in the response and bound to
structlog's context, so every line logged while serving the request carries it, and Celery tasks
enqueued by the request take it with them (config.celery_observability).
"""

import re
import time
import uuid

import structlog
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else a client sends is replaced: the id is written into every log line, so it must
# not be able to forge fields or lines.
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Probes and scrapes every few seconds would drown the lines that matter.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

logger = structlog.get_logger("request")


def request_id_from(header: str | None) -> str:
    if header and ACCEPTABLE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _user_id(request) -> str | None:
    user = getattr(request, "user", None)
    # Only a user already looked up while serving the request: logging must not add a query.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return str(user.pk) if getattr(user, "is_authenticated", False) else None


def _outcome(status: int, fields: dict) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "error" if fields.get("error_codes") else "ok"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        # An exception below has already become a 500 response (Django wraps every middleware),
        # logged by django.request with the request id still bound.
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if request.path not in QUIET_PATHS:
            # Fields added while serving (GraphQL operation, error codes) are in the context.
            fields = structlog.contextvars.get_contextvars()
            logger.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                user_id=_user_id(request),
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                outcome=_outcome(response.status_code, fields),
            )
        structlog.contextvars.clear_contextvars()
        return response
