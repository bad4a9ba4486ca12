"""The base of every Celery task of the project (config/celery.py makes it the app's task class).

Tasks are acknowledged late (a worker that dies mid-task leaves its message to be delivered
again), retried with exponential back-off and jitter on failures that usually pass by
themselves, and a task that exhausts its retries is recorded as a FailedTask that staff can
retry from the admin.
"""

import logging

from celery import Task
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# The database, the network or the broker blinked. Tasks add their own to this, never replace it.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
)


class BaseTask(Task):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 6
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Imported here because config/celery.py builds the app (with this class) while Django
        # loads its settings, before any model can be imported.
        from core.failed_tasks import failed_task_record

        try:
            failed_task_record(
                task_name=self.name,
                task_id=task_id,
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                exception=f"{type(exc).__name__}: {exc}",
                traceback=str(einfo),
            )
        except Exception:  # the database may be what failed: the log line still tells staff
            logger.exception(
                "task %s (%s) failed for good and could not be recorded", self.name, task_id
            )
