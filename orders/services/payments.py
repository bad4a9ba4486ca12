"""The order's side of its money: orders drives payments and follows what they become.

payments knows orders only by foreign key and never moves one; every flow that needs both
(authorising at checkout, the customer's 3-D Secure confirmation, a Stripe event, the periodic
reconciliation, a refund asked for by staff) lives here. After a payment changes,
`order_follow_payment` moves the order to match. It is derived from the payment's state alone,
so calling it again, late or twice, changes nothing.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from accounts.models import User
from core.outbox import outbox_publish
from orders.errors import OrderNotFound
from orders.models import Order, OrderStatus
from orders.services.acceptance import order_acceptance_complete
from orders.services.lifecycle import (
    order_payment_authorized,
    order_payment_failed,
    order_payment_voided,
)
from orders.transitions import CARD_CAPTURED_STATUSES
from payments.errors import PaymentUnavailable
from payments.models import Payment, PaymentStatus, Refund
from payments.services import (
    PaymentResult,
    payment_authorize,
    payment_capture,
    payment_confirm,
    payment_for_order,
    payment_refund,
    payment_release,
    payments_abandoned_settle,
    payments_authorized_before,
    payments_holding_money,
    payments_reconcile,
    stripe_event_payment,
    stripe_event_process,
    stripe_events_unprocessed,
)
from restaurants.selectors import user_is_restaurant_owner

logger = logging.getLogger(__name__)
P = PaymentStatus
CLOSED_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.PAYMENT_FAILED)
# Outbox topic: a closed order's payment holds money (payload: order_id); it is given back.
MONEY_TO_RETURN = "orders.money_to_return"
# A stored Stripe event is left to its own task this long before reconciliation steps in.
STRIPE_EVENT_GRACE = timedelta(minutes=5)


def order_follow_payment(*, order_id, now: datetime) -> Order:
    """Move the order to where its latest payment says it is (forward only). A closed order
    whose card turns out charged (a capture learnt of late) gives the money back."""
    payment = Payment.objects.filter(order_id=order_id).order_by("-created_at").first()
    if payment is None:
        return Order.objects.get(pk=order_id)
    if payment.status == P.CAPTURED:
        status = Order.objects.values_list("status", flat=True).get(pk=order_id)
        if status == OrderStatus.ACCEPTING:
            return order_acceptance_complete(order_id=order_id, actor=None, now=now)
        if status in CLOSED_STATUSES:
            outbox_publish(topic=MONEY_TO_RETURN, payload={"order_id": str(order_id)})
            return Order.objects.get(pk=order_id)
    if payment.status in (P.AUTHORIZED, P.CAPTURED):
        return order_payment_authorized(
            order_id=order_id, now=now, data={"paymentId": str(payment.pk)}
        )
    if payment.status == P.FAILED:
        return order_payment_failed(
            order_id=order_id,
            reason=payment.last_error_message or "The card was declined.",
            now=now,
        )
    if payment.status == P.CANCELED:
        return order_payment_voided(
            order_id=order_id, reason="The card authorisation was released.", now=now
        )
    return Order.objects.get(pk=order_id)


def order_payment_authorize(*, order_id, payment_id, now: datetime) -> PaymentResult:
    """Ask Stripe to hold the order's total, then move the order with the outcome. Stripe out of
    reach is an outcome (UNKNOWN: reconciliation finds out), not an exception."""
    try:
        result = payment_authorize(payment_id=payment_id, now=now)
    except PaymentUnavailable as error:
        return PaymentResult.unavailable(error.message)
    order_follow_payment(order_id=order_id, now=now)
    return result


def order_payment_confirm(*, order_id, actor: User, now: datetime) -> PaymentResult:
    """After the customer's own card authentication (3-D Secure): re-read, settle, follow."""
    if not Order.objects.filter(pk=order_id, customer_id=actor.pk).exists():
        raise OrderNotFound()
    payment = payment_for_order(order_id=order_id)
    result = payment_confirm(payment_id=payment.pk, now=now)
    order_follow_payment(order_id=order_id, now=now)
    return result


def order_stripe_event_apply(*, event_id, now: datetime) -> None:
    """A stored Stripe event: payments settles what it says, then its order follows. Running
    it again (a redelivered task) re-derives the order's move and changes nothing."""
    event = stripe_event_process(event_id=event_id, now=now)
    payment = stripe_event_payment(event)
    if payment is not None:
        order_follow_payment(order_id=payment.order_id, now=now)


def orders_payments_reconcile(*, now: datetime) -> dict[str, int]:
    """Re-read stuck payments (their orders follow), and settle ageing authorisations.

    Stripe holds an authorisation about 7 days. One still uncaptured after
    PAYMENT_AUTHORIZATION_MAX_AGE_HOURS is captured if its order was accepted (the capture was
    lost), and released otherwise, which cancels the order.
    """
    reconciled = payments_reconcile(now=now)
    abandoned = payments_abandoned_settle(now=now)
    for order_id in [*reconciled.order_ids, *abandoned]:
        order_follow_payment(order_id=order_id, now=now)
    counts = {"synced": reconciled.synced, "refunds_sent": reconciled.refunds_sent}
    counts["abandoned"] = len(abandoned)
    # Stripe events whose processing was lost or gave up: processed again (idempotent).
    counts["events"] = 0
    for event_id in stripe_events_unprocessed(received_before=now - STRIPE_EVENT_GRACE):
        try:
            order_stripe_event_apply(event_id=event_id, now=now)
            counts["events"] += 1
        except Exception:  # recorded on the event; the next round tries again
            logger.exception("reconcile: Stripe event %s still failing", event_id)
    counts.update(captured=0, released=0, returned=0)
    # Closed orders still holding money (a capture learnt of late, a lost release): give back.
    for order_id in payments_holding_money(
        order_ids=Order.objects.filter(status__in=CLOSED_STATUSES).values("pk")
    ):
        outbox_publish(topic=MONEY_TO_RETURN, payload={"order_id": str(order_id)})
        counts["returned"] += 1
    cutoff = now - timedelta(hours=settings.PAYMENT_AUTHORIZATION_MAX_AGE_HOURS)
    for payment in payments_authorized_before(cutoff=cutoff):
        try:
            status = Order.objects.values_list("status", flat=True).get(pk=payment.order_id)
            if status in CARD_CAPTURED_STATUSES:
                with transaction.atomic():
                    payment_capture(order_id=payment.order_id, now=now)
                counts["captured"] += 1
            else:
                payment_release(order_id=payment.order_id, now=now)
                order_follow_payment(order_id=payment.order_id, now=now)
                counts["released"] += 1
        except Exception:  # one bad payment must not stop the others; each is logged
            logger.exception("reconcile: ageing authorisation of payment %s", payment.pk)
    return counts


def order_refund(
    *,
    order_id,
    actor: User,
    amount: int | None,
    reason: str,
    idempotency_key: str,
    now: datetime,
) -> Refund:
    """`refundOrder`: admins and the restaurant's owners and managers only. One key, one
    refund: a client retrying a refund whose answer it lost gets the first one back."""
    restaurant_id = (
        Order.objects.filter(pk=order_id).values_list("restaurant_id", flat=True).first()
    )
    if restaurant_id is None or not user_is_restaurant_owner(actor, restaurant_id):
        raise OrderNotFound()
    return payment_refund(
        order_id=order_id,
        amount=amount,
        reason=reason,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
    )
