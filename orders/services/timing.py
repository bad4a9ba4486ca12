"""When an order should arrive: the catalogue's one estimate applied to this order."""

from datetime import datetime, timedelta

from orders.models import Order
from restaurants.selectors import delivery_eta_minutes_to


def order_estimated_delivery_at(
    order: Order, *, preparation_minutes: int, now: datetime
) -> datetime:
    minutes = delivery_eta_minutes_to(
        order.restaurant,
        order.delivery_latitude,
        order.delivery_longitude,
        preparation_minutes=preparation_minutes,
    )
    return now + timedelta(minutes=minutes)
