"""Live order updates over WebSocket.

Each subscription joins a channel-layer group (`orders.live_updates`) that every process
publishes to after a change commits, so a change made through any web process or worker reaches
subscribers on all of them. One WebSocket consumer serves every subscription of a connection and
hands each of them every message of the type, so each subscription keeps only its own. A message
carries ids only: the subscription re-reads the order through the caller's visibility.

Nothing is lost across a reconnect because each subscription joins its group *before* reading
what it sends first (the order now; a restaurant's open orders): a change committed after the
read arrives as a message, one committed before is in what was read. A change seen twice is
harmless: every message is the whole order as it is now.
"""

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta

import strawberry
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from accounts.revocation import USER_ACCESS_CHANGED
from core.errors import ValidationFailed
from graphql_api.core.context import current_user
from graphql_api.core.errors import graphql_error
from graphql_api.core.relay_ids import decode_id
from graphql_api.orders.types import OrderType
from orders.errors import OrderNotFound
from orders.live_updates import (
    ORDER_UPDATED,
    order_group,
    order_is_finished,
    restaurant_group,
    restaurant_orders_to_resume,
)
from orders.models import Order
from orders.selectors import orders_visible_to, user_may_see_restaurant_orders
from restaurants.errors import RestaurantNotFound


def _visible_order(info: Info, order_id) -> tuple[Order | None, bool]:
    """The order as the caller may see it now, and whether it is finished."""
    order = optimize(orders_visible_to(current_user(info)).filter(pk=order_id), info).first()
    # Read here, in the database thread: the optimizer may have deferred `status`.
    return order, order is not None and order_is_finished(order.status)


def _visible_restaurant_order(info: Info, restaurant_id, order_id) -> Order | None:
    user = current_user(info)
    if not user_may_see_restaurant_orders(user, restaurant_id):
        return None
    # Orders whose card was never authorised are not the kitchen's business.
    orders = orders_visible_to(user).filter(
        pk=order_id, restaurant_id=restaurant_id, placed_at__isnull=False
    )
    return optimize(orders, info).first()


def _restaurant_orders_to_resume(info: Info, restaurant_id, changed_since) -> list[Order]:
    orders = restaurant_orders_to_resume(
        user=current_user(info),
        restaurant_id=restaurant_id,
        changed_since=changed_since,
        overlap=timedelta(seconds=settings.LIVE_RESUME_OVERLAP_SECONDS),
        now=timezone.now(),
    )
    return list(optimize(orders, info))


def _may_watch_restaurant(info: Info, restaurant_id) -> bool:
    return user_may_see_restaurant_orders(current_user(info), restaurant_id)


@strawberry.type
class OrdersSubscription:
    @strawberry.subscription(
        description="The order now, then again each time it changes (its customer, its "
        "restaurant's staff, its driver, admins); completes after the order is delivered, "
        "cancelled, rejected or its payment failed. Subscribing again resumes: the first "
        "message is always the order as it is now."
    )
    async def order_updated(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[OrderType, None]:
        order_pk = decode_id(order_id, "Order")
        if order_pk is None:
            raise graphql_error(OrderNotFound(field="orderId"))
        async with info.context["ws"].listen_to_channel(
            ORDER_UPDATED, groups=[order_group(order_pk)]
        ) as messages:
            order, finished = await database_sync_to_async(_visible_order)(info, order_pk)
            if order is None:
                raise graphql_error(OrderNotFound(field="orderId"))
            yield order
            if finished:
                return
            async for message in messages:
                access_changed = message.get("type") == USER_ACCESS_CHANGED
                if not access_changed and message.get("order_id") != str(order_pk):
                    continue
                order, finished = await database_sync_to_async(_visible_order)(info, order_pk)
                if order is None:  # no longer theirs to see (a staff member who left the team)
                    raise graphql_error(OrderNotFound(field="orderId"))
                if access_changed:
                    continue
                yield order
                if finished:
                    return

    @strawberry.subscription(
        description="A restaurant's orders as they change (its staff, admins). First every open "
        "order (placed, not yet delivered or closed) as it is now, oldest change first; with "
        "`changedSince` (the latest `statusChangedAt` the screen holds) also every order whose "
        "status changed since then, finished ones included. Then each new or changed order."
    )
    async def restaurant_orders(
        self, info: Info, restaurant_id: strawberry.ID, changed_since: datetime | None = None
    ) -> AsyncGenerator[OrderType, None]:
        restaurant_pk = decode_id(restaurant_id, "Restaurant")
        allowed = restaurant_pk is not None and await database_sync_to_async(_may_watch_restaurant)(
            info, restaurant_pk
        )
        if not allowed:
            raise graphql_error(RestaurantNotFound(field="restaurantId"))
        async with info.context["ws"].listen_to_channel(
            ORDER_UPDATED, groups=[restaurant_group(restaurant_pk)]
        ) as messages:
            try:
                orders = await database_sync_to_async(_restaurant_orders_to_resume)(
                    info, restaurant_pk, changed_since
                )
            except ValidationFailed as error:
                raise graphql_error(error) from error
            for order in orders:
                yield order
            async for message in messages:
                if message.get("type") == USER_ACCESS_CHANGED:
                    if not await database_sync_to_async(_may_watch_restaurant)(info, restaurant_pk):
                        raise graphql_error(RestaurantNotFound(field="restaurantId"))
                    continue
                if message.get("restaurant_id") != str(restaurant_pk):
                    continue
                order = await database_sync_to_async(_visible_restaurant_order)(
                    info, restaurant_pk, message["order_id"]
                )
                if order is None:
                    if not await database_sync_to_async(_may_watch_restaurant)(info, restaurant_pk):
                        raise graphql_error(RestaurantNotFound(field="restaurantId"))
                    continue
                yield order
