"""Idle subscriptions on two server processes sharing PostgreSQL and Redis.

Production broke here: with the channel layer given a bare Redis URL, redis-py's 5 s socket
timeout equals channels_redis's 5 s blocking read, so every idle socket died after ~5 s and the
changes that followed were lost. These tests keep subscribers idle for a minute before the change.
"""

import statistics
import time

import pytest
from django.utils import timezone

from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.live.helpers import (
    DELIVERY_SECONDS,
    MARK_READY,
    ORDER_UPDATED,
    RESTAURANT_ORDERS,
    bearer,
    global_id,
    next_data,
    snapshot,
    token_of,
)
from tests.live_servers import graphql_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

IDLE_SECONDS = 60
SAMPLES = 50
SERVER_LOG_ERRORS = ("TimeoutError", "aclose()", "Traceback", "Exception in ASGI application")


def test_idle_subscribers_on_two_processes_hear_the_next_change_within_a_second(servers):
    first, second = servers
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    order = OrderFactory(restaurant=restaurant, status=OrderStatus.ACCEPTED)
    with (
        graphql_socket(first, bearer(token_of(order.customer))) as customer,
        graphql_socket(second, bearer(token_of(staff))) as kitchen,
    ):
        customer.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        kitchen.subscribe("1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", restaurant.pk)})
        assert next_data(customer)["orderUpdated"]["status"] == "ACCEPTED"
        assert snapshot(kitchen, "restaurantOrders", 1)[order.number]["status"] == "ACCEPTED"

        idle_until = time.monotonic() + IDLE_SECONDS
        # Both sockets stay silent (apart from keep-alive pings, answered) for a whole minute.
        customer.assert_silent(IDLE_SECONDS / 2)
        kitchen.assert_silent(max(idle_until - time.monotonic(), 0))
        customer.assert_silent(max(idle_until - time.monotonic(), 0))

        started = time.monotonic()
        result = first.graphql(
            MARK_READY, {"id": global_id("Order", order.pk)}, token=token_of(staff)
        )
        assert result["data"]["markOrderReady"]["errors"] == [], result
        customer_update = next_data(customer, timeout=DELIVERY_SECONDS)["orderUpdated"]
        kitchen_update = next_data(kitchen, timeout=DELIVERY_SECONDS)["restaurantOrders"]
        elapsed = time.monotonic() - started

    assert customer_update["status"] == kitchen_update["status"] == "READY_FOR_PICKUP"
    assert customer.pings_received >= 2 and kitchen.pings_received >= 2
    print(
        f"after {IDLE_SECONDS} s idle, both subscribers had the change in {elapsed * 1000:.0f} ms"
    )
    for server in servers:
        log = server.log()
        assert not [marker for marker in SERVER_LOG_ERRORS if marker in log], log


def test_changes_reach_a_subscriber_on_the_other_process_quickly(servers):
    """50 changes made through one process, each timed until the subscriber on the other has it."""
    first, second = servers
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    customer = CustomerFactory()  # one: each new user costs an argon2 hash
    orders = [
        OrderFactory(restaurant=restaurant, customer=customer, status=OrderStatus.ACCEPTED)
        for _ in range(SAMPLES)
    ]
    staff_token = token_of(staff)
    latencies = []
    with graphql_socket(first, bearer(staff_token)) as kitchen:
        kitchen.subscribe("1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", restaurant.pk)})
        started = time.monotonic()
        assert len(snapshot(kitchen, "restaurantOrders", SAMPLES)) == SAMPLES
        print(f"snapshot of {SAMPLES} open orders: {time.monotonic() - started:.2f} s")
        for order in orders:
            started = time.monotonic()
            result = second.graphql(MARK_READY, {"id": global_id("Order", order.pk)}, staff_token)
            assert result["data"]["markOrderReady"]["errors"] == [], result
            update = next_data(kitchen, timeout=DELIVERY_SECONDS)["restaurantOrders"]
            latencies.append(time.monotonic() - started)
            assert (update["number"], update["status"]) == (order.number, "READY_FOR_PICKUP")

    median, worst = statistics.median(latencies), max(latencies)
    print(
        f"mutation on process 2 -> subscriber on process 1, {SAMPLES} changes: "
        f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    assert worst < DELIVERY_SECONDS


def test_a_change_made_outside_any_web_process_reaches_both(servers):
    """A worker (here: the test process itself) publishes through Redis like a web process."""
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    with (
        graphql_socket(first, bearer(token_of(order.customer))) as customer,
        graphql_socket(second, bearer(token_of(staff))) as kitchen,
    ):
        customer.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        kitchen.subscribe(
            "1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", order.restaurant_id)}
        )
        next_data(customer)
        snapshot(kitchen, "restaurantOrders", 1)
        order_transition(
            order_id=order.pk, to_status=OrderStatus.ACCEPTING, actor=staff, now=timezone.now()
        )
        update = next_data(customer, timeout=DELIVERY_SECONDS)["orderUpdated"]
        assert update["status"] == "ACCEPTING"
        update = next_data(kitchen, timeout=DELIVERY_SECONDS)["restaurantOrders"]
        assert update["status"] == "ACCEPTING"
