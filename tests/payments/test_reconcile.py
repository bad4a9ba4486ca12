"""The periodic reconciliation settles what nobody heard about, from Stripe's own state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import OrderStatus
from orders.services.payments import orders_payments_reconcile
from payments.models import Payment, PaymentStatus
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed_payment(gql, localstripe):
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(menu, [line(menu.soup, 3)], payment_method_id="pm_card_visa")
    }
    assert gql.data(PLACE_ORDER, variables)["placeOrder"]["order"]["status"] == "PLACED"
    return Payment.objects.get()


def test_an_outcome_lost_in_transit_is_read_back_from_stripe(placed_payment):
    # As if the answer to the confirmation never arrived: we only know the intent exists.
    Payment.objects.filter(pk=placed_payment.pk).update(
        status=PaymentStatus.UNKNOWN, updated_at=timezone.now() - timedelta(hours=1)
    )

    counts = orders_payments_reconcile(now=timezone.now())

    placed_payment.refresh_from_db()
    assert counts["synced"] == 1
    assert placed_payment.status == PaymentStatus.AUTHORIZED


def test_an_ageing_authorisation_of_an_unaccepted_order_is_released(placed_payment, localstripe):
    Payment.objects.filter(pk=placed_payment.pk).update(
        authorized_at=timezone.now() - timedelta(days=6, hours=1)
    )

    counts = orders_payments_reconcile(now=timezone.now())

    placed_payment.refresh_from_db()
    assert counts["released"] == 1
    assert placed_payment.status == PaymentStatus.CANCELED
    assert placed_payment.order.status == OrderStatus.CANCELLED
    intent = localstripe.get(f"/v1/payment_intents/{placed_payment.stripe_payment_intent_id}")
    assert intent["status"] == "canceled"


def test_recent_payments_are_left_alone(placed_payment):
    counts = orders_payments_reconcile(now=timezone.now())

    assert counts == {
        "synced": 0,
        "released": 0,
        "captured": 0,
        "refunds_sent": 0,
        "returned": 0,
        "abandoned": 0,
        "events": 0,
    }
