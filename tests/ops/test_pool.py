"""PostgreSQL connection pooling from the environment (Django's psycopg pool)."""

import json
import subprocess
import sys

import pytest

from tests.live_servers import ROOT, _server_environment

pytestmark = pytest.mark.django_db

PROBE = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
options = connection.settings_dict.get("OPTIONS", {})
print(json.dumps({
    "pool": options.get("pool"),
    "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
    "pooled": connection.pool is not None,
    "vendor": connection.vendor,
}))
"""


def probe(**env) -> dict:
    finished = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_server_environment() | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_a_pool_of_the_configured_size_replaces_persistent_connections():
    pooled = probe(DB_POOL_MAX_SIZE="6", DB_POOL_MIN_SIZE="2", DB_POOL_TIMEOUT_SECONDS="3")

    assert pooled == {
        "pool": {"min_size": 2, "max_size": 6, "timeout": 3.0},
        "conn_max_age": 0,
        "pooled": True,
        "vendor": "postgresql",
    }


def test_without_a_pool_size_connections_persist_as_before():
    plain = probe(DB_POOL_MAX_SIZE="0", DB_CONN_MAX_AGE="60")

    assert plain == {"pool": None, "conn_max_age": 60, "pooled": False, "vendor": "postgresql"}
