"""Recording what Stripe says about a PaymentIntent, forward only.

Statuses only move forward (CREATED/UNKNOWN < REQUIRES_ACTION < AUTHORIZED < CAPTURED;
CANCELED and FAILED end a payment), so a late, duplicated or out-of-order report never moves a
payment backwards. Payments knows orders only by foreign key: the order follows its payment
(`orders.services.payments.order_follow_payment`), never the other way round.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from payments import gateway
from payments.models import Payment, PaymentStatus

S = PaymentStatus
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


# What the customer must hear about a payment that is not (yet) authorised: the error code the
# apps switch on, and the message when Stripe gave none worth showing. The one home of this rule.
CUSTOMER_OUTCOME = {
    S.REQUIRES_ACTION: ("PAYMENT_ACTION_REQUIRED", "Confirm the payment with your bank."),
    S.FAILED: ("PAYMENT_DECLINED", "The card was declined."),
    S.CANCELED: ("PAYMENT_DECLINED", "The payment was cancelled."),
    S.UNKNOWN: (
        "PAYMENT_UNAVAILABLE",
        "The payment service is unreachable; the order is kept, try again with the same key.",
    ),
    S.CREATED: (
        "PAYMENT_UNAVAILABLE",
        "The payment could not be started; try again with the same key.",
    ),
}


@dataclass(frozen=True)
class PaymentResult:
    """Where a payment stands, for the customer: no error code once authorised or captured."""

    status: str
    client_secret: str | None
    error_code: str | None
    message: str | None

    @classmethod
    def of(cls, payment: Payment) -> "PaymentResult":
        error_code, message = CUSTOMER_OUTCOME.get(payment.status, (None, None))
        if payment.status in (S.FAILED, S.CANCELED) and payment.last_error_message:
            message = payment.last_error_message
        return cls(
            status=payment.status,
            client_secret=payment.client_secret or None
            if payment.status == S.REQUIRES_ACTION
            else None,
            error_code=error_code,
            message=message,
        )

    @classmethod
    def in_progress(cls, payment: Payment) -> "PaymentResult":
        """Another request is talking to Stripe about this payment right now."""
        error_code, _ = CUSTOMER_OUTCOME[S.UNKNOWN]
        return cls(
            status=payment.status,
            client_secret=None,
            error_code=error_code,
            message="The payment is still being processed; ask again in a moment with the same "
            "idempotency key.",
        )

    @classmethod
    def unavailable(cls, message: str | None = None) -> "PaymentResult":
        """Stripe could not be reached: the outcome is unknown, never a failure."""
        error_code, default = CUSTOMER_OUTCOME[S.UNKNOWN]
        return cls(
            status=S.UNKNOWN, client_secret=None, error_code=error_code, message=message or default
        )


# Where a payment may go from each status. A late or duplicate answer never moves it back: an
# authorised payment is captured or released, never "failed" (a second confirmation refused by
# Stripe once turned held money into a decline).
MOVES = {
    S.CREATED: {S.UNKNOWN, S.REQUIRES_ACTION, S.AUTHORIZED, S.CAPTURED, S.CANCELED, S.FAILED},
    S.UNKNOWN: {S.REQUIRES_ACTION, S.AUTHORIZED, S.CAPTURED, S.CANCELED, S.FAILED},
    S.REQUIRES_ACTION: {S.AUTHORIZED, S.CAPTURED, S.CANCELED, S.FAILED},
    S.AUTHORIZED: {S.CAPTURED, S.CANCELED},
    S.CAPTURED: set(),
    S.CANCELED: set(),
    S.FAILED: set(),
}


def may_move(current: str, new: str) -> bool:
    return new in MOVES[current]


def payment_settle(*, payment_id, intent: gateway.Intent, now: datetime) -> Payment:
    """Apply what Stripe reports about the payment's intent."""
    with transaction.atomic():
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
    return payment


def payment_fail(*, payment_id, code: str, message: str, now: datetime) -> Payment:
    """The card was refused at confirmation."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if not may_move(payment.status, S.FAILED):
            return payment
        payment.status = S.FAILED
        payment.last_error_code, payment.last_error_message = code[:100], message
        payment.last_synced_at = now
        payment.save()
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
