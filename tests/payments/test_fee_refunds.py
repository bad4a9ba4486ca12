"""The fees are charged with the food and given back with it: each can be refunded on its own,
and cancelling after capture returns all of them."""

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services.acceptance import order_accept
from orders.services.actions import order_cancel
from payments.models import Payment, PaymentStatus, Refund
from restaurants.models import StaffRole
from tests.factories import RestaurantStaffFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = pytest.mark.django_db

REFUND = """mutation($input: RefundOrderInput!) { refundOrder(input: $input) {
  refund { amount { amount } status } errors { code field } } }"""


@pytest.fixture
def captured(gql, localstripe, settings):
    settings.SERVICE_FEE_BASIS_POINTS = 500
    settings.SERVICE_FEE_MIN = 50
    settings.SERVICE_FEE_MAX = 300
    settings.SMALL_ORDER_THRESHOLD = 1500
    settings.SMALL_ORDER_FEE = 120
    menu = a_menu(minimum_order=0, delivery_fee_bands=[{"upToMetres": 5000, "fee": 275}])
    gql.login_as(menu.customer)
    payload = gql.data(PLACE_ORDER, {"input": checkout_input(menu, [line(menu.soup, 2)], tip=100)})[
        "placeOrder"
    ]
    assert payload["errors"] == []
    order = Order.objects.get(number=payload["order"]["number"])
    owner = RestaurantStaffFactory(restaurant=menu.restaurant, role=StaffRole.OWNER).user
    order_accept(order_id=order.pk, actor=owner, preparation_minutes=10, now=timezone.now())
    return order, owner


def test_the_card_is_charged_the_food_every_fee_and_the_tip(captured):
    order, _ = captured
    # 9.00 of food: small-order fee; 5 % is 45, raised to the 50 floor.
    assert (order.subtotal, order.delivery_fee, order.small_order_fee, order.service_fee) == (
        900,
        275,
        120,
        50,
    )
    assert order.total == 900 + 275 + 120 + 50 + 100
    assert Payment.objects.get(order=order).amount_captured == order.total


def test_each_fee_is_refunded_on_its_own_and_no_more_than_the_total(gql, captured, localstripe):
    order, owner = captured
    gql.login_as(owner)
    order_id = global_id("Order", order.pk)
    for name, amount in (
        ("delivery", order.delivery_fee),
        ("small", order.small_order_fee),
        ("service", order.service_fee),
        ("tip", order.tip),
        ("food", order.subtotal),
    ):
        refund = {"orderId": order_id, "amount": amount, "idempotencyKey": f"fee-refund-{name}"}
        payload = gql.data(REFUND, {"input": refund})["refundOrder"]
        assert payload["errors"] == [], name
        assert payload["refund"] == {"amount": {"amount": amount}, "status": "SUCCEEDED"}
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == order.total
    more = gql.data(
        REFUND, {"input": {"orderId": order_id, "amount": 1, "idempotencyKey": "fee-refund-more"}}
    )["refundOrder"]
    assert more["errors"][0]["code"] == "VALIDATION"
    assert Refund.objects.filter(payment=payment).count() == 5


def test_cancelling_after_capture_gives_back_every_fee(
    captured, localstripe, django_capture_on_commit_callbacks
):
    order, owner = captured
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=order.pk, actor=owner, reason="Kitchen fire", now=timezone.now())
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.CAPTURED, order.total)
    assert Refund.objects.get(payment=payment).amount == order.total
