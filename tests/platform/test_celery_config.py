"""The Celery contract: JSON only, late acks, and every scheduled task really exists."""

import fnmatch

from django.conf import settings

from config.celery import app

QUEUES = {"default", "notifications", "dispatch", "payments"}


def test_messages_are_json_and_acknowledged_after_the_task():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_periodic_task_is_registered_and_routed_to_a_known_queue():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in registered, entry["task"]
    for pattern, route in settings.CELERY_TASK_ROUTES.items():
        assert route["queue"] in QUEUES
        assert any(fnmatch.fnmatch(name, pattern) for name in registered), pattern


def test_notification_and_payment_tasks_have_their_own_queues():
    app.loader.import_default_modules()
    router = app.amqp.router

    def queue_of(name):
        return router.route({}, name)["queue"].name

    assert queue_of("orders.notify_order_event") == "notifications"
    assert queue_of("payments.stripe_event_process") == "payments"
    assert queue_of("orders.delivery_dispatch") == "dispatch"
    assert queue_of("orders.expire_unpaid") == "default"
