"""checkoutQuote: the cart priced by the one pricing path placeOrder charges by, every problem
at once, and nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.models import Payment
from restaurants.models import Closure
from tests.factories import AddressFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("payments_live")]

MONEY = "{ amount currency }"
QUOTE = f"""
query Quote($input: CheckoutQuoteInput!) {{
  checkoutQuote(input: $input) {{
    quote {{
      fulfilment
      lines {{ menuItemId name quantity note unitPrice {MONEY} lineTotal {MONEY}
               options {{ group name priceDelta {MONEY} }} }}
      subtotal {MONEY} deliveryFee {MONEY} smallOrderFee {MONEY} serviceFee {MONEY}
      discount {MONEY} tip {MONEY} total {MONEY}
      distanceMetres scheduledFor estimatedAt
    }}
    errors {{ code field message }}
  }}
}}
"""
ORDER_MONEY = f"""
query One($id: ID!) {{
  order(id: $id) {{
    fulfilment
    items {{ name quantity note unitPrice {MONEY} lineTotal {MONEY}
             options {{ group name priceDelta {MONEY} }} }}
    subtotal {MONEY} deliveryFee {MONEY} smallOrderFee {MONEY} serviceFee {MONEY}
    discount {MONEY} tip {MONEY} total {MONEY}
    payment {{ amount {MONEY} }}
  }}
}}
"""
# Bands of the restaurant: up to 1 km 1.00, up to 3 km 2.50, up to 4.5 km 4.00.
BANDS = [
    {"upToMetres": 1000, "fee": 100},
    {"upToMetres": 3000, "fee": 250},
    {"upToMetres": 4500, "fee": 400},
]


@pytest.fixture
def fees(settings):
    settings.SERVICE_FEE_BASIS_POINTS = 500
    settings.SERVICE_FEE_MIN = 50
    settings.SERVICE_FEE_MAX = 300
    settings.SMALL_ORDER_THRESHOLD = 1500
    settings.SMALL_ORDER_FEE = 120
    return settings


@pytest.fixture
def menu(fees):
    return a_menu(delivery_fee_bands=BANDS, minimum_order=400)


def address_km_north(menu, km: float):
    # A degree of latitude is about 111.2 km.
    return AddressFactory(
        user=menu.customer,
        latitude=menu.restaurant.address.latitude + Decimal(str(round(km / 111.2, 6))),
        longitude=menu.restaurant.address.longitude,
    )


def quote_input(menu, items, *, address=None, **extra):
    data = checkout_input(menu, items, **{k: extra.pop(k) for k in ("tip",) if k in extra})
    data.pop("paymentMethodId")
    data.pop("idempotencyKey")
    if address is not None:
        data["deliveryAddressId"] = global_id("Address", address.pk)
    data.update(extra)
    return data


def quote(gql, menu, items, **options):
    gql.login_as(menu.customer)
    return gql.data(QUOTE, {"input": quote_input(menu, items, **options)})["checkoutQuote"]


@pytest.mark.parametrize(
    ("km", "delivery_fee"), [(0.5, 100), (2.0, 250), (4.2, 400)], ids=["near", "mid", "far"]
)
def test_the_quote_is_exactly_what_place_order_charges(gql, menu, km, delivery_fee):
    address = address_km_north(menu, km)
    items = [line(menu.pizza, 1, [menu.large, menu.olives], note="well done"), line(menu.soup)]
    payload = quote(gql, menu, items, address=address, tip=150)
    assert payload["errors"] == []
    quoted = payload["quote"]
    subtotal = 1200 + 300 + 100 + 450
    assert quoted["subtotal"] == {"amount": subtotal, "currency": "EUR"}
    assert quoted["deliveryFee"]["amount"] == delivery_fee
    assert quoted["smallOrderFee"]["amount"] == 0  # 20.50 is above the 15.00 threshold
    assert quoted["serviceFee"]["amount"] == 103  # 5 % of 20.50 = 102.5, half up
    assert quoted["discount"] == {"amount": 0, "currency": "EUR"}
    assert quoted["total"]["amount"] == subtotal + delivery_fee + 103 + 150
    assert abs(quoted["distanceMetres"] - km * 1000) < 20
    assert Order.objects.count() == 0 and Payment.objects.count() == 0

    variables = checkout_input(menu, items, tip=150, key=f"agree-{km}-key")
    variables["deliveryAddressId"] = global_id("Address", address.pk)
    placed = gql.data(PLACE_ORDER, {"input": variables})["placeOrder"]
    assert placed["errors"] == [], placed
    order = gql.data(ORDER_MONEY, {"id": placed["order"]["id"]})["order"]
    for name in (
        "subtotal",
        "deliveryFee",
        "smallOrderFee",
        "serviceFee",
        "discount",
        "tip",
        "total",
    ):
        assert order[name] == quoted[name], name
    assert order["payment"]["amount"] == quoted["total"]
    assert [{key: value for key, value in line_.items()} for line_ in order["items"]] == [
        {k: v for k, v in q.items() if k != "menuItemId"} for q in quoted["lines"]
    ]


def test_a_small_order_pays_the_small_order_fee_and_the_service_fee_floor(gql, menu):
    payload = quote(gql, menu, [line(menu.soup)], address=address_km_north(menu, 0.2))
    quoted = payload["quote"]
    assert quoted["smallOrderFee"]["amount"] == 120
    assert quoted["serviceFee"]["amount"] == 50  # 5 % of 4.50 is 23: the floor
    assert quoted["total"]["amount"] == 450 + 100 + 120 + 50


def test_the_service_fee_stops_at_its_cap(gql, menu):
    payload = quote(gql, menu, [line(menu.pizza, 10, [menu.large])], address=menu.address)
    assert payload["quote"]["serviceFee"]["amount"] == 300  # 5 % of 150.00 would be 7.50


def test_a_restaurants_own_small_order_fee_wins_over_the_platforms(gql, fees):
    menu = a_menu(minimum_order=0, small_order_threshold=2000, small_order_fee=99)
    assert quote(gql, menu, [line(menu.soup)])["quote"]["smallOrderFee"]["amount"] == 99


def test_platform_bands_apply_to_a_restaurant_without_its_own(gql, fees):
    fees.DELIVERY_FEE_BANDS = "1000:111,6000:222"
    menu = a_menu(minimum_order=0)
    near = quote(gql, menu, [line(menu.soup)], address=address_km_north(menu, 0.4))
    far = quote(gql, menu, [line(menu.soup)], address=address_km_north(menu, 3))
    assert (near["quote"]["deliveryFee"]["amount"], far["quote"]["deliveryFee"]["amount"]) == (
        111,
        222,
    )


def test_an_address_past_the_last_band_is_out_of_range(gql, menu):
    # Within the 5 km radius, past the 4.5 km band.
    payload = quote(gql, menu, [line(menu.soup, 3)], address=address_km_north(menu, 4.8))
    assert payload["quote"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("OUT_OF_DELIVERY_RANGE", "deliveryAddressId")
    ]


def test_the_quote_reports_every_problem_at_once(gql, menu):
    restaurant = menu.restaurant
    restaurant.minimum_order = 5000
    restaurant.save()
    Closure.objects.create(restaurant=restaurant, starts_at=timezone.now() - timedelta(hours=1))
    menu.pizza.is_available = False
    menu.pizza.save()
    payload = quote(
        gql,
        menu,
        [line(menu.soup), line(menu.pizza, 1, [menu.small])],
        address=address_km_north(menu, 4.8),
    )
    assert payload["quote"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("RESTAURANT_CLOSED", "restaurantId"),
        ("OUT_OF_DELIVERY_RANGE", "deliveryAddressId"),
        ("ITEM_UNAVAILABLE", "items[1].menuItemId"),
        ("BELOW_MINIMUM_ORDER", "items"),
    ]
    # placeOrder stops at the first of them, as before.
    gql.login_as(menu.customer)
    variables = checkout_input(menu, [line(menu.soup)], key="problems-key-1")
    placed = gql.data(PLACE_ORDER, {"input": variables})["placeOrder"]
    assert [e["code"] for e in placed["errors"]] == ["RESTAURANT_CLOSED"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"deliveryAddressId": global_id("Address", "nope")}, "NOT_FOUND", "deliveryAddressId"),
        ({"deliveryAddressId": None}, "VALIDATION", "deliveryAddressId"),
        ({"fulfilment": "PICKUP"}, "VALIDATION", "deliveryAddressId"),
        ({"tip": -1}, "VALIDATION", "tip"),
        ({"items": []}, "VALIDATION", "items"),
        ({"restaurantId": "not-an-id"}, "NOT_FOUND", "restaurantId"),
        ({"scheduledFor": "2026-12-01T12:00:00"}, "VALIDATION", "scheduledFor"),
        ({"scheduledFor": "9999-12-31T23:00:00-12:00"}, "VALIDATION", "scheduledFor"),
        ({"scheduledFor": "2026-01-01T12:00:00+00:00"}, "SLOT_UNAVAILABLE", "scheduledFor"),
    ],
    ids=[
        "foreign-address",
        "no-address",
        "pickup-with-address",
        "negative-tip",
        "empty",
        "id",
        "no-offset",
        "year-9999",
        "past",
    ],
)
def test_bad_input_is_a_typed_error(gql, menu, change, code, field):
    gql.login_as(menu.customer)
    variables = quote_input(menu, [line(menu.soup, 3)])
    variables.update(change)
    payload = gql.data(QUOTE, {"input": variables})["checkoutQuote"]
    assert payload["quote"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]


def test_someone_elses_address_is_not_found(gql, menu):
    stranger_address = AddressFactory()
    payload = quote(gql, menu, [line(menu.soup, 3)], address=stranger_address)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NOT_FOUND", "deliveryAddressId")
    ]


def test_anonymous_callers_get_no_quote(gql, menu):
    payload = gql.data(QUOTE, {"input": quote_input(menu, [line(menu.soup, 3)])})
    assert payload["checkoutQuote"]["errors"][0]["code"] == "NOT_AUTHENTICATED"


def test_the_quote_estimates_the_delivery_time(gql, menu):
    before = timezone.now()
    payload = quote(gql, menu, [line(menu.soup, 3)], address=address_km_north(menu, 2.0))
    estimated = payload["quote"]["estimatedAt"]
    # 20 minutes' preparation, 6 minutes at 20 km/h, 5 of handover.
    expected = before + timedelta(minutes=31)
    assert abs(timezone.datetime.fromisoformat(estimated) - expected) < timedelta(seconds=30)


def test_the_restaurant_shows_its_fee_rules(gql, menu):
    fees_query = """query($id: ID!) { restaurant(id: $id) { fees {
      deliveryFeeBands { upToMetres fee { amount currency } }
      smallOrderThreshold { amount } smallOrderFee { amount }
      serviceFeeBasisPoints serviceFeeMin { amount } serviceFeeMax { amount } } } }"""
    shown = gql.data(fees_query, {"id": global_id("Restaurant", menu.restaurant.pk)})
    fees = shown["restaurant"]["fees"]
    assert fees["deliveryFeeBands"] == [
        {"upToMetres": band["upToMetres"], "fee": {"amount": band["fee"], "currency": "EUR"}}
        for band in BANDS
    ]
    assert (fees["smallOrderThreshold"], fees["smallOrderFee"]) == (
        {"amount": 1500},
        {"amount": 120},
    )
    assert (fees["serviceFeeBasisPoints"], fees["serviceFeeMin"], fees["serviceFeeMax"]) == (
        500,
        {"amount": 50},
        {"amount": 300},
    )


def test_a_quote_costs_the_same_queries_for_one_line_and_ten(gql, menu, django_assert_num_queries):
    gql.login_as(menu.customer)
    address = address_km_north(menu, 1.5)
    small = {"input": quote_input(menu, [line(menu.pizza, 1, [menu.small])], address=address)}
    big_cart = [line(menu.pizza, 2, [menu.large, menu.olives, menu.anchovies])] * 5 + [
        line(menu.soup, 3)
    ] * 5
    big = {"input": quote_input(menu, big_cart, address=address)}
    gql.data(QUOTE, small)  # the caller's token and rate-limit state, as on any later call
    # The caller, the restaurant, its closures and hours, the address, items, groups, options.
    with django_assert_num_queries(8) as one:
        assert gql.data(QUOTE, small)["checkoutQuote"]["errors"] == []
    with django_assert_num_queries(len(one.captured_queries)):
        assert gql.data(QUOTE, big)["checkoutQuote"]["errors"] == []
