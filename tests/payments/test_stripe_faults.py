"""Stripe that is slow, silent or answers too late, through a TCP proxy in front of a real
localstripe: the client is answered within the request's budget, an unknown outcome stays
unknown (never "failed"), and money taken behind our back is given back."""

import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from core.errors import DomainError
from orders.errors import InvalidTransition
from orders.models import OrderStatus
from orders.services.acceptance import order_accept, orders_acceptances_resume
from orders.services.actions import order_reject
from orders.services.payments import order_stripe_event_apply, orders_payments_reconcile
from payments import gateway
from payments.models import Payment, PaymentStatus, Refund, StripeEvent
from tests.factories import OrderFactory, RestaurantStaffFactory
from tests.faults import fault_proxy
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db

BUDGET = 1.5


@pytest.fixture
def placed(gql, localstripe):
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu, [line(menu.soup, 4)], payment_method_id=localstripe.payment_method()
        )
    }
    assert gql.data(PLACE_ORDER, variables)["placeOrder"]["order"]["status"] == "PLACED"
    payment = Payment.objects.get()
    staff = RestaurantStaffFactory(restaurant=menu.restaurant).user
    return payment, staff


@pytest.fixture
def stripe_proxy(localstripe, settings):
    """The application reaches localstripe only through a proxy the test can slow or silence."""
    target = urlparse(localstripe.base_url)
    with fault_proxy(target.hostname, target.port) as proxy:
        settings.STRIPE_API_BASE = f"http://{proxy.address}"
        settings.STRIPE_TIMEOUT_SECONDS = 1.0
        settings.STRIPE_MAX_NETWORK_RETRIES = 2
        settings.STRIPE_REQUEST_BUDGET_SECONDS = BUDGET
        yield proxy


def test_a_capture_answered_too_late_is_unknown_then_confirmed(placed, stripe_proxy, localstripe):
    payment, staff = placed
    stripe_proxy.delay = 3.0  # Stripe captures at once but its answer comes after the timeout

    started = time.monotonic()
    acceptance = order_accept(
        order_id=payment.order_id, actor=staff, preparation_minutes=20, now=timezone.now()
    )
    waited = time.monotonic() - started

    assert waited < BUDGET + 1.5  # not the timeout times the tries (31 s before)
    assert acceptance.order.status == OrderStatus.ACCEPTING
    assert [notice.code for notice in acceptance.notices] == ["PAYMENT_UNAVAILABLE"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED  # unknown is not failed
    assert (
        localstripe.get(f"/v1/payment_intents/{payment.stripe_payment_intent_id}")["status"]
        == "succeeded"
    )

    # While the charge is unconfirmed nobody can reject the order and keep the money.
    with pytest.raises(InvalidTransition):
        order_reject(order_id=payment.order_id, actor=staff, reason="too busy", now=timezone.now())

    stripe_proxy.delay = 0
    assert orders_acceptances_resume(now=timezone.now() + timedelta(minutes=1)) == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.order.status == OrderStatus.ACCEPTED
    assert payment.order.preparation_minutes == 20


def test_a_refused_capture_puts_the_order_back_for_the_restaurant(placed, localstripe):
    payment, staff = placed
    gateway.intent_cancel(payment.stripe_payment_intent_id, idempotency_key="cancel-behind")

    with pytest.raises(DomainError) as refused:
        order_accept(
            order_id=payment.order_id, actor=staff, preparation_minutes=20, now=timezone.now()
        )

    assert refused.value.code == "PAYMENT_DECLINED"
    payment.refresh_from_db()
    assert payment.order.status == OrderStatus.PLACED
    assert payment.status == PaymentStatus.CANCELED


def test_checkout_with_stripe_silent_answers_within_the_budget_and_keeps_the_order(
    gql, localstripe, stripe_proxy
):
    menu = a_menu()
    card = localstripe.payment_method()
    stripe_proxy.mode = "blackhole"
    gql.login_as(menu.customer)

    started = time.monotonic()
    payload = gql.data(
        PLACE_ORDER,
        {"input": checkout_input(menu, [line(menu.soup, 4)], payment_method_id=card)},
    )["placeOrder"]
    waited = time.monotonic() - started

    assert waited < BUDGET + 1.5
    assert payload["order"]["status"] == "PENDING_PAYMENT"
    assert [error["code"] for error in payload["errors"]] == ["PAYMENT_UNAVAILABLE"]
    assert Payment.objects.get().status == PaymentStatus.UNKNOWN


def test_money_captured_for_an_order_already_closed_is_given_back(
    placed, localstripe, django_capture_on_commit_callbacks
):
    """The capture's answer was lost and the order was closed; Stripe then tells us it took
    the money. The customer gets it back, whatever the order said."""
    payment, staff = placed
    with django_capture_on_commit_callbacks(execute=True):
        order_reject(order_id=payment.order_id, actor=staff, reason="closing", now=timezone.now())
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    # Pretend the release never reached Stripe and a capture did (the intent is re-created
    # as captured at localstripe, as if our release had been lost).
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.AUTHORIZED)
    fresh = gateway.intent_create(
        amount=payment.amount,
        currency="EUR",
        payment_method_id=localstripe.payment_method(),
        metadata={"payment_id": str(payment.pk)},
        idempotency_key="late-capture",
    )
    gateway.intent_confirm(fresh.id, idempotency_key="late-confirm")
    gateway.intent_capture(fresh.id, amount=payment.amount, idempotency_key="late-capture-c")
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=fresh.id)
    event = StripeEvent.objects.create(
        stripe_id="evt_late_capture",
        type="payment_intent.succeeded",
        stripe_created=timezone.now(),
        payload={"data": {"object": {"id": fresh.id, "status": "succeeded",
                                     "amount": payment.amount,
                                     "amount_received": payment.amount}}},
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        order_stripe_event_apply(event_id=event.pk, now=timezone.now())

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.order.status == OrderStatus.REJECTED
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.status) == (payment.amount, Refund.Status.SUCCEEDED)
    assert payment.amount_refunded == payment.amount


def test_a_payment_that_never_reached_stripe_is_settled_within_minutes(
    gql, localstripe, stripe_proxy
):
    menu = a_menu()
    card = localstripe.payment_method()
    stripe_proxy.mode = "refuse"
    gql.login_as(menu.customer)
    payload = gql.data(
        PLACE_ORDER, {"input": checkout_input(menu, [line(menu.soup, 4)], payment_method_id=card)}
    )["placeOrder"]
    assert payload["order"]["status"] == "PENDING_PAYMENT"
    payment = Payment.objects.get()
    assert (payment.status, payment.stripe_payment_intent_id) == (PaymentStatus.UNKNOWN, None)

    counts = orders_payments_reconcile(now=timezone.now() + timedelta(minutes=3))

    payment.refresh_from_db()
    assert counts["abandoned"] == 1
    assert payment.status == PaymentStatus.CANCELED
    assert payment.order.status == OrderStatus.PAYMENT_FAILED  # not left for 30 minutes


def test_an_intent_created_but_never_confirmed_is_cancelled_at_stripe(localstripe):
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    intent = gateway.intent_create(
        amount=order.total,
        currency="EUR",
        payment_method_id=localstripe.payment_method(),
        metadata={},
        idempotency_key="abandoned-create",
    )
    payment = Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm",
        idempotency_key=f"order-{order.pk}-attempt-1",
        stripe_payment_intent_id=intent.id,
        status=PaymentStatus.UNKNOWN,
        created_at=timezone.now() - timedelta(minutes=5),
    )

    orders_payments_reconcile(now=timezone.now())

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    assert localstripe.get(f"/v1/payment_intents/{intent.id}")["status"] == "canceled"
    assert payment.order.status == OrderStatus.PAYMENT_FAILED


def test_a_stripe_event_whose_task_was_lost_is_processed_by_reconciliation(localstripe):
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    intent = gateway.intent_create(
        amount=order.total,
        currency="EUR",
        payment_method_id=localstripe.payment_method(),
        metadata={},
        idempotency_key="lost-event-create",
    )
    intent = gateway.intent_confirm(intent.id, idempotency_key="lost-event-confirm")
    payment = Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm",
        idempotency_key=f"order-{order.pk}-attempt-1",
        stripe_payment_intent_id=intent.id,
        status=PaymentStatus.REQUIRES_ACTION,
    )
    event = StripeEvent.objects.create(
        stripe_id="evt_lost_task",
        type="payment_intent.amount_capturable_updated",
        stripe_created=timezone.now(),
        received_at=timezone.now() - timedelta(minutes=10),
        payload={"data": {"object": {"id": intent.id, "status": "requires_capture",
                                     "amount": order.total,
                                     "amount_capturable": order.total}}},
    )  # fmt: skip

    counts = orders_payments_reconcile(now=timezone.now())

    event.refresh_from_db()
    payment.refresh_from_db()
    assert counts["events"] == 1 and event.status == StripeEvent.Status.PROCESSED
    assert payment.status == PaymentStatus.AUTHORIZED
    assert payment.order.status == OrderStatus.PLACED
