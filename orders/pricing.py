"""Money arithmetic of an order: the one place that adds prices and fees up.

Every amount is an int in minor units of the restaurant's currency. Nothing here rounds except
the tip cap (down) and the service fee (a percentage, half up); the fees' configuration comes
from `restaurants.fees` (the restaurant's own, else the platform's settings).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A tip may be at most half of the food: generous, and it bounds a typo's damage.
TIP_MAX_SHARE_NUMERATOR = 1
TIP_MAX_SHARE_DENOMINATOR = 2
# Far above any real order, far below PositiveIntegerField's 2**31 - 1.
ORDER_TOTAL_MAX = 100_000_00
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class LinePrice:
    unit_price: int
    quantity: int
    line_total: int


@dataclass(frozen=True)
class FeeBand:
    up_to_metres: int
    fee: int


@dataclass(frozen=True)
class FeeRules:
    """What a restaurant charges besides the food; see `restaurants.fees.restaurant_fee_rules`."""

    delivery_fee_bands: Sequence[FeeBand]  # ascending; empty: `flat_delivery_fee` anywhere
    flat_delivery_fee: int
    small_order_threshold: int
    small_order_fee: int
    service_fee_basis_points: int
    service_fee_min: int
    service_fee_max: int  # 0: no cap


@dataclass(frozen=True)
class OrderTotals:
    currency: str
    subtotal: int
    delivery_fee: int
    small_order_fee: int
    service_fee: int
    discount: int
    tip: int
    total: int


class BeyondFeeBands(Exception):
    """The distance is past the restaurant's last delivery-fee band: it does not deliver there."""


def line_price(*, item_price: int, option_deltas: Iterable[int], quantity: int) -> LinePrice:
    unit_price = item_price + sum(option_deltas)
    return LinePrice(unit_price=unit_price, quantity=quantity, line_total=unit_price * quantity)


def tip_cap(subtotal: int) -> int:
    return subtotal * TIP_MAX_SHARE_NUMERATOR // TIP_MAX_SHARE_DENOMINATOR


def delivery_fee(rules: FeeRules, *, distance_m: int | None) -> int:
    """The fee of the first band reaching `distance_m`; None distance: a pickup (no fee)."""
    if distance_m is None:
        return 0
    if not rules.delivery_fee_bands:
        return rules.flat_delivery_fee
    for band in rules.delivery_fee_bands:
        if distance_m <= band.up_to_metres:
            return band.fee
    raise BeyondFeeBands()


def small_order_fee(rules: FeeRules, *, subtotal: int) -> int:
    return rules.small_order_fee if subtotal < rules.small_order_threshold else 0


def service_fee(rules: FeeRules, *, subtotal: int) -> int:
    """A share of the food, rounded half up, at least the floor and at most the cap."""
    if rules.service_fee_basis_points == 0 and rules.service_fee_min == 0:
        return 0
    share = (subtotal * rules.service_fee_basis_points + BASIS_POINTS // 2) // BASIS_POINTS
    fee = max(share, rules.service_fee_min)
    if rules.service_fee_max:
        fee = min(fee, rules.service_fee_max)
    return fee


def order_totals(
    *,
    currency: str,
    lines: Iterable[LinePrice],
    rules: FeeRules,
    distance_m: int | None,
    tip: int,
    discount: int = 0,
) -> OrderTotals:
    """Every line of the bill. `distance_m` None is a pickup: no delivery fee. The discount
    (0 until promo codes exist) never takes the total below the fees and tip."""
    subtotal = sum(line.line_total for line in lines)
    fees = {
        "delivery_fee": delivery_fee(rules, distance_m=distance_m),
        "small_order_fee": small_order_fee(rules, subtotal=subtotal),
        "service_fee": service_fee(rules, subtotal=subtotal),
    }
    discount = min(max(discount, 0), subtotal)
    return OrderTotals(
        currency=currency,
        subtotal=subtotal,
        discount=discount,
        tip=tip,
        total=subtotal + sum(fees.values()) + tip - discount,
        **fees,
    )


def line_refund_amount(*, line_total: int, subtotal: int, discount: int) -> int:
    """A line's share of what was paid for the food: its total less its share of the discount
    (the discount spread over the lines by their totals, the share rounded up so the refund is
    rounded down). The shares of every line never add up to more than the food cost."""
    if subtotal <= 0:
        return 0
    discount_share = -(-discount * line_total // subtotal)  # ceiling division
    return max(line_total - discount_share, 0)
