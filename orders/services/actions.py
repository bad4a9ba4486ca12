"""What the restaurant and the customer do to an order: accept, reject, mark ready, cancel.

Each goes through `order_transition` (lock, check, event, outbox). Money follows the move: the
card is captured inside the acceptance (a failed capture leaves the order PLACED); after a
rejection or cancellation the authorisation is voided, or the captured amount refunded, by the
reaction to the order's event (`reactions`), so a broker outage at commit delays it, never
loses it.
"""

import logging
from datetime import datetime

from accounts.models import User
from core.errors import ValidationFailed
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition
from orders.services.timing import order_estimated_delivery_at
from payments.services import payment_capture

logger = logging.getLogger(__name__)

PREPARATION_MINUTES_MIN, PREPARATION_MINUTES_MAX = 5, 180
REASON_MAX_LENGTH = 500


def order_accept(*, order_id, actor: User, preparation_minutes: int, now: datetime) -> Order:
    if not PREPARATION_MINUTES_MIN <= preparation_minutes <= PREPARATION_MINUTES_MAX:
        raise ValidationFailed(
            f"Preparation takes {PREPARATION_MINUTES_MIN} to {PREPARATION_MINUTES_MAX} minutes.",
            field="preparationMinutes",
        )

    def accept(order: Order) -> None:
        order.preparation_minutes = preparation_minutes
        order.estimated_delivery_at = order_estimated_delivery_at(
            order, preparation_minutes=preparation_minutes, now=now
        )
        payment_capture(order_id=order.pk, now=now)

    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.ACCEPTED,
        actor=actor,
        now=now,
        data={"preparationMinutes": preparation_minutes},
        apply=accept,
    )


def order_reject(*, order_id, actor: User, reason: str, now: datetime) -> Order:
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.REJECTED,
        actor=actor,
        now=now,
        reason=_reason(reason),
    )


def order_mark_ready(*, order_id, actor: User, now: datetime) -> Order:
    return order_transition(
        order_id=order_id, to_status=OrderStatus.READY_FOR_PICKUP, actor=actor, now=now
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
