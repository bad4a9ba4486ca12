"""What each notification says. Texts live here, not in the code that decides who hears what."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from notifications.models import NotificationKind
from orders.models import Order, OrderStatus


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str


def for_customer(order: Order, to_status: str, reason: str = "") -> Message | None:
    number = order.number
    restaurant = order.restaurant.name
    if to_status == OrderStatus.ACCEPTED:
        eta = ""
        if order.estimated_delivery_at:
            local = order.estimated_delivery_at.astimezone(ZoneInfo(order.restaurant.time_zone))
            if order.pickup_code:
                eta = f" Collect it around {local:%a %d %b %H:%M}."
            elif order.scheduled_for:
                eta = f" It should be with you around {local:%a %d %b %H:%M}."
            else:
                eta = f" It should be with you around {local:%H:%M}."
        return Message(
            NotificationKind.ORDER_ACCEPTED,
            "Your order was accepted",
            f"{restaurant} is preparing order {number}.{eta}",
        )
    texts = {
        OrderStatus.READY_FOR_PICKUP: (
            NotificationKind.ORDER_READY,
            "Your food is ready",
            f"Order {number} is ready and waits for its driver.",
        ),
        OrderStatus.PICKED_UP: (
            NotificationKind.ORDER_PICKED_UP,
            "Your order is on its way",
            f"The driver has picked up order {number}.",
        ),
        OrderStatus.READY_FOR_COLLECTION: (
            NotificationKind.ORDER_READY_TO_COLLECT,
            "Your food is ready to collect",
            f"Order {number} waits for you at {restaurant}. "
            f"Show the code {order.pickup_code} at the counter.",
        ),
        OrderStatus.COLLECTED: (
            NotificationKind.ORDER_COLLECTED,
            "Collected. Enjoy!",
            f"You collected order {number} at {restaurant}.",
        ),
        OrderStatus.DELIVERED: (
            NotificationKind.ORDER_DELIVERED,
            "Delivered. Enjoy!",
            f"Order {number} was delivered.",
        ),
        OrderStatus.CANCELLED: (
            NotificationKind.ORDER_CANCELLED,
            "Your order was cancelled",
            f"Order {number} was cancelled. {reason}".strip(),
        ),
        OrderStatus.REJECTED: (
            NotificationKind.ORDER_REJECTED,
            "The restaurant could not take your order",
            f"{restaurant} rejected order {number}. {reason}".strip(),
        ),
        OrderStatus.PAYMENT_FAILED: (
            NotificationKind.ORDER_PAYMENT_FAILED,
            "The payment did not go through",
            f"Order {number} was not placed: {reason}".strip(),
        ),
    }
    if to_status not in texts:
        return None
    return Message(*texts[to_status])


def for_restaurant_new_order(order: Order) -> Message:
    what = "pickup order" if order.pickup_code else "order"
    when = ""
    if order.scheduled_for is not None:
        zone = ZoneInfo(order.restaurant.time_zone)
        slot = order.scheduled_for.astimezone(zone)
        accept_by = order.accept_by.astimezone(zone)
        when = f" for {slot:%a %d %b %H:%M}; accept it by {accept_by:%a %d %b %H:%M}"
    return Message(
        NotificationKind.ORDER_PLACED,
        f"New {what} {order.number}",
        f"A paid {what} of {order.total / 100:.2f} {order.currency}{when} is waiting to be "
        "accepted.",
    )


def accept_reminder(order: Order) -> Message:
    zone = ZoneInfo(order.restaurant.time_zone)
    return Message(
        NotificationKind.ORDER_ACCEPT_REMINDER,
        f"Accept scheduled order {order.number}",
        f"Order {order.number} for {order.scheduled_for.astimezone(zone):%a %d %b %H:%M} is "
        f"cancelled unless accepted by {order.accept_by.astimezone(zone):%H:%M}.",
    )


def refunded(order: Order, amount: int, currency: str) -> Message:
    return Message(
        NotificationKind.ORDER_REFUNDED,
        "You were refunded",
        f"{amount / 100:.2f} {currency} of order {order.number} is on its way back to your card.",
    )


def delivery_offered(order: Order) -> Message:
    return Message(
        NotificationKind.DELIVERY_OFFERED,
        "New delivery offer",
        f"Pick up order {order.number} at {order.restaurant.name}. Accept it before it expires.",
    )


def delivery_waiting(order: Order) -> Message:
    return Message(
        NotificationKind.DELIVERY_WAITING,
        "An order waits for a driver",
        f"Order {order.number} of {order.restaurant.name} has found no driver yet.",
    )
