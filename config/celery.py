"""The Celery app and the base of every task.

Without CELERY_BROKER_URL tasks run eagerly in-process (settings), so `make run` needs no broker.
With one, tasks are acknowledged late (a worker that dies mid-task leaves its message to be
delivered again), retried with exponential back-off and jitter on transient failures, and a task
that exhausts its retries is recorded as a FailedTask that staff can retry from the admin.
"""

import os

from celery import Celery
from celery.signals import worker_process_init
from django.db import connections

from core.tasks import BaseTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("food_delivery", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids into task messages and task log lines, task metrics (connects Celery signals).
import config.celery_observability  # noqa: E402, F401


@worker_process_init.connect
def _forget_inherited_database_pools(**_) -> None:
    """A prefork child inherits its parent's psycopg pool object but none of the pool's threads
    or its sockets: asking it for a connection would wait forever. Each child starts its own."""
    for connection in connections.all(initialized_only=True):
        connection.connection = None  # the parent's socket, not this process's to use or close
    for backend in {type(connection) for connection in connections.all()}:
        # The PostgreSQL backend keeps its pools in a dict on the class (Django 5.1+).
        getattr(backend, "_connection_pools", {}).clear()
