"""Capture on acceptance, release on rejection, refunds up to what was captured."""

import pytest
from django.utils import timezone

from notifications.models import Notification
from orders.models import OrderStatus
from orders.services.acceptance import order_accept
from orders.services.actions import order_cancel, order_reject
from payments.models import Payment, PaymentStatus, Refund
from restaurants.models import StaffRole
from tests.factories import AdminFactory, RestaurantStaffFactory, StaffUserFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = pytest.mark.django_db

REFUND = """mutation($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { status } refund { amount { amount currency } reason status } errors { code field } } }"""


@pytest.fixture
def placed(gql, localstripe):
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(menu, [line(menu.soup, 4)], payment_method_id="pm_card_visa")
    }
    payload = gql.data(PLACE_ORDER, variables)["placeOrder"]
    assert payload["order"]["status"] == "PLACED"
    payment = Payment.objects.get()
    owner = RestaurantStaffFactory(restaurant=menu.restaurant, role=StaffRole.OWNER).user
    return payment, owner


def intent(localstripe, payment):
    return localstripe.get(f"/v1/payment_intents/{payment.stripe_payment_intent_id}")


def accept(payment, owner):
    order_accept(order_id=payment.order_id, actor=owner, preparation_minutes=15, now=timezone.now())
    payment.refresh_from_db()


def test_accepting_captures_the_authorised_amount(placed, localstripe):
    payment, owner = placed

    accept(payment, owner)

    assert payment.status == PaymentStatus.CAPTURED
    assert payment.amount_captured == payment.amount == 4 * 450 + 250
    assert intent(localstripe, payment)["status"] == "succeeded"


def test_rejecting_releases_the_hold_on_the_card(
    placed, localstripe, django_capture_on_commit_callbacks
):
    payment, owner = placed

    with django_capture_on_commit_callbacks(execute=True):
        order_reject(
            order_id=payment.order_id, actor=owner, reason="Out of soup", now=timezone.now()
        )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    assert intent(localstripe, payment)["status"] == "canceled"
    assert payment.order.status == OrderStatus.REJECTED


def test_cancelling_after_acceptance_refunds_everything_once(
    placed, localstripe, django_capture_on_commit_callbacks
):
    payment, owner = placed
    accept(payment, owner)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(
            order_id=payment.order_id, actor=owner, reason="Oven broke", now=timezone.now()
        )

    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount_captured
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (payment.amount_captured, Refund.Status.SUCCEEDED)
    heard = Notification.objects.filter(recipient=payment.order.customer)
    assert set(heard.values_list("kind", flat=True)) >= {"ORDER_CANCELLED", "ORDER_REFUNDED"}


def test_owner_refunds_part_then_the_rest_and_no_more(gql, placed, localstripe):
    payment, owner = placed
    accept(payment, owner)
    gql.login_as(owner)
    order_id = global_id("Order", payment.order_id)

    part = gql.data(
        REFUND,
        {
            "input": {
                "orderId": order_id,
                "amount": 500,
                "reason": "Cold soup",
                "idempotencyKey": "refund-part-1",
            }
        },
    )
    rest = gql.data(REFUND, {"input": {"orderId": order_id, "idempotencyKey": "refund-rest-1"}})
    more = gql.data(
        REFUND, {"input": {"orderId": order_id, "amount": 1, "idempotencyKey": "refund-more-1"}}
    )

    assert part["refundOrder"]["refund"] == {
        "amount": {"amount": 500, "currency": "EUR"},
        "reason": "Cold soup",
        "status": "SUCCEEDED",
    }
    assert rest["refundOrder"]["refund"]["amount"]["amount"] == payment.amount_captured - 500
    assert more["refundOrder"]["errors"] == [{"code": "VALIDATION", "field": "amount"}]
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount_captured
    assert Refund.objects.count() == 2


def test_a_refund_above_what_was_captured_is_refused_and_nothing_is_sent(gql, placed, localstripe):
    payment, owner = placed
    accept(payment, owner)
    gql.login_as(AdminFactory())

    result = gql.data(
        REFUND,
        {
            "input": {
                "orderId": global_id("Order", payment.order_id),
                "amount": 10_000,
                "idempotencyKey": "refund-too-much",
            }
        },
    )

    assert result["refundOrder"]["errors"] == [{"code": "VALIDATION", "field": "amount"}]
    assert not Refund.objects.exists()
    assert localstripe.get("/v1/refunds?limit=10")["data"] == []


def test_only_owners_managers_and_admins_refund(gql, placed, localstripe):
    payment, owner = placed
    accept(payment, owner)
    order_id = global_id("Order", payment.order_id)
    plain_staff = RestaurantStaffFactory(restaurant=payment.order.restaurant, role=StaffRole.STAFF)

    for user in (payment.order.customer, plain_staff.user, StaffUserFactory()):
        gql.login_as(user)
        result = gql.data(
            REFUND,
            {"input": {"orderId": order_id, "amount": 100, "idempotencyKey": "refund-try-1"}},
        )
        assert result["refundOrder"]["errors"] == [{"code": "NOT_FOUND", "field": None}]
    assert not Refund.objects.exists()


def test_an_uncaptured_order_cannot_be_refunded(gql, placed, localstripe):
    payment, owner = placed
    gql.login_as(owner)

    result = gql.data(
        REFUND,
        {
            "input": {
                "orderId": global_id("Order", payment.order_id),
                "idempotencyKey": "refund-none",
            }
        },
    )

    assert result["refundOrder"]["errors"][0]["code"] == "NOT_FOUND"


def test_a_refund_retried_with_its_key_refunds_once(gql, placed, localstripe):
    """A client whose refund request timed out asks again with the same key: one refund."""
    payment, owner = placed
    accept(payment, owner)
    gql.login_as(owner)
    variables = {
        "input": {
            "orderId": global_id("Order", payment.order_id),
            "amount": 300,
            "idempotencyKey": "refund-retry-1",
        }
    }

    first = gql.data(REFUND, variables)["refundOrder"]["refund"]
    again = gql.data(REFUND, variables)["refundOrder"]["refund"]

    assert first == again
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == 300
    intent = localstripe.get(f"/v1/payment_intents/{payment.stripe_payment_intent_id}")
    assert intent["charges"]["data"][0]["amount_refunded"] == 300
