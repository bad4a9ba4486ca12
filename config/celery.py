"""The Celery app and the base of every task.

Without CELERY_BROKER_URL tasks run eagerly in-process (settings), so `make run` needs no broker.
With one, tasks are acknowledged late (a worker that dies mid-task leaves its message to be
delivered again), retried with exponential back-off and jitter on transient failures, and a task
that exhausts its retries is recorded as a FailedTask that staff can retry from the admin.
"""

import os

from celery import Celery

from core.tasks import BaseTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("food_delivery", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids into task messages and task log lines, task metrics (connects Celery signals).
import config.celery_observability  # noqa: E402, F401
