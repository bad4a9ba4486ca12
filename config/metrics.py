"""Prometheus metrics of HTTP requests and the `/metrics` endpoint (GraphQL operations are
counted by graphql_api.core.metrics).

With several server processes, set PROMETHEUS_MULTIPROC_DIR to a shared empty directory so
every process's counters are summed (prometheus_client's multiprocess mode).
"""

import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests by route and status.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency by route.", ["method", "route"]
)


class PrometheusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route pattern, never the raw path: ids in paths would explode the label set.
        route = match.route if match is not None else "unmatched"
        HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def metrics_view(request):
    expected = settings.METRICS_TOKEN
    if expected and not constant_time_compare(
        request.headers.get("Authorization", ""), f"Bearer {expected}"
    ):
        return HttpResponse("metrics need the scrape token", status=401, content_type="text/plain")
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = DEFAULT_REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
