"""Order again: a past order comes back as a cart at today's menu, each line saying what
changed, ready for checkoutQuote; nothing is written, and only the customer's own orders."""

import pytest

from orders.models import Order
from restaurants.models import StaffRole
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, RestaurantStaffFactory
from tests.orders.checkout_helpers import a_menu, global_id

pytestmark = pytest.mark.django_db

REORDER = """query($id: ID!) {
  reorder(orderId: $id) {
    cart {
      restaurant { name }
      subtotalNow { amount currency }
      lines { name quantity change unitPriceThen { amount } unitPriceNow { amount }
              menuItemId optionIds lostOptions readyToOrder note }
    }
    errors { code field }
  }
}"""
QUOTE = """query($input: CheckoutQuoteInput!) {
  checkoutQuote(input: $input) { quote { subtotal { amount } } errors { code field } }
}"""


def snapshot(*options) -> list[dict]:
    return [
        {"id": str(o.pk), "group": o.group.name, "name": o.name, "priceDelta": o.price_delta}
        for o in options
    ]


def past_order(menu):
    order = OrderFactory(customer=menu.customer, restaurant=menu.restaurant, status="DELIVERED")
    lines = [
        (menu.soup, 2, [], "no onions"),
        (menu.pizza, 1, [menu.large, menu.olives], ""),
        (menu.pizza, 1, [menu.small, menu.anchovies], ""),
    ]
    for position, (item, quantity, options, note) in enumerate(lines):
        unit = item.price + sum(option.price_delta for option in options)
        OrderLineFactory(
            order=order,
            menu_item=item,
            name=item.name,
            unit_price=unit,
            quantity=quantity,
            line_total=unit * quantity,
            options=snapshot(*options),
            note=note,
            position=position,
        )
    return order


def test_a_past_order_comes_back_at_todays_menu_with_every_change_named(gql):
    menu = a_menu()
    order = past_order(menu)
    menu.soup.price = 500  # dearer since
    menu.soup.save(update_fields=["price"])
    menu.anchovies.is_available = False  # sold out today
    menu.anchovies.save(update_fields=["is_available"])
    orders_before = Order.objects.count()

    cart = gql.login_as(menu.customer).data(REORDER, {"id": global_id("Order", order.pk)})
    cart = cart["reorder"]["cart"]

    soup, large, small = cart["lines"]
    assert (soup["change"], soup["unitPriceThen"], soup["unitPriceNow"]) == (
        "PRICE_CHANGED",
        {"amount": 450},
        {"amount": 500},
    )
    assert soup["note"] == "no onions" and soup["readyToOrder"]
    assert large["change"] == "SAME" and large["unitPriceNow"] == {"amount": 1600}
    assert large["optionIds"] == [
        global_id("Option", menu.large.pk),
        global_id("Option", menu.olives.pk),
    ]
    assert (small["change"], small["lostOptions"], small["readyToOrder"]) == (
        "OPTIONS_CHANGED",
        ["Anchovies"],
        False,
    )
    assert cart["subtotalNow"] == {"amount": 2 * 500 + 1600, "currency": "EUR"}
    assert Order.objects.count() == orders_before


def test_the_ready_lines_quote_as_the_cart_said(gql):
    menu = a_menu()
    order = past_order(menu)
    menu.small.is_available = False
    menu.small.save(update_fields=["is_available"])
    gql.login_as(menu.customer)
    cart = gql.data(REORDER, {"id": global_id("Order", order.pk)})["reorder"]["cart"]
    ready = [line for line in cart["lines"] if line["readyToOrder"]]

    quote = gql.data(
        QUOTE,
        {
            "input": {
                "restaurantId": global_id("Restaurant", menu.restaurant.pk),
                "deliveryAddressId": global_id("Address", menu.address.pk),
                "items": [
                    {
                        "menuItemId": line["menuItemId"],
                        "quantity": line["quantity"],
                        "optionIds": line["optionIds"],
                        "note": line["note"],
                    }
                    for line in ready
                ],
                "tip": 0,
            }
        },
    )["checkoutQuote"]

    assert quote["errors"] == []
    assert quote["quote"]["subtotal"]["amount"] == cart["subtotalNow"]["amount"]


def test_a_dish_taken_off_the_menu_is_unavailable(gql):
    menu = a_menu()
    order = past_order(menu)
    menu.pizza.is_available = False
    menu.pizza.save(update_fields=["is_available"])

    cart = gql.login_as(menu.customer).data(REORDER, {"id": global_id("Order", order.pk)})
    changes = [line["change"] for line in cart["reorder"]["cart"]["lines"]]

    assert changes == ["SAME", "UNAVAILABLE", "UNAVAILABLE"]
    assert cart["reorder"]["cart"]["lines"][1]["unitPriceNow"] is None


def test_only_the_customer_may_reorder_and_a_closed_down_restaurant_says_so(gql):
    menu = a_menu()
    order = past_order(menu)
    variables = {"id": global_id("Order", order.pk)}
    owner = RestaurantStaffFactory(restaurant=menu.restaurant, role=StaffRole.OWNER).user

    for stranger in (CustomerFactory(), owner):
        refused = gql.login_as(stranger).data(REORDER, variables)["reorder"]
        assert refused == {"cart": None, "errors": [{"code": "NOT_FOUND", "field": "orderId"}]}
    menu.restaurant.is_active = False
    menu.restaurant.save(update_fields=["is_active"])
    closed = gql.login_as(menu.customer).data(REORDER, variables)["reorder"]

    assert closed["errors"] == [{"code": "RESTAURANT_CLOSED", "field": "orderId"}]
    anonymous = gql.authenticate(None).data(REORDER, variables)["reorder"]
    assert anonymous["errors"][0]["code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize("extra_lines", [0, 8])
def test_reorder_costs_the_same_queries_however_long_the_order(
    gql, django_assert_num_queries, extra_lines
):
    menu = a_menu()
    order = past_order(menu)
    for _ in range(extra_lines):
        OrderLineFactory(order=order, menu_item=menu.soup, name="Caldo verde", unit_price=450)
    gql.login_as(menu.customer)

    # the token's check, the order, the restaurant, its lines, the dishes, groups, options
    with django_assert_num_queries(7):
        gql.data(REORDER, {"id": global_id("Order", order.pk)})
