"""Order queries: one order, the customer's orders, a restaurant's orders and its figures."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from core.errors import DomainError, NotAuthenticated
from graphql_api.core.context import current_user, require_user
from graphql_api.core.errors import DomainErrorsToPayload, graphql_error
from graphql_api.core.pagination import page_field
from graphql_api.core.relay_ids import decode_id
from graphql_api.core.types import Money, money
from graphql_api.orders.checkout_types import CheckoutQuote, CheckoutQuotePayload, TimeSlot
from graphql_api.orders.inputs import CheckoutQuoteInput, FulfilmentEnum, cart_lines, optional_id
from graphql_api.orders.reorder_types import ReorderCart, ReorderPayload
from graphql_api.orders.types import OrderConnection, OrderStatusEnum, OrderType
from orders.errors import OrderNotFound
from orders.models import Order
from orders.scheduling import restaurant_slots_for
from orders.selectors import (
    orders_for_customer,
    orders_visible_to,
    restaurant_orders_for,
    restaurant_stats_for,
)
from orders.services.cart import checkout_quote
from orders.services.reorder import order_reorder


@strawberry.type(description="One local day of a restaurant's orders.")
class RestaurantDayStats:
    day: date
    orders: int = strawberry.field(description="Orders placed (the card authorised).")
    delivered: int
    pickup_orders: int = strawberry.field(
        description="Of `orders`, those the customer collects (the rest are deliveries)."
    )
    collected: int = strawberry.field(description="Pickup orders their customers collected.")
    cancelled: int = strawberry.field(description="Cancelled or rejected.")
    revenue: Money = strawberry.field(description="Totals of accepted, not cancelled orders.")
    average_preparation_minutes: float | None = strawberry.field(
        description="From acceptance to ready for pickup."
    )
    average_delivery_minutes: float | None = strawberry.field(
        description="From pickup to delivery."
    )


@strawberry.type
class OrdersQuery:
    @strawberry_django.field(
        description="An order the caller may see; else null with a NOT_FOUND error."
    )
    def order(self, info: Info, id: strawberry.ID) -> OrderType | None:
        order_id = decode_id(id, "Order")
        order = None
        if order_id is not None:
            order = optimize(orders_visible_to(current_user(info)), info).filter(pk=order_id)
            order = order.first()
        if order is None:
            raise graphql_error(OrderNotFound(field="id"))
        return order

    @page_field(OrderConnection, description="The signed-in customer's orders, newest first.")
    def my_orders(self, info: Info) -> Iterable[Order]:
        try:
            return orders_for_customer(require_user(info))
        except NotAuthenticated as error:
            raise graphql_error(error) from None

    @page_field(
        OrderConnection,
        description="A restaurant's orders, newest first (its staff and admins).",
    )
    def restaurant_orders(
        self,
        info: Info,
        restaurant_id: strawberry.ID,
        status: OrderStatusEnum | None = None,
    ) -> Iterable[Order]:
        try:
            return restaurant_orders_for(
                user=require_user(info),
                restaurant_id=decode_id(restaurant_id, "Restaurant"),
                status=status.value if status is not None else None,
            )
        except DomainError as error:
            raise graphql_error(error) from None

    @strawberry.field(
        description="The cart priced exactly as placeOrder would charge it now, with the "
        "estimated delivery or ready time, or every problem with it as typed errors. The "
        "signed-in customer's; writes nothing.",
        extensions=[DomainErrorsToPayload()],
    )
    def checkout_quote(self, info: Info, input: CheckoutQuoteInput) -> CheckoutQuotePayload:
        cart = checkout_quote(
            customer=require_user(info),
            restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
            fulfilment=input.fulfilment.value,
            delivery_address_id=optional_id(input.delivery_address_id, "Address"),
            items=cart_lines(input.items),
            tip=input.tip,
            scheduled_for=input.scheduled_for,
            now=timezone.now(),
            promo_code=input.promo_code,
        )
        return CheckoutQuotePayload(quote=CheckoutQuote.from_cart(cart), errors=[])

    @strawberry.field(
        description="One of the signed-in customer's past orders as a cart at today's menu "
        "and prices, each line saying what changed; writes nothing.",
        extensions=[DomainErrorsToPayload()],
    )
    def reorder(self, info: Info, order_id: strawberry.ID) -> ReorderPayload:
        order = decode_id(order_id, "Order")
        if order is None:
            raise OrderNotFound(field="orderId")
        cart = order_reorder(customer=require_user(info), order_id=order)
        return ReorderPayload(cart=ReorderCart.of(cart), errors=[])

    @strawberry.field(
        description="The times (today or up to 7 days ahead, in the restaurant's own time "
        "zone) a scheduled order can be delivered or collected at, with places left."
    )
    def available_slots(
        self, info: Info, restaurant_id: strawberry.ID, date: date, mode: FulfilmentEnum
    ) -> list[TimeSlot]:
        try:
            slots = restaurant_slots_for(
                restaurant_id=decode_id(restaurant_id, "Restaurant"),
                day=date,
                fulfilment=mode.value,
                now=timezone.now(),
            )
        except DomainError as error:
            raise graphql_error(error) from None
        return [TimeSlot.of(slot) for slot in slots]

    @strawberry.field(
        description="A restaurant's daily figures in its time zone (its staff and admins)."
    )
    def restaurant_stats(
        self,
        info: Info,
        restaurant_id: strawberry.ID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> list[RestaurantDayStats]:
        try:
            stats = restaurant_stats_for(
                user=require_user(info),
                restaurant_id=decode_id(restaurant_id, "Restaurant"),
                start=from_,
                end=to,
            )
        except DomainError as error:
            raise graphql_error(error) from None
        currency = stats.restaurant.currency
        return [
            RestaurantDayStats(
                day=day.day,
                orders=day.orders,
                delivered=day.delivered,
                pickup_orders=day.pickup_orders,
                collected=day.collected,
                cancelled=day.cancelled,
                revenue=money(day.revenue, currency),
                average_preparation_minutes=day.average_preparation_minutes,
                average_delivery_minutes=day.average_delivery_minutes,
            )
            for day in stats.days
        ]
