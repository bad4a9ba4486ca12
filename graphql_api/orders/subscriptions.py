"""Live order updates over WebSocket.

Each subscription joins a channel-layer group (`orders.live_updates`) that every process
publishes to after a change commits, so a change made through any web process or worker reaches
subscribers on all of them. One WebSocket consumer serves every subscription of a connection and
hands each of them every message of the type, so each subscription keeps only its own. A message
carries ids only: the subscription re-reads the order, through the caller's visibility, and stops
when the caller may no longer see it.
"""

from collections.abc import AsyncGenerator

import strawberry
from channels.db import database_sync_to_async
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from graphql_api.core.context import current_user
from graphql_api.core.errors import graphql_error
from graphql_api.core.relay_ids import decode_id
from graphql_api.orders.types import OrderType
from orders.errors import OrderNotFound
from orders.live_updates import ORDER_UPDATED, order_group, restaurant_group
from orders.models import Order
from orders.selectors import orders_visible_to, user_may_see_restaurant_orders
from restaurants.errors import RestaurantNotFound


def _visible_order(info: Info, user, order_id) -> Order | None:
    if order_id is None:
        return None
    return optimize(orders_visible_to(user).filter(pk=order_id), info).first()


def _visible_restaurant_order(info: Info, user, restaurant_id, order_id) -> Order | None:
    if not user_may_see_restaurant_orders(user, restaurant_id):
        return None
    # Orders whose card was never authorised are not the kitchen's business.
    orders = orders_visible_to(user).filter(
        pk=order_id, restaurant_id=restaurant_id, placed_at__isnull=False
    )
    return optimize(orders, info).first()


@strawberry.type
class OrdersSubscription:
    @strawberry.subscription(
        description="The order now, then again each time it changes (its customer, its "
        "restaurant's staff, its driver)."
    )
    async def order_updated(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[OrderType, None]:
        user = current_user(info)
        order_pk = decode_id(order_id, "Order")
        order = await database_sync_to_async(_visible_order)(info, user, order_pk)
        if order is None:
            raise graphql_error(OrderNotFound(field="orderId"))
        async with info.context["ws"].listen_to_channel(
            ORDER_UPDATED, groups=[order_group(order_pk)]
        ) as messages:
            # Joined before the first answer: a client that has it misses no later change.
            yield order
            async for message in messages:
                if message.get("order_id") != str(order_pk):
                    continue
                order = await database_sync_to_async(_visible_order)(info, user, order_pk)
                if order is None:
                    return
                yield order

    @strawberry.subscription(
        description="A restaurant's new and changed orders as they happen (its staff, admins)."
    )
    async def restaurant_orders(
        self, info: Info, restaurant_id: strawberry.ID
    ) -> AsyncGenerator[OrderType, None]:
        user = current_user(info)
        restaurant_pk = decode_id(restaurant_id, "Restaurant")
        allowed = restaurant_pk is not None and await database_sync_to_async(
            user_may_see_restaurant_orders
        )(user, restaurant_pk)
        if not allowed:
            raise graphql_error(RestaurantNotFound(field="restaurantId"))
        async with info.context["ws"].listen_to_channel(
            ORDER_UPDATED, groups=[restaurant_group(restaurant_pk)]
        ) as messages:
            async for message in messages:
                if message.get("restaurant_id") != str(restaurant_pk):
                    continue
                order = await database_sync_to_async(_visible_restaurant_order)(
                    info, user, restaurant_pk, message["order_id"]
                )
                if order is None:
                    if not await database_sync_to_async(user_may_see_restaurant_orders)(
                        user, restaurant_pk
                    ):
                        return  # removed from the team meanwhile
                    continue
                yield order
