"""Telling open WebSockets that a user's access changed, on every web process.

HTTP requests check the bearer token each time; a WebSocket checks it when it opens and when it
subscribes, and in between relies on this nudge. Whatever ends sessions or narrows what a user
may see (logout, password change, a refresh token presented twice, deactivation, a role change,
leaving a restaurant's team) records `USER_ACCESS_CHANGED_TOPIC` in the outbox, in its own
transaction; once it commits, the relay (`reactions`) publishes one message to the user's group on
the channel layer. Every socket of that user, on whichever process, then re-checks its token and
its subscriptions against the database: the message carries no verdict, so a late or duplicated
one is harmless, and a Redis outage at commit delays it (the outbox sweep) instead of losing it.
"""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from core.outbox import outbox_publish

# The outbox topic, and the channel-layer message type the WebSocket consumer reacts to.
USER_ACCESS_CHANGED_TOPIC = "accounts.user_access_changed"
USER_ACCESS_CHANGED = "user.access_changed"


def user_group(user_id) -> str:
    return f"user.{user_id}"


def user_access_changed_record(*, user_id) -> None:
    """Record, in the caller's transaction, that open sockets of this user must re-check."""
    outbox_publish(topic=USER_ACCESS_CHANGED_TOPIC, payload={"user_id": str(user_id)})


async def _send(layer, user_id) -> None:
    message = {"type": USER_ACCESS_CHANGED, "user_id": str(user_id)}
    # Bounded: the relay runs in the request that ended the session, which must still answer.
    async with asyncio.timeout(settings.LIVE_PUBLISH_TIMEOUT_SECONDS):
        await layer.group_send(user_group(user_id), message)


def user_access_changed_broadcast(*, user_id) -> None:
    """The outbox consumer. Raises when Redis cannot take it, so the sweep tries again."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(_send)(layer, user_id)
