"""Celery entry points of driver dispatch, on the `dispatch` queue so a backlog of notifications
never delays finding a driver. Thin, keyword-only, safe to run twice.

Tasks import the service they run inside their body (the project's rule: callers import tasks
at module level, so tasks never import their callers at load). `**_` takes arguments a newer
caller may add, so a worker of the previous release does not fail on them during a deploy.
"""

from celery import shared_task
from django.utils import timezone


@shared_task(name="delivery.dispatch", ignore_result=True)
def delivery_dispatch_task(*, order_id, **_) -> None:
    from delivery.services.dispatch import delivery_dispatch

    delivery_dispatch(order_id=order_id, now=timezone.now())


@shared_task(name="delivery.cancel", ignore_result=True)
def delivery_cancel_task(*, order_id, **_) -> None:
    from delivery.services.dispatch import delivery_cancel

    delivery_cancel(order_id=order_id, now=timezone.now())


@shared_task(name="delivery.offers_expire", ignore_result=True)
def delivery_offers_expire_task(**_) -> int:
    from delivery.services.dispatch import delivery_offers_expire

    return delivery_offers_expire(now=timezone.now())


@shared_task(name="delivery.redispatch_due", ignore_result=True)
def deliveries_redispatch_due_task(**_) -> int:
    from delivery.services.dispatch import deliveries_redispatch_due

    return deliveries_redispatch_due(now=timezone.now())
