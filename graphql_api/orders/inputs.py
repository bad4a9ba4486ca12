"""Inputs of the order mutations and of the checkout quote."""

from datetime import datetime

import strawberry

from graphql_api.core.enums import enum_from_choices
from graphql_api.core.relay_ids import decode_id
from orders.models import Fulfilment
from orders.services.cart import CartLine

FulfilmentEnum = enum_from_choices(
    Fulfilment,
    name="Fulfilment",
    description="DELIVERY: a driver brings it to the address; PICKUP: the customer collects it.",
)


@strawberry.input
class PlaceOrderItemInput:
    menu_item_id: strawberry.ID
    quantity: int
    option_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    note: str = ""


@strawberry.input
class PlaceOrderInput:
    restaurant_id: strawberry.ID
    delivery_address_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for DELIVERY; none for PICKUP."
    )
    items: list[PlaceOrderItemInput]
    payment_method_id: str
    idempotency_key: str = strawberry.field(
        description="8-100 characters chosen by the client per checkout attempt; repeating it "
        "returns the order it first created and never charges twice."
    )
    tip: int = 0
    fulfilment: FulfilmentEnum = FulfilmentEnum.DELIVERY  # type: ignore[attr-defined]
    scheduled_for: datetime | None = strawberry.field(
        default=None,
        description="The start of one of availableSlots; null: as soon as possible.",
    )
    promo_code: str | None = strawberry.field(
        default=None, description="Its discount comes off the food and shows as `discount`."
    )


@strawberry.input(description="What placeOrder takes, without the payment.")
class CheckoutQuoteInput:
    restaurant_id: strawberry.ID
    delivery_address_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for DELIVERY; none for PICKUP."
    )
    items: list[PlaceOrderItemInput]
    tip: int = 0
    fulfilment: FulfilmentEnum = FulfilmentEnum.DELIVERY  # type: ignore[attr-defined]
    scheduled_for: datetime | None = None
    promo_code: str | None = None


@strawberry.input
class CancelOrderInput:
    order_id: strawberry.ID
    reason: str = ""


@strawberry.input
class AcceptOrderInput:
    order_id: strawberry.ID
    preparation_minutes: int


@strawberry.input
class RejectOrderInput:
    order_id: strawberry.ID
    reason: str = ""


@strawberry.input
class MarkOrderReadyInput:
    order_id: strawberry.ID


@strawberry.input
class MarkCollectedInput:
    order_id: strawberry.ID
    pickup_code: str = strawberry.field(description="The code the customer shows.")


def cart_lines(items: list[PlaceOrderItemInput]) -> list[CartLine]:
    return [
        CartLine(
            menu_item_id=decode_id(item.menu_item_id, "MenuItem"),
            quantity=item.quantity,
            option_ids=[decode_id(option, "Option") for option in item.option_ids],
            note=item.note,
        )
        for item in items
    ]


def optional_id(value: str | None, type_name: str):
    """None stays None (no address: a pickup order); a malformed or foreign id names nothing
    (a placeholder no row has), so it is reported as not found rather than as missing."""
    if value is None:
        return None
    return decode_id(value, type_name) or "malformed"
