"""Who sees an order: its customer, its restaurant's staff, its driver and admins; for anyone
else it does not exist."""

import base64

import pytest

from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DeliveryFactory,
    DriverFactory,
    OrderFactory,
    OrderLineFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

ORDER = """
query Order($id: ID!) {
  order(id: $id) {
    id number status
    customer { fullName }
    items { id name quantity unitPrice { amount currency } lineTotal { amount } }
    total { amount currency }
    delivery { status driver { fullName } }
  }
}
"""
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Order { number } } }"


def global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@pytest.fixture
def delivered_order():
    delivery = DeliveryFactory(order__status="PICKED_UP", driver=DriverFactory())
    OrderLineFactory(order=delivery.order, name="Bacalhau", unit_price=1500, quantity=2)
    return delivery.order


def insiders(order):
    return {
        "customer": order.customer,
        "staff": RestaurantStaffFactory(restaurant=order.restaurant).user,
        "driver": order.delivery.driver,
        "admin": AdminFactory(),
    }


@pytest.mark.parametrize("who", ["customer", "staff", "driver", "admin"])
def test_the_order_shows_to_those_involved(gql, delivered_order, who):
    gql.login_as(insiders(delivered_order)[who])

    data = gql.data(ORDER, {"id": global_id("Order", delivered_order.pk)})

    order = data["order"]
    assert order["number"] == delivered_order.number
    assert order["status"] == "PICKED_UP"
    assert order["items"][0]["name"] == "Bacalhau"
    assert order["items"][0]["lineTotal"] == {"amount": 3000}
    assert order["total"] == {"amount": delivered_order.total, "currency": "EUR"}
    assert order["delivery"]["driver"]["fullName"] == delivered_order.delivery.driver.full_name

    node = gql.data(NODE, {"id": global_id("Order", delivered_order.pk)})["node"]
    assert node["number"] == delivered_order.number


def strangers():
    return {
        "another customer": CustomerFactory(),
        "staff of another restaurant": RestaurantStaffFactory().user,
        "another driver": DriverFactory(),
    }


@pytest.mark.parametrize(
    "who", ["another customer", "staff of another restaurant", "another driver"]
)
def test_the_order_does_not_exist_for_anyone_else(gql, delivered_order, who):
    gql.login_as(strangers()[who])

    result = gql.execute(ORDER, {"id": global_id("Order", delivered_order.pk)})

    assert result.data == {"order": None}
    assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"
    node = gql.execute(NODE, {"id": global_id("Order", delivered_order.pk)})
    assert node.data == {"node": None}
    assert node.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_an_unknown_order_looks_exactly_like_a_hidden_one(gql, delivered_order):
    gql.login_as(CustomerFactory())

    hidden = gql.execute(ORDER, {"id": global_id("Order", delivered_order.pk)})
    unknown = gql.execute(ORDER, {"id": global_id("Order", "00000000-0000-0000-0000-000000000000")})
    malformed = gql.execute(ORDER, {"id": "not-a-global-id"})

    assert hidden.errors[0]["message"] == unknown.errors[0]["message"]
    assert [r.errors[0]["extensions"]["code"] for r in (hidden, unknown, malformed)] == [
        "NOT_FOUND"
    ] * 3


def test_anonymous_callers_see_no_order(gql, delivered_order):
    result = gql.execute(ORDER, {"id": global_id("Order", delivered_order.pk)})
    assert result.data == {"order": None}
    assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_order_lines_cannot_be_probed_through_node(gql, delivered_order):
    line = delivered_order.lines.get()
    query = "query Node($id: ID!) { node(id: $id) { ... on OrderLine { name } } }"

    gql.login_as(CustomerFactory())
    hidden = gql.execute(query, {"id": global_id("OrderLine", line.pk)})
    assert hidden.data == {"node": None}
    assert hidden.errors[0]["extensions"]["code"] == "NOT_FOUND"

    gql.login_as(delivered_order.customer)
    assert gql.data(query, {"id": global_id("OrderLine", line.pk)}) == {
        "node": {"name": "Bacalhau"}
    }


def test_drivers_do_not_see_a_delivery_nobody_was_assigned(gql):
    order = OrderFactory(status="ACCEPTED")
    DeliveryFactory(order=order, driver=None)
    gql.login_as(DriverFactory())

    result = gql.execute(ORDER, {"id": global_id("Order", order.pk)})

    assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"
