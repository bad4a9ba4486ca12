"""The restaurant accepts an order: the card is charged, and only then is the order ACCEPTED.

No lock is held while Stripe is asked. The order first moves PLACED -> ACCEPTING (a short
transaction: from then on nobody can reject or cancel it), then the capture is asked for, then
the outcome settles the order: captured -> ACCEPTED with the preparation time and the delivery
estimate; refused -> PLACED again (the restaurant may try again or reject); unknown (Stripe did
not answer in time) -> the order stays ACCEPTING and the caller is told so. An unknown outcome
is never taken for a failure: `orders_acceptances_resume` asks Stripe again (the capture is
idempotent), and a Stripe event saying the money was taken finishes the acceptance too.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import User
from core.errors import DomainError, ValidationFailed
from orders.models import Order, OrderEvent, OrderStatus
from orders.services.lifecycle import order_transition
from orders.services.timing import order_estimated_delivery_at
from payments.errors import PaymentCaptureFailed, PaymentUnavailable
from payments.services import payment_capture

PREPARATION_MINUTES_MIN, PREPARATION_MINUTES_MAX = 5, 180


@dataclass(frozen=True)
class Acceptance:
    order: Order
    # Why the order is not ACCEPTED yet (the charge is being confirmed), for the caller.
    notices: list[DomainError] = field(default_factory=list)


def order_accept(*, order_id, actor: User, preparation_minutes: int, now: datetime) -> Acceptance:
    if not PREPARATION_MINUTES_MIN <= preparation_minutes <= PREPARATION_MINUTES_MAX:
        raise ValidationFailed(
            f"Preparation takes {PREPARATION_MINUTES_MIN} to {PREPARATION_MINUTES_MAX} minutes.",
            field="preparationMinutes",
        )
    order_transition(
        order_id=order_id,
        to_status=OrderStatus.ACCEPTING,
        actor=actor,
        now=now,
        data={"preparationMinutes": preparation_minutes},
    )
    return _charge_and_settle(order_id=order_id, actor=actor, now=now)


def _charge_and_settle(*, order_id, actor: User | None, now: datetime) -> Acceptance:
    try:
        payment_capture(order_id=order_id, now=now)
    except PaymentUnavailable as error:
        return Acceptance(order=Order.objects.get(pk=order_id), notices=[error])
    except PaymentCaptureFailed as error:
        order_transition(
            order_id=order_id,
            to_status=OrderStatus.PLACED,
            actor=actor,
            now=now,
            reason=error.message,
            only_from={OrderStatus.ACCEPTING},
        )
        raise
    return Acceptance(order=order_acceptance_complete(order_id=order_id, actor=actor, now=now))


def order_acceptance_complete(*, order_id, actor: User | None, now: datetime) -> Order:
    """The capture is confirmed: ACCEPTED, with the preparation time the restaurant gave.
    Repeats (a late Stripe event, the resume sweep) change nothing."""
    preparation_minutes = _preparation_minutes_asked(order_id)

    def accept(order: Order) -> None:
        order.preparation_minutes = preparation_minutes
        order.estimated_delivery_at = order_estimated_delivery_at(
            order, preparation_minutes=preparation_minutes, now=now
        )

    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.ACCEPTED,
        actor=actor,
        now=now,
        data={"preparationMinutes": preparation_minutes},
        apply=accept,
        only_from={OrderStatus.ACCEPTING},
    )


def _preparation_minutes_asked(order_id) -> int:
    event = (
        OrderEvent.objects.filter(order_id=order_id, to_status=OrderStatus.ACCEPTING)
        .order_by("-created_at")
        .values_list("data", flat=True)
        .first()
    )
    return int((event or {}).get("preparationMinutes") or PREPARATION_MINUTES_MIN)


def orders_acceptances_resume(*, now: datetime) -> int:
    """Orders left ACCEPTING (Stripe did not answer, or the process died): ask again."""
    stuck_before = now - timedelta(seconds=2 * settings.STRIPE_REQUEST_BUDGET_SECONDS)
    resumed = 0
    for order_id in Order.objects.filter(
        status=OrderStatus.ACCEPTING, status_changed_at__lt=stuck_before
    ).values_list("pk", flat=True):
        try:
            acceptance = _charge_and_settle(order_id=order_id, actor=None, now=now)
        except PaymentCaptureFailed:
            resumed += 1  # back to PLACED: the restaurant decides again
            continue
        resumed += acceptance.order.status != OrderStatus.ACCEPTING
    return resumed
