"""The whole life of an order through the GraphQL API, from checkout to the doorstep."""

import pytest

from tests.delivery.dispatch_helpers import driver_at
from tests.factories import RestaurantStaffFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

# Checkout needs the catalogue's rules; money moves through the real payment service.

STEP = "order { id status } errors { code message }"
ACCEPT = f"mutation($input: AcceptOrderInput!) {{ acceptOrder(input: $input) {{ {STEP} }} }}"
READY = f"mutation($input: MarkOrderReadyInput!) {{ markOrderReady(input: $input) {{ {STEP} }} }}"
TAKE = f"mutation($input: AcceptDeliveryInput!) {{ acceptDelivery(input: $input) {{ {STEP} }} }}"
PICKED_UP = f"mutation($input: MarkPickedUpInput!) {{ markPickedUp(input: $input) {{ {STEP} }} }}"
DELIVERED = f"mutation($input: MarkDeliveredInput!) {{ markDelivered(input: $input) {{ {STEP} }} }}"
HISTORY = """
query($id: ID!) {
  order(id: $id) {
    status estimatedDeliveryAt
    delivery { status driver { fullName } }
    events { fromStatus toStatus actorRole }
  }
}
"""


def step(gql, user, document, **input_fields):
    gql.login_as(user)
    payload = next(iter(gql.data(document, {"input": input_fields}).values()))
    assert payload["errors"] == [], payload["errors"]
    return payload["order"]["status"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("payments_live")
def test_an_order_goes_from_checkout_to_delivered_through_the_api(gql):
    menu = a_menu()
    staff = RestaurantStaffFactory(restaurant=menu.restaurant).user
    driver = driver_at(1.0)  # available, a kilometre from the restaurant

    gql.login_as(menu.customer)
    placed = gql.data(PLACE_ORDER, {"input": checkout_input(menu, [line(menu.soup, 3)])})
    order = placed["placeOrder"]["order"]
    assert order["status"] == "PLACED"
    order_id = order["id"]

    # Acceptance commits, dispatch runs after it and offers the delivery to the driver.
    assert step(gql, staff, ACCEPT, orderId=order_id, preparationMinutes=15) == "ACCEPTED"
    assert step(gql, staff, READY, orderId=order_id) == "READY_FOR_PICKUP"
    assert step(gql, driver, TAKE, orderId=order_id) == "READY_FOR_PICKUP"
    assert step(gql, driver, PICKED_UP, orderId=order_id) == "PICKED_UP"
    assert step(gql, driver, DELIVERED, orderId=order_id) == "DELIVERED"

    gql.login_as(menu.customer)
    seen = gql.data(HISTORY, {"id": order_id})["order"]
    assert seen["status"] == "DELIVERED"
    assert seen["estimatedDeliveryAt"] is not None
    assert seen["delivery"] == {"status": "DELIVERED", "driver": {"fullName": driver.full_name}}
    assert [(e["fromStatus"], e["toStatus"], e["actorRole"]) for e in seen["events"]] == [
        (None, "PENDING_PAYMENT", "CUSTOMER"),
        ("PENDING_PAYMENT", "PLACED", "SYSTEM"),
        ("PLACED", "ACCEPTING", "RESTAURANT_STAFF"),
        ("ACCEPTING", "ACCEPTED", "RESTAURANT_STAFF"),
        ("ACCEPTED", "READY_FOR_PICKUP", "RESTAURANT_STAFF"),
        ("READY_FOR_PICKUP", "PICKED_UP", "DRIVER"),
        ("PICKED_UP", "DELIVERED", "DRIVER"),
    ]
