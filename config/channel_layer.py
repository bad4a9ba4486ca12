"""The Redis channel layer as production needs it (CHANNEL_LAYERS in settings points here).

channels_redis keeps a pool of connections per event loop. A connection that sat in the pool
while Redis restarted, or while a proxy or load balancer reset it, fails on its next command
even though Redis is back; redis-py then drops it, so a second attempt gets a fresh one. Group
operations are safe to repeat (adding or discarding a member twice changes nothing; a message
sent twice is harmless to our subscribers, which re-read the order), so each is tried once more
on a connection error. Reading (`receive`) is never retried here: a failed read is how a server
learns that messages may have been lost, and the WebSocket consumer closes its sockets on it.
"""

import contextlib

from channels_redis.core import RedisChannelLayer as ChannelsRedisLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Not timeouts: a link that stopped answering would only make the caller wait twice as long.
RETRIED_ERRORS = (RedisConnectionError, ConnectionError)


class RedisChannelLayer(ChannelsRedisLayer):
    async def group_add(self, group, channel):
        try:
            await super().group_add(group, channel)
        except RETRIED_ERRORS:
            await super().group_add(group, channel)

    async def group_discard(self, group, channel):
        try:
            await super().group_discard(group, channel)
        except RETRIED_ERRORS:
            await super().group_discard(group, channel)

    async def group_send(self, group, message):
        try:
            await super().group_send(group, message)
        except RETRIED_ERRORS:
            await super().group_send(group, message)

    async def reset_connections(self) -> None:
        """Drop every pooled connection of the running loop, in use or idle, so that nothing
        opened before an outage is used after it (they reconnect on their next command)."""
        for index in range(self.ring_size):
            with contextlib.suppress(RedisConnectionError, RedisTimeoutError, OSError):
                await self.connection(index).connection_pool.disconnect()
