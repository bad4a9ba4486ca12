"""Inputs of the order mutations."""

import strawberry


@strawberry.input
class PlaceOrderItemInput:
    menu_item_id: strawberry.ID
    quantity: int
    option_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    note: str = ""


@strawberry.input
class PlaceOrderInput:
    restaurant_id: strawberry.ID
    delivery_address_id: strawberry.ID
    items: list[PlaceOrderItemInput]
    payment_method_id: str
    idempotency_key: str = strawberry.field(
        description="8-100 characters chosen by the client per checkout attempt; repeating it "
        "returns the order it first created and never charges twice."
    )
    tip: int = 0


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
