"""Webhooks as localstripe really sends them, signed, to a live server."""

import time

import pytest
from django.conf import settings
from django.utils import timezone

from orders.services.acceptance import order_accept
from payments.models import Payment, PaymentStatus, StripeEvent
from restaurants.models import StaffRole
from tests.factories import RestaurantStaffFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_localstripe_signs_and_delivers_the_capture_event(gql, localstripe, live_server):
    localstripe.register_webhook(
        f"{live_server.url}/webhooks/stripe/", settings.STRIPE_WEBHOOK_SECRET
    )
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(menu, [line(menu.soup, 3)], payment_method_id="pm_card_visa")
    }
    assert gql.data(PLACE_ORDER, variables)["placeOrder"]["order"]["status"] == "PLACED"
    owner = RestaurantStaffFactory(restaurant=menu.restaurant, role=StaffRole.OWNER).user
    payment = Payment.objects.get()

    order_accept(order_id=payment.order_id, actor=owner, preparation_minutes=10, now=timezone.now())

    assert wait_for(
        lambda: StripeEvent.objects.filter(
            type="payment_intent.succeeded", status=StripeEvent.Status.PROCESSED
        ).exists()
    ), list(StripeEvent.objects.values_list("type", "status", "last_error"))
    event = StripeEvent.objects.get(type="payment_intent.succeeded")
    assert event.payload["data"]["object"]["id"] == payment.stripe_payment_intent_id
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
