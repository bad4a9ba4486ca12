"""The order's money arithmetic: lines, the fees, the tip, the discount."""

import pytest

from orders import pricing


def rules(**overrides) -> pricing.FeeRules:
    values = {
        "delivery_fee_bands": (),
        "flat_delivery_fee": 250,
        "small_order_threshold": 0,
        "small_order_fee": 0,
        "service_fee_basis_points": 0,
        "service_fee_min": 0,
        "service_fee_max": 0,
    }
    values.update(overrides)
    return pricing.FeeRules(**values)


BANDS = (
    pricing.FeeBand(up_to_metres=2000, fee=150),
    pricing.FeeBand(up_to_metres=5000, fee=300),
)


def test_a_lines_unit_price_is_the_item_plus_its_options():
    line = pricing.line_price(item_price=1250, option_deltas=[150, 0, 75], quantity=3)
    assert (line.unit_price, line.line_total) == (1475, 4425)


def test_totals_add_food_fee_and_tip():
    lines = [
        pricing.line_price(item_price=1000, option_deltas=[], quantity=2),
        pricing.line_price(item_price=500, option_deltas=[100], quantity=1),
    ]
    totals = pricing.order_totals(
        currency="EUR", lines=lines, rules=rules(), distance_m=1000, tip=300
    )
    assert (totals.subtotal, totals.delivery_fee, totals.tip, totals.total) == (
        2600,
        250,
        300,
        3150,
    )
    assert (totals.small_order_fee, totals.service_fee, totals.discount) == (0, 0, 0)


def test_the_tip_cap_is_half_the_food_rounded_down():
    assert pricing.tip_cap(2501) == 1250


@pytest.mark.parametrize(("distance_m", "fee"), [(0, 150), (2000, 150), (2001, 300), (5000, 300)])
def test_the_delivery_fee_is_the_first_band_that_reaches_the_address(distance_m, fee):
    assert pricing.delivery_fee(rules(delivery_fee_bands=BANDS), distance_m=distance_m) == fee


def test_past_the_last_band_there_is_no_delivery_fee_to_charge():
    with pytest.raises(pricing.BeyondFeeBands):
        pricing.delivery_fee(rules(delivery_fee_bands=BANDS), distance_m=5001)


def test_without_bands_the_flat_fee_applies_and_a_pickup_pays_none():
    assert pricing.delivery_fee(rules(), distance_m=19_000) == 250
    assert pricing.delivery_fee(rules(delivery_fee_bands=BANDS), distance_m=None) == 0


def test_the_small_order_fee_applies_strictly_below_the_threshold():
    small = rules(small_order_threshold=1500, small_order_fee=120)
    assert pricing.small_order_fee(small, subtotal=1499) == 120
    assert pricing.small_order_fee(small, subtotal=1500) == 0


@pytest.mark.parametrize(
    ("subtotal", "fee"),
    [
        (1000, 80),  # 5 % = 50, raised to the floor
        (2010, 101),  # 100.5 rounds half up
        (3000, 150),
        (10_000, 400),  # 500, cut to the cap
    ],
)
def test_the_service_fee_is_a_share_with_a_floor_and_a_cap(subtotal, fee):
    platform = rules(service_fee_basis_points=500, service_fee_min=80, service_fee_max=400)
    assert pricing.service_fee(platform, subtotal=subtotal) == fee


def test_every_fee_adds_to_the_total_and_the_discount_is_taken_off():
    platform = rules(
        delivery_fee_bands=BANDS,
        small_order_threshold=1500,
        small_order_fee=120,
        service_fee_basis_points=500,
        service_fee_min=80,
        service_fee_max=400,
    )
    lines = [pricing.line_price(item_price=1200, option_deltas=[], quantity=1)]
    totals = pricing.order_totals(
        currency="EUR", lines=lines, rules=platform, distance_m=3000, tip=100, discount=200
    )
    assert totals.total == 1200 + 300 + 120 + 80 + 100 - 200
    assert totals.discount == 200
