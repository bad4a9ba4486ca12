"""Live order updates over the channel layer (Redis when REDIS_URL is set).

Every web process subscribes its WebSocket clients to the groups below; anything that changes an
order publishes one small message after its transaction commits, whichever process (or worker)
made the change. Subscribers re-read the order from the database, so a message carries ids only.
It also owns what a live screen is sent first when it (re)subscribes, which is what makes a
reconnect lose nothing.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import Q, QuerySet

from core.errors import ValidationFailed
from orders.models import Order, OrderStatus
from orders.selectors import orders_visible_to
from orders.transitions import TERMINAL

logger = logging.getLogger(__name__)

# The channel-layer message type every order subscription listens for.
ORDER_UPDATED = "order.updated"


def order_group(order_id) -> str:
    return f"order.{order_id}"


def restaurant_group(restaurant_id) -> str:
    return f"restaurant.{restaurant_id}"


async def _send(layer, groups: list[str], message: dict) -> None:
    # Bounded: with Redis unreachable the request or task that made the change must still
    # finish promptly.
    async with asyncio.timeout(settings.LIVE_PUBLISH_TIMEOUT_SECONDS):
        for group in groups:
            await layer.group_send(group, message)


def _publish(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_send)(layer, groups, message)
    except Exception:
        # Best effort: the order has already changed. Subscribers cannot miss it for good: a
        # Redis outage closes their sockets (1013) and resubscribing sends the current state.
        logger.exception("publishing a live update for order %s", message.get("order_id"))


def order_updated_broadcast(*, order_id, restaurant_id, event_id, to_status: str) -> None:
    """An order changed status: tell its watchers and its restaurant's screens."""
    message = {
        "type": ORDER_UPDATED,
        "order_id": str(order_id),
        "restaurant_id": str(restaurant_id),
        "event": str(event_id),
        "status": to_status,
    }
    _publish([order_group(order_id), restaurant_group(restaurant_id)], message)


def delivery_changed_broadcast(*, order_id, restaurant_id, change: str) -> None:
    """The delivery moved on (driver assigned, picked up) or the driver's position changed.

    Positions go to the order's watchers only: the restaurant's screen does not track drivers.
    """
    message = {
        "type": ORDER_UPDATED,
        "order_id": str(order_id),
        "restaurant_id": str(restaurant_id),
        "event": change,
        "status": "",
    }
    groups = [order_group(order_id)]
    if change != "driver_location":
        groups.append(restaurant_group(restaurant_id))
    _publish(groups, message)


# --- What a live screen is sent first --------------------------------------------------------

# A resume point older than this is refused: replaying days of orders one message each is the
# job of the paginated restaurantOrders query, not of a subscription.
LIVE_RESUME_MAX_AGE = timedelta(hours=24)


def order_is_finished(status: str) -> bool:
    """No status follows this one: live updates of the order are over."""
    return status in TERMINAL


def restaurant_orders_to_resume(
    *, user, restaurant_id, changed_since: datetime | None, overlap: timedelta, now: datetime
) -> QuerySet[Order]:
    """What a restaurant's live screen is sent when it (re)subscribes, oldest change first.

    Every open order (placed, not yet delivered or closed) as it is now; with `changed_since`
    also every placed order whose status changed at or after `changed_since - overlap`, finished
    ones included, so a screen that was away learns of the orders it must drop. The overlap
    covers a change stamped before, but committed after, the one the client resumes from.
    """
    if changed_since is not None:
        if changed_since.tzinfo is None:
            changed_since = changed_since.replace(tzinfo=UTC)
        if changed_since < now - LIVE_RESUME_MAX_AGE:
            raise ValidationFailed(
                "changedSince is more than 24 hours ago: load the list with the "
                "restaurantOrders query, then subscribe without it.",
                field="changedSince",
            )
    wanted = Q(status__in=[s for s in OrderStatus.values if not order_is_finished(s)])
    if changed_since is not None:
        wanted |= Q(status_changed_at__gte=changed_since - overlap)
    return (
        orders_visible_to(user)
        .filter(restaurant_id=restaurant_id, placed_at__isnull=False)
        .filter(wanted)
        .order_by("status_changed_at", "pk")
    )
