"""The one fan-out point after an order's transition commits.

`order_transition` schedules `order_event_committed` with `transaction.on_commit`, so nothing
here runs for a transaction that rolled back. Each consumer of order events is called
explicitly below (no signals): who reacts to a status change is readable in one place. Each call
is guarded: the order has already changed, and one failing consumer must not starve the others
or fail the request that made the change.
"""

import logging

from django.utils import timezone

from orders.live_updates import order_updated_broadcast
from orders.models import OrderEvent, OrderStatus
from orders.services.notify_hooks import order_event_notify

logger = logging.getLogger(__name__)


def order_event_committed(*, event_id) -> None:
    logger.info("order event %s committed", event_id)
    event = (
        OrderEvent.objects.filter(pk=event_id)
        .values("order_id", "order__restaurant_id", "to_status")
        .first()
    )
    if event is None:
        return
    order_id, to_status = event["order_id"], event["to_status"]
    order_event_notify(event_id=event_id)
    order_updated_broadcast(
        order_id=order_id,
        restaurant_id=event["order__restaurant_id"],
        event_id=event_id,
        to_status=to_status,
    )
    if to_status == OrderStatus.ACCEPTED:
        _start_dispatch(order_id)
    elif to_status == OrderStatus.CANCELLED:
        _cancel_delivery(order_id)


def _start_dispatch(order_id) -> None:
    from orders.tasks import delivery_dispatch_task

    try:
        delivery_dispatch_task.delay(order_id=order_id)
    except Exception:  # the redispatch sweep picks up orders left without one
        logger.exception("enqueueing dispatch of order %s", order_id)


def _cancel_delivery(order_id) -> None:
    from orders.services.dispatch import delivery_cancel

    try:
        delivery_cancel(order_id=order_id, now=timezone.now())
    except Exception:
        logger.exception("cancelling the delivery of order %s", order_id)
