"""A restaurant taken off the platform stays in its customers' history, and out of the catalogue."""

import pytest

from orders.models import OrderStatus
from tests.factories import MenuItemFactory, OrderFactory
from tests.orders.checkout_helpers import global_id

pytestmark = pytest.mark.django_db

MY_ORDERS = "{ myOrders(first: 5) { edges { node { number restaurant { name } } } } }"


def test_order_history_still_names_a_deactivated_restaurant(gql):
    order = OrderFactory(status=OrderStatus.DELIVERED)
    order.restaurant.is_active = False
    order.restaurant.save(update_fields=["is_active"])
    gql.login_as(order.customer)

    result = gql.execute(MY_ORDERS)

    assert result.errors is None, result.errors
    [edge] = result.data["myOrders"]["edges"]
    assert edge["node"] == {"number": order.number, "restaurant": {"name": order.restaurant.name}}


def test_menu_objects_of_a_deactivated_restaurant_are_not_found_by_id(gql):
    item = MenuItemFactory()
    item_id = global_id("MenuItem", item.pk)
    query = "query($id: ID!) { node(id: $id) { ... on MenuItem { name } } }"
    assert gql.data(query, {"id": item_id})["node"] == {"name": item.name}

    restaurant = item.category.restaurant
    restaurant.is_active = False
    restaurant.save(update_fields=["is_active"])

    hidden = gql.execute(query, {"id": item_id})
    assert hidden.data == {"node": None}
    assert hidden.errors[0]["extensions"]["code"] == "NOT_FOUND"
