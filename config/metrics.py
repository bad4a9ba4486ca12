"""The `/metrics` endpoint and the metrics that belong to no single app.

HTTP, database and cache metrics come from django-prometheus (middleware and backends in
settings); GraphQL metrics from graphql_api.core.metrics; Celery task metrics from
config.celery_observability; payment and notification outcomes from the modules that own them.
Here: order transitions (observed from the event log), and two gauges read at scrape time from
the shared state, so they are right whichever process answers: deliveries waiting for a driver
and the broker's queue lengths.

With several processes, set PROMETHEUS_MULTIPROC_DIR to a directory shared by them (emptied
before they start): every process writes its counters there and `/metrics` sums them
(prometheus_client's multiprocess mode).
"""

import contextlib
import logging
import os

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client.core import GaugeMetricFamily

from config.celery import app

logger = logging.getLogger(__name__)

ORDER_TRANSITIONS = Counter(
    "order_transitions_total",
    "Committed order status changes by from and to status (from NEW for a new order).",
    ["from_status", "to_status"],
)
WAITING_FOR_DRIVER = "WAITING_FOR_DRIVER"


def _order_event_saved(sender, instance, created, **kwargs):
    if not created:
        return
    labels = (instance.from_status or "NEW", instance.to_status)
    # Counted once the move commits: a rolled-back transition never happened.
    transaction.on_commit(lambda: ORDER_TRANSITIONS.labels(*labels).inc())


def domain_metrics_connect() -> None:
    """Observe the append-only order event log: every transition writes exactly one row."""
    post_save.connect(
        _order_event_saved,
        sender=apps.get_model("orders", "OrderEvent"),
        dispatch_uid="metrics-order-transitions",
    )


class SharedStateCollector:
    """Gauges computed from PostgreSQL and the broker when Prometheus scrapes."""

    def describe(self):
        # What collect() may yield, without touching the database or the broker.
        return [
            GaugeMetricFamily("deliveries_waiting_for_driver", ""),
            GaugeMetricFamily("celery_queue_length", "", labels=["queue"]),
        ]

    def collect(self):
        waiting = GaugeMetricFamily(
            "deliveries_waiting_for_driver", "Deliveries of accepted orders no driver has taken."
        )
        try:
            count = (
                apps.get_model("delivery", "Delivery")
                .objects.filter(status=WAITING_FOR_DRIVER)
                .count()
            )
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database is down
            logger.warning("metrics: could not count deliveries waiting for a driver")
        else:
            waiting.add_metric([], count)
            yield waiting
        if settings.CELERY_BROKER_URL:
            yield from self._queue_lengths()

    def _queue_lengths(self):
        backlog = GaugeMetricFamily(
            "celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"]
        )
        try:
            with app.connection_for_read(settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
                for queue in _queues():
                    backlog.add_metric([queue], _queue_length(connection, queue))
        except Exception:  # noqa: BLE001 - a scrape must answer even when the broker is down
            logger.warning("metrics: could not read the broker's queue lengths")
            return
        yield backlog


def _queues() -> list[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def _queue_length(connection, queue: str) -> int:
    # A channel per queue: RabbitMQ closes the channel of a failed passive declare.
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except connection.channel_errors:
        # Not declared yet (no worker has consumed it) or, on Redis, empty: nothing waits.
        return 0
    finally:
        with contextlib.suppress(*connection.channel_errors, *connection.connection_errors):
            channel.close()


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return DEFAULT_REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_view(request):
    expected = settings.METRICS_TOKEN
    if not expected and not settings.METRICS_WITHOUT_TOKEN:
        message = "metrics are off: set METRICS_TOKEN to scrape them"
        return HttpResponse(message, status=404, content_type="text/plain")
    if expected and not constant_time_compare(
        request.headers.get("Authorization", ""), f"Bearer {expected}"
    ):
        return HttpResponse("metrics need the scrape token", status=401, content_type="text/plain")
    registry = _registry()
    body = generate_latest(registry) + generate_latest(_SHARED_STATE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# Kept apart from the process registries: these are read live, never summed over processes.
_SHARED_STATE_REGISTRY = CollectorRegistry()
_SHARED_STATE_REGISTRY.register(SharedStateCollector())
