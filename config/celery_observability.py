"""Celery's half of the request id, its task log lines and its metrics.

A task enqueued while serving a request carries the request's id in its message headers; the
worker binds it to structlog's context for the task's run, so every line the task logs says
which request caused it, and the task ends with one line of its own (outcome, duration, time
spent waiting in the queue). In eager mode (no broker) the task runs inside the request and
already has its context.
"""

import os
import time
from datetime import datetime

import structlog
from celery import signals
from django.conf import settings
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
)

# Not "celery.task": Celery gives that logger a formatter of its own in worker processes.
logger = structlog.get_logger("task")

TASKS = Counter(
    "celery_tasks_total",
    "Task runs by task and outcome (success, failure, retry).",
    ["task", "outcome"],
)
TASK_RETRIES = Counter("celery_task_retries_total", "Task retries scheduled, by task.", ["task"])
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Time a task ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 90.0),
)
TASK_QUEUE_WAIT = Histogram(
    "celery_task_queue_wait_seconds",
    "Time from enqueueing (or from the ETA of a delayed task) to a worker starting it.",
    ["queue"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0),
)

REQUEST_ID_HEADER = "request_id"
ENQUEUED_AT_HEADER = "enqueued_at"


@signals.before_task_publish.connect(dispatch_uid="observability-publish")
def _task_publishing(headers=None, **kwargs):
    if headers is None:
        return
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    headers[ENQUEUED_AT_HEADER] = time.time()


def _queue_wait(request) -> float | None:
    enqueued_at = request.get(ENQUEUED_AT_HEADER)
    if not isinstance(enqueued_at, int | float):
        return None
    # A retry or countdown is not waiting: count from when the task was due.
    due = enqueued_at
    if isinstance(request.eta, str):
        due = max(due, datetime.fromisoformat(request.eta).timestamp())
    return max(0.0, time.time() - due)


@signals.task_prerun.connect(dispatch_uid="observability-prerun")
def _task_starting(task_id=None, task=None, **kwargs):
    request = task.request
    fields = {"task": task.name, "task_id": task_id}
    request_id = request.get(REQUEST_ID_HEADER)
    if request_id:
        fields["request_id"] = request_id
    # Restored after the run, so an eager task leaves its request's context as it found it.
    request.observability_tokens = structlog.contextvars.bind_contextvars(**fields)
    request.observability_started = time.perf_counter()
    wait = None if request.is_eager else _queue_wait(request)
    request.observability_queue_wait = wait
    if wait is not None:
        queue = (request.delivery_info or {}).get("routing_key") or "unknown"
        TASK_QUEUE_WAIT.labels(queue).observe(wait)


@signals.task_postrun.connect(dispatch_uid="observability-postrun")
def _task_finished(task=None, state=None, **kwargs):
    request = task.request
    started = getattr(request, "observability_started", None)
    if started is None:
        return
    duration = time.perf_counter() - started
    outcome = (state or "unknown").lower()
    TASKS.labels(task.name, outcome).inc()
    TASK_DURATION.labels(task.name).observe(duration)
    wait = request.observability_queue_wait
    logger.info(
        "task",
        outcome=outcome,
        duration_ms=round(duration * 1000, 1),
        queue_wait_ms=None if wait is None else round(wait * 1000, 1),
        retries=request.retries,
    )
    structlog.contextvars.reset_contextvars(**request.observability_tokens)


@signals.task_retry.connect(dispatch_uid="observability-retry")
def _task_retrying(sender=None, **kwargs):
    TASK_RETRIES.labels(sender.name).inc()


@signals.worker_init.connect(dispatch_uid="observability-worker-metrics")
def _worker_metrics_serve(**kwargs):
    port = settings.CELERY_WORKER_METRICS_PORT
    if not port or "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return
    # The pool's child processes write to the shared directory; the parent serves their sum.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.CELERY_WORKER_METRICS_ADDRESS, registry=registry)
