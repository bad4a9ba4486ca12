"""Celery entry points of the orders app: thin, keyword-only, safe to run twice.

Dispatch tasks go to the `dispatch` queue (CELERY_TASK_ROUTES in settings), so a backlog of
notifications never delays finding a driver.
"""

from celery import shared_task
from django.utils import timezone

from orders.services import notifications
from orders.services.dispatch import (
    deliveries_redispatch_due,
    delivery_dispatch,
    delivery_offers_expire,
)
from orders.services.maintenance import orders_expire_unpaid


@shared_task(name="orders.delivery_dispatch", ignore_result=True)
def delivery_dispatch_task(*, order_id) -> None:
    delivery_dispatch(order_id=order_id, now=timezone.now())


@shared_task(name="orders.delivery_offers_expire", ignore_result=True)
def delivery_offers_expire_task() -> int:
    return delivery_offers_expire(now=timezone.now())


@shared_task(name="orders.deliveries_redispatch_due", ignore_result=True)
def deliveries_redispatch_due_task() -> int:
    return deliveries_redispatch_due(now=timezone.now())


@shared_task(name="orders.notify_order_event", ignore_result=True)
def notify_order_event_task(*, event_id) -> None:
    notifications.order_event_notify(event_id=event_id)


@shared_task(name="orders.notify_order_refund", ignore_result=True)
def notify_order_refund_task(*, refund_id) -> None:
    notifications.order_refund_notify(refund_id=refund_id)


@shared_task(name="orders.notify_delivery_offer", ignore_result=True)
def notify_delivery_offer_task(*, offer_id) -> None:
    notifications.delivery_offer_notify(offer_id=offer_id)


@shared_task(name="orders.notify_delivery_waiting", ignore_result=True)
def notify_delivery_waiting_task(*, delivery_id) -> None:
    notifications.delivery_waiting_notify(delivery_id=delivery_id)


@shared_task(name="orders.expire_unpaid", ignore_result=True)
def orders_expire_unpaid_task() -> int:
    return orders_expire_unpaid(now=timezone.now())
