"""The outbox: side effects written in the transaction, relayed after commit, never lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from core.models import OutboxMessage
from core.outbox import outbox_publish, outbox_relay
from notifications.models import Notification
from orders.models import OrderStatus
from orders.services.actions import order_reject
from reactions.tasks import outbox_sweep_task
from tests.factories import OrderFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


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
def broker_unreachable():
    """Celery really publishing, to a broker port where nothing listens."""
    keys = ("broker_url", "task_always_eager", "task_publish_retry", "broker_connection_timeout")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url="amqp://guest:guest@127.0.0.1:1//",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    yield
    app.conf.update(saved)
    app.pool.force_close_all()
    # What Celery does after a fork: the next publisher builds pools for the restored broker.
    app._pool = None
    app.amqp._producer_pool = None


def test_a_broker_outage_at_commit_delays_the_side_effects_instead_of_losing_them(
    broker_unreachable, django_capture_on_commit_callbacks
):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    with django_capture_on_commit_callbacks(execute=True):
        order_reject(order_id=order.pk, actor=staff, reason="out of fish", now=timezone.now())

    pending = OutboxMessage.objects.get(relayed_at__isnull=True)
    assert pending.topic == "orders.event_recorded" and pending.last_error
    assert not Notification.objects.filter(order=order).exists()

    # The broker is back (eager again here); the sweep relays what was left.
    app.conf.update(task_always_eager=True)
    OutboxMessage.objects.update(claimed_until=None)
    assert outbox_sweep_task.apply().get() == 1
    assert Notification.objects.filter(order=order, recipient=order.customer).exists()
    assert not OutboxMessage.objects.filter(relayed_at__isnull=True).exists()
