"""Every change of an order's status goes through `order_transition`.

Each move writes one OrderEvent (the history and the analytics record) and, in the same
transaction, an outbox message: who reacts to it (notifications, live updates, dispatch, money)
is the list in `reactions`, relayed after commit and never lost to a broker outage.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from accounts.models import User
from core.outbox import outbox_publish
from orders import transitions
from orders.errors import OrderNotFound
from orders.models import ActorRole, Order, OrderEvent, OrderStatus
from orders.selectors import ROLE_PRECEDENCE, actor_roles_for_order
from promotions.services import promo_release

# Outbox topic: an order changed status (payload: the OrderEvent's id).
ORDER_EVENT_RECORDED = "orders.event_recorded"


# An order that ends here never went ahead: its promo code's use is given back with the move.
PROMO_GIVEN_BACK = frozenset(
    {OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.PAYMENT_FAILED}
)


def order_transition(
    *,
    order_id,
    to_status: str,
    actor: User | None,
    now: datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
    apply: Callable[[Order], None] | None = None,
    only_from: Iterable[str] | None = None,
) -> Order:
    """Move an order to `to_status` on behalf of `actor` (`None`: the system).

    Locks the order row so two concurrent moves are serialised and exactly one wins. `apply`
    runs inside the transaction with the row locked, after the move is known to be allowed (to
    capture a payment or set preparation minutes); if it raises, nothing changes. With
    `only_from`, an order in any other status is returned unchanged: callers that may repeat
    (webhooks, time-outs) use it so that a late or duplicate call never moves an order backwards.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise OrderNotFound()
        roles = actor_roles_for_order(order, actor)
        if not roles:
            raise OrderNotFound()
        if only_from is not None and order.status not in set(only_from):
            return order
        transitions.ensure_allowed(order, to=to_status, roles=roles)
        if apply is not None:
            apply(order)
        from_status = order.status
        order.status = to_status
        order.status_changed_at = now
        order.last_event_sequence += 1
        stamp = transitions.TIMESTAMP_FIELD.get(to_status)
        if stamp and getattr(order, stamp) is None:  # back to PLACED keeps the first placed_at
            setattr(order, stamp, now)
        order.save()
        if to_status in PROMO_GIVEN_BACK:
            promo_release(order_id=order.pk, now=now)
        allowed = transitions.ALLOWED[(from_status, to_status)]
        event = OrderEvent.objects.create(
            order=order,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            actor_role=next(r for r in ROLE_PRECEDENCE if r in roles and r in allowed),
            reason=reason[:500],
            data=data or {},
            created_at=now,
            sequence=order.last_event_sequence,
        )
        outbox_publish(topic=ORDER_EVENT_RECORDED, payload={"event_id": str(event.pk)})
    return order


def order_payment_authorized(*, order_id, now: datetime, data: dict | None = None) -> Order:
    """The card is authorised: the order is placed. Repeats and late calls change nothing."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.PLACED,
        actor=None,
        now=now,
        reason="Payment authorised",
        data=data,
        only_from={OrderStatus.PENDING_PAYMENT},
    )


def order_payment_failed(*, order_id, reason: str, now: datetime) -> Order:
    """The card was declined (or the authorisation failed): the order ends."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.PAYMENT_FAILED,
        actor=None,
        now=now,
        reason=reason,
        only_from={OrderStatus.PENDING_PAYMENT},
    )


def order_payment_voided(*, order_id, reason: str, now: datetime) -> Order:
    """Stripe cancelled or expired the authorisation before the restaurant accepted."""
    with transaction.atomic():
        # Lock before choosing the target, so a concurrent authorisation cannot slip between.
        status = (
            Order.objects.select_for_update()
            .filter(pk=order_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is None:
            raise OrderNotFound()
        target = (
            OrderStatus.PAYMENT_FAILED
            if status == OrderStatus.PENDING_PAYMENT
            else OrderStatus.CANCELLED
        )
        return order_transition(
            order_id=order_id,
            to_status=target,
            actor=None,
            now=now,
            reason=reason,
            only_from={OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED, OrderStatus.ACCEPTING},
        )


def order_initial_event(*, order: Order, actor: User, now: datetime) -> OrderEvent:
    """The first line of an order's history, written by checkout when the order is created."""
    Order.objects.filter(pk=order.pk).update(last_event_sequence=1)
    order.last_event_sequence = 1
    return OrderEvent.objects.create(
        sequence=1,
        order=order,
        from_status="",
        to_status=order.status,
        actor=actor,
        actor_role=ActorRole.CUSTOMER,
        reason="Order created",
        created_at=now,
    )
