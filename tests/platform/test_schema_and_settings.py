"""The exported schema is current, and production settings refuse to start unsafe."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from graphql_api.management.commands.export_schema import SCHEMA_PATH, schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_matches_the_code():
    assert SCHEMA_PATH.read_text() == schema_sdl(), "schema.graphql is stale: run `make schema`"


def run_django(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
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


def test_debug_off_with_a_real_key_passes_the_deploy_checks():
    result = run_django(
        {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "api.example"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
