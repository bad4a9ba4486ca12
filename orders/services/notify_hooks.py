"""Enqueue notification tasks from services, after their transaction commits.

Imported lazily: orders.tasks imports the services, so the services cannot import it at load.
"""

import logging

logger = logging.getLogger(__name__)


def _enqueue(task_name: str, **kwargs) -> None:
    from orders import tasks

    try:
        getattr(tasks, task_name).delay(**{key: str(value) for key, value in kwargs.items()})
    except Exception:  # a lost notification must never fail the move that caused it
        logger.exception("enqueueing %s %s", task_name, kwargs)


def delivery_offer_notify(*, offer_id) -> None:
    _enqueue("notify_delivery_offer_task", offer_id=offer_id)


def delivery_waiting_notify(*, delivery_id) -> None:
    _enqueue("notify_delivery_waiting_task", delivery_id=delivery_id)


def order_event_notify(*, event_id) -> None:
    _enqueue("notify_order_event_task", event_id=event_id)


def order_refund_notify(*, refund_id) -> None:
    _enqueue("notify_order_refund_task", refund_id=refund_id)
