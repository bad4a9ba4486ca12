"""What a request cost, in response headers the load generator reads (BENCHMARK=true only).

`X-Bench-Queries`: SQL statements run while serving the request. `X-Bench-Stripe-Ms`: time spent
inside calls to Stripe (localstripe here), so checkout can be reported with and without it.
Django runs a sync view and its middleware in one thread per request, so the counters are per
request; the wrapper around Stripe's HTTP client is installed once per process.
"""

import threading
import time

import stripe
from django.db import connection

_stripe = threading.local()


def _timed_stripe_request(request):
    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return request(self, *args, **kwargs)
        finally:
            _stripe.seconds = getattr(_stripe, "seconds", 0.0) + time.perf_counter() - started

    return timed


class RequestCostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        if not getattr(stripe.RequestsClient.request, "bench_timed", False):
            stripe.RequestsClient.request = _timed_stripe_request(stripe.RequestsClient.request)
            stripe.RequestsClient.request.bench_timed = True

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        _stripe.seconds = 0.0
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(queries)
        response["X-Bench-Stripe-Ms"] = f"{_stripe.seconds * 1000:.2f}"
        return response
