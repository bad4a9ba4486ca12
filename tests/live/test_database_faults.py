"""PostgreSQL in the production shape: two uvicorn processes under twenty users keep a bounded
number of connections, and a database that stops answering makes /readyz say so at once. The
database itself is never touched: the servers reach it through the suite's own proxy."""

import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection

from tests.factories import OpenAroundTheClockRestaurantFactory
from tests.faults import fault_proxy
from tests.live_servers import live_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

USERS, REQUESTS_EACH, POOL_SIZE = 20, 10, 4
PAGE = "{ restaurants(first: 5) { totalCount edges { node { name } } } }"


def _connections_named(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def test_twenty_users_on_two_processes_keep_the_connections_bounded():
    OpenAroundTheClockRestaurantFactory.create_batch(3)
    name = f"fd-live-{uuid.uuid4().hex[:8]}"
    answered, failures, peak = [], [], [0]
    with live_servers(2, env={"DB_POOL_MAX_SIZE": str(POOL_SIZE), "PGAPPNAME": name}) as servers:
        done = threading.Event()

        def watch():
            try:
                while not done.is_set():
                    peak[0] = max(peak[0], _connections_named(name))
                    time.sleep(0.05)
            finally:
                connection.close()  # this thread's own connection

        def user(index: int):
            server = servers[index % 2]
            for _ in range(REQUESTS_EACH):
                try:
                    answered.append(server.graphql(PAGE)["data"]["restaurants"]["totalCount"])
                except Exception as error:  # noqa: BLE001 - counted below
                    failures.append(error)

        watcher = threading.Thread(target=watch)
        watcher.start()
        users = [threading.Thread(target=user, args=(index,)) for index in range(USERS)]
        for thread in users:
            thread.start()
        for thread in users:
            thread.join(timeout=120)
        done.set()
        watcher.join(timeout=10)
        after = _connections_named(name)

    assert failures == []
    assert answered == [3] * (USERS * REQUESTS_EACH)
    # One pool per process: never more than its size each, however many requests came.
    assert 0 < peak[0] <= 2 * POOL_SIZE
    assert after <= 2 * POOL_SIZE
    print(f"\n{USERS * REQUESTS_EACH} requests: peak {peak[0]} connections, {after} after")


def _readyz(server) -> tuple[int, dict, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{server.http_url}/readyz", timeout=10) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def test_readyz_answers_within_two_seconds_when_the_database_stops_answering():
    settings = connection.settings_dict
    with fault_proxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)) as proxy:
        url = f"postgres://{settings['USER']}@{proxy.address}/{settings['NAME']}"
        with live_servers(1, env={"DATABASE_URL": url}) as (server,):
            assert _readyz(server)[0] == 200

            proxy.mode = "blackhole"  # the pooled connection stops answering, silently
            status, body, waited = _readyz(server)
            assert status == 503 and "database" in body["failing"]
            assert waited < 2.5  # not the length of the outage

            proxy.mode = "pass"
            proxy.cut()  # what a recovering network does to the stuck connection
            deadline = time.monotonic() + 15
            while _readyz(server)[0] != 200:
                assert time.monotonic() < deadline, "readyz did not recover"
                time.sleep(0.5)
