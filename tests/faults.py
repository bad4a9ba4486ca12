"""A small TCP proxy of the test suite's own, put between the application and a real service
(PostgreSQL, Redis, a broker, localstripe) to make it fail on purpose: refuse connections,
black-hole them, answer late, or cut the ones that are open. The service itself is never
touched. Every wait is bounded, and the proxy stops with its `with` block.
"""

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class FaultProxy:
    target_host: str
    target_port: int
    mode: str = "pass"  # pass | refuse | blackhole
    # Seconds the service's answers are held back (a slow service), in "pass" mode.
    delay: float = 0.0
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.AbstractServer | None = None
    _thread: threading.Thread | None = None
    _writers: set = field(default_factory=set)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "FaultProxy":
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run():
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(timeout=5):
            raise TimeoutError("fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown():
            self._server.close()
            for writer in list(self._writers):
                writer.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def cut(self) -> None:
        """Drop every open connection, as a network blip or a restarted service would."""

        async def close_all():
            for writer in list(self._writers):
                with contextlib.suppress(Exception):
                    writer.transport.abort()

        asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(timeout=5)

    async def _handle(self, reader, writer):
        self._writers.add(writer)
        try:
            if self.mode == "refuse":
                writer.transport.abort()
                return
            if self.mode == "blackhole":
                while await reader.read(65536):
                    pass  # swallowed: the client waits for an answer that never comes
                return
            upstream_reader, upstream_writer = await asyncio.wait_for(
                asyncio.open_connection(self.target_host, self.target_port), timeout=5
            )
            self._writers.add(upstream_writer)
            await asyncio.gather(
                self._pipe(reader, upstream_writer, answers=False),
                self._pipe(upstream_reader, writer, answers=True),
                return_exceptions=True,
            )
        except (TimeoutError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _pipe(self, reader, writer, *, answers: bool):
        """Copy one direction; the service's answers wait `delay` (read as they pass, so a test
        can slow a service down mid-way); a proxy switched to black-hole forwards nothing."""
        try:
            while data := await reader.read(65536):
                if answers and self.delay:
                    await asyncio.sleep(self.delay)
                if self.mode == "blackhole":
                    continue
                writer.write(data)
                await writer.drain()
        finally:
            with contextlib.suppress(Exception):
                writer.close()


@contextlib.contextmanager
def fault_proxy(host: str, port: int):
    proxy = FaultProxy(host, port).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
