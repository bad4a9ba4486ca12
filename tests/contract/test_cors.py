"""Browser apps on another origin: CORS from an allow-list, no credentials."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.live_servers import ROOT

pytestmark = pytest.mark.django_db

ALLOWED = "https://app.example.test"
REFUSED = "https://evil.example.test"


def preflight(client, origin: str):
    return client.options(
        "/graphql/",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_a_preflight_from_an_allowed_origin_is_answered(client):
    response = preflight(client, ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_the_actual_request_from_an_allowed_origin_may_be_read(client):
    response = client.post(
        "/graphql/",
        {"query": "{ __typename }"},
        content_type="application/json",
        headers={"Origin": ALLOWED},
    )

    assert response.json()["data"] == {"__typename": "Query"}
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "X-Request-ID" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_another_origin_gets_no_cors_headers(client):
    answer = preflight(client, REFUSED)
    request = client.post(
        "/graphql/",
        {"query": "{ __typename }"},
        content_type="application/json",
        headers={"Origin": REFUSED},
    )

    assert "Access-Control-Allow-Origin" not in answer
    assert "Access-Control-Allow-Origin" not in request


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_cors_covers_the_api_only(client):
    response = client.get("/healthz", headers={"Origin": ALLOWED})

    assert "Access-Control-Allow-Origin" not in response


def _origins_with(env: dict[str, str]) -> str:
    code = "from django.conf import settings; print(','.join(settings.CORS_ALLOWED_ORIGINS))"
    environment = {key: value for key, value in os.environ.items() if key != "CORS_ALLOWED_ORIGINS"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.strip()


def test_the_demo_allows_local_dev_servers_and_production_nothing_unless_configured():
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "s" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz-production",
        "JWT_SIGNING_KEY": "j" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz-signing-key",
        "STRIPE_SECRET_KEY": "sk_test_" + "0123456789abcdefghijklmnopqrstuvwxyz",
        "STRIPE_WEBHOOK_SECRET": "whsec_" + "0123456789abcdefghijklmnopqrstuvwxyz",
    }

    demo = _origins_with({"DEBUG": "true"}).split(",")

    assert set(demo) == {
        f"http://{host}:{port}"
        for host in ("localhost", "127.0.0.1")
        for port in (3000, 5173, 8080)
    }
    assert _origins_with(production) == ""
    assert _origins_with(production | {"CORS_ALLOWED_ORIGINS": ALLOWED}) == ALLOWED
