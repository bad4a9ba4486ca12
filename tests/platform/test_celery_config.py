"""The Celery contract: JSON only, late acks, a queue per concern, and every scheduled
task really exists."""

import inspect

from django.conf import settings
from django.db.utils import OperationalError

from config.celery import app
from payments.errors import PaymentUnavailable

QUEUES = {"default", "notifications", "dispatch", "payments"}
PROJECT_APPS = ("accounts.", "orders.", "payments.", "delivery.", "notifications.", "reactions.")


def _project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_APPS)}


def _queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_messages_are_json_and_acknowledged_after_the_task():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_periodic_task_is_registered_and_every_task_goes_to_a_known_queue():
    tasks = _project_tasks()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks, entry["task"]
    for name in tasks:
        assert _queue_of(name) in QUEUES, name


def test_notification_dispatch_and_payment_tasks_have_their_own_queues():
    tasks = _project_tasks()
    for name in tasks:
        if name.startswith("notifications."):
            assert _queue_of(name) == "notifications", name
        if name.startswith("delivery."):
            assert _queue_of(name) == "dispatch", name
        if name.startswith("payments."):
            assert _queue_of(name) == "payments", name
    assert _queue_of("orders.stripe_event_apply") == "payments"
    assert _queue_of("orders.expire_unpaid") == "default"


def test_every_task_takes_arguments_a_newer_release_may_add():
    """A worker of the previous release must not crash on a keyword a new caller sends."""
    for name, task in _project_tasks().items():
        parameters = inspect.signature(task.run).parameters.values()
        assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters), name


def test_tasks_retry_transient_failures_on_top_of_their_own():
    """Payment tasks add Stripe being away to the database/network errors every task retries;
    they never replace them (a database blink once left webhook events stuck for good)."""
    for name, task in _project_tasks().items():
        assert OperationalError in task.autoretry_for, name
        assert ConnectionError in task.autoretry_for, name
    assert PaymentUnavailable in app.tasks["orders.stripe_event_apply"].autoretry_for


def test_a_redis_brokers_visibility_timeout_outlasts_every_task_yet_returns_lost_ones_soon():
    """Redis gives an unacknowledged message to another worker after the visibility timeout:
    it must outlast the longest a task holds one (retry countdown plus run time), and should not
    leave a killed worker's message waiting an hour (the redelivery itself is tested with a
    worker SIGKILLed mid-task in tests/orders/test_worker_integration.py)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_hold = (
        max(task.retry_backoff_max for task in _project_tasks().values())
        + settings.CELERY_TASK_TIME_LIMIT
    )
    assert longest_hold < visibility <= 900
