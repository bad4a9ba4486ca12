"""orderUpdated ends when the order does; no update is lost across a reconnect.

Resume semantics under test (README, "Live updates"): orderUpdated's first message is always the
order as it is now; restaurantOrders first sends every open order of the restaurant and, given
`changedSince`, every order whose status changed since then (finished ones included).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.live.helpers import (
    ORDER_UPDATED,
    RESTAURANT_ORDERS,
    bearer,
    global_id,
    next_data,
    operation_error_code,
    snapshot,
    token_of,
)
from tests.live_servers import graphql_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def move(order, status, actor):
    order_transition(order_id=order.pk, to_status=status, actor=actor, now=timezone.now())


def test_order_updated_completes_after_delivery(servers):
    admin = AdminFactory()
    order = OrderFactory(status=OrderStatus.PICKED_UP)
    with graphql_socket(servers[0], bearer(token_of(order.customer))) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_data(ws)["orderUpdated"]["status"] == "PICKED_UP"
        move(order, OrderStatus.DELIVERED, admin)
        assert next_data(ws)["orderUpdated"]["status"] == "DELIVERED"
        assert ws.receive(timeout=2) == {"id": "1", "type": "complete"}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (OrderStatus.PLACED, OrderStatus.CANCELLED),
        (OrderStatus.PLACED, OrderStatus.REJECTED),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED),
    ],
)
def test_order_updated_completes_after_any_final_status(servers, start, end):
    order = OrderFactory(status=start)
    with graphql_socket(servers[1], bearer(token_of(order.customer))) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_data(ws)["orderUpdated"]["status"] == start
        # Only the system (the payment webhook) fails a payment; an admin may do the others.
        move(order, end, None if end == OrderStatus.PAYMENT_FAILED else AdminFactory())
        assert next_data(ws)["orderUpdated"]["status"] == end
        assert ws.receive(timeout=2) == {"id": "1", "type": "complete"}


def test_subscribing_to_a_finished_order_sends_it_once_then_completes(servers):
    order = OrderFactory(status=OrderStatus.DELIVERED)
    with graphql_socket(servers[0], bearer(token_of(order.customer))) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_data(ws)["orderUpdated"]["status"] == "DELIVERED"
        assert ws.receive(timeout=2) == {"id": "1", "type": "complete"}


def test_a_customer_reconnecting_gets_the_order_as_it_is_now(servers):
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    order = OrderFactory(restaurant=restaurant, status=OrderStatus.PLACED)
    token = token_of(order.customer)
    with graphql_socket(servers[0], bearer(token)) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_data(ws)["orderUpdated"]["status"] == "PLACED"
    # Away (tunnel, app in the background) while the kitchen works.
    for status in (OrderStatus.ACCEPTING, OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP):
        move(order, status, staff)
    with graphql_socket(servers[1], bearer(token)) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_data(ws)["orderUpdated"]["status"] == "READY_FOR_PICKUP"


def test_a_staff_screen_reconnecting_gets_open_orders_and_what_changed_while_away(servers):
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    admin = AdminFactory()
    customer = CustomerFactory()
    cooking = OrderFactory(restaurant=restaurant, customer=customer, status=OrderStatus.ACCEPTED)
    riding = OrderFactory(restaurant=restaurant, customer=customer, status=OrderStatus.PICKED_UP)
    new = OrderFactory(restaurant=restaurant, customer=customer, status=OrderStatus.PLACED)
    unpaid = OrderFactory(
        restaurant=restaurant,
        customer=customer,
        status=OrderStatus.PENDING_PAYMENT,
        placed_at=None,
    )
    long_done = OrderFactory(restaurant=restaurant, customer=customer, status=OrderStatus.DELIVERED)
    Order.objects.filter(pk=long_done.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=3)
    )
    elsewhere = OrderFactory(customer=customer, status=OrderStatus.PLACED)
    token = token_of(staff)
    restaurant_id = global_id("Restaurant", restaurant.pk)

    with graphql_socket(servers[0], bearer(token)) as ws:
        ws.subscribe("1", RESTAURANT_ORDERS, {"id": restaurant_id})
        first = snapshot(ws, "restaurantOrders", 3)
        assert {number: order["status"] for number, order in first.items()} == {
            cooking.number: "ACCEPTED",
            riding.number: "PICKED_UP",
            new.number: "PLACED",
        }
        ws.assert_silent(0.5)  # nothing unpaid, finished long ago, or of another restaurant
        resume_from = max(order["statusChangedAt"] for order in first.values())

    # While the screen is away: one order moves on, one is delivered, one is cancelled.
    move(cooking, OrderStatus.READY_FOR_PICKUP, staff)
    move(riding, OrderStatus.DELIVERED, admin)
    move(new, OrderStatus.CANCELLED, staff)

    with graphql_socket(servers[1], bearer(token)) as ws:
        ws.subscribe("1", RESTAURANT_ORDERS, {"id": restaurant_id, "since": resume_from})
        again = snapshot(ws, "restaurantOrders", 3)
        ws.assert_silent(0.5)
    assert {number: order["status"] for number, order in again.items()} == {
        cooking.number: "READY_FOR_PICKUP",
        riding.number: "DELIVERED",
        new.number: "CANCELLED",
    }
    assert unpaid.number not in again and elsewhere.number not in again


def test_a_resume_point_older_than_a_day_is_refused(servers):
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    with graphql_socket(servers[0], bearer(token_of(staff))) as ws:
        ws.subscribe(
            "1",
            RESTAURANT_ORDERS,
            {
                "id": global_id("Restaurant", restaurant.pk),
                "since": (timezone.now() - timedelta(hours=25)).isoformat(),
            },
        )
        assert operation_error_code(ws.receive()) == "VALIDATION"
