"""The order's money arithmetic."""

from orders import pricing


def test_a_lines_unit_price_is_the_item_plus_its_options():
    line = pricing.line_price(item_price=1250, option_deltas=[150, 0, 75], quantity=3)
    assert (line.unit_price, line.line_total) == (1475, 4425)


def test_totals_add_food_fee_and_tip():
    lines = [
        pricing.line_price(item_price=1000, option_deltas=[], quantity=2),
        pricing.line_price(item_price=500, option_deltas=[100], quantity=1),
    ]
    totals = pricing.order_totals(currency="EUR", lines=lines, delivery_fee=250, tip=300)
    assert (totals.subtotal, totals.delivery_fee, totals.tip, totals.total) == (
        2600,
        250,
        300,
        3150,
    )


def test_the_tip_cap_is_half_the_food_rounded_down():
    assert pricing.tip_cap(2501) == 1250
