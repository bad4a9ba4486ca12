"""Real ASGI server processes for WebSocket tests, and a small graphql-transport-ws client.

The servers share the test database and the Redis channel layer with the test process, like two
web processes behind a load balancer. Every wait is bounded; the servers are always stopped.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 30


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen
    log_path: Path | None = None

    def log(self) -> str:
        """What the server wrote to stdout and stderr so far (empty when not captured)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql/"

    def graphql(self, query: str, variables: dict | None = None, token: str | None = None):
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
            f"{self.http_url}/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(overrides: dict[str, str] | None = None) -> dict[str, str]:
    database = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
            f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL="",
        RATE_LIMITS_ENABLED="false",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides or {})
    return env


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server on port {server.port} exited: {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"{server.http_url}/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server on port {server.port} did not start")


def _stop(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextmanager
def live_servers(count: int, env: dict[str, str] | None = None, capture_logs: bool = False):
    """`count` uvicorn processes serving config.asgi on free loopback ports.

    `env` overrides the servers' environment; with `capture_logs` each server's output goes to
    a file that `LiveServer.log()` reads, so a test can assert on what the server logged.
    """
    env = _server_environment(env)
    servers: list[LiveServer] = []
    log_dir = tempfile.TemporaryDirectory(prefix="live-servers-") if capture_logs else None
    try:
        for index in range(count):
            port = _free_port()
            log_path = Path(log_dir.name) / f"server-{index}.log" if log_dir else None
            output = log_path.open("wb") if log_path else None
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
            )
            if output:
                output.close()  # the child holds its own descriptor
            servers.append(LiveServer(port=port, process=process, log_path=log_path))
        for server in servers:
            _wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            _stop(server)
        if log_dir is not None:
            log_dir.cleanup()


class GraphQLSocket:
    """One graphql-transport-ws connection."""

    def __init__(self, socket: ClientConnection):
        self.socket = socket
        # Server keep-alive pings seen (and answered) by `receive`.
        self.pings_received = 0

    def subscribe(self, operation_id: str, query: str, variables: dict) -> None:
        self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }
        )

    def send(self, message: dict) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 5) -> dict:
        """The next message other than a keep-alive ping; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0)))
            if message.get("type") == "ping":
                self.pings_received += 1
                self.send({"type": "pong"})
                continue
            return message

    def wait_closed(self, timeout: float = 5) -> tuple[int | None, str]:
        """(code, reason) of the server's close frame; AssertionError for any other message."""
        try:
            message = self.receive(timeout=timeout)
        except ConnectionClosed as closed:
            frame = closed.rcvd
            return (frame.code, frame.reason) if frame else (None, "")
        raise AssertionError(f"expected the socket to close, got {message}")

    def assert_silent(self, seconds: float) -> None:
        try:
            message = self.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")


@contextmanager
def graphql_socket(server: LiveServer, connection_params: dict | None = None):
    """A connection acknowledged by the server (or its rejection, raised as ConnectionClosed)."""
    with connect(
        server.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=5, close_timeout=2
    ) as socket:
        client = GraphQLSocket(socket)
        client.send({"type": "connection_init", "payload": connection_params or {}})
        acknowledgement = client.receive(timeout=5)
        assert acknowledgement["type"] == "connection_ack", acknowledgement
        yield client
