"""Tasks that gave up: recorded for staff, and sent again on request."""

import logging
from datetime import datetime

from celery import current_app

from core.models import FailedTask

logger = logging.getLogger(__name__)


def failed_task_record(
    *, task_name: str, task_id: str, args: list, kwargs: dict, exception: str, traceback: str
) -> FailedTask:
    logger.error("task %s (%s) failed for good: %s", task_name, task_id, exception)
    failed, _ = FailedTask.objects.update_or_create(
        task_id=task_id,
        defaults={
            "task_name": task_name,
            "args": args,
            "kwargs": kwargs,
            "exception": exception[:5000],
            "traceback": traceback[:20000],
        },
    )
    return failed


def failed_task_retry(*, failed_task_id, now: datetime) -> FailedTask:
    """Enqueue the task again with its original arguments."""
    app = current_app
    failed = FailedTask.objects.get(pk=failed_task_id)
    task = app.tasks.get(failed.task_name)
    if task is not None:
        result = task.apply_async(args=failed.args, kwargs=failed.kwargs)
    else:  # not registered in this process: let a worker that knows it take it
        result = app.send_task(failed.task_name, args=failed.args, kwargs=failed.kwargs)
    failed.retried_at = now
    failed.retried_task_id = result.id or ""
    failed.save(update_fields=["retried_at", "retried_task_id"])
    return failed
