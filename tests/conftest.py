"""Shared fixtures. The suite runs against real PostgreSQL and Redis and refuses anything else."""

import os
import socket
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.graphql_client import GraphQLClient


def pytest_configure(config):
    from django.db import connection

    engine = settings.DATABASES["default"]["ENGINE"]
    # django-prometheus wraps the backend; what matters is the database underneath.
    if connection.vendor != "postgresql":
        pytest.exit(
            f"The suite runs on PostgreSQL only, but DATABASE_URL points at {engine}. "
            "Run it with `make test` or export DATABASE_URL=postgres://...",
            returncode=3,
        )
    _require_reachable_services()


def _require_reachable_services() -> None:
    import psycopg
    import redis

    database = settings.DATABASES["default"]
    url = os.environ.get("DATABASE_URL", "")
    try:
        psycopg.connect(
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        pytest.exit(f"PostgreSQL at DATABASE_URL={url} is unreachable: {error}", returncode=3)
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except (redis.RedisError, ValueError) as error:
        pytest.exit(
            f"Redis at REDIS_URL={settings.REDIS_URL!r} is unreachable: {error}", returncode=3
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached menus or rate-limit counters never leak."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def gql(client) -> GraphQLClient:
    return GraphQLClient(client)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A closed port on loopback: localstripe's deliveries there fail at once, and it goes on.
WEBHOOKS_NOWHERE = "http://127.0.0.1:9/webhooks/nowhere/"


@pytest.fixture(scope="session")
def _localstripe_server():
    """One real localstripe process on a free loopback port for the whole session."""
    from payments import localstripe

    port = _free_port()
    process = localstripe.start(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@dataclass
class LocalStripe:
    base_url: str

    def payment_method(self, card_number: str = "4242424242424242") -> str:
        from payments import localstripe

        return localstripe.card_payment_method(self.base_url, card_number)

    def authenticate(self, *, intent_id: str, client_secret: str, success: bool = True) -> dict:
        from payments import localstripe

        return localstripe.authenticate(
            self.base_url, intent_id=intent_id, client_secret=client_secret, success=success
        )

    def register_webhook(self, url: str, secret: str) -> None:
        from payments import localstripe

        localstripe.register_webhook(self.base_url, url=url, secret=secret)

    def get(self, path: str) -> dict:
        from payments import localstripe

        return localstripe.request("GET", self.base_url, path)


@pytest.fixture
def localstripe(_localstripe_server, settings) -> LocalStripe:
    """The real stripe client pointed at a fresh localstripe (data reset for each test)."""
    from payments import localstripe as server

    server.reset(_localstripe_server)
    # Webhooks outlive the reset: a test that registered the live server would have every later
    # test's events posted into the database. Each test starts with them sent nowhere.
    server.register_webhook(_localstripe_server, url=WEBHOOKS_NOWHERE, secret="whsec_nowhere")
    settings.STRIPE_API_BASE = _localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return LocalStripe(_localstripe_server)
