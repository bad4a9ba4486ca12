"""When an order should arrive: the catalogue's one estimate applied to this order."""

from datetime import datetime, timedelta

from orders.models import Order
from restaurants.selectors import delivery_eta_minutes_to


def order_estimated_delivery_at(
    order: Order, *, preparation_minutes: int, now: datetime
) -> datetime:
    """When a delivery arrives, or a pickup order is ready at the counter; a scheduled order
    keeps its slot (unless the kitchen cannot make it by then)."""
    if order.delivery_latitude is None:  # a pickup
        minutes = preparation_minutes
    else:
        minutes = delivery_eta_minutes_to(
            order.restaurant,
            order.delivery_latitude,
            order.delivery_longitude,
            preparation_minutes=preparation_minutes,
        )
    soonest = now + timedelta(minutes=minutes)
    if order.scheduled_for is not None:
        return max(order.scheduled_for, soonest)
    return soonest
