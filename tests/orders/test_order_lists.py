"""myOrders and restaurantOrders: paginated, filtered, restricted, and a constant number of
queries whatever their length."""

import base64

import pytest

from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DeliveryFactory,
    DriverFactory,
    OrderFactory,
    OrderLineFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

ORDER_FIELDS = """
  id number status placedAt
  total { amount currency }
  customer { fullName }
  items { name quantity unitPrice { amount } options { name priceDelta { amount } } }
  events { fromStatus toStatus actorRole reason createdAt }
  delivery { status driver { fullName } }
  deliveryAddress { line1 city }
"""
MY_ORDERS = (
    "query Mine($first: Int, $after: String) { myOrders(first: $first, after: $after) {"
    " totalCount pageInfo { hasNextPage endCursor } edges { node {" + ORDER_FIELDS + "} } } }"
)
RESTAURANT_ORDERS = (
    "query Kitchen($restaurantId: ID!, $status: OrderStatus, $first: Int) {"
    " restaurantOrders(restaurantId: $restaurantId, status: $status, first: $first) {"
    " totalCount edges { node {" + ORDER_FIELDS + "} } } }"
)


def global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def rich_orders(count: int, **fields):
    """Orders with lines, events and an assigned delivery: every nested field has rows."""
    from orders.models import OrderEvent

    orders = []
    for _ in range(count):
        order = OrderFactory(**fields)
        OrderLineFactory.create_batch(
            2, order=order, options=[{"name": "Large", "priceDelta": 100}]
        )
        OrderEvent.objects.create(
            order=order, to_status=order.status, actor_role="SYSTEM", sequence=1
        )
        DeliveryFactory(order=order, driver=DriverFactory())
        orders.append(order)
    return orders


def test_my_orders_lists_only_the_callers_orders_newest_first(gql):
    customer = CustomerFactory()
    mine = rich_orders(3, customer=customer)
    rich_orders(2)
    gql.login_as(customer)

    data = gql.data(MY_ORDERS, {"first": 2})["myOrders"]

    assert data["totalCount"] == 3
    assert data["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["number"] for edge in data["edges"]] == [
        order.number for order in sorted(mine, key=lambda o: o.created_at, reverse=True)[:2]
    ]
    rest = gql.data(MY_ORDERS, {"first": 2, "after": data["pageInfo"]["endCursor"]})["myOrders"]
    assert len(rest["edges"]) == 1


def test_my_orders_needs_a_signed_in_user(gql):
    result = gql.execute(MY_ORDERS)
    assert result.errors[0]["extensions"]["code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize("size", [2, 12])
def test_my_orders_costs_the_same_queries_at_any_length(gql, django_assert_num_queries, size):
    customer = CustomerFactory()
    rich_orders(size, customer=customer)
    gql.login_as(customer)

    # user; the page of orders with customer, delivery and driver joined; lines; events; count
    with django_assert_num_queries(5):
        data = gql.data(MY_ORDERS, {"first": 50})
    assert len(data["myOrders"]["edges"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_restaurant_orders_cost_the_same_queries_at_any_length(
    gql, django_assert_num_queries, size
):
    restaurant = RestaurantFactory()
    rich_orders(size, restaurant=restaurant)
    gql.login_as(RestaurantStaffFactory(restaurant=restaurant).user)

    # user; restaurant exists; staff check; orders (with joins); lines; events; count
    with django_assert_num_queries(7):
        data = gql.data(RESTAURANT_ORDERS, {"restaurantId": global_id("Restaurant", restaurant.pk)})
    assert data["restaurantOrders"]["totalCount"] == size


def test_restaurant_orders_filter_by_status_and_hide_unpaid_orders(gql):
    restaurant = RestaurantFactory()
    placed = OrderFactory(restaurant=restaurant, status="PLACED")
    accepted = OrderFactory(restaurant=restaurant, status="ACCEPTED")
    OrderFactory(restaurant=restaurant, status="PENDING_PAYMENT")
    OrderFactory(status="PLACED")
    gql.login_as(RestaurantStaffFactory(restaurant=restaurant).user)
    restaurant_id = global_id("Restaurant", restaurant.pk)

    every = gql.data(RESTAURANT_ORDERS, {"restaurantId": restaurant_id})["restaurantOrders"]
    only_placed = gql.data(RESTAURANT_ORDERS, {"restaurantId": restaurant_id, "status": "PLACED"})

    assert {edge["node"]["number"] for edge in every["edges"]} == {placed.number, accepted.number}
    assert [e["node"]["number"] for e in only_placed["restaurantOrders"]["edges"]] == [
        placed.number
    ]


def test_admins_see_any_restaurants_orders(gql):
    order = OrderFactory()
    gql.login_as(AdminFactory())

    data = gql.data(
        RESTAURANT_ORDERS, {"restaurantId": global_id("Restaurant", order.restaurant_id)}
    )

    assert data["restaurantOrders"]["totalCount"] == 1


def test_other_restaurants_staff_and_customers_are_refused(gql):
    order = OrderFactory()
    restaurant_id = global_id("Restaurant", order.restaurant_id)
    for outsider in (RestaurantStaffFactory().user, order.customer):
        gql.login_as(outsider)
        result = gql.execute(RESTAURANT_ORDERS, {"restaurantId": restaurant_id})
        assert result.data is None
        assert result.errors[0]["extensions"]["code"] == "FORBIDDEN"


def test_an_unknown_restaurant_is_not_found(gql):
    gql.login_as(AdminFactory())
    for restaurant_id in (global_id("Restaurant", "00000000-0000-0000-0000-000000000000"), "x"):
        result = gql.execute(RESTAURANT_ORDERS, {"restaurantId": restaurant_id})
        assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_page_size_is_capped(gql):
    customer = CustomerFactory()
    gql.login_as(customer)
    result = gql.execute(MY_ORDERS, {"first": 101})
    assert result.errors[0]["extensions"] == {"code": "VALIDATION", "field": "first"}
