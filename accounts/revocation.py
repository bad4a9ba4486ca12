"""Telling open WebSockets that a user's access changed, on every web process.

HTTP requests check the bearer token each time; a WebSocket checks it when it opens and when it
subscribes, and in between relies on this nudge. Whatever ends sessions or narrows what a user
may see (logout, password change, a refresh token presented twice, deactivation, leaving a
restaurant's team) publishes one message to the user's group on the channel layer after it
commits. Every socket of that user, on whichever process, then re-checks its token and its
subscriptions against the database: the message carries no verdict, so a late or duplicated one
is harmless.
"""

import asyncio
import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# The channel-layer message type the WebSocket consumer reacts to.
USER_ACCESS_CHANGED = "user.access_changed"


def user_group(user_id) -> str:
    return f"user.{user_id}"


async def _send(layer, user_id) -> None:
    message = {"type": USER_ACCESS_CHANGED, "user_id": str(user_id)}
    # Bounded: with Redis unreachable the request that ended the session must still answer.
    async with asyncio.timeout(settings.LIVE_PUBLISH_TIMEOUT_SECONDS):
        await layer.group_send(user_group(user_id), message)


def user_access_changed_broadcast(*, user_id) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_send)(layer, user_id)
    except Exception:  # the change stands; open sockets still re-check on their next subscribe
        logger.exception("telling the open sockets of user %s that their access changed", user_id)


def user_access_changed_on_commit(*, user_id) -> None:
    """Schedule the nudge for when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(user_access_changed_broadcast, user_id=user_id))
