"""make stack, for real: scripts/stack.py starts gunicorn (two uvicorn workers), a Celery worker
on RabbitMQ, beat and localstripe on the local services; an order is placed and delivered over
HTTP GraphQL by the demo users; then the stack is stopped and every process ends cleanly.

Its own database (the test database's name + `_stack`, recreated), free ports, Redis database
and queue-name prefix, so it clashes with nothing else on the machine.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from kombu import Connection
from psycopg import sql

from payments import localstripe
from tests.live_servers import ROOT, _free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
STACK_REDIS_URL = os.environ.get("TEST_STACK_REDIS_URL", "redis://127.0.0.1:6379/11")
DEMO_PASSWORD = "demo-pass-2026"
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 120
STEP = "order { id status } errors { code message }"


# DEBUG is off in the stack: /metrics answers only with the scrape token.
STACK_METRICS_TOKEN = "stack-test-metrics-token"


class Stack:
    def __init__(self, port: int, stripe_port: int, log: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.stripe_url = f"http://127.0.0.1:{stripe_port}"
        self.log = log

    def graphql(self, document, variables=None, *, token=None, request_id=None) -> dict:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if request_id:
            headers["X-Request-ID"] = request_id
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
            f"{self.url}/graphql/",
            data=json.dumps({"query": document, "variables": variables or {}}).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert response.headers["X-Request-ID"]
            body = json.loads(response.read())
        assert "errors" not in body, body
        return body["data"]

    def sign_in(self, email: str) -> str:
        data = self.graphql(
            "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
            {"input": {"email": email, "password": DEMO_PASSWORD}},
        )
        return data["login"]["accessToken"]

    def step(self, token, mutation, input_type, **fields) -> str:
        data = self.graphql(
            f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {STEP} }} }}",
            {"input": fields},
            token=token,
        )
        payload = data[mutation]
        assert payload["errors"] == [], payload
        return payload["order"]["status"]

    def lines(self, process: str) -> list[dict]:
        events = []
        for raw in self.log.read_text().splitlines():
            name, _, text = raw.partition("| ")
            if name.strip() == process and text.startswith("{"):
                events.append(json.loads(text))
        return events

    def metrics(self) -> str:
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
            f"{self.url}/metrics", headers={"Authorization": f"Bearer {STACK_METRICS_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.read().decode()


def _wait_until_up(stack: Stack, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, stack.log.read_text()[-5000:]
        try:
            with urllib.request.urlopen(f"{stack.url}/readyz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(stack.log.read_text()[-5000:])


def _recreate_database(name: str) -> str:
    settings_dict = connection.settings_dict
    server = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    return f"{server}/{name}"


def _delete_queues(prefix: str) -> None:
    with Connection(RABBITMQ_URL, connect_timeout=5) as broker:
        for queue in ("default", "notifications", "dispatch", "payments"):
            channel = broker.channel()
            channel.queue_delete(queue=f"{prefix}{queue}")
            channel.close()


@pytest.fixture
def running_stack(tmp_path):
    name = f"{connection.settings_dict['NAME']}_stack"
    port, stripe_port = _free_port(), _free_port()
    prefix = f"{name}."
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SENTRY_", "OTEL_", "CELERY_", "PROMETHEUS_"))
    }
    env.update(
        STACK_DIR=str(tmp_path),
        DATABASE_URL=_recreate_database(name),
        REDIS_URL=STACK_REDIS_URL,
        CACHE_KEY_PREFIX=name,
        CELERY_BROKER_URL=RABBITMQ_URL,
        TASK_QUEUE_PREFIX=prefix,
        PORT=str(port),
        LOCALSTRIPE_PORT=str(stripe_port),
        STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
        STACK_STOP_TIMEOUT="60",
        METRICS_TOKEN=STACK_METRICS_TOKEN,
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/stack.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack = Stack(port, stripe_port, tmp_path / "stack.log")
    try:
        _wait_until_up(stack, process)
        yield stack, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        _delete_queues(prefix)


def test_make_stack_places_and_delivers_an_order_and_stops_cleanly(running_stack):
    stack, process = running_stack
    customer = stack.sign_in("customer@demo.test")
    staff = stack.sign_in("staff@demo.test")
    driver = stack.sign_in("driver@demo.test")

    seen = stack.graphql(
        """{ me { addresses { id } }
             restaurant(slug: "casa-portuguese") { id menu { items { id optionGroups {
               minSelected } } } } }""",
        token=customer,
    )
    restaurant = seen["restaurant"]
    item = next(
        item
        for category in restaurant["menu"]
        for item in category["items"]
        if all(group["minSelected"] == 0 for group in item["optionGroups"])
    )
    checkout_request = f"smoke-checkout-{uuid.uuid4().hex[:8]}"
    placed = stack.graphql(
        "mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { "
        f"{STEP} }} }}",
        {
            "input": {
                "restaurantId": restaurant["id"],
                "deliveryAddressId": seen["me"]["addresses"][0]["id"],
                "items": [{"menuItemId": item["id"], "quantity": 4, "optionIds": [], "note": ""}],
                "tip": 0,
                "paymentMethodId": localstripe.card_payment_method(stack.stripe_url, "4242" * 4),
                "idempotencyKey": f"smoke-{uuid.uuid4().hex}",
            }
        },
        token=customer,
        request_id=checkout_request,
    )["placeOrder"]
    assert placed["errors"] == [], placed
    order_id = placed["order"]["id"]
    assert placed["order"]["status"] == "PLACED"

    assert stack.step(staff, "acceptOrder", "AcceptOrderInput", orderId=order_id,
                      preparationMinutes=10) == "ACCEPTED"  # fmt: skip
    assert stack.step(staff, "markOrderReady", "MarkOrderReadyInput", orderId=order_id) == (
        "READY_FOR_PICKUP"
    )
    # The worker dispatches on its own after acceptance: the demo driver is on shift nearby.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        offers = stack.graphql("{ myDeliveryOffers { orderId } }", token=driver)
        if any(offer["orderId"] == order_id for offer in offers["myDeliveryOffers"]):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the worker never offered the delivery to the driver")
    stack.step(driver, "acceptDelivery", "AcceptDeliveryInput", orderId=order_id)
    stack.step(driver, "markPickedUp", "MarkPickedUpInput", orderId=order_id)
    assert stack.step(driver, "markDelivered", "MarkDeliveredInput", orderId=order_id) == (
        "DELIVERED"
    )
    delivered = stack.graphql(
        "query($id: ID!) { order(id: $id) { status delivery { status } } }",
        {"id": order_id},
        token=customer,
    )
    assert delivered["order"] == {"status": "DELIVERED", "delivery": {"status": "DELIVERED"}}

    # The checkout's request id is on the web's request line and on the worker's task lines.
    [checkout_line] = [
        e
        for e in stack.lines("web")
        if e.get("request_id") == checkout_request and e["event"] == "request"
    ]
    assert checkout_line["graphql_operation"] == "PlaceOrder"
    assert checkout_line["graphql_type"] == "mutation"
    worker_tasks = [
        e
        for e in stack.lines("worker")
        if e.get("request_id") == checkout_request and e.get("logger") == "task"
    ]
    assert worker_tasks and {t["outcome"] for t in worker_tasks} == {"success"}
    assert all(t["queue_wait_ms"] is not None for t in worker_tasks)
    # Metrics of both web processes and of the worker's pool, summed in one scrape.
    metrics = stack.metrics()
    for expected in (
        'order_transitions_total{from_status="PICKED_UP",to_status="DELIVERED"} 1.0',
        'celery_tasks_total{outcome="success",task="delivery.dispatch"}',
        'payment_outcomes_total{operation="capture",outcome="succeeded"} 1.0',
        'graphql_operations_total{name="PlaceOrder",outcome="ok",type="mutation"} 1.0',
    ):
        assert expected in metrics, expected
    # The restaurant heard of the new order on every channel, through the worker.
    assert re.search(r'notifications_total\{channel="EMAIL",outcome="sent"\} [1-9]', metrics)
    booted = [e for e in stack.lines("web") if str(e.get("event", "")).startswith("Booting worker")]
    assert len(booted) == 2

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    log = stack.log.read_text()
    for name in ("web", "worker", "beat", "localstripe"):
        assert f"{name} exited with 0" in log
