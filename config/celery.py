"""The Celery app and the base of every task.

Without CELERY_BROKER_URL tasks run eagerly in-process (settings), so `make run` needs no broker.
With one, tasks are acknowledged late (a worker that dies mid-task leaves its message to be
delivered again), retried with exponential back-off and jitter on transient failures, and a task
that exhausts its retries is recorded as a FailedTask that staff can retry from the admin.
"""

import os

from celery import Celery, Task
from django.db.utils import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class BaseTask(Task):
    # Failures that usually pass by themselves: the database or the network blinked.
    autoretry_for = (ConnectionError, TimeoutError, OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 6
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from orders.services.background import failed_task_record

        failed_task_record(
            task_name=self.name,
            task_id=task_id,
            args=list(args or []),
            kwargs=dict(kwargs or {}),
            exception=f"{type(exc).__name__}: {exc}",
            traceback=str(einfo),
        )


app = Celery("food_delivery", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids into task messages and task log lines, task metrics (connects Celery signals).
import config.celery_observability  # noqa: E402, F401
