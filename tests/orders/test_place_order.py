"""placeOrder: prices from the database, snapshots, the first event, the payment, and the
idempotency key."""

import re

import pytest

from orders.models import Order, OrderEvent, OrderLine
from payments.models import Payment
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

# Checkout needs the catalogue's rules; money moves through the real payment service.

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("payments_live")]


@pytest.fixture
def menu():
    return a_menu()


def place(gql, menu, items, **options):
    gql.login_as(menu.customer)
    return gql.data(PLACE_ORDER, {"input": checkout_input(menu, items, **options)})["placeOrder"]


def test_the_server_prices_the_order_from_the_menu(gql, menu):
    payload = place(
        gql,
        menu,
        [line(menu.pizza, 2, [menu.olives, menu.large], note=" no basil "), line(menu.soup, 1)],
        tip=200,
    )

    assert payload["errors"] == []
    order = payload["order"]
    assert order["subtotal"] == {"amount": 2 * (1200 + 300 + 100) + 450, "currency": "EUR"}
    assert order["deliveryFee"] == {"amount": 250}
    assert order["tip"] == {"amount": 200}
    assert order["total"] == {"amount": 3650 + 250 + 200}
    pizza = order["items"][0]
    assert (pizza["name"], pizza["quantity"], pizza["note"]) == ("Pizza", 2, "no basil")
    assert pizza["unitPrice"] == {"amount": 1600}
    assert pizza["lineTotal"] == {"amount": 3200}
    # The menu's order of options, whatever order the client sent them in.
    assert [(o["group"], o["name"], o["priceDelta"]["amount"]) for o in pizza["options"]] == [
        ("Size", "Large", 300),
        ("Extras", "Olives", 100),
    ]
    assert order["deliveryAddress"]["line1"] == "Rua Augusta 10"
    assert order["events"][0] == {
        "fromStatus": None,
        "toStatus": "PENDING_PAYMENT",
        "actorRole": "CUSTOMER",
    }


def test_an_authorised_card_places_the_order(gql, menu):
    payload = place(gql, menu, [line(menu.soup, 3)])

    assert payload["payment"]["status"] == "AUTHORIZED"
    order = Order.objects.get()
    assert order.status == "PLACED"
    assert payload["order"]["status"] == "PLACED"
    payment = Payment.objects.get()
    assert (payment.order_id, payment.amount, payment.currency) == (order.pk, 1350 + 250, "EUR")


def test_the_order_gets_a_short_readable_number(gql, menu):
    payload = place(gql, menu, [line(menu.soup, 3)])

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", payload["order"]["number"])


def test_later_menu_and_address_edits_do_not_change_a_past_order(gql, menu):
    place(gql, menu, [line(menu.pizza, 1, [menu.small, menu.olives])])

    menu.pizza.name, menu.pizza.price = "Pizza deluxe", 9999
    menu.pizza.save()
    menu.olives.name, menu.olives.price_delta = "Kalamata", 999
    menu.olives.save()
    menu.address.line1 = "Somewhere else"
    menu.address.save()

    order_line = OrderLine.objects.get()
    assert (order_line.name, order_line.unit_price) == ("Pizza", 1300)
    assert [o["name"] for o in order_line.options] == ["Small", "Olives"]
    assert Order.objects.get().delivery_address["line1"] == "Rua Augusta 10"


def test_the_same_key_returns_the_same_order_and_never_a_second_one(gql, menu):
    first = place(gql, menu, [line(menu.soup, 3)], key="same-key-123")
    again = place(gql, menu, [line(menu.soup, 3)], key="same-key-123")
    # A replay with another cart is still the same checkout: the first order stands.
    different = place(gql, menu, [line(menu.soup, 5)], key="same-key-123")

    assert first["order"]["id"] == again["order"]["id"] == different["order"]["id"]
    assert different["order"]["total"] == first["order"]["total"]
    assert again["payment"]["status"] == "AUTHORIZED"
    assert Order.objects.count() == Payment.objects.count() == 1
    assert OrderEvent.objects.filter(to_status="PENDING_PAYMENT").count() == 1


def test_keys_are_per_customer(gql, menu):
    other = a_menu()
    other.restaurant, other.soup = menu.restaurant, menu.soup

    place(gql, menu, [line(menu.soup, 3)], key="shared-key-1")
    place(gql, other, [line(menu.soup, 3)], key="shared-key-1")

    assert Order.objects.count() == 2


def test_a_declined_card_ends_the_order_with_a_typed_error(gql, menu):
    payload = place(
        gql,
        menu,
        [line(menu.soup, 3)],
        payment_method_id="pm_card_chargeCustomerFail",  # card 4000000000000341
    )

    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert payload["payment"]["status"] == "FAILED"
    assert payload["errors"][0]["code"] == "PAYMENT_DECLINED"
