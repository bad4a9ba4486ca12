"""Run as `python -m tests.ops.error_probe` by test_error_reporting: a Django process configured
from the environment that fails one request and one task the way production code fails, then
prints which error-reporting and tracing integrations were active."""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import sentry_sdk  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from config.celery import app  # noqa: E402
from tests.ops.failing_urls import CUSTOMER_EMAIL, PASSWORD, TOKEN  # noqa: E402


@app.task(name="probe.fail")
def failing_task(*, email):
    raise ValueError(f"no account for {email}")


if __name__ == "__main__":
    with override_settings(ROOT_URLCONF="tests.ops.failing_urls", ALLOWED_HOSTS=["testserver"]):
        response = Client(raise_request_exception=False).post(
            "/fail/",
            json.dumps({"password": PASSWORD, "email": CUSTOMER_EMAIL}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "probe-req-1"},
        )
    failing_task.apply(kwargs={"email": CUSTOMER_EMAIL})
    sentry_sdk.flush(timeout=10)
    from opentelemetry import trace
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    from config.asgi import application

    tracer_provider = trace.get_tracer_provider()
    if hasattr(tracer_provider, "force_flush"):
        tracer_provider.force_flush(timeout_millis=10_000)

    client = sentry_sdk.get_client()
    print(
        json.dumps(
            {
                "status": response.status_code,
                "active": client.is_active(),
                "integrations": sorted(client.integrations),
                "asgi_wrapped": type(application).__name__,
                "traced": DjangoInstrumentor().is_instrumented_by_opentelemetry,
            }
        )
    )
