"""Checkout as an app sees it: a replayed placeOrder answers like the first time; a payment
method that does not exist is refused before any order exists, without Stripe's words."""

import pytest

from notifications.models import Notification
from orders.models import Order
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db(transaction=True)

SUCCEEDS, NEEDS_3DS = "4242424242424242", "4000002760003184"


@pytest.mark.parametrize("card", [SUCCEEDS, NEEDS_3DS], ids=["authorised", "needs 3-D Secure"])
def test_a_repeated_place_order_returns_the_same_payload(gql, localstripe, card):
    menu = a_menu()
    gql.login_as(menu.customer)
    payload = checkout_input(
        menu, [line(menu.soup, 3)], payment_method_id=localstripe.payment_method(card)
    )

    first = gql.data(PLACE_ORDER, {"input": payload})["placeOrder"]
    again = gql.data(PLACE_ORDER, {"input": payload})["placeOrder"]

    assert again == first
    assert Order.objects.count() == 1


@pytest.mark.parametrize("method", ["pm_does_not_exist", "pm_1234567890abcdef"])
def test_an_unknown_payment_method_is_refused_before_an_order_exists(gql, localstripe, method):
    menu = a_menu()
    gql.login_as(menu.customer)

    result = gql.data(
        PLACE_ORDER,
        {"input": checkout_input(menu, [line(menu.soup, 3)], payment_method_id=method)},
    )["placeOrder"]

    assert result["order"] is None
    assert result["errors"] == [
        {
            "code": "VALIDATION",
            "field": "paymentMethodId",
            "message": "This payment method does not exist; choose another card.",
        }
    ]
    assert not Order.objects.exists()
    assert not Notification.objects.exists()
