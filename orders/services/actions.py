"""What the restaurant and the customer do to an order: reject, mark ready, cancel (accepting,
which charges the card, is `orders.services.acceptance`).

Each goes through `order_transition` (lock, check, event, outbox). Money follows the move: after
a rejection or cancellation the reaction to the order's event (`reactions`) gives back whatever
the payments hold (a hold is released, a capture refunded), so a broker outage at commit delays
it, never loses it.
"""

import logging
from datetime import datetime

from accounts.models import User
from core.errors import ValidationFailed
from orders.errors import PickupCodeWrong
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition
from orders.transitions import READY_STATUS

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


def order_reject(*, order_id, actor: User, reason: str, now: datetime) -> Order:
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.REJECTED,
        actor=actor,
        now=now,
        reason=_reason(reason),
    )


def order_mark_ready(*, order_id, actor: User, now: datetime) -> Order:
    """Ready for the driver (a delivery) or at the counter (a pickup)."""
    fulfilment = Order.objects.filter(pk=order_id).values_list("fulfilment", flat=True).first()
    return order_transition(
        order_id=order_id,
        to_status=READY_STATUS.get(fulfilment, OrderStatus.READY_FOR_PICKUP),
        actor=actor,
        now=now,
    )


def order_mark_collected(*, order_id, actor: User, pickup_code: str, now: datetime) -> Order:
    """The customer has the food: staff check the code the customer shows them."""

    def code_matches(order: Order) -> None:  # a delivery order is refused before: no such move
        if (pickup_code or "").strip() != order.pickup_code:
            raise PickupCodeWrong(field="pickupCode")

    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.COLLECTED,
        actor=actor,
        now=now,
        apply=code_matches,
    )


def order_cancel(*, order_id, actor: User | None, reason: str, now: datetime) -> Order:
    """The customer may cancel until the restaurant accepts; staff and admins later too (the
    transition table says who may when). A captured card is refunded in full (the reaction to
    the event, which knows the status the order left)."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.CANCELLED,
        actor=actor,
        now=now,
        reason=_reason(reason),
    )


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            f"A reason has at most {REASON_MAX_LENGTH} characters.", field="reason"
        )
    return reason
