"""A TCP proxy of the test suite's own between the servers and Redis, to cut and restore the link.

The Redis service is shared and never touched: the servers under test reach Redis through this
proxy, and a test breaks the link here. Two ways to break it, as production breaks them:

- `cut()`: every connection is closed at once and new ones are refused (Redis restarted, a
  load balancer reset the connections); the servers see the error immediately.
- `stall()`: connections stay open and new ones are accepted, but no byte goes through (a
  network partition, a dead host); only a read timeout can tell.

`restore()` lets traffic through again. The proxy runs its own event loop in a thread, so the
blocking test code around it needs nothing asynchronous.
"""

import asyncio
import contextlib
import threading
from urllib.parse import urlsplit, urlunsplit

CHUNK = 64 * 1024


class RedisProxy:
    def __init__(self, redis_url: str):
        parts = urlsplit(redis_url)
        self.redis_url = redis_url
        self.target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.state = "open"  # open | cut | stall
        self.port: int | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # --- control (called from the test's thread) -----------------------------------------------
    def start(self) -> "RedisProxy":
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        """The Redis URL with its host and port replaced by the proxy's (same database)."""
        parts = urlsplit(self.redis_url)
        netloc = f"127.0.0.1:{self.port}"
        if parts.username or parts.password:
            netloc = f"{parts.username or ''}:{parts.password or ''}@{netloc}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    def cut(self) -> None:
        self._call(self._set_state("cut"))

    def stall(self) -> None:
        self._call(self._set_state("stall"))

    def restore(self) -> None:
        self._call(self._set_state("open"))

    def stop(self) -> None:
        self._call(self._set_state("cut"))
        if self._server is not None:
            self._server.close()
            self._call(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    # --- inside the proxy's loop -----------------------------------------------------------------
    async def _set_state(self, state: str) -> None:
        self.state = state
        if state == "cut":
            for writer in list(self._writers):
                writer.transport.abort()  # a reset, not a polite close: what a crash looks like
            self._writers.clear()

    async def _accept(self, client_reader, client_writer) -> None:
        if self.state == "cut":
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update({client_writer, upstream_writer})
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                # Stalled: hold the bytes back until the link is restored or cut.
                while self.state == "stall":
                    await asyncio.sleep(0.05)
                if self.state == "cut":
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.transport.abort()
