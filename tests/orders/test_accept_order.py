"""Acceptance charges the card and sets the delivery estimate; rejection and cancellation give
the money back after they commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import OrderStatus
from payments.models import Payment, Refund
from tests.factories import AdminFactory, RestaurantStaffFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

# Checkout needs the catalogue's rules; money moves through the real payment service.

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("payments_live")]

MOVE = "order { id status preparationMinutes estimatedDeliveryAt } errors { code field }"
ACCEPT = f"mutation($input: AcceptOrderInput!) {{ acceptOrder(input: $input) {{ {MOVE} }} }}"
REJECT = f"mutation($input: RejectOrderInput!) {{ rejectOrder(input: $input) {{ {MOVE} }} }}"
CANCEL = f"mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ {MOVE} }} }}"


@pytest.fixture
def placed(gql):
    """An order placed and authorised through the API, and a member of its kitchen."""
    menu = a_menu()
    gql.login_as(menu.customer)
    payload = gql.data(PLACE_ORDER, {"input": checkout_input(menu, [line(menu.soup, 3)])})
    assert payload["placeOrder"]["order"]["status"] == "PLACED"
    menu.order_id = payload["placeOrder"]["order"]["id"]
    menu.staff = RestaurantStaffFactory(restaurant=menu.restaurant).user
    return menu


def run(gql, user, document, **input_fields):
    gql.login_as(user)
    data = gql.data(document, {"input": input_fields})
    return next(iter(data.values()))


def test_accepting_captures_the_card_and_estimates_delivery(gql, placed):
    before = timezone.now()

    payload = run(gql, placed.staff, ACCEPT, orderId=placed.order_id, preparationMinutes=25)

    assert payload["errors"] == []
    order = payload["order"]
    assert (order["status"], order["preparationMinutes"]) == ("ACCEPTED", 25)
    estimate = Payment.objects.get().order.estimated_delivery_at
    # Preparation plus at least some travel, measured from the acceptance.
    assert estimate > before + timedelta(minutes=25)
    assert estimate < timezone.now() + timedelta(minutes=25 + 120)
    assert Payment.objects.get().status == "CAPTURED"


def test_rejecting_releases_the_authorisation_after_commit(
    gql, placed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        payload = run(gql, placed.staff, REJECT, orderId=placed.order_id, reason="Closing early")

    assert payload["order"]["status"] == "REJECTED"
    assert Payment.objects.get().status == "CANCELED"


def test_the_customer_cancelling_before_acceptance_releases_the_card(
    gql, placed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        payload = run(gql, placed.customer, CANCEL, orderId=placed.order_id)

    assert payload["order"]["status"] == "CANCELLED"
    assert Payment.objects.get().status == "CANCELED"
    assert not Refund.objects.exists()


def test_cancelling_after_acceptance_refunds_the_captured_amount(
    gql, placed, django_capture_on_commit_callbacks
):
    run(gql, placed.staff, ACCEPT, orderId=placed.order_id, preparationMinutes=15)

    with django_capture_on_commit_callbacks(execute=True):
        payload = run(gql, AdminFactory(), CANCEL, orderId=placed.order_id, reason="Driver crash")

    assert payload["order"]["status"] == "CANCELLED"
    refund = Refund.objects.get()
    assert refund.amount == Payment.objects.get().amount_captured


def test_two_accepts_charge_once(gql, placed):
    first = run(gql, placed.staff, ACCEPT, orderId=placed.order_id, preparationMinutes=15)
    second = run(gql, placed.staff, ACCEPT, orderId=placed.order_id, preparationMinutes=15)

    assert first["errors"] == []
    assert second["errors"][0]["code"] == "INVALID_TRANSITION"
    assert Payment.objects.get().order.status == OrderStatus.ACCEPTED


def test_the_kitchen_of_another_restaurant_cannot_accept(gql, placed):
    payload = run(
        gql, RestaurantStaffFactory().user, ACCEPT, orderId=placed.order_id, preparationMinutes=15
    )

    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert Payment.objects.get().status == "AUTHORIZED"


def test_an_order_id_of_another_type_is_not_found(gql, placed):
    payload = run(
        gql,
        placed.staff,
        ACCEPT,
        orderId=global_id("Restaurant", placed.restaurant.pk),
        preparationMinutes=15,
    )

    assert payload["errors"][0]["code"] == "NOT_FOUND"
