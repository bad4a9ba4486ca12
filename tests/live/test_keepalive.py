"""Server keep-alive: protocol pings on a configurable interval, and pongs for client pings.

Proxies and load balancers commonly drop a connection that carried nothing for 30-60 s; a
subscriber waiting for its order to move is exactly that. The interval is shortened here so the
test takes seconds; the idle test (test_idle_and_scale_out.py) runs the default for a minute.
"""

import json
import time

import pytest

from orders.models import OrderStatus
from tests.factories import OrderFactory
from tests.live.helpers import ORDER_UPDATED, bearer, global_id, next_data, token_of
from tests.live_servers import graphql_socket, live_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

INTERVAL_SECONDS = 0.5


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with live_servers(1, env={"GRAPHQL_WS_KEEPALIVE_SECONDS": str(INTERVAL_SECONDS)}) as running:
        yield running[0]


def test_server_pings_an_idle_connection_on_the_configured_interval(server):
    order = OrderFactory(status=OrderStatus.ACCEPTED)
    with graphql_socket(server, bearer(token_of(order.customer))) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        next_data(ws)
        pings_before = ws.pings_received
        ws.assert_silent(INTERVAL_SECONDS * 6.5)
        # 6 intervals: 6 pings expected, at least 4 on a loaded machine; and not a flood either.
        assert 4 <= ws.pings_received - pings_before <= 8


def test_server_answers_a_client_ping_with_a_pong(server):
    with graphql_socket(server, {}) as ws:
        ws.send({"type": "ping", "payload": {"sent": "by the client"}})
        started = time.monotonic()
        while True:
            # Read raw: `receive` answers and hides the server's own pings.
            message = json.loads(ws.socket.recv(timeout=5))
            if message["type"] != "ping":
                break
            assert time.monotonic() - started < 5
        assert message["type"] == "pong"


def test_keep_alive_off_sends_no_pings(django_db_setup, django_db_blocker):
    with (
        live_servers(1, env={"GRAPHQL_WS_KEEPALIVE_SECONDS": "0"}) as (quiet,),
        graphql_socket(quiet, {}) as ws,
    ):
        ws.assert_silent(1.5)
        assert ws.pings_received == 0
