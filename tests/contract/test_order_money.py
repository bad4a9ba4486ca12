"""An order shows its payment and refunds to its customer, its restaurant's staff and admins;
its driver sees the order without them. Constant queries over a page of orders."""

import uuid

import pytest
from strawberry import relay

from payments.models import Payment, PaymentStatus, Refund
from tests.factories import (
    AdminFactory,
    DeliveryFactory,
    DriverFactory,
    OrderFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

MONEY = """query($id: ID!) { order(id: $id) { number
  payment { status amount { amount currency } authorized { amount } captured { amount }
            refunded { amount } }
  refunds { id amount { amount currency } reason status createdAt } } }"""
MY_ORDERS = """{ myOrders(first: 50) { edges { node { number
  payment { status captured { amount } refunded { amount } }
  refunds { amount { amount } } } } } }"""


def captured_order(**fields):
    order = OrderFactory(status="ACCEPTED", **fields)
    payment = Payment.objects.create(
        order=order,
        status=PaymentStatus.CAPTURED,
        currency="EUR",
        amount=order.total,
        amount_authorized=order.total,
        amount_captured=order.total,
        amount_refunded=500,
        payment_method_id="pm_x",
        idempotency_key=f"pay-{uuid.uuid4()}",
    )
    Refund.objects.create(
        payment=payment, amount=500, reason="Cold soup", status="SUCCEEDED", idempotency_key="r1"
    )
    return order


def order_id(order) -> str:
    return str(relay.GlobalID("Order", str(order.pk)))


def test_the_customer_staff_and_admins_see_the_payment_and_refunds(gql):
    order = captured_order()
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    for viewer in (order.customer, staff, AdminFactory()):
        gql.login_as(viewer)
        data = gql.data(MONEY, {"id": order_id(order)})["order"]

        assert data["payment"] == {
            "status": "CAPTURED",
            "amount": {"amount": 2750, "currency": "EUR"},
            "authorized": {"amount": 2750},
            "captured": {"amount": 2750},
            "refunded": {"amount": 500},
        }
        [refund] = data["refunds"]
        assert refund["amount"] == {"amount": 500, "currency": "EUR"}
        assert refund["status"] == "SUCCEEDED"
        assert refund["reason"] == "Cold soup"
        uuid.UUID(refund["id"])  # a plain id: a refund is not a Node


def test_the_driver_sees_the_order_but_not_its_money(gql):
    order = captured_order()
    driver = DriverFactory()
    DeliveryFactory(order=order, driver=driver)
    gql.login_as(driver)

    data = gql.data(MONEY, {"id": order_id(order)})["order"]

    assert data["number"] == order.number
    assert data["payment"] is None
    assert data["refunds"] == []


@pytest.mark.parametrize("size", [2, 9])
def test_payments_on_a_page_of_orders_cost_constant_queries(gql, django_assert_num_queries, size):
    customer = captured_order().customer
    for _ in range(size - 1):
        captured_order(customer=customer)
    gql.login_as(customer)

    # the caller; the page; payments; refunds; the caller's restaurants (who sees money)
    with django_assert_num_queries(5):
        edges = gql.data(MY_ORDERS)["myOrders"]["edges"]

    assert len(edges) == size
    assert all(edge["node"]["payment"]["refunded"] == {"amount": 500} for edge in edges)
