"""Money arithmetic of an order: the one place that adds prices up.

Every amount is an int in minor units of the restaurant's currency; nothing here rounds,
because nothing here divides except the tip cap, which rounds down.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# A tip may be at most half of the food: generous, and it bounds a typo's damage.
TIP_MAX_SHARE_NUMERATOR = 1
TIP_MAX_SHARE_DENOMINATOR = 2
# Far above any real order, far below PositiveIntegerField's 2**31 - 1.
ORDER_TOTAL_MAX = 100_000_00


@dataclass(frozen=True)
class LinePrice:
    unit_price: int
    quantity: int
    line_total: int


@dataclass(frozen=True)
class OrderTotals:
    currency: str
    subtotal: int
    delivery_fee: int
    tip: int
    total: int


def line_price(*, item_price: int, option_deltas: Iterable[int], quantity: int) -> LinePrice:
    unit_price = item_price + sum(option_deltas)
    return LinePrice(unit_price=unit_price, quantity=quantity, line_total=unit_price * quantity)


def tip_cap(subtotal: int) -> int:
    return subtotal * TIP_MAX_SHARE_NUMERATOR // TIP_MAX_SHARE_DENOMINATOR


def order_totals(
    *, currency: str, lines: Iterable[LinePrice], delivery_fee: int, tip: int
) -> OrderTotals:
    subtotal = sum(line.line_total for line in lines)
    return OrderTotals(
        currency=currency,
        subtotal=subtotal,
        delivery_fee=delivery_fee,
        tip=tip,
        total=subtotal + delivery_fee + tip,
    )
