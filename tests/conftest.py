"""Shared fixtures. The suite runs against real PostgreSQL and Redis and refuses anything else."""

import os

import pytest
from django.conf import settings

from tests.graphql_client import GraphQLClient


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
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
