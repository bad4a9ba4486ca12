"""Every refusal of placeOrder is a typed error, and nothing is written when it fails."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent, OrderLine
from payments.models import Payment
from tests.factories import AddressFactory, MenuItemFactory, OptionFactory, RestaurantFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

# Checkout needs the catalogue's rules; these run once on main.

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu():
    return a_menu()


def refusal(gql, menu, input_data) -> dict:
    gql.login_as(menu.customer)
    payload = gql.data(PLACE_ORDER, {"input": input_data})["placeOrder"]
    assert payload["order"] is None
    assert payload["payment"] is None
    assert len(payload["errors"]) == 1
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not OrderEvent.objects.exists()
    assert not Payment.objects.exists()
    return payload["errors"][0]


def test_a_paused_restaurant_is_closed(gql, menu):
    menu.restaurant.accepting_orders = False
    menu.restaurant.save()

    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)]))

    assert (error["code"], error["field"]) == ("RESTAURANT_CLOSED", "restaurantId")


def test_an_inactive_restaurant_is_closed(gql, menu):
    menu.restaurant.is_active = False
    menu.restaurant.save()

    assert refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)]))["code"] == (
        "RESTAURANT_CLOSED"
    )


def test_a_restaurant_outside_its_opening_hours_is_closed(gql, menu):
    menu.restaurant.opening_hours.all().delete()

    assert refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)]))["code"] == (
        "RESTAURANT_CLOSED"
    )


def test_an_unknown_restaurant_is_not_found(gql, menu):
    data = checkout_input(menu, [line(menu.soup, 3)])
    data["restaurantId"] = global_id("Restaurant", "00000000-0000-0000-0000-000000000000")

    assert refusal(gql, menu, data)["code"] == "NOT_FOUND"


def test_an_address_beyond_the_delivery_radius_is_out_of_range(gql, menu):
    # Porto is some 275 km from Lisbon.
    menu.address = AddressFactory(
        user=menu.customer, latitude=Decimal("41.1579"), longitude=Decimal("-8.6291")
    )

    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)]))

    assert (error["code"], error["field"]) == ("OUT_OF_DELIVERY_RANGE", "deliveryAddressId")


def test_someone_elses_address_does_not_exist(gql, menu):
    menu.address = AddressFactory()

    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)]))

    assert (error["code"], error["field"]) == ("NOT_FOUND", "deliveryAddressId")


def test_an_unavailable_item_is_named(gql, menu):
    menu.pizza.is_available = False
    menu.pizza.save()

    error = refusal(
        gql, menu, checkout_input(menu, [line(menu.soup, 3), line(menu.pizza, 1, [menu.small])])
    )

    assert error["code"] == "ITEM_UNAVAILABLE"
    assert error["field"] == "items[1].menuItemId"
    assert "Pizza" in error["message"]


def test_another_restaurants_item_is_unavailable(gql, menu):
    elsewhere = MenuItemFactory(category__restaurant=RestaurantFactory(), price=1)

    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3), line(elsewhere)]))

    assert (error["code"], error["field"]) == ("ITEM_UNAVAILABLE", "items[1].menuItemId")


def test_a_malformed_item_id_is_unavailable_not_a_crash(gql, menu):
    bad = line(menu.soup, 3)
    bad["menuItemId"] = "definitely-not-an-id"

    assert refusal(gql, menu, checkout_input(menu, [bad]))["code"] == "ITEM_UNAVAILABLE"


def test_an_unavailable_option_is_named(gql, menu):
    menu.large.is_available = False
    menu.large.save()

    error = refusal(gql, menu, checkout_input(menu, [line(menu.pizza, 1, [menu.large])]))

    assert (error["code"], error["field"]) == ("ITEM_UNAVAILABLE", "items[0].optionIds[0]")
    assert "Large" in error["message"]


def test_an_option_of_another_item_is_unavailable(gql, menu):
    foreign = OptionFactory(group__item=MenuItemFactory(category=menu.soup.category))

    error = refusal(gql, menu, checkout_input(menu, [line(menu.pizza, 1, [menu.small, foreign])]))

    assert (error["code"], error["field"]) == ("ITEM_UNAVAILABLE", "items[0].optionIds[1]")


@pytest.mark.parametrize(
    "choose",
    [
        lambda m: [],  # the size is required
        lambda m: [m.small, m.large],  # exactly one size
        lambda m: [m.small, m.olives, m.anchovies, m.olives],  # duplicate
    ],
    ids=["below-min", "above-max", "duplicate"],
)
def test_option_groups_rules_are_enforced(gql, menu, choose):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.pizza, 1, choose(menu))]))

    assert error["code"] == "VALIDATION"
    assert error["field"].startswith("items[0].optionIds")


def test_more_than_the_maximum_of_a_group_is_refused(gql, menu):
    menu.anchovies.group.max_selected = 1
    menu.anchovies.group.save()

    error = refusal(
        gql,
        menu,
        checkout_input(menu, [line(menu.pizza, 1, [menu.small, menu.olives, menu.anchovies])]),
    )

    assert (error["code"], error["field"]) == ("VALIDATION", "items[0].optionIds")
    assert "Extras" in error["message"]


@pytest.mark.parametrize("quantity", [0, -1, 51])
def test_quantities_run_from_1_to_50(gql, menu, quantity):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, quantity)]))

    assert (error["code"], error["field"]) == ("VALIDATION", "items[0].quantity")


def test_notes_are_bounded(gql, menu):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3, note="x" * 201)]))

    assert (error["code"], error["field"]) == ("VALIDATION", "items[0].note")


def test_an_empty_cart_is_refused(gql, menu):
    assert refusal(gql, menu, checkout_input(menu, []))["field"] == "items"


def test_the_subtotal_must_reach_the_minimum_order(gql, menu):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 2)]))  # 900 < 1000

    assert error["code"] == "BELOW_MINIMUM_ORDER"


@pytest.mark.parametrize("tip", [-1, 676])  # half of 1350 is 675
def test_the_tip_is_bounded(gql, menu, tip):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)], tip=tip))

    assert (error["code"], error["field"]) == ("VALIDATION", "tip")


@pytest.mark.parametrize("key", ["short", "k" * 101, "        "])
def test_the_idempotency_key_is_8_to_100_characters(gql, menu, key):
    error = refusal(gql, menu, checkout_input(menu, [line(menu.soup, 3)], key=key))

    assert (error["code"], error["field"]) == ("VALIDATION", "idempotencyKey")


def test_a_payment_method_is_required(gql, menu):
    data = checkout_input(menu, [line(menu.soup, 3)])
    data["paymentMethodId"] = "  "

    assert refusal(gql, menu, data)["field"] == "paymentMethodId"


def test_anonymous_callers_must_sign_in(gql, menu):
    payload = gql.data(PLACE_ORDER, {"input": checkout_input(menu, [line(menu.soup, 3)])})

    assert payload["placeOrder"]["errors"][0]["code"] == "NOT_AUTHENTICATED"
    assert not Order.objects.exists()
