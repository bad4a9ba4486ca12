"""Error reports reach Sentry (here a recording server on loopback) only when SENTRY_DSN is set,
without secrets or personal data; traces go to an OTLP endpoint only when one is set."""

import json
import subprocess
import sys

import pytest

from tests.live_servers import ROOT, _server_environment
from tests.ops import failing_urls
from tests.ops.recorder import recording_server

# The probe's failing task records a FailedTask row in the test database.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def run_probe(module: str, **env) -> dict:
    environment = {
        key: value
        for key, value in _server_environment().items()
        if not key.startswith(("SENTRY_", "OTEL_"))
    }
    environment.update(env)
    finished = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_failures_are_reported_to_sentry_without_secrets_or_personal_data():
    with recording_server() as sentry:
        probe = run_probe(
            "tests.ops.error_probe", SENTRY_DSN=f"{sentry.url.replace('//', '//publickey@')}/42"
        )

    assert probe["status"] == 500
    assert probe["active"] is True
    assert {"django", "celery"} <= set(probe["integrations"])
    assert probe["asgi_wrapped"] == "SentryAsgiMiddleware"
    envelopes = [r for r in sentry.received if r.path == "/api/42/envelope/"]
    events = [
        json.loads(item)
        for envelope in envelopes
        for item in envelope.body.splitlines()
        if b'"exception"' in item
    ]
    reported = {e["exception"]["values"][-1]["type"]: e for e in events}
    assert set(reported) == {"RuntimeError", "ValueError"}
    request_failure = reported["RuntimeError"]["exception"]["values"][-1]
    assert request_failure["mechanism"]["type"] == "django"
    assert request_failure["value"] == "could not charge [redacted] with card [redacted]"
    assert reported["ValueError"]["extra"]["celery-job"]["task_name"] == "probe.fail"
    everything = b"\n".join(e.body for e in envelopes).decode()
    for leaked in (
        failing_urls.CUSTOMER_EMAIL,
        failing_urls.PASSWORD,
        failing_urls.CARD,
        failing_urls.TOKEN,
    ):
        assert leaked not in everything


def test_traces_go_to_the_otlp_endpoint_when_one_is_set():
    with recording_server() as collector:
        probe = run_probe("tests.ops.error_probe", OTEL_EXPORTER_OTLP_ENDPOINT=collector.url)

    assert probe["traced"] is True
    exported = b"".join(r.body for r in collector.received if r.path == "/v1/traces")
    # OTLP protobuf: the span names are plain strings inside it.
    assert b"POST" in exported
    assert b"probe.fail" in exported


def test_nothing_is_reported_or_traced_without_a_dsn_or_endpoint():
    with recording_server() as receiver:
        probe = run_probe("tests.ops.error_probe")

    assert probe["status"] == 500
    assert probe["active"] is False
    assert probe["asgi_wrapped"] == "ProtocolTypeRouter"
    assert probe["traced"] is False
    assert receiver.received == []
