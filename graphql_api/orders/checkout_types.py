"""What the checkout quote and the slot list answer: plain data, built from the one pricing
path (`orders.services.cart`) and the slot rules (`orders.scheduling`)."""

from datetime import datetime

import strawberry

from graphql_api.core.errors import UserError
from graphql_api.core.types import Money, money
from graphql_api.orders.inputs import FulfilmentEnum
from graphql_api.orders.types import OrderLineOption
from orders.scheduling import SlotAvailability
from orders.services.cart import PricedCart


@strawberry.type(description="A line of a quote, priced exactly as placeOrder would price it.")
class QuoteLine:
    menu_item_id: strawberry.ID
    name: str
    quantity: int
    note: str
    unit_price: Money
    line_total: Money
    options: list[OrderLineOption]


@strawberry.type(
    description="The cart as placeOrder would charge it now; every amount in the restaurant's "
    "currency. The total is subtotal + fees + tip - discount."
)
class CheckoutQuote:
    fulfilment: FulfilmentEnum
    lines: list[QuoteLine]
    subtotal: Money
    delivery_fee: Money
    small_order_fee: Money
    service_fee: Money
    discount: Money = strawberry.field(description="0 until promo codes exist.")
    tip: Money
    total: Money
    distance_metres: int | None = strawberry.field(
        description="From the restaurant to the address (delivery only)."
    )
    scheduled_for: datetime | None
    estimated_at: datetime = strawberry.field(
        description="When the food should arrive (DELIVERY) or be ready to collect (PICKUP)."
    )

    @classmethod
    def from_cart(cls, cart: PricedCart) -> "CheckoutQuote":
        totals = cart.totals
        currency = totals.currency
        return cls(
            fulfilment=FulfilmentEnum(cart.fulfilment),
            lines=[
                QuoteLine(
                    menu_item_id=strawberry.relay.to_base64("MenuItem", line.item.pk),
                    name=line.item.name,
                    quantity=line.price.quantity,
                    note=line.note,
                    unit_price=money(line.price.unit_price, currency),
                    line_total=money(line.price.line_total, currency),
                    options=[
                        OrderLineOption(
                            group=option["group"],
                            name=option["name"],
                            price_delta=money(option["priceDelta"], currency),
                        )
                        for option in line.options
                    ],
                )
                for line in cart.lines
            ],
            subtotal=money(totals.subtotal, currency),
            delivery_fee=money(totals.delivery_fee, currency),
            small_order_fee=money(totals.small_order_fee, currency),
            service_fee=money(totals.service_fee, currency),
            discount=money(totals.discount, currency),
            tip=money(totals.tip, currency),
            total=money(totals.total, currency),
            distance_metres=cart.distance_m,
            scheduled_for=cart.scheduled_for,
            estimated_at=cart.estimated_at,
        )


@strawberry.type
class CheckoutQuotePayload:
    quote: CheckoutQuote | None
    errors: list[UserError] = strawberry.field(
        description="Every problem found with the cart at once (empty: placeOrder would take it)."
    )


@strawberry.type(description="A time a scheduled order can be delivered or collected at.")
class TimeSlot:
    starts_at: datetime = strawberry.field(description="Pass it as placeOrder's scheduledFor.")
    ends_at: datetime
    remaining: int = strawberry.field(description="Orders the slot still takes.")

    @classmethod
    def of(cls, slot: SlotAvailability) -> "TimeSlot":
        return cls(starts_at=slot.starts_at, ends_at=slot.ends_at, remaining=slot.remaining)
