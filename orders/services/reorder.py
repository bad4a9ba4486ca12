"""Order again: a past order turned into a cart at today's menu, never into an order.

Each line says what became of it, so the app can show the changes before checkout: the same,
a new price, options no longer offered (or a choice the menu now requires), or the dish gone.
The lines that can be ordered as they are come back in the shape checkout takes. Reads only.
"""

from dataclasses import dataclass, field

from accounts.models import User
from core.errors import DomainError
from orders.errors import OrderNotFound, RestaurantClosed
from orders.models import Order
from orders.services.cart import _chosen_options
from restaurants.models import MenuItem, Restaurant
from restaurants.selectors import restaurant_public


class LineChange:
    SAME = "SAME"
    PRICE_CHANGED = "PRICE_CHANGED"
    OPTIONS_CHANGED = "OPTIONS_CHANGED"
    UNAVAILABLE = "UNAVAILABLE"


@dataclass(frozen=True)
class ReorderLine:
    name: str
    quantity: int
    note: str
    change: str
    unit_price_then: int
    unit_price_now: int | None  # None: the dish is gone or sold out
    menu_item_id: object | None
    option_ids: list = field(default_factory=list)  # the earlier choices still offered
    lost_options: list[str] = field(default_factory=list)

    @property
    def ready_to_order(self) -> bool:
        return self.change in (LineChange.SAME, LineChange.PRICE_CHANGED)


@dataclass(frozen=True)
class ReorderCart:
    order: Order
    restaurant: Restaurant
    lines: list[ReorderLine]

    @property
    def subtotal_now(self) -> int:
        return sum(
            line.unit_price_now * line.quantity for line in self.lines if line.ready_to_order
        )


def order_reorder(*, customer: User, order_id) -> ReorderCart:
    """The customer's own order as a cart at today's prices (another's order is not found)."""
    order = Order.objects.filter(pk=order_id, customer_id=customer.pk).first()
    if order is None:
        raise OrderNotFound(field="orderId")
    restaurant = restaurant_public(restaurant_id=order.restaurant_id).first()
    if restaurant is None:
        raise RestaurantClosed("This restaurant no longer takes orders.", field="orderId")
    past_lines = list(order.lines.all())
    menu = {
        item.pk: item
        for item in MenuItem.objects.filter(
            restaurant_id=restaurant.pk,
            pk__in=[line.menu_item_id for line in past_lines if line.menu_item_id],
        ).prefetch_related("option_groups__options")
    }
    lines = [
        _line_now(line, menu.get(line.menu_item_id), index) for index, line in enumerate(past_lines)
    ]
    return ReorderCart(order=order, restaurant=restaurant, lines=lines)


def _line_now(line, item: MenuItem | None, index: int) -> ReorderLine:
    then = {
        "name": line.name,
        "quantity": line.quantity,
        "note": line.note,
        "unit_price_then": line.unit_price,
    }
    if item is None or not item.is_available:
        return ReorderLine(
            **then, change=LineChange.UNAVAILABLE, unit_price_now=None, menu_item_id=None
        )
    offered = {
        str(option.pk): option
        for group in item.option_groups.all()
        for option in group.options.all()
        if option.is_available
    }
    kept = [choice["id"] for choice in line.options if choice.get("id") in offered]
    lost = [choice["name"] for choice in line.options if choice.get("id") not in offered]
    price_now = item.price + sum(offered[option_id].price_delta for option_id in kept)
    try:
        # The checkout's own rule: the kept choices must still satisfy every group.
        _chosen_options(item, kept, index=index)
        satisfied = True
    except DomainError:
        satisfied = False
    if lost or not satisfied:
        change = LineChange.OPTIONS_CHANGED
    elif price_now != line.unit_price:
        change = LineChange.PRICE_CHANGED
    else:
        change = LineChange.SAME
    return ReorderLine(
        **then,
        change=change,
        unit_price_now=price_now,
        menu_item_id=item.pk,
        option_ids=kept,
        lost_options=lost,
    )
