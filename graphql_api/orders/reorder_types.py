"""The answer of `reorder`: a past order as a cart at today's menu."""

from enum import Enum

import strawberry
from strawberry.relay import to_base64

from graphql_api.core.errors import UserError
from graphql_api.core.types import Money, money
from graphql_api.restaurants.types import RestaurantType
from orders.services import reorder


@strawberry.enum(name="ReorderChange", description="What became of a line since the order.")
class ReorderChange(Enum):
    SAME = reorder.LineChange.SAME
    PRICE_CHANGED = strawberry.enum_value(
        reorder.LineChange.PRICE_CHANGED, description="Orderable, at a new price."
    )
    OPTIONS_CHANGED = strawberry.enum_value(
        reorder.LineChange.OPTIONS_CHANGED,
        description="A chosen option is gone, or the dish now needs another choice: ask.",
    )
    UNAVAILABLE = strawberry.enum_value(
        reorder.LineChange.UNAVAILABLE, description="The dish is off the menu or sold out."
    )


@strawberry.type(description="A line of the past order, as today's menu has it.")
class ReorderLine:
    name: str
    quantity: int
    note: str
    change: ReorderChange
    unit_price_then: Money
    unit_price_now: Money | None
    menu_item_id: strawberry.ID | None
    option_ids: list[strawberry.ID] = strawberry.field(
        description="The earlier choices still offered (as checkout takes them)."
    )
    lost_options: list[str] = strawberry.field(description="Earlier choices no longer offered.")
    ready_to_order: bool = strawberry.field(
        description="SAME or PRICE_CHANGED: send it to checkoutQuote as it is."
    )


@strawberry.type(description="A cart, not an order: quote it, change it, then place it.")
class ReorderCart:
    restaurant: RestaurantType
    lines: list[ReorderLine]
    subtotal_now: Money = strawberry.field(description="The lines ready to order, today.")

    @classmethod
    def of(cls, cart: reorder.ReorderCart) -> "ReorderCart":
        currency = cart.restaurant.currency
        return cls(
            restaurant=cart.restaurant,
            lines=[
                ReorderLine(
                    name=line.name,
                    quantity=line.quantity,
                    note=line.note,
                    change=ReorderChange(line.change),
                    unit_price_then=money(line.unit_price_then, cart.order.currency),
                    unit_price_now=(
                        None
                        if line.unit_price_now is None
                        else money(line.unit_price_now, currency)
                    ),
                    menu_item_id=(
                        None
                        if line.menu_item_id is None
                        else strawberry.ID(to_base64("MenuItem", line.menu_item_id))
                    ),
                    option_ids=[
                        strawberry.ID(to_base64("Option", option_id))
                        for option_id in line.option_ids
                    ],
                    lost_options=line.lost_options,
                    ready_to_order=line.ready_to_order,
                )
                for line in cart.lines
            ],
            subtotal_now=money(cart.subtotal_now, currency),
        )


@strawberry.type
class ReorderPayload:
    cart: ReorderCart | None
    errors: list[UserError]
