"""Pickup orders: no address, no driver, no delivery fee; ready at the counter and collected
with a code only the customer sees."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from delivery.models import Delivery
from delivery.services.dispatch import delivery_dispatch
from notifications import messages
from orders.models import Fulfilment, Order, OrderStatus
from orders.selectors import restaurant_daily_stats
from orders.services.acceptance import order_accept
from restaurants.models import StaffRole
from tests.factories import (
    DriverFactory,
    OrderFactory,
    PickupOrderFactory,
    RestaurantStaffFactory,
)
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = pytest.mark.django_db

PICKUP_FIELDS = "order { id status fulfilment pickupCode deliveryFee { amount } deliveryAddress { line1 } collectedAt } errors { code field message }"  # noqa: E501
COLLECT = f"mutation($input: MarkCollectedInput!) {{ markCollected(input: $input) {{ {PICKUP_FIELDS} }} }}"  # noqa: E501
READY = f"mutation($input: MarkOrderReadyInput!) {{ markOrderReady(input: $input) {{ {PICKUP_FIELDS} }} }}"  # noqa: E501
PICKED_UP = (
    "mutation($input: MarkPickedUpInput!) { markPickedUp(input: $input) { errors { code } } }"
)
ORDER = "query($id: ID!) { order(id: $id) { pickupCode status } }"


def move(gql, document, name, user, **input_fields):
    gql.login_as(user)
    return gql.data(document, {"input": input_fields})[name]


@pytest.mark.usefixtures("payments_live")
def test_a_pickup_order_has_no_address_no_delivery_fee_and_a_code_for_its_customer(gql):
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = checkout_input(menu, [line(menu.soup, 3)], key="pickup-key-01")
    variables.pop("deliveryAddressId")
    variables["fulfilment"] = "PICKUP"
    payload = gql.data(PLACE_ORDER, {"input": variables})["placeOrder"]
    assert payload["errors"] == []
    assert payload["order"]["status"] == "PLACED"
    assert payload["order"]["deliveryFee"] == {"amount": 0}
    assert payload["order"]["total"] == {"amount": 1350}
    order = Order.objects.get(number=payload["order"]["number"])
    assert (order.fulfilment, order.delivery_latitude, order.delivery_address) == (
        Fulfilment.PICKUP,
        None,
        {},
    )
    assert len(order.pickup_code) == 4 and order.pickup_code.isdigit()

    mine = gql.data(ORDER, {"id": payload["order"]["id"]})["order"]
    assert mine["pickupCode"] == order.pickup_code
    # Staff ask for it: they never see it.
    gql.login_as(RestaurantStaffFactory(restaurant=menu.restaurant).user)
    assert gql.data(ORDER, {"id": payload["order"]["id"]})["order"]["pickupCode"] is None


@pytest.mark.usefixtures("payments_live")
def test_accepting_a_pickup_order_captures_the_card_and_sends_for_no_driver(
    gql, django_capture_on_commit_callbacks
):
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = checkout_input(menu, [line(menu.soup, 3)], key="pickup-key-02")
    variables.pop("deliveryAddressId")
    variables["fulfilment"] = "PICKUP"
    number = gql.data(PLACE_ORDER, {"input": variables})["placeOrder"]["order"]["number"]
    order = Order.objects.get(number=number)
    staff = RestaurantStaffFactory(restaurant=menu.restaurant).user
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        acceptance = order_accept(order_id=order.pk, actor=staff, preparation_minutes=12, now=now)
    assert acceptance.order.status == OrderStatus.ACCEPTED
    assert acceptance.order.payments.get().amount_captured == 1350
    # Ready at the counter after the preparation: no trip.
    assert acceptance.order.estimated_delivery_at == now + timedelta(minutes=12)
    assert delivery_dispatch(order_id=order.pk, now=now) is None
    assert not Delivery.objects.filter(order=order).exists()


def test_staff_mark_a_pickup_ready_for_collection_then_check_the_code(gql):
    order = PickupOrderFactory(status=OrderStatus.ACCEPTED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant, role=StaffRole.STAFF).user
    order_id = global_id("Order", order.pk)

    ready = move(gql, READY, "markOrderReady", staff, orderId=order_id)
    assert ready["errors"] == []
    assert ready["order"]["status"] == "READY_FOR_COLLECTION"
    assert ready["order"]["deliveryAddress"] is None

    wrong = move(gql, COLLECT, "markCollected", staff, orderId=order_id, pickupCode="0000")
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [("VALIDATION", "pickupCode")]
    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_COLLECTION and order.collected_at is None

    done = move(gql, COLLECT, "markCollected", staff, orderId=order_id, pickupCode=" 4821 ")
    assert done["errors"] == []
    assert done["order"]["status"] == "COLLECTED"
    assert done["order"]["collectedAt"] is not None
    assert list(order.events.values_list("to_status", flat=True)) == [
        OrderStatus.READY_FOR_COLLECTION,
        OrderStatus.COLLECTED,
    ]


def test_no_driver_picks_up_a_pickup_order(gql):
    order = PickupOrderFactory(status=OrderStatus.READY_FOR_COLLECTION)
    payload = move(
        gql, PICKED_UP, "markPickedUp", DriverFactory(), orderId=global_id("Order", order.pk)
    )
    assert payload["errors"][0]["code"] in {"NOT_FOUND", "INVALID_TRANSITION"}
    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_COLLECTION


def test_a_delivery_order_is_never_collected_at_the_counter(gql):
    order = OrderFactory(status=OrderStatus.READY_FOR_PICKUP)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    payload = move(
        gql, COLLECT, "markCollected", staff, orderId=global_id("Order", order.pk), pickupCode=""
    )
    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_PICKUP


def test_the_customer_cannot_mark_their_own_pickup_collected(gql):
    order = PickupOrderFactory(status=OrderStatus.READY_FOR_COLLECTION)
    payload = move(
        gql,
        COLLECT,
        "markCollected",
        order.customer,
        orderId=global_id("Order", order.pk),
        pickupCode="4821",
    )
    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"


def test_the_customer_is_told_the_code_when_the_food_is_ready():
    order = PickupOrderFactory(status=OrderStatus.READY_FOR_COLLECTION)
    message = messages.for_customer(order, OrderStatus.READY_FOR_COLLECTION)
    assert message.kind == "ORDER_READY_TO_COLLECT"
    assert "4821" in message.body
    assert messages.for_customer(order, OrderStatus.COLLECTED).kind == "ORDER_COLLECTED"
    assert messages.for_restaurant_new_order(order).title.startswith("New pickup order")


def test_the_statistics_tell_pickup_from_delivery():
    delivered = OrderFactory(status=OrderStatus.DELIVERED)
    restaurant = delivered.restaurant
    PickupOrderFactory(restaurant=restaurant, status=OrderStatus.COLLECTED)
    PickupOrderFactory(restaurant=restaurant, status=OrderStatus.READY_FOR_COLLECTION)
    today = timezone.now().astimezone(timezone.get_current_timezone()).date()
    [day] = restaurant_daily_stats(
        restaurant_id=restaurant.pk,
        start=today,
        end=today,
        tz="UTC",
    )
    assert (day.orders, day.delivered, day.pickup_orders, day.collected) == (3, 1, 2, 1)
    assert day.revenue == 2750 + 2500 + 2500
    assert isinstance(day.day, date)
