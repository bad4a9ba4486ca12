"""SIGTERM (what make stack, compose and any orchestrator send) lets work in flight finish: the
web server answers the request it is reading, the worker completes the task it is running."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from kombu import Connection

from notifications.models import NotificationSend
from tests.live_servers import ROOT, _free_port, _server_environment
from tests.orders.test_worker_integration import accept_in_another_process, placed_order

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("TEST_STACK_BROKER_URL", "redis://127.0.0.1:6379/11")
QUEUES = ("default", "notifications", "dispatch", "payments")


def start(role: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        ["deploy/run.sh", role],
        cwd=ROOT,
        # run.sh starts the processes with $PYTHON: this test's interpreter and packages.
        env=env | {"PYTHON": sys.executable},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def ended(process: subprocess.Popen, timeout: float) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        raise


def test_the_web_server_answers_the_request_in_flight_before_it_stops():
    port = _free_port()
    env = _server_environment() | {"PORT": str(port), "WEB_CONCURRENCY": "1"}
    web = start("web", env)
    try:

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    return True
            except OSError:
                return False

        assert wait_for(healthy), "gunicorn did not start"
        body = json.dumps({"query": "query Me { me { id } }"}).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.sendall(
                b"POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:10]
            )
            time.sleep(0.5)  # the worker is reading this request now
            web.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            client.sendall(body[10:])
            response = b""
            while chunk := client.recv(65536):
                response += chunk
        assert ended(web, timeout=40) == 0
    finally:
        if web.poll() is None:
            os.killpg(web.pid, signal.SIGKILL)

    assert response.startswith(b"HTTP/1.1 200"), response[:200]
    assert b'"data":{"me":null}' in response


def test_the_worker_finishes_the_task_it_is_running_before_it_stops(tmp_path: Path):
    prefix = f"fd-shutdown-{uuid.uuid4().hex[:8]}."
    env = _server_environment() | {
        "CELERY_BROKER_URL": BROKER_URL,
        "TASK_QUEUE_PREFIX": prefix,
        "CELERY_CONCURRENCY": "1",
        # Each of the three outside channels takes this long: the task runs for ~6 s.
        "NOTIFY_TEST_SEND_DELAY_SECONDS": "2",
        "NOTIFY_LOG_OUTBOX": str(tmp_path / "outbox.jsonl"),
    }
    order, staff = placed_order()
    worker = start("worker", env)
    try:
        accept_in_another_process(env | {"NOTIFY_TEST_SEND_DELAY_SECONDS": "0"}, order, staff)
        deliveries = NotificationSend.objects.filter(notification__recipient=order.customer)
        assert wait_for(lambda: deliveries.filter(status="SENDING").exists(), timeout=120), (
            "the worker never started the task"
        )
        worker.send_signal(signal.SIGTERM)
        assert ended(worker, timeout=60) == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        with Connection(BROKER_URL) as broker:
            for queue in QUEUES:
                broker.SimpleQueue(f"{prefix}{queue}").clear()

    statuses = sorted(deliveries.values_list("channel", "status"))
    assert statuses == [("EMAIL", "SENT"), ("PUSH", "SENT"), ("SMS", "SENT")]
