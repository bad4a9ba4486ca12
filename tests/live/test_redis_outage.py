"""Redis unreachable: subscribers are told at once and lose nothing once it is back.

The servers reach Redis (for the channel layer only) through the suite's own TCP proxy
(`tests/faults.py`), which the tests cut or black-hole; the Redis service itself is never
touched. Told means the socket closes
with 1013 (try again later), which the reference client retries with back-off by itself; lose
nothing means that reconnecting and subscribing again returns the state as it is now, including
changes made while Redis was away.
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import timezone
from websockets.exceptions import ConnectionClosed

from accounts.revocation import USER_ACCESS_CHANGED_TOPIC
from core.models import OutboxMessage
from core.outbox import CLAIM_SECONDS, outbox_relay
from graphql_api.websocket import CLOSE_LIVE_UPDATES_UNAVAILABLE, CLOSE_UNAUTHORIZED
from orders.models import OrderStatus
from reactions.relay import CONSUMERS
from tests.factories import OrderFactory, RestaurantFactory, RestaurantStaffFactory
from tests.faults import FaultProxy
from tests.live.helpers import (
    MARK_READY,
    ORDER_UPDATED,
    RESTAURANT_ORDERS,
    REVOCATION_SECONDS,
    bearer,
    global_id,
    next_data,
    sign_in,
    snapshot,
    timed_close,
    token_of,
)
from tests.live_servers import graphql_socket, live_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

LOGOUT = "mutation ($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }"

# Above channels_redis's 5 s blocking read, as it must be; short so a stalled link shows soon.
SOCKET_TIMEOUT_SECONDS = 6
# A reset link is noticed at once; a stalled one when the pending read times out.
NOTICE_CUT_SECONDS = 3
NOTICE_STALL_SECONDS = SOCKET_TIMEOUT_SECONDS + 5  # the read may be up to 5 s into its wait


class RedisLink:
    """The servers' way to Redis, which a test can break as production breaks it."""

    def __init__(self, redis_url: str):
        parts = urlsplit(redis_url)
        self.proxy = FaultProxy(parts.hostname or "127.0.0.1", parts.port or 6379).start()
        # Same database, through the proxy.
        self.url = urlunsplit(parts._replace(netloc=self.proxy.address))

    def cut(self) -> None:
        """Redis restarted, a load balancer reset the connections: every connection is reset
        and new ones are refused."""
        self.proxy.mode = "refuse"
        self.proxy.cut()

    def stall(self) -> None:
        """A partition: connections stay open and nothing gets through, either way."""
        self.proxy.mode = "blackhole"

    def restore(self) -> None:
        self.proxy.mode = "pass"


@pytest.fixture(scope="module")
def proxy():
    link = RedisLink(settings.REDIS_URL)
    yield link
    link.proxy.stop()


@pytest.fixture(scope="module")
def servers_via_proxy(proxy, django_db_setup, django_db_blocker):
    env = {
        "CHANNEL_LAYER_REDIS_URL": proxy.url,
        "CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS": str(SOCKET_TIMEOUT_SECONDS),
    }
    with live_servers(2, env=env, capture_logs=True) as running:
        yield running


@pytest.fixture(autouse=True)
def _link_restored(proxy):
    proxy.restore()
    yield
    proxy.restore()


def watched_kitchen():
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    order = OrderFactory(restaurant=restaurant, status=OrderStatus.ACCEPTED)
    return order, staff


def subscribe_both(customer_ws, kitchen_ws, order):
    customer_ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
    kitchen_ws.subscribe(
        "1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", order.restaurant_id)}
    )
    assert next_data(customer_ws)["orderUpdated"]["status"] == order.status
    assert snapshot(kitchen_ws, "restaurantOrders", 1)[order.number]["status"] == order.status


def assert_resynchronised(servers, order, staff, status: str) -> None:
    """Reconnected (the other way round), both see the order as it is now."""
    first, second = servers
    with (
        graphql_socket(second, bearer(token_of(order.customer))) as customer,
        graphql_socket(first, bearer(token_of(staff))) as kitchen,
    ):
        customer.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        restaurant_id = global_id("Restaurant", order.restaurant_id)
        kitchen.subscribe("1", RESTAURANT_ORDERS, {"id": restaurant_id})
        assert next_data(customer)["orderUpdated"]["status"] == status
        assert snapshot(kitchen, "restaurantOrders", 1)[order.number]["status"] == status


def connect_until_accepted(server, token, seconds: float = 10) -> None:
    """What a client's back-off does after Redis returns: try until the server acknowledges."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with graphql_socket(server, bearer(token)):
                return
        except ConnectionClosed:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_redis_cut_closes_every_socket_with_try_again_later_and_nothing_is_lost(
    servers_via_proxy, proxy
):
    first, second = servers_via_proxy
    order, staff = watched_kitchen()
    with (
        graphql_socket(first, bearer(token_of(order.customer))) as customer,
        graphql_socket(second, bearer(token_of(staff))) as kitchen,
    ):
        subscribe_both(customer, kitchen, order)
        proxy.cut()
        started = time.monotonic()
        for ws in (customer, kitchen):
            code, reason, _ = timed_close(ws, timeout=NOTICE_CUT_SECONDS)
            assert code == CLOSE_LIVE_UPDATES_UNAVAILABLE, (code, reason)
        print(f"Redis cut: both sockets closed with 1013 {time.monotonic() - started:.2f} s later")

    # The kitchen keeps working through HTTP while Redis is away; the update cannot be
    # published, and the request does not hang on it.
    started = time.monotonic()
    result = first.graphql(MARK_READY, {"id": global_id("Order", order.pk)}, token_of(staff))
    assert result["data"]["markOrderReady"]["errors"] == [], result
    assert time.monotonic() - started < settings.LIVE_PUBLISH_TIMEOUT_SECONDS + 1

    # Clients connecting meanwhile are told too, rather than left waiting for updates, and by a
    # close after the handshake: a rejected handshake (HTTP 403) is a network error to
    # graphql-ws, which then gives up instead of retrying.
    for server in (first, second) * 3:
        with (
            pytest.raises(ConnectionClosed) as refused,
            graphql_socket(server, bearer(token_of(staff))),
        ):
            pass
        assert refused.value.rcvd.code == CLOSE_LIVE_UPDATES_UNAVAILABLE

    proxy.restore()
    connect_until_accepted(second, token_of(staff))
    assert_resynchronised(servers_via_proxy, order, staff, "READY_FOR_PICKUP")
    for server in servers_via_proxy:
        log = server.log()
        assert "aclose()" not in log and "Exception in ASGI application" not in log, log


def test_a_stalled_link_is_noticed_within_the_socket_timeout(servers_via_proxy, proxy):
    first, second = servers_via_proxy
    order, staff = watched_kitchen()
    with (
        graphql_socket(second, bearer(token_of(order.customer))) as customer,
        graphql_socket(first, bearer(token_of(staff))) as kitchen,
    ):
        subscribe_both(customer, kitchen, order)
        proxy.stall()
        started = time.monotonic()
        for ws in (customer, kitchen):
            code, reason, _ = timed_close(ws, timeout=NOTICE_STALL_SECONDS)
            assert code == CLOSE_LIVE_UPDATES_UNAVAILABLE, (code, reason)
        print(
            f"Redis stalled: both sockets closed with 1013 {time.monotonic() - started:.1f} s later"
        )

    proxy.restore()
    connect_until_accepted(first, token_of(staff))
    assert_resynchronised(servers_via_proxy, order, staff, "ACCEPTED")
    # Live again: a change now reaches a subscriber on the other process.
    with graphql_socket(second, bearer(token_of(order.customer))) as customer:
        customer.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        next_data(customer)
        first.graphql(MARK_READY, {"id": global_id("Order", order.pk)}, token_of(staff))
        assert next_data(customer)["orderUpdated"]["status"] == "READY_FOR_PICKUP"


@pytest.fixture
def mixed_servers(proxy, servers):
    """One server behind the proxy (the session's pair reaches Redis directly)."""
    env = {
        "CHANNEL_LAYER_REDIS_URL": proxy.url,
        "CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS": str(SOCKET_TIMEOUT_SECONDS),
    }
    with live_servers(1, env=env) as (behind_proxy,):
        yield behind_proxy, servers[0]


def test_a_revocation_that_cannot_reach_redis_at_commit_is_sent_by_the_sweep(mixed_servers, proxy):
    """The session ends on a process that lost Redis; the user's socket on a healthy process is
    closed once the outbox sweep relays the nudge (never left open until the token expires)."""
    cut_off, healthy = mixed_servers
    order = OrderFactory(status=OrderStatus.PLACED)
    session = sign_in(healthy, order.customer)
    with graphql_socket(healthy, bearer(session["accessToken"])) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        next_data(ws)

        proxy.cut()
        result = cut_off.graphql(LOGOUT, {"t": session["refreshToken"]})
        assert result["data"]["logout"]["ok"] is True  # the session has ended regardless
        ws.assert_silent(1)  # the nudge could not be published
        assert OutboxMessage.objects.filter(
            topic=USER_ACCESS_CHANGED_TOPIC, relayed_at__isnull=True
        ).exists()

        proxy.restore()
        # The sweep beat runs every 10 s, once the failed attempt's claim has lapsed.
        outbox_relay(consumers=CONSUMERS, now=timezone.now() + timedelta(seconds=CLAIM_SECONDS))
        code, reason, _ = timed_close(ws, timeout=REVOCATION_SECONDS)
        assert code == CLOSE_UNAUTHORIZED, (code, reason)
