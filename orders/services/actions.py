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
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition

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
