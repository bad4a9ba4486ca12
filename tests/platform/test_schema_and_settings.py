"""The exported schema is current, and production settings refuse to start unsafe."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from graphql_api.management.commands.export_schema import SCHEMA_PATH, schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_matches_the_code():
    assert SCHEMA_PATH.read_text() == schema_sdl(), "schema.graphql is stale: run `make schema`"


# Variables that decide production safety: the tests set them, never the caller's environment.
CONTROLLED = {
    "SECRET_KEY",
    "DEBUG",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "JWT_SIGNING_KEY",
    "GRAPHIQL",
    "GRAPHQL_INTROSPECTION",
    "METRICS_TOKEN",
}


def production(**overrides: str) -> dict[str, str]:
    """A production environment with its own secrets, which each test then spoils one way."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "api.example,testserver",
        "STRIPE_SECRET_KEY": "sk_live_" + secrets.token_hex(16),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
    }
    env.update(overrides)
    return env


def run_django(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = run_django({"DEBUG": "false"}, "check")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STRIPE_WEBHOOK_SECRET", None),
        ("STRIPE_WEBHOOK_SECRET", "whsec_localstripe_demo"),
        ("STRIPE_WEBHOOK_SECRET", ""),
        ("STRIPE_WEBHOOK_SECRET", "whsec_replace_me"),
        ("STRIPE_SECRET_KEY", None),
        ("STRIPE_SECRET_KEY", "sk_test_localstripe"),
        ("STRIPE_SECRET_KEY", " "),
        ("JWT_SIGNING_KEY", "x" * 31),
    ],
)
def test_debug_off_refuses_to_start_on_demo_or_weak_secrets(variable, value):
    env = production()
    if value is None:
        del env[variable]  # the demo default applies
    else:
        env[variable] = value

    result = run_django(env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


PRODUCTION_PROBE = """
from django.test import Client
client = Client()
introspection = client.post(
    "/graphql/", {"query": "{ __schema { queryType { name } } }"},
    content_type="application/json", secure=True,
).json()
print("PROBE", "introspection", "data" in introspection and introspection["data"] is not None)
ide = client.get("/graphql/", headers={"accept": "text/html"}, secure=True)
print("PROBE", "graphiql", ide.status_code)
print("PROBE", "metrics", client.get("/metrics", secure=True).status_code)
print("PROBE", "metrics-token", client.get(
    "/metrics", headers={"authorization": "Bearer scrape"}, secure=True).status_code)
"""


def test_production_settings_hide_introspection_graphiql_and_metrics():
    result = run_django(production(METRICS_TOKEN="scrape"), "shell", "-c", PRODUCTION_PROBE)

    assert result.returncode == 0, result.stderr
    # The server's own log lines share stdout.
    probe = dict(
        line.split(" ")[1:3] for line in result.stdout.splitlines() if line.startswith("PROBE ")
    )
    assert probe["introspection"] == "False"
    assert probe["graphiql"] != "200"
    assert probe["metrics"] == "401"
    assert probe["metrics-token"] == "200"


def test_production_without_a_metrics_token_serves_no_metrics():
    probe = 'from django.test import Client; print("PROBE", Client().get("/metrics").status_code)'
    result = run_django(production(), "shell", "-c", probe)

    assert result.returncode == 0, result.stderr
    assert "PROBE 404" in result.stdout.splitlines()


def test_debug_off_with_a_real_key_passes_the_deploy_checks():
    result = run_django(
        production(ALLOWED_HOSTS="api.example"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
