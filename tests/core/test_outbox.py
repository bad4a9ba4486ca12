"""The outbox: side effects written in the transaction, relayed after commit, never lost."""

import os
import uuid
from datetime import timedelta
from urllib.parse import urlparse

import kombu.pools
import pytest
from django.db import transaction
from django.utils import timezone
from kombu import Connection

from config.celery import app
from core.models import OutboxMessage
from core.outbox import outbox_publish, outbox_relay
from orders.models import OrderStatus
from orders.services.actions import order_reject
from reactions.tasks import outbox_sweep_task
from tests.factories import OrderFactory, RestaurantStaffFactory
from tests.faults import fault_proxy

pytestmark = pytest.mark.django_db

BROKER_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_publish(topic="test.topic", payload={"n": 1})
        raise RuntimeError("the change fails")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_a_message_is_handed_to_every_consumer_once_and_marked_relayed():
    seen = []
    message = OutboxMessage.objects.create(topic="test.topic", payload={"n": 1})
    consumers = {"test.topic": [seen.append, lambda payload: seen.append(("second", payload))]}

    assert outbox_relay(consumers=consumers, now=timezone.now()) == 1
    assert outbox_relay(consumers=consumers, now=timezone.now()) == 0

    message.refresh_from_db()
    assert seen == [{"n": 1}, ("second", {"n": 1})]
    assert message.relayed_at is not None and message.attempts == 1


def test_a_failing_consumer_leaves_the_message_for_the_next_sweep():
    message = OutboxMessage.objects.create(topic="test.topic", payload={"n": 1})

    def broker_down(payload):
        raise ConnectionError("broker unreachable")

    now = timezone.now()
    assert outbox_relay(consumers={"test.topic": [broker_down]}, now=now) == 0
    message.refresh_from_db()
    assert message.relayed_at is None and "broker unreachable" in message.last_error

    # Held for a while (no retry storm), then taken again once the lease has passed.
    seen = []
    assert outbox_relay(consumers={"test.topic": [seen.append]}, now=now) == 0
    assert outbox_relay(consumers={"test.topic": [seen.append]}, now=now + timedelta(minutes=1))
    message.refresh_from_db()
    assert seen == [{"n": 1}] and message.relayed_at is not None and message.attempts == 2


@pytest.fixture
def broker_behind_proxy():
    """Celery really publishing to RabbitMQ, through the suite's proxy, into a queue of this
    test's own (the broker is shared: nobody else's queue is touched)."""
    queue = f"fd-outbox-test-{uuid.uuid4().hex[:8]}"
    target = urlparse(BROKER_URL)
    keys = (
        "broker_url",
        "task_always_eager",
        "task_publish_retry",
        "broker_connection_timeout",
        "task_routes",
    )
    saved = {key: app.conf[key] for key in keys}
    # Tests before this one may have sent tasks (eagerly, which still takes a producer from
    # the pools): pools built for the default broker would bypass the proxy.
    _forget_broker_pools()
    with fault_proxy(target.hostname, target.port or 5672) as proxy:
        app.conf.update(
            broker_url=f"amqp://{target.username}:{target.password}@{proxy.address}//",
            task_always_eager=False,
            task_publish_retry=False,
            broker_connection_timeout=1,
            task_routes={"*": {"queue": queue}},
        )
        try:
            yield proxy, queue
        finally:
            app.conf.update(saved)
            _forget_broker_pools()
            with Connection(BROKER_URL) as connection:
                connection.SimpleQueue(queue).queue.delete()


def _forget_broker_pools() -> None:
    """What Celery does after a fork: the next publisher builds pools for the broker configured
    then (kombu keeps its own registry of pools per connection too)."""
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


def _published(queue: str) -> list[str]:
    names = []
    with Connection(BROKER_URL) as connection:
        inbox = connection.SimpleQueue(queue)
        while True:
            try:
                message = inbox.get(timeout=1)
            except inbox.Empty:
                return names
            names.append(message.headers["task"])
            message.ack()


def test_a_broker_outage_at_commit_delays_the_side_effects_instead_of_losing_them(
    broker_behind_proxy, django_capture_on_commit_callbacks
):
    proxy, queue = broker_behind_proxy
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    proxy.mode = "refuse"  # the broker is down when the rejection commits
    with django_capture_on_commit_callbacks(execute=True):
        order_reject(order_id=order.pk, actor=staff, reason="out of fish", now=timezone.now())

    pending = OutboxMessage.objects.get(relayed_at__isnull=True)
    assert pending.topic == "orders.event_recorded" and pending.last_error
    assert _published(queue) == []

    proxy.mode = "pass"  # the broker is back; the sweep relays what was left
    OutboxMessage.objects.update(claimed_until=None)
    assert outbox_sweep_task.apply().get() == 1

    assert not OutboxMessage.objects.filter(relayed_at__isnull=True).exists()
    assert sorted(_published(queue)) == ["notifications.order_event", "payments.payment_return"]
