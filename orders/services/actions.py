"""What the restaurant and the customer do to an order: accept, reject, mark ready, cancel.

Each goes through `order_transition` (lock, check, event, fan-out). Money follows the move: the
card is captured inside the acceptance (a failed capture leaves the order PLACED), and the
authorisation is voided, or the captured amount refunded, after a rejection or cancellation
commits.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction

from accounts.models import User
from orders.errors import ValidationFailed
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition

logger = logging.getLogger(__name__)

PREPARATION_MINUTES_MIN, PREPARATION_MINUTES_MAX = 5, 180
REASON_MAX_LENGTH = 500
# Statuses in which the card has been captured (acceptance captures it).
CAPTURED_STATUSES = frozenset(
    {OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP, OrderStatus.PICKED_UP}
)


def order_accept(*, order_id, actor: User, preparation_minutes: int, now: datetime) -> Order:
    if not PREPARATION_MINUTES_MIN <= preparation_minutes <= PREPARATION_MINUTES_MAX:
        raise ValidationFailed(
            f"Preparation takes {PREPARATION_MINUTES_MIN} to {PREPARATION_MINUTES_MAX} minutes.",
            field="preparationMinutes",
        )

    def accept(order: Order) -> None:
        from payments.services import payment_capture

        order.preparation_minutes = preparation_minutes
        order.estimated_delivery_at = now + timedelta(
            minutes=preparation_minutes + _travel_minutes(order)
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
    reason = _reason(reason)
    with transaction.atomic():
        order = order_transition(
            order_id=order_id, to_status=OrderStatus.REJECTED, actor=actor, now=now, reason=reason
        )
        transaction.on_commit(partial(_release, order_id=order.pk, now=now), robust=True)
    return order


def order_mark_ready(*, order_id, actor: User, now: datetime) -> Order:
    return order_transition(
        order_id=order_id, to_status=OrderStatus.READY_FOR_PICKUP, actor=actor, now=now
    )


def order_cancel(*, order_id, actor: User | None, reason: str, now: datetime) -> Order:
    """The customer may cancel until the restaurant accepts; staff and admins later too (the
    transition table says who may when). A captured card is refunded in full."""
    reason = _reason(reason)
    moved_from: list[str] = []
    with transaction.atomic():
        order = order_transition(
            order_id=order_id,
            to_status=OrderStatus.CANCELLED,
            actor=actor,
            now=now,
            reason=reason,
            # Runs with the row locked: the status it sees is the one the order leaves.
            apply=lambda locked: moved_from.append(locked.status),
        )
        if moved_from[0] in CAPTURED_STATUSES:
            callback = partial(_refund, order_id=order.pk, actor=actor, reason=reason, now=now)
        else:
            callback = partial(_release, order_id=order.pk, now=now)
        transaction.on_commit(callback, robust=True)
    return order


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            f"A reason has at most {REASON_MAX_LENGTH} characters.", field="reason"
        )
    return reason


def _travel_minutes(order: Order) -> int:
    from restaurants.selectors import delivery_estimate_minutes

    return delivery_estimate_minutes(
        order.restaurant, order.delivery_latitude, order.delivery_longitude
    )


def _release(*, order_id, now: datetime) -> None:
    from payments.tasks import payment_release_task

    payment_release_task.delay(order_id=str(order_id))


def _refund(*, order_id, actor: User | None, reason: str, now: datetime) -> None:
    from payments.tasks import payment_refund_task

    payment_refund_task.delay(
        order_id=str(order_id),
        reason=reason,
        actor_id=str(actor.pk) if actor else None,
        # One refund per cancellation, however often the task runs.
        idempotency_key=f"cancel-refund-{order_id}",
    )
