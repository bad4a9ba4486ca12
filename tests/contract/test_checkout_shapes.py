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


def test_stripe_s_own_words_never_reach_the_customer(localstripe):
    """A payment method that vanished between the check and the authorisation: Stripe answers
    "Not Found"; the customer is told in our words, the order fails, the log keeps Stripe's."""
    import uuid

    from django.utils import timezone

    from orders.services.payments import order_payment_authorize
    from payments.models import Payment
    from tests.factories import OrderFactory

    order = OrderFactory(status="PENDING_PAYMENT")
    payment = Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm_vanished",
        idempotency_key=f"pay-{uuid.uuid4()}",
    )

    result = order_payment_authorize(order_id=order.pk, payment_id=payment.pk, now=timezone.now())

    assert result.error_code == "PAYMENT_DECLINED"
    assert "Not Found" not in result.message
    assert result.message == "The payment could not be made with this card; choose another one."
    order.refresh_from_db()
    assert order.status == "PAYMENT_FAILED"
    bodies = list(Notification.objects.filter(order=order).values_list("body", flat=True))
    assert all("Not Found" not in body for body in bodies)
