"""Refunds: never more than was captured and not yet refunded, each sent to Stripe once.

A refund is written PENDING (which reserves its amount) and committed before Stripe is called
with the refund's own idempotency key; a refund whose answer was lost stays PENDING and is sent
again with the same key by the reconciliation task.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from core.outbox import outbox_publish
from payments import gateway
from payments.errors import PaymentNotFound, PaymentUnavailable, RefundNotAllowed
from payments.models import Payment, PaymentStatus, Refund
from payments.services.charges import payment_release

logger = logging.getLogger(__name__)
REASON_MAX_LENGTH = 500
# Outbox topic: a refund reached the customer's card (the customer is told).
REFUND_SUCCEEDED = "payments.refund_succeeded"


def refundable_amount(payment: Payment) -> int:
    pending = (
        payment.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return payment.amount_captured - payment.amount_refunded - pending


IDEMPOTENCY_KEY_MIN_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH = 8, 100


def payment_refund(
    *,
    order_id,
    amount: int | None,
    reason: str,
    actor: User | None,
    now: datetime,
    idempotency_key: str,
) -> Refund:
    """Refund `amount` (None: everything still refundable) of the order's captured payment.

    One idempotency key is one refund of that payment, however often and however concurrently
    it is asked for: a repeat returns the first refund."""
    payment = _captured_payment(order_id)
    return _refund(
        payment_id=payment.pk,
        amount=amount,
        reason=reason,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
    )


def _captured_payment(order_id) -> Payment:
    payment = (
        Payment.objects.filter(order_id=order_id, status=PaymentStatus.CAPTURED)
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        raise PaymentNotFound("The order has no captured payment to refund.")
    return payment


def _refund(
    *, payment_id, amount: int | None, reason: str, actor, now: datetime, idempotency_key: str
) -> Refund:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise RefundNotAllowed(
            f"A reason has at most {REASON_MAX_LENGTH} characters.", field="reason"
        )
    idempotency_key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY_MIN_LENGTH <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise RefundNotAllowed(
            f"The idempotency key must be {IDEMPOTENCY_KEY_MIN_LENGTH} to "
            f"{IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            field="idempotencyKey",
        )
    with transaction.atomic():
        # The payment row serialises refunds of one payment: two requests with one key find
        # each other here, and the amounts in flight are counted once.
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        existing = payment.refunds.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        available = refundable_amount(payment)
        amount = available if amount is None else amount
        if amount <= 0 or amount > available:
            raise RefundNotAllowed(
                f"Up to {available} can be refunded (minor units of {payment.currency}).",
                field="amount",
            )
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=reason,
            requested_by=actor,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    return refund_send(refund_id=refund.pk, now=now)


def refund_send(*, refund_id, now: datetime) -> Refund:
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        outcome = gateway.refund_create(
            intent_id=refund.payment.stripe_payment_intent_id,
            amount=refund.amount,
            metadata={"order_id": str(refund.payment.order_id), "refund_id": str(refund.pk)},
            idempotency_key=refund.stripe_idempotency_key,
        )
    except gateway.GatewayUnavailable as error:
        logger.warning("refund %s not sent yet: %s", refund.pk, error.message)
        raise PaymentUnavailable(
            "The payment service is unreachable; the refund is recorded and will be retried."
        ) from error
    except gateway.GatewayError as error:
        Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
            status=Refund.Status.FAILED, last_error_message=error.message
        )
        raise RefundNotAllowed(f"Stripe refused the refund: {error.message}") from error
    return refund_succeeded(refund_id=refund.pk, stripe_refund_id=outcome.id)


def refund_succeeded(*, refund_id, stripe_refund_id: str) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund.status = Refund.Status.SUCCEEDED
        refund.stripe_refund_id = stripe_refund_id
        refund.save(update_fields=["status", "stripe_refund_id"])
        payment.amount_refunded = min(
            payment.amount_captured, payment.amount_refunded + refund.amount
        )
        payment.save(update_fields=["amount_refunded", "updated_at"])
        outbox_publish(topic=REFUND_SUCCEEDED, payload={"refund_id": str(refund.pk)})
    return refund


def refunds_pending_resend(*, older_than: datetime, now: datetime) -> int:
    sent = 0
    for refund_id in Refund.objects.filter(
        status=Refund.Status.PENDING, created_at__lt=older_than
    ).values_list("pk", flat=True):
        try:
            refund_send(refund_id=refund_id, now=now)
            sent += 1
        except (PaymentUnavailable, RefundNotAllowed):
            logger.warning("refund %s still not settled", refund_id)
    return sent


def payment_refund_rest(*, order_id, reason: str, actor: User | None, now: datetime) -> Refund:
    """Staff's "refund the rest": keyed by what was refunded when they asked, so two people
    (or two clicks) refunding the rest of one payment at once make one refund."""
    payment = _captured_payment(order_id)
    return _refund(
        payment_id=payment.pk,
        amount=None,
        reason=reason,
        actor=actor,
        now=now,
        idempotency_key=f"rest-after-{payment.amount_refunded}",
    )


def payment_return(*, order_id, reason: str, actor: User | None, now: datetime) -> None:
    """An order that closed keeps none of the customer's money, whatever its payments became:
    holds are let go, captured money is refunded in full (also a capture learnt of late).
    Decided from each payment's state when this runs; safe to repeat."""
    payment_release(order_id=order_id, now=now)
    for payment in Payment.objects.filter(order_id=order_id, status=PaymentStatus.CAPTURED):
        if refundable_amount(payment) > 0:
            _refund(
                payment_id=payment.pk,
                amount=None,
                reason=reason,
                actor=actor,
                now=now,
                # One refund of what remains per payment, however often this runs.
                idempotency_key=f"return-{payment.pk}",
            )
