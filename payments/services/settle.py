"""Recording what Stripe says about a PaymentIntent, forward only, and telling the order.

Statuses only move forward (CREATED/UNKNOWN < REQUIRES_ACTION < AUTHORIZED < CAPTURED;
CANCELED and FAILED end a payment), so a late, duplicated or out-of-order report never moves a
payment, or its order, backwards.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from orders.models import Order
from orders.services.lifecycle import (
    order_payment_authorized,
    order_payment_failed,
    order_payment_voided,
)
from payments import gateway
from payments.models import Payment, PaymentStatus

S = PaymentStatus
RANK = {
    S.CREATED: 0,
    S.UNKNOWN: 0,
    S.REQUIRES_ACTION: 1,
    S.AUTHORIZED: 2,
    S.CAPTURED: 3,
    S.CANCELED: 4,
    S.FAILED: 4,
}
TERMINAL = {S.CAPTURED, S.CANCELED, S.FAILED}
# Where each Stripe status puts our payment; "requires_payment_method" after a confirmation
# means the card was refused.
FROM_STRIPE = {
    "requires_payment_method": S.FAILED,
    "requires_confirmation": S.CREATED,
    "requires_action": S.REQUIRES_ACTION,
    "processing": S.UNKNOWN,
    "requires_capture": S.AUTHORIZED,
    "succeeded": S.CAPTURED,
    "canceled": S.CANCELED,
}


@dataclass(frozen=True)
class PaymentResult:
    status: str
    client_secret: str | None
    error_code: str | None
    message: str | None

    @classmethod
    def of(cls, payment: Payment) -> "PaymentResult":
        error_code = {
            S.REQUIRES_ACTION: "PAYMENT_ACTION_REQUIRED",
            S.FAILED: "PAYMENT_DECLINED",
            S.CANCELED: "PAYMENT_DECLINED",
            S.UNKNOWN: "PAYMENT_UNAVAILABLE",
        }.get(payment.status)
        return cls(
            status=payment.status,
            client_secret=payment.client_secret or None
            if payment.status == S.REQUIRES_ACTION
            else None,
            error_code=error_code,
            message=payment.last_error_message or None,
        )


def may_move(current: str, new: str) -> bool:
    if current == new or current in TERMINAL:
        return False
    # A captured payment can only be refunded, which is tracked by amount, not status.
    return RANK[new] > RANK[current] or (current == S.AUTHORIZED and new == S.CANCELED)


def payment_settle(*, payment_id, intent: gateway.Intent, now: datetime) -> Payment:
    """Apply what Stripe reports about the payment's intent, and move the order with it."""
    with transaction.atomic():
        # Order before payment: the same lock order as acceptOrder, which captures.
        order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
        Order.objects.select_for_update().filter(pk=order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        new_status = FROM_STRIPE.get(intent.status, S.UNKNOWN)
        payment.last_synced_at = now
        if intent.client_secret:
            payment.client_secret = intent.client_secret
        if not may_move(payment.status, new_status):
            payment.save(update_fields=["last_synced_at", "client_secret", "updated_at"])
            return payment
        _apply(payment, new_status, intent, now)
        payment.save()
        _tell_the_order(payment, now=now)
    return payment


def payment_fail(*, payment_id, code: str, message: str, now: datetime) -> Payment:
    """The card was refused at confirmation."""
    with transaction.atomic():
        order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
        Order.objects.select_for_update().filter(pk=order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if not may_move(payment.status, S.FAILED):
            return payment
        payment.status = S.FAILED
        payment.last_error_code, payment.last_error_message = code[:100], message
        payment.last_synced_at = now
        payment.save()
        _tell_the_order(payment, now=now)
    return payment


def _apply(payment: Payment, status: str, intent: gateway.Intent, now: datetime) -> None:
    payment.status = status
    if status == S.AUTHORIZED:
        payment.amount_authorized = intent.amount_capturable or intent.amount
        payment.authorized_at = now
    elif status == S.CAPTURED:
        payment.amount_authorized = max(payment.amount_authorized, intent.amount)
        payment.amount_captured = intent.amount_received or intent.amount
        payment.captured_at = now
    elif status == S.CANCELED:
        payment.canceled_at = now
    if status == S.FAILED or intent.error_message:
        payment.last_error_code = intent.error_code[:100]
        payment.last_error_message = intent.error_message or "The card was declined."


def _tell_the_order(payment: Payment, *, now: datetime) -> None:
    if payment.status == S.AUTHORIZED:
        order_payment_authorized(
            order_id=payment.order_id, now=now, data={"paymentId": str(payment.pk)}
        )
    elif payment.status == S.FAILED:
        order_payment_failed(
            order_id=payment.order_id,
            reason=payment.last_error_message or "The card was declined.",
            now=now,
        )
    elif payment.status == S.CANCELED:
        order_payment_voided(
            order_id=payment.order_id, reason="The card authorisation was released.", now=now
        )
