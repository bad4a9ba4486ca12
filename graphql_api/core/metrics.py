"""Prometheus metrics of GraphQL operations, exported by config.metrics at /metrics."""

import time

from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension

GRAPHQL_OPERATIONS = Counter(
    "graphql_operations_total",
    "GraphQL operations by type, name and outcome.",
    ["type", "name", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "graphql_operation_duration_seconds", "GraphQL operation latency.", ["type", "name"]
)


class GraphQLMetrics(SchemaExtension):
    def on_operation(self):
        started = time.perf_counter()
        yield
        context = self.execution_context
        operation_type = context.operation_type.value if context.operation_type else "invalid"
        # Client-chosen operation names are bounded in length to keep label values sane.
        name = (context.operation_name or "anonymous")[:64]
        result = context.result
        outcome = "error" if result is not None and getattr(result, "errors", None) else "ok"
        GRAPHQL_LATENCY.labels(operation_type, name).observe(time.perf_counter() - started)
        GRAPHQL_OPERATIONS.labels(operation_type, name, outcome).inc()
