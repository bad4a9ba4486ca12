"""The assigned driver's steps: picking the food up and handing it over.

Both are order transitions (`order_transition` checks the driver is the one assigned and that
the order is in the right status); the Delivery row moves in step inside the same transaction.
"""

from datetime import datetime

from accounts.models import User
from delivery.models import Delivery, DeliveryStatus
from orders.errors import InvalidTransition
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition


def _advance_delivery(*, order: Order, expected: str, to: str, stamp: str, now: datetime) -> None:
    delivery = Delivery.objects.select_for_update().filter(order_id=order.pk).first()
    if delivery is None or delivery.driver_id is None or delivery.status != expected:
        raise InvalidTransition("No driver has taken this delivery yet.")
    delivery.status = to
    setattr(delivery, stamp, now)
    delivery.save(update_fields=["status", stamp])


def delivery_mark_picked_up(*, order_id, driver: User, now: datetime) -> Order:
    """The driver has the food. Only once the restaurant has marked it ready."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.PICKED_UP,
        actor=driver,
        now=now,
        apply=lambda order: _advance_delivery(
            order=order,
            expected=DeliveryStatus.ASSIGNED,
            to=DeliveryStatus.PICKED_UP,
            stamp="picked_up_at",
            now=now,
        ),
    )


def delivery_mark_delivered(*, order_id, driver: User, now: datetime) -> Order:
    """The customer has the food; the driver is free for the next delivery."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.DELIVERED,
        actor=driver,
        now=now,
        apply=lambda order: _advance_delivery(
            order=order,
            expected=DeliveryStatus.PICKED_UP,
            to=DeliveryStatus.DELIVERED,
            stamp="delivered_at",
            now=now,
        ),
    )
