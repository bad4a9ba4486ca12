"""Promo codes: the discount comes off the food, shows as its own line and is what the card is
authorised for; a use is counted exactly once (concurrent checkouts of the last use, replays)
and given back when the order does not go ahead; refunds never exceed what was paid; and
checkPromoCode says why a code does not apply."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orders.models import Order
from orders.services.acceptance import order_accept
from orders.services.actions import order_cancel
from orders.services.payments import order_refund
from payments.models import Payment
from promotions.models import PromoCode, PromoRedemption
from tests.factories import (
    AddressFactory,
    AdminFactory,
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
)
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("localstripe")]

CHECK = """query($code: String!, $id: ID!, $subtotal: Int!) {
  checkPromoCode(code: $code, restaurantId: $id, subtotal: $subtotal) {
    code applies discount { amount currency } problem message
  }
}"""
PLACE = PLACE_ORDER.replace("tip { amount }", "tip { amount } discount { amount }")


def a_code(**fields) -> PromoCode:
    values = {
        "code": "SAVE10",
        "kind": "PERCENT",
        "percent_basis_points": 1000,
        "currency": "EUR",
        "funded_by": "PLATFORM",
        "starts_at": timezone.now() - timedelta(days=1),
        "max_uses_per_customer": None,
    } | fields
    restaurants = values.pop("restaurants", [])
    promo = PromoCode.objects.create(**values)
    promo.restaurants.set(restaurants)
    return promo


def place(gql, menu, *, code="SAVE10", key="promo-checkout-01"):
    variables = {"input": checkout_input(menu, [line(menu.pizza, 2, [menu.large])], key=key)}
    variables["input"]["promoCode"] = code
    return gql.login_as(menu.customer).data(PLACE, variables)["placeOrder"]


def test_the_discount_comes_off_the_food_and_the_card_holds_the_discounted_total(gql):
    menu = a_menu()
    a_code(maximum_discount=250, funded_by="RESTAURANT")

    placed = place(gql, menu, code=" save10 ")

    order = Order.objects.get(number=placed["order"]["number"])
    assert placed["errors"] == [] and placed["order"]["status"] == "PLACED"
    assert order.subtotal == 3000 and order.discount == 250  # 10 % is 300, capped at 250
    assert (
        order.total
        == order.subtotal
        + order.delivery_fee
        + order.small_order_fee
        + (order.service_fee)
        + order.tip
        - 250
    )
    assert placed["order"]["discount"] == {"amount": 250}
    assert Payment.objects.get(order=order).amount == order.total
    redemption = PromoRedemption.objects.get(order=order)
    assert (redemption.discount, redemption.funded_by) == (250, "RESTAURANT")
    assert PromoCode.objects.get().uses == 1


def test_the_quote_shows_the_same_discount_as_the_order(gql):
    menu = a_menu()
    a_code(kind="FIXED", percent_basis_points=0, amount=500)
    quote_input = checkout_input(menu, [line(menu.pizza, 2, [menu.large])])
    for key in ("paymentMethodId", "idempotencyKey"):
        quote_input.pop(key)
    quote_input["promoCode"] = "SAVE10"

    quote = gql.login_as(menu.customer).data(
        "query($input: CheckoutQuoteInput!) { checkoutQuote(input: $input) "
        "{ quote { discount { amount } total { amount } } errors { code } } }",
        {"input": quote_input},
    )["checkoutQuote"]
    placed = place(gql, menu)

    assert quote["quote"]["discount"] == {"amount": 500}
    assert quote["quote"]["total"] == placed["order"]["total"]
    assert PromoCode.objects.get().uses == 1  # the quote took none


def test_a_code_that_does_not_apply_places_nothing(gql):
    menu = a_menu()
    a_code(minimum_subtotal=100_00)

    refused = place(gql, menu)

    assert refused["order"] is None
    assert refused["errors"][0]["code"] == "PROMO_CODE_NOT_APPLICABLE"
    assert refused["errors"][0]["field"] == "promoCode"
    assert not Order.objects.exists() and not PromoRedemption.objects.exists()


def test_a_replayed_checkout_counts_the_use_once(gql):
    menu = a_menu()
    a_code(max_uses=5)

    first, again = place(gql, menu), place(gql, menu)

    assert first["order"]["number"] == again["order"]["number"]
    assert PromoCode.objects.get().uses == 1
    assert PromoRedemption.objects.count() == 1


def test_an_order_that_does_not_go_ahead_gives_its_use_back(gql):
    menu = a_menu()
    a_code(max_uses=1, max_uses_per_customer=1)
    placed = place(gql, menu)
    order = Order.objects.get(number=placed["order"]["number"])

    order_cancel(
        order_id=order.pk, actor=menu.customer, reason="changed my mind", now=timezone.now()
    )

    promo = PromoCode.objects.get()
    assert promo.uses == 0
    assert PromoRedemption.objects.get(order=order).released_at is not None
    again = place(gql, menu, key="promo-checkout-02")  # the same customer may use it again
    assert again["errors"] == [] and again["order"]["status"] == "PLACED"


def test_refunds_of_a_discounted_order_never_exceed_what_was_paid(gql):
    menu = a_menu()
    a_code(kind="FIXED", percent_basis_points=0, amount=1000)
    placed = place(gql, menu)
    order = Order.objects.get(number=placed["order"]["number"])
    staff = AdminFactory()
    order_accept(order_id=order.pk, actor=staff, preparation_minutes=10, now=timezone.now())

    def refund(amount, key):
        return order_refund(
            order_id=order.pk,
            actor=staff,
            amount=amount,
            reason="cold",
            idempotency_key=key,
            now=timezone.now(),
        )

    with pytest.raises(Exception) as too_much:  # the food's price is more than was paid
        refund(order.subtotal + order.delivery_fee, "refund-too-much-01")
    assert getattr(too_much.value, "code", None) == "VALIDATION"
    assert refund(order.total, "refund-all-paid-01").amount == order.total


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"code": "OTHER"}, "UNKNOWN_CODE"),
        ({"is_active": False}, "UNKNOWN_CODE"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, "NOT_STARTED"),
        (
            {
                "starts_at": timezone.now() - timedelta(days=2),
                "ends_at": timezone.now() - timedelta(days=1),
            },
            "EXPIRED",
        ),
        ({"currency": "GBP"}, "WRONG_CURRENCY"),
        ({"minimum_subtotal": 5000}, "BELOW_MINIMUM_SUBTOTAL"),
        ({"max_uses": 0}, "USED_UP"),
        ({"first_order_only": True}, "FIRST_ORDER_ONLY"),
        ({"max_uses_per_customer": 1}, "ALREADY_USED"),
    ],
)
def test_check_promo_code_names_why_a_code_does_not_apply(gql, fields, problem):
    restaurant = RestaurantFactory(currency="EUR")
    customer = CustomerFactory()
    earlier = OrderFactory(customer=customer, status="DELIVERED")
    promo = a_code(**fields)
    if problem == "ALREADY_USED":
        PromoRedemption.objects.create(
            promo=promo,
            order=earlier,
            customer=customer,
            discount=1,
            currency="EUR",
            funded_by="PLATFORM",
        )

    answer = gql.login_as(customer).data(
        CHECK, {"code": "save10", "id": global_id("Restaurant", restaurant.pk), "subtotal": 3000}
    )["checkPromoCode"]

    assert (answer["applies"], answer["problem"], answer["discount"]) == (False, problem, None)
    assert answer["message"]


def test_a_code_for_other_restaurants_does_not_apply_here(gql):
    here, elsewhere = RestaurantFactory(), RestaurantFactory()
    a_code(restaurants=[elsewhere])
    customer = CustomerFactory()
    variables = {"code": "SAVE10", "subtotal": 3000}

    at = [
        gql.login_as(customer).data(CHECK, variables | {"id": global_id("Restaurant", place.pk)})
        for place in (here, elsewhere)
    ]

    assert at[0]["checkPromoCode"]["problem"] == "WRONG_RESTAURANT"
    assert at[1]["checkPromoCode"]["discount"] == {"amount": 300, "currency": "EUR"}


def test_guessing_codes_is_rate_limited_and_anonymous_callers_are_refused(gql, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_PROMO_CHECKS_PER_MINUTE = 2
    restaurant = RestaurantFactory()
    variables = {"id": global_id("Restaurant", restaurant.pk), "subtotal": 3000}

    anonymous = gql.execute(CHECK, variables | {"code": "A"})
    gql.login_as(CustomerFactory())
    answers = [gql.execute(CHECK, variables | {"code": f"GUESS{n}"}) for n in range(3)]

    assert anonymous.errors[0]["extensions"]["code"] == "NOT_AUTHENTICATED"
    assert [answer.errors is None for answer in answers] == [True, True, False]
    assert answers[2].errors[0]["extensions"]["code"] == "RATE_LIMITED"


@pytest.mark.django_db(transaction=True)
def test_the_last_use_goes_to_exactly_one_of_two_concurrent_checkouts(client):
    from tests.graphql_client import GraphQLClient

    menu = a_menu()
    a_code(max_uses=1)
    rival = CustomerFactory()
    rival_address = AddressFactory(user=rival, line1="Rua Augusta 12")
    barrier = threading.Barrier(2)
    answers = {}

    def checkout(customer, address, key):
        try:
            variables = {
                "input": checkout_input(menu, [line(menu.pizza, 2, [menu.large])], key=key)
            }
            variables["input"] |= {
                "promoCode": "SAVE10",
                "deliveryAddressId": global_id("Address", address.pk),
            }
            gql = GraphQLClient(type(client)()).login_as(customer)
            barrier.wait(timeout=10)
            answers[key] = gql.data(PLACE, variables)["placeOrder"]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=checkout, args=(menu.customer, menu.address, "race-first-0001")),
        threading.Thread(target=checkout, args=(rival, rival_address, "race-second-001")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = sorted(
        "placed" if answer["order"] else answer["errors"][0]["code"] for answer in answers.values()
    )
    assert outcomes == ["PROMO_CODE_NOT_APPLICABLE", "placed"]
    assert PromoCode.objects.get().uses == 1
    assert PromoRedemption.objects.count() == 1


def test_a_partial_refund_of_a_line_gives_back_its_share_of_what_was_paid(gql):
    from orders.pricing import line_refund_amount

    menu = a_menu()
    a_code(kind="FIXED", percent_basis_points=0, amount=1000)
    variables = {
        "input": checkout_input(
            menu, [line(menu.pizza, 2, [menu.large]), line(menu.soup, 3)], key="promo-lines-01"
        )
    }
    variables["input"]["promoCode"] = "SAVE10"
    placed = gql.login_as(menu.customer).data(PLACE, variables)["placeOrder"]
    order = Order.objects.get(number=placed["order"]["number"])
    staff = AdminFactory()
    order_accept(order_id=order.pk, actor=staff, preparation_minutes=10, now=timezone.now())
    pizza, soup = order.lines.order_by("position")

    shares = [
        line_refund_amount(line_total=each.line_total, subtotal=order.subtotal, discount=1000)
        for each in (pizza, soup)
    ]
    refunded = order_refund(
        order_id=order.pk,
        actor=staff,
        amount=shares[1],
        reason="the soup was cold",
        idempotency_key="refund-soup-line-01",
        now=timezone.now(),
    )

    # 3,000 of pizza and 1,350 of soup, 1,000 off: the soup carries 311 of it (rounded up).
    assert shares == [3000 - 690, 1350 - 311]
    assert refunded.amount == 1039
    assert sum(shares) <= order.subtotal - order.discount


def test_check_promo_code_refuses_bad_input_with_typed_errors(gql):
    restaurant = RestaurantFactory()
    gql.login_as(CustomerFactory())
    here = global_id("Restaurant", restaurant.pk)

    negative = gql.execute(CHECK, {"code": "SAVE10", "id": here, "subtotal": -1})
    nowhere = gql.execute(CHECK, {"code": "SAVE10", "id": "bm90LWFuLWlk", "subtotal": 100})

    assert negative.errors[0]["extensions"] == {"code": "VALIDATION", "field": "subtotal"}
    assert nowhere.errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "restaurantId"}
