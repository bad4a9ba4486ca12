"""What every GraphQL operation reports: Prometheus metrics (exported by config.metrics at
/metrics) and the fields of the request's log line (bound to structlog's context, which the
request log middleware writes out).

Operation names are chosen by clients, so as metric labels they are bounded: a name is kept only
when it is one of the schema's root fields (camelCase or PascalCase, e.g. `placeOrder` or
`PlaceOrder`) or listed in GRAPHQL_METRICS_OPERATIONS; every other name is counted as "other".
Log lines keep the client's name as sent (cut to 64 characters).
"""

import logging
import time
from functools import lru_cache

import structlog
from django.conf import settings
from graphql import GraphQLError
from prometheus_client import Counter, Gauge, Histogram
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphql_api.core.masking import is_unexpected

logger = logging.getLogger(__name__)

OTHER_OPERATION = "other"
UNEXPECTED_ERROR_CODE = "INTERNAL"
REQUEST_ERROR_CODE = "BAD_REQUEST"

GRAPHQL_OPERATIONS = Counter(
    "graphql_operations_total",
    "GraphQL operations by type, name and outcome.",
    ["type", "name", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "graphql_operation_duration_seconds",
    "GraphQL query and mutation latency by name.",
    ["type", "name"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GRAPHQL_ERRORS = Counter(
    "graphql_errors_total",
    "Errors reported to GraphQL clients by code (payload errors and GraphQL errors).",
    ["code"],
)
GRAPHQL_SUBSCRIPTIONS_OPEN = Gauge(
    "graphql_subscriptions_open",
    "GraphQL subscriptions open now, over all WebSocket connections.",
    # Summed over live processes only: a process that dies takes its subscriptions with it.
    multiprocess_mode="livesum",
)


@lru_cache(maxsize=1)
def _schema_operation_names(schema) -> frozenset[str]:
    names = set()
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is not None:
            for field in root.fields:
                names.add(field)
                names.add(field[:1].upper() + field[1:])
    return frozenset(names)


def operation_label(name: str | None, schema) -> str:
    if not name:
        return "anonymous"
    if name in _schema_operation_names(schema) or name in settings.GRAPHQL_METRICS_OPERATIONS:
        return name
    return OTHER_OPERATION


def error_code_observed(code: str) -> None:
    """Count a code sent to a client and add it to the request's log line."""
    GRAPHQL_ERRORS.labels(code).inc()
    codes = structlog.contextvars.get_contextvars().get("error_codes", [])
    structlog.contextvars.bind_contextvars(error_codes=[*codes, code])


def _error_code(error: GraphQLError) -> str:
    # graphql_api.core.error_log has given every error its code by now.
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return UNEXPECTED_ERROR_CODE if is_unexpected(error) else REQUEST_ERROR_CODE


class GraphQLMetrics(SchemaExtension):
    def on_execute(self):
        # Reached only by a parsed, valid operation: a subscription here is a live one until its
        # operation (which lasts as long as the subscription) ends.
        self._subscription_open = self.execution_context.operation_type is (
            OperationType.SUBSCRIPTION
        )
        if self._subscription_open:
            GRAPHQL_SUBSCRIPTIONS_OPEN.inc()
        yield

    def on_operation(self):
        started = time.perf_counter()
        self._subscription_open = False
        try:
            yield
        finally:
            if self._subscription_open:
                GRAPHQL_SUBSCRIPTIONS_OPEN.dec()
        context = self.execution_context
        operation_type = context.operation_type.value if context.operation_type else "invalid"
        name = operation_label(context.operation_name, context.schema._schema)
        errors = getattr(context.result, "errors", None) or []
        for error in errors:
            # Logged once by graphql_api.core.error_log, which also gave each error its code.
            error_code_observed(_error_code(error))
        codes = structlog.contextvars.get_contextvars().get("error_codes")
        outcome = "error" if codes else "ok"
        structlog.contextvars.bind_contextvars(
            graphql_operation=(context.operation_name or "")[:64] or None,
            graphql_type=operation_type,
        )
        if context.operation_type is not OperationType.SUBSCRIPTION:
            GRAPHQL_LATENCY.labels(operation_type, name).observe(time.perf_counter() - started)
        GRAPHQL_OPERATIONS.labels(operation_type, name, outcome).inc()
