"""Notifications through a real Celery worker process and a real broker (RabbitMQ and Redis)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from kombu import Connection

from notifications.models import Notification, NotificationSend
from orders.models import OrderEvent, OrderStatus
from tests.factories import CustomerFactory, OrderFactory, RestaurantStaffFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKERS = {
    "rabbitmq": os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"),
    "redis": os.environ.get("TEST_REDIS_BROKER_URL", "redis://127.0.0.1:6379/13"),
}
QUEUES = ("default", "notifications", "dispatch", "payments")


def database_url() -> str:
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    return (
        f"postgres://{database['USER']}{password}@{host}:{database['PORT'] or 5432}/"
        f"{database['NAME']}"
    )


def environment(broker: str, outbox: Path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CELERY_")}
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=broker,
        CELERY_VISIBILITY_TIMEOUT="3",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        NOTIFY_LOG_OUTBOX=str(outbox),
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )
    return env


def purge(broker: str) -> None:
    """Start from empty queues: nothing left over from an earlier run may be delivered."""
    if broker.startswith("redis"):
        redis.Redis.from_url(broker).flushdb()  # a database of its own, for these tests
        return
    with Connection(broker) as connection:
        channel = connection.channel()
        for queue in QUEUES:
            try:
                channel.queue_purge(queue)
            except Exception:  # noqa: BLE001 - a queue that does not exist yet is empty
                channel = connection.channel()


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            ",".join(QUEUES),
            "-c",
            "1",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("WORKER_LOG", os.devnull), "a"),
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def accept_in_another_process(env: dict, order, staff) -> None:
    """The web process's side: the transition commits and enqueues its notification."""
    code = (
        "import django; django.setup()\n"
        "from django.utils import timezone\n"
        "from accounts.models import User\n"
        "from orders.services.lifecycle import order_transition\n"
        f"order_transition(order_id='{order.pk}', to_status='ACCEPTED',\n"
        f"    actor=User.objects.get(pk='{staff.pk}'), now=timezone.now())\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60)


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def placed_order():
    """An order whose card is being charged: the capture's confirmation accepts it."""
    order = OrderFactory(
        status=OrderStatus.ACCEPTING, customer=CustomerFactory(phone="+351 912 000 000")
    )
    return order, RestaurantStaffFactory(restaurant=order.restaurant).user


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_an_accepted_order_reaches_the_customer_through_the_worker(
    broker, tmp_path, record_property
):
    url = BROKERS[broker]
    purge(url)
    env = environment(url, tmp_path / "outbox.jsonl")
    order, staff = placed_order()
    worker = start_worker(env)
    try:
        accept_in_another_process(env, order, staff)
        assert wait_for(
            lambda: NotificationSend.objects.filter(
                notification__recipient=order.customer, status="SENT", channel="SMS"
            ).exists()
        ), "no notification arrived through the worker"
    finally:
        stop(worker)

    notification = Notification.objects.get(recipient=order.customer)
    event = OrderEvent.objects.get(order=order, to_status=OrderStatus.ACCEPTED)
    latency_ms = (notification.created_at - event.created_at).total_seconds() * 1000
    record_property(f"latency_ms_{broker}", round(latency_ms))
    print(f"\n{broker}: status change to notification in {latency_ms:.0f} ms")
    assert notification.kind == "ORDER_ACCEPTED"


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_a_worker_killed_mid_send_is_replaced_and_the_message_goes_out_once(broker, tmp_path):
    url = BROKERS[broker]
    purge(url)
    outbox = tmp_path / "outbox.jsonl"
    order, staff = placed_order()
    slow = start_worker(environment(url, outbox, NOTIFY_TEST_SEND_DELAY_SECONDS="4"))
    replacement = None
    try:
        accept_in_another_process(environment(url, outbox), order, staff)
        assert wait_for(
            lambda: NotificationSend.objects.filter(
                notification__recipient=order.customer, status="SENDING"
            ).exists()
        ), "the first worker never started sending"
        stop(slow, signal.SIGKILL)  # dies holding the unacknowledged message

        replacement = start_worker(environment(url, outbox))
        assert wait_for(
            lambda: (
                NotificationSend.objects.filter(notification__recipient=order.customer)
                .exclude(status__in=["SENT", "SKIPPED"])
                .count()
                == 0
                and NotificationSend.objects.filter(notification__recipient=order.customer).exists()
            ),
            timeout=45,
        ), list(
            NotificationSend.objects.filter(notification__recipient=order.customer).values_list(
                "channel", "status", "attempts"
            )
        )
    finally:
        stop(slow, signal.SIGKILL)
        if replacement is not None:
            stop(replacement)

    assert Notification.objects.filter(recipient=order.customer).count() == 1
    sent = [json.loads(line) for line in outbox.read_text().splitlines()]
    keys = [message["idempotency_key"] for message in sent]
    assert len(keys) == len(set(keys)) == 2  # one SMS and one push, each once
