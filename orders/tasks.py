"""Celery entry points of the orders app: thin, keyword-only, safe to run twice.

Dispatch tasks go to the `dispatch` queue (CELERY_TASK_ROUTES in settings), so a backlog of
notifications never delays finding a driver.
"""

from celery import shared_task
from django.utils import timezone

from orders.services.dispatch import (
    deliveries_redispatch_due,
    delivery_dispatch,
    delivery_offers_expire,
)


@shared_task(name="orders.delivery_dispatch", ignore_result=True)
def delivery_dispatch_task(*, order_id) -> None:
    delivery_dispatch(order_id=order_id, now=timezone.now())


@shared_task(name="orders.delivery_offers_expire", ignore_result=True)
def delivery_offers_expire_task() -> int:
    return delivery_offers_expire(now=timezone.now())


@shared_task(name="orders.deliveries_redispatch_due", ignore_result=True)
def deliveries_redispatch_due_task() -> int:
    return deliveries_redispatch_due(now=timezone.now())
