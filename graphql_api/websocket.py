"""The GraphQL WebSocket endpoint (graphql-transport-ws): who is connected, for how long, and
what happens when the channel layer fails.

- **Authentication.** Browsers cannot set headers on a WebSocket, so the access token travels in
  the connection_init payload (`connection_params`): `{"Authorization": "Bearer <token>"}` or
  `{"token": "<token>"}`; other clients may send the usual Authorization header instead. The
  token is checked at connection_init and again, with one query, before every subscribe.
- **Ending access.** Every authenticated socket joins its user's group on the channel layer
  (`accounts.revocation`); logout, a password change, a reused refresh token, deactivation or
  leaving a restaurant's team nudge that group, and each socket re-checks its token (closing if it
  no longer holds) and then its subscriptions (ending those the user may no longer see). A socket
  also closes the moment its access token expires.
- **Close codes**, chosen so the reference client (graphql-ws) reports them at once instead of
  retrying with the same token (it retries 4403 and any code of our own):
  4401 the access token expired: refresh it and reconnect; 1008 the token will never be accepted
  (forged, its session ended, the account deactivated): sign in again; 1013 live updates are
  unavailable (Redis unreachable): reconnect with back-off, which graphql-ws does by itself.
- **Keep-alive.** The server sends a protocol `ping` every GRAPHQL_WS_KEEPALIVE_SECONDS so that
  proxies that drop idle connections keep it; client pings are answered with `pong`.
- **Channel layer failure.** All sockets of a process share one blocking read on Redis. When it
  fails, messages may have been lost for every one of them, so every socket of the process is
  closed with 1013; clients reconnect and get the current state again on subscribing.
"""

import asyncio
import contextlib
import logging
import weakref
from datetime import datetime

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.utils import timezone
from strawberry.channels import GraphQLWSConsumer
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.unset import UNSET

from accounts.middleware import bearer_token
from accounts.revocation import USER_ACCESS_CHANGED, user_group
from accounts.selectors import AccessTokenCheck, access_token_check

logger = logging.getLogger(__name__)

CLOSE_TOKEN_EXPIRED = 4401
CLOSE_UNAUTHORIZED = 1008
CLOSE_LIVE_UPDATES_UNAVAILABLE = 1013
# Our own message type, never sent over the layer: this process's receive loop failed.
LAYER_FAILED = "live.layer_failed"
# Leaving a group on the way out must not hold a closing socket for the layer's full timeout.
GROUP_DISCARD_TIMEOUT_SECONDS = 2
# A socket we close while its handshake is still being answered waits this long for the accept.
HANDSHAKE_WAIT_SECONDS = 5

# The sockets this process serves, so that a failed receive loop can close all of them.
_open_consumers: "weakref.WeakSet[AuthenticatedGraphQLWSConsumer]" = weakref.WeakSet()


def token_from_connection_params(params: object) -> str | None:
    if not isinstance(params, dict):
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str) and (token := bearer_token(value)):
            return token
    for key in ("token", "accessToken"):
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _refusal(check: AccessTokenCheck) -> tuple[int, str]:
    if check.expired:
        return CLOSE_TOKEN_EXPIRED, "Token expired"
    return CLOSE_UNAUTHORIZED, "Unauthorized"


class ConnectionRefused(Exception):
    """Raised from on_ws_connect to close the socket with a code of our choosing (strawberry's
    own rejection always closes with 4403, which graphql-ws retries)."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class LiveTransportWSHandler(BaseGraphQLTransportWSHandler):
    """strawberry's graphql-transport-ws handler plus our refusals, keep-alive pings and the
    token check before each subscribe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_alive_task: asyncio.Task | None = None

    async def handle_connection_init(self, message) -> None:
        try:
            await super().handle_connection_init(message)
        except ConnectionRefused as refusal:
            await self.websocket.close(code=refusal.code, reason=refusal.reason)
            return
        interval = settings.GRAPHQL_WS_KEEPALIVE_SECONDS
        if self.connection_acknowledged and interval > 0 and self.keep_alive_task is None:
            self.keep_alive_task = asyncio.create_task(self._keep_alive(interval))

    async def _keep_alive(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.send_message({"type": "ping"})
            except (OSError, RuntimeError):  # the client is gone; shutdown cancels us anyway
                return

    async def handle_subscribe(self, message) -> None:
        # Cheap (one query) and it catches what a lost nudge would miss.
        if self.connection_acknowledged and not await self.view.access_still_valid():
            return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        if self.keep_alive_task is not None:
            self.keep_alive_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.keep_alive_task
        await super().shutdown()


class AuthenticatedGraphQLWSConsumer(GraphQLWSConsumer):
    graphql_transport_ws_handler_class = LiveTransportWSHandler

    def __init__(self, *args, **kwargs):
        # Only the protocol whose handler carries keep-alive, refusals and revocation.
        kwargs.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        super().__init__(*args, **kwargs)
        self.token: str | None = None
        self.graphql_context: dict | None = None
        self.joined_user_group: str | None = None
        self.accepted = asyncio.Event()
        self.closed = False
        self.layer_failed = False
        self.background: set[asyncio.Task] = set()

    # --- the consumer's main loop --------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        """channels' AsyncConsumer.__call__, except that a failure to read from the channel layer
        becomes a message we handle (close every socket with 1013) instead of an exception that
        kills this consumer mid-operation and leaves its subscriptions dangling."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = self._receive_from_layer
        self.base_send = send
        _open_consumers.add(self)
        try:
            await await_many_dispatch([receive, self.channel_receive], self.dispatch)
        except StopConsumer:
            pass
        finally:
            _open_consumers.discard(self)
            for task in self.background:
                task.cancel()

    async def _receive_from_layer(self) -> dict:
        if self.layer_failed:
            await asyncio.Future()  # nothing more from the layer; cancelled when we exit
        try:
            return await self.channel_layer.receive(self.channel_name)
        except Exception:
            logger.warning(
                "Reading from the channel layer failed: closing this process's live sockets "
                "so that their clients reconnect and resynchronise",
                exc_info=True,
            )
            self.layer_failed = True
            return {"type": LAYER_FAILED}

    async def dispatch(self, message) -> None:
        message_type = message.get("type")
        if message_type == LAYER_FAILED:
            for consumer in list(_open_consumers):
                consumer.layer_failed = True
                consumer._spawn(
                    consumer.close_with(
                        CLOSE_LIVE_UPDATES_UNAVAILABLE, "Live updates unavailable, reconnect"
                    )
                )
            # Connections opened before the outage would fail the first reconnecting clients.
            reset_connections = getattr(self.channel_layer, "reset_connections", None)
            if reset_connections is not None:
                await reset_connections()
            return
        if message_type == USER_ACCESS_CHANGED:
            # In the background: the dispatch loop must keep reading while the database answers.
            self._spawn(self._access_changed())
            return
        await super().dispatch(message)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    # --- authentication ------------------------------------------------------------------------
    async def on_ws_connect(self, context):
        token = token_from_connection_params(context.get("connection_params"))
        if token is None:
            headers = dict(self.scope.get("headers", ()))
            token = bearer_token(headers.get(b"authorization", b"").decode("latin1"))
        check = await database_sync_to_async(access_token_check)(token)
        if token is not None and not check.valid:
            # Tell the client now, so it refreshes or signs in, rather than on every subscription.
            raise ConnectionRefused(*_refusal(check))
        self.token = token
        self.graphql_context = context
        context["user"] = check.user
        if check.valid:
            group = user_group(check.user.pk)
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception as error:
                logger.warning("Joining %s on the channel layer failed", group, exc_info=True)
                raise ConnectionRefused(
                    CLOSE_LIVE_UPDATES_UNAVAILABLE, "Live updates unavailable, reconnect"
                ) from error
            self.joined_user_group = group
            self._spawn(self._close_when_expired(check.expires_at))
        return UNSET

    async def access_still_valid(self) -> bool:
        """Re-read the token's user and session; close the socket if they no longer hold.
        Subscriptions then read the refreshed user from the context."""
        if self.token is None:
            return True
        check = await database_sync_to_async(access_token_check)(self.token)
        if not check.valid:
            await self.close_with(*_refusal(check))
            return False
        self.graphql_context["user"] = check.user
        return True

    async def _access_changed(self) -> None:
        if self.token is None or not await self.access_still_valid():
            return
        # Each subscription re-checks what it shows against the refreshed user.
        for queues in list(self.listen_queues.values()):
            for queue in list(queues):
                queue.put_nowait({"type": USER_ACCESS_CHANGED})

    async def _close_when_expired(self, expires_at: datetime) -> None:
        await asyncio.sleep(max((expires_at - timezone.now()).total_seconds(), 0))
        await self.close_with(CLOSE_TOKEN_EXPIRED, "Token expired")

    # --- closing ---------------------------------------------------------------------------------
    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol=subprotocol, headers=headers)
        self.accepted.set()

    async def close_with(self, code: int, reason: str) -> None:
        # Closing before the handshake is answered rejects it (HTTP 403), which clients report
        # as a network error, not as our code (graphql-ws gives up on those): accept first.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.accepted.wait(), HANDSHAKE_WAIT_SECONDS)
        await self.close(code=code, reason=reason)

    async def close(self, code=None, reason=None):
        if self.closed:
            return  # a second close (ours and strawberry's) would be an ASGI protocol error
        self.closed = True
        await super().close(code=code, reason=reason)

    async def send(self, text_data=None, bytes_data=None, close=False):
        if self.closed:
            return  # a message racing our close: the client is going away anyway
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def disconnect(self, code) -> None:
        self.closed = True
        await super().disconnect(code)
        for task in self.background:
            task.cancel()
        if self.joined_user_group and not self.layer_failed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self.channel_layer.group_discard(self.joined_user_group, self.channel_name),
                    GROUP_DISCARD_TIMEOUT_SECONDS,
                )
