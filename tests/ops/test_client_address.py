"""The address the rate limits key on cannot be chosen by the client.

gunicorn with its uvicorn workers, as deployed (deploy/gunicorn.conf.py), on loopback: uvicorn
trusts X-Forwarded-For from loopback by default, so a client on the same host (or behind a
proxy that passes the header through) could have rotated it for fresh sign-in attempts. Only
with TRUST_X_FORWARDED_FOR does the server read it, and then only from FORWARDED_ALLOW_IPS.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.faults import free_port

ROOT = Path(__file__).resolve().parents[2]
LOGIN = 'mutation { login(input: {email: "%s", password: "wrong"}) { errors { code } } }'

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def gunicorn(port: int, **env_overrides):
    database = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        CELERY_BROKER_URL="",
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        RATE_LIMITS_ENABLED="true",
        RATE_LIMIT_SIGN_IN_PER_IP="3",
        RATE_LIMIT_SIGN_IN_PER_ACCOUNT="100",
        CACHE_KEY_PREFIX=f"client-address-{port}",
        LOG_LEVEL="WARNING",
        **env_overrides,
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.asgi:application",
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_up(port: int, process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("gunicorn did not start")


def sign_in_codes(port: int) -> list[str]:
    """Five failed sign-ins, each for another account and claiming another client address."""
    codes = []
    for n in range(5):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql/",
            data=json.dumps({"query": LOGIN % f"person{n}@example.test"}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}"},
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            codes.append(json.loads(response.read())["data"]["login"]["errors"][0]["code"])
    return codes


@pytest.mark.parametrize(
    ("trust", "expected"),
    [
        ({}, ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"] * 2),
        (
            {"TRUST_X_FORWARDED_FOR": "true", "FORWARDED_ALLOW_IPS": "127.0.0.1"},
            ["INVALID_CREDENTIALS"] * 5,
        ),
    ],
    ids=["no-proxy-trusted", "loopback-proxy-trusted"],
)
def test_only_a_trusted_proxy_decides_the_client_address(trust, expected):
    port = free_port()
    process = gunicorn(port, **trust)
    try:
        wait_up(port, process)
        assert sign_in_codes(port) == expected
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
