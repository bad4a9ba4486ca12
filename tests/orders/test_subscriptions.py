"""Live order updates over WebSocket, against real server processes and the Redis channel layer.

The servers share the test database, so the data is committed (transaction=True) and changes made
in this process are published through Redis exactly as another web process or worker would.
"""

import time

import pytest
from django.utils import timezone
from strawberry import relay
from websockets.exceptions import ConnectionClosed

from accounts.tokens import access_token_issue
from delivery.services.dispatch import delivery_accept, delivery_dispatch
from graphql_api.websocket import CLOSE_UNAUTHORIZED
from orders.models import OrderStatus
from orders.services.lifecycle import order_payment_authorized, order_transition
from tests.delivery.dispatch_helpers import accepted_order, driver_at
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.live_servers import graphql_socket, live_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

ORDER_UPDATED = """
subscription ($id: ID!) {
  orderUpdated(orderId: $id) {
    id status
    delivery { status driver { fullName } driverLocation { latitude longitude updatedAt } }
  }
}
"""
RESTAURANT_ORDERS = """
subscription ($id: ID!) { restaurantOrders(restaurantId: $id) { id number status } }
"""
MARK_PICKED_UP = """
mutation ($id: ID!) {
  markPickedUp(input: {orderId: $id}) { order { status } errors { code message } }
}
"""
UPDATE_LOCATION = """
mutation ($lat: Float!, $lng: Float!) {
  updateDriverLocation(input: {latitude: $lat, longitude: $lng}) { errors { code } }
}
"""
# Generous for a loaded CI machine; the observed latency is printed (pytest -s).
DELIVERY_TIMEOUT = 5


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    with live_servers(2) as running:
        yield running


def token_of(user) -> str:
    return access_token_issue(user_id=user.pk, version=user.token_version, now=timezone.now())[0]


def global_id(type_name: str, pk) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def next_payload(socket, operation_id="1") -> dict:
    message = socket.receive(timeout=DELIVERY_TIMEOUT)
    assert message["type"] == "next", message
    assert message["id"] == operation_id, message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]


def staff_of(order):
    return RestaurantStaffFactory(restaurant=order.restaurant).user


def test_customer_sees_the_restaurant_accept_their_order(servers):
    order = OrderFactory(status=OrderStatus.ACCEPTING)
    staff = staff_of(order)
    with graphql_socket(servers[0], {"Authorization": f"Bearer {token_of(order.customer)}"}) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert next_payload(ws)["orderUpdated"]["status"] == "ACCEPTING"

        started = time.monotonic()
        order_transition(
            order_id=order.pk, to_status=OrderStatus.ACCEPTED, actor=staff, now=timezone.now()
        )
        update = next_payload(ws)["orderUpdated"]
        latency_ms = (time.monotonic() - started) * 1000

    assert update["status"] == "ACCEPTED"
    print(f"orderUpdated latency (commit -> subscriber): {latency_ms:.0f} ms")


def test_strangers_cannot_subscribe_to_an_order(servers):
    order = OrderFactory(status=OrderStatus.PLACED)
    stranger = CustomerFactory()
    for params in ({"token": token_of(stranger)}, {}):
        with graphql_socket(servers[0], params) as ws:
            ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
            message = ws.receive(timeout=DELIVERY_TIMEOUT)
            errors = (
                message["payload"]
                if message["type"] == "error"
                else message["payload"].get("errors")
            )
            assert errors, message
            assert errors[0]["extensions"]["code"] == "NOT_FOUND"
            assert not (message["payload"].get("data") or {}).get("orderUpdated")


def test_a_bad_token_is_refused_when_connecting(servers):
    with (
        pytest.raises(ConnectionClosed) as closed,
        graphql_socket(servers[0], {"Authorization": "Bearer not-a-token"}),
    ):
        pass
    # Not 4403: graphql-ws retries that one (tests/live/test_revocation.py covers the codes).
    assert closed.value.rcvd.code == CLOSE_UNAUTHORIZED


def test_each_subscription_on_a_socket_gets_only_its_own_order(servers):
    customer = CustomerFactory()
    first = OrderFactory(status=OrderStatus.PLACED, customer=customer)
    second = OrderFactory(status=OrderStatus.ACCEPTING, customer=customer)
    with graphql_socket(servers[0], {"token": token_of(customer)}) as ws:
        ws.subscribe("first", ORDER_UPDATED, {"id": global_id("Order", first.pk)})
        ws.subscribe("second", ORDER_UPDATED, {"id": global_id("Order", second.pk)})
        snapshots = {ws.receive()["id"], ws.receive()["id"]}
        assert snapshots == {"first", "second"}

        order_transition(
            order_id=second.pk,
            to_status=OrderStatus.ACCEPTED,
            actor=staff_of(second),
            now=timezone.now(),
        )

        assert next_payload(ws, "second")["orderUpdated"]["status"] == "ACCEPTED"
        ws.assert_silent(1)


def test_restaurant_screen_sees_its_new_orders_only(servers):
    restaurant = RestaurantFactory()
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    ours = OrderFactory(restaurant=restaurant, status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    theirs = OrderFactory(status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    with graphql_socket(servers[0], {"token": token_of(staff)}) as ws:
        ws.subscribe("1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", restaurant.pk)})
        time.sleep(0.5)  # the subscription has no first answer to wait for: let it join

        order_payment_authorized(order_id=theirs.pk, now=timezone.now())
        order_payment_authorized(order_id=ours.pk, now=timezone.now())

        update = next_payload(ws)["restaurantOrders"]
        assert (update["number"], update["status"]) == (ours.number, "PLACED")
        ws.assert_silent(1)


def test_only_the_restaurants_staff_watch_its_orders(servers):
    restaurant = RestaurantFactory()
    with graphql_socket(servers[0], {"token": token_of(CustomerFactory())}) as ws:
        ws.subscribe("1", RESTAURANT_ORDERS, {"id": global_id("Restaurant", restaurant.pk)})
        message = ws.receive(timeout=DELIVERY_TIMEOUT)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_change_through_one_server_reaches_a_subscriber_on_the_other(servers):
    """Scale-out: the driver talks to one web process, the customer listens on another."""
    first, second = servers
    driver = driver_at(1, full_name="Dana Driver")
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())
    order_transition(
        order_id=order.pk,
        to_status=OrderStatus.READY_FOR_PICKUP,
        actor=staff_of(order),
        now=timezone.now(),
    )
    with graphql_socket(first, {"token": token_of(order.customer)}) as ws:
        ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        snapshot = next_payload(ws)["orderUpdated"]
        assert snapshot["delivery"]["driver"] == {"fullName": "Dana Driver"}
        assert snapshot["delivery"]["driverLocation"] is None  # not until the food is on its way

        started = time.monotonic()
        result = second.graphql(
            MARK_PICKED_UP, {"id": global_id("Order", order.pk)}, token=token_of(driver)
        )
        assert result["data"]["markPickedUp"]["errors"] == [], result
        picked_up = next_payload(ws)["orderUpdated"]
        latency_ms = (time.monotonic() - started) * 1000

        second.graphql(UPDATE_LOCATION, {"lat": 38.73, "lng": -9.14}, token=token_of(driver))
        moved = next_payload(ws)["orderUpdated"]

    assert picked_up["status"] == "PICKED_UP"
    assert picked_up["delivery"]["status"] == "PICKED_UP"
    assert picked_up["delivery"]["driverLocation"]["latitude"] == pytest.approx(
        38.7223 + 0.009, abs=1e-3
    )
    assert moved["delivery"]["driverLocation"]["latitude"] == pytest.approx(38.73)
    print(
        f"scale-out latency (mutation on server 2 -> subscriber on server 1): {latency_ms:.0f} ms"
    )
