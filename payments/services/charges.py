"""Authorise at checkout, capture on acceptance, release on rejection or early cancellation.

Never a second authorisation: the PaymentIntent is created unconfirmed and its id stored before
it is confirmed, so a retry of the same Payment only re-reads or confirms that one intent. The
create call carries an Idempotency-Key too, so a create whose answer was lost returns the same
intent from Stripe (localstripe ignores the key; there an unanswered create leaves at most an
unconfirmed intent, which holds no money).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core.errors import ValidationFailed
from payments import gateway
from payments.errors import PaymentCaptureFailed, PaymentNotFound, PaymentUnavailable
from payments.models import Payment, PaymentStatus
from payments.services.cards import SavedCardOfAnotherUser, saved_card_customer_id
from payments.services.settle import PaymentResult, payment_fail, payment_settle

logger = logging.getLogger(__name__)
S = PaymentStatus
PAYMENT_REJECTED_MESSAGE = "The payment could not be made with this card; choose another one."
# Statuses in which an intent may still hold, or come to hold, the customer's money.
RELEASABLE = (S.CREATED, S.UNKNOWN, S.REQUIRES_ACTION, S.AUTHORIZED)


def payment_method_check(*, payment_method_id: str) -> None:
    """Refuse a payment method Stripe does not know, before any order is written for it (and in
    our words, not Stripe's). When Stripe cannot be asked, the checkout goes on: its
    authorisation settles the question, and an outage must not stop people paying."""
    try:
        exists = gateway.payment_method_exists(payment_method_id)
    except gateway.GatewayUnavailable:
        logger.warning("payment method not checked: Stripe unavailable")
        return
    if not exists:
        raise ValidationFailed(
            "This payment method does not exist; choose another card.", field="paymentMethodId"
        )


def payment_create(
    *, order_id, currency: str, amount: int, payment_method_id: str, now: datetime
) -> Payment:
    """An order's payment attempt, written in the checkout transaction; nothing sent yet."""
    attempt = Payment.objects.filter(order_id=order_id).count() + 1
    return Payment.objects.create(
        order_id=order_id,
        currency=currency,
        amount=amount,
        payment_method_id=payment_method_id,
        idempotency_key=f"order-{order_id}-attempt-{attempt}",
        created_at=now,
    )


def payment_authorize(*, payment_id, now: datetime) -> PaymentResult:
    """Ask Stripe to hold the order's total on the card; safe to call again for one payment,
    from any number of concurrent requests: only the one holding the payment's Stripe lease
    talks to Stripe, the others are told the payment is in progress."""
    if not _stripe_call_claim(payment_id, now=now):
        payment = Payment.objects.get(pk=payment_id)
        if payment.status in (S.CREATED, S.UNKNOWN):
            return PaymentResult.in_progress(payment)
        return PaymentResult.of(payment)
    try:
        return _authorize(Payment.objects.get(pk=payment_id), now=now)
    finally:
        Payment.objects.filter(pk=payment_id).update(stripe_call_until=None)


def _stripe_call_claim(payment_id, *, now: datetime) -> bool:
    """Take the payment's Stripe lease if it still waits for an authorisation and nobody holds
    the lease (or its holder died: the lease outlives any request's Stripe budget)."""
    lease = timedelta(seconds=settings.STRIPE_REQUEST_BUDGET_SECONDS * 2)
    return bool(
        Payment.objects.filter(pk=payment_id, status__in=(S.CREATED, S.UNKNOWN))
        .filter(Q(stripe_call_until__isnull=True) | Q(stripe_call_until__lt=now))
        .update(stripe_call_until=now + lease)
    )


def _authorize(payment: Payment, *, now: datetime) -> PaymentResult:
    try:
        with gateway.budget():
            intent = _intent_of(payment)
            if intent.status == "requires_confirmation":
                intent = _confirmed(payment, intent)
    except gateway.CardDeclined as error:
        return PaymentResult.of(
            payment_fail(payment_id=payment.pk, code=error.code, message=error.message, now=now)
        )
    except gateway.GatewayRejected as error:
        # Stripe's words here are for developers ("Not Found", "No such PaymentMethod"): the
        # log keeps them, the customer (payload, notification) gets ours.
        logger.warning("Stripe refused payment %s: %s", payment.pk, error.message)
        return PaymentResult.of(
            payment_fail(
                payment_id=payment.pk,
                code=error.code or "rejected",
                message=PAYMENT_REJECTED_MESSAGE,
                now=now,
            )
        )
    except gateway.GatewayUnavailable as error:
        Payment.objects.filter(pk=payment.pk, status__in=(S.CREATED, S.UNKNOWN)).update(
            status=S.UNKNOWN, last_error_message=error.message, updated_at=now
        )
        raise PaymentUnavailable(
            "The payment service is unreachable; the order is kept. Try again with the same "
            "idempotency key.",
            field="paymentMethodId",
        ) from error
    return PaymentResult.of(payment_settle(payment_id=payment.pk, intent=intent, now=now))


def _confirmed(payment: Payment, intent: gateway.Intent) -> gateway.Intent:
    """Confirm the intent. Stripe refusing a confirmation (400) is not a decline: the intent
    may have been confirmed already by an attempt whose answer was lost; believe its state."""
    try:
        return gateway.intent_confirm(
            intent.id, idempotency_key=f"{payment.idempotency_key}-confirm"
        )
    except gateway.GatewayRejected:
        current = gateway.intent_retrieve(intent.id)
        if current.status in ("requires_confirmation", "requires_payment_method"):
            raise
        return current


def _saved_card_customer(payment: Payment) -> str:
    """The customer a saved card is paid with; a card another user saved is refused like a
    card Stripe refuses (Stripe itself refuses another customer's card)."""
    customer_of_order = (
        Payment.objects.filter(pk=payment.pk).values_list("order__customer_id", flat=True).get()
    )
    try:
        return saved_card_customer_id(
            payment_method_id=payment.payment_method_id, user_id=customer_of_order
        )
    except SavedCardOfAnotherUser as error:
        raise gateway.GatewayRejected(
            "A payment method saved by another customer.", code="payment_method_not_yours"
        ) from error


def _intent_of(payment: Payment) -> gateway.Intent:
    if payment.stripe_payment_intent_id:
        return gateway.intent_retrieve(payment.stripe_payment_intent_id)
    customer_id = _saved_card_customer(payment)
    intent = gateway.intent_create(
        amount=payment.amount,
        currency=payment.currency,
        payment_method_id=payment.payment_method_id,
        metadata={"order_id": str(payment.order_id), "payment_id": str(payment.pk)},
        idempotency_key=f"{payment.idempotency_key}-create",
        customer_id=customer_id,
    )
    # Stored (and committed) before confirming: from now on retries reuse this intent.
    Payment.objects.filter(pk=payment.pk).update(
        stripe_payment_intent_id=intent.id, client_secret=intent.client_secret
    )
    return intent


def payment_confirm(*, payment_id, now: datetime) -> PaymentResult:
    """After the customer's own card authentication (3-D Secure): re-read and settle."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in (S.CREATED, S.UNKNOWN, S.REQUIRES_ACTION):
        return PaymentResult.of(payment)
    if not payment.stripe_payment_intent_id:
        return payment_authorize(payment_id=payment.pk, now=now)
    try:
        intent = gateway.intent_retrieve(payment.stripe_payment_intent_id)
    except gateway.GatewayError as error:
        raise PaymentUnavailable("The payment service is unreachable; try again.") from error
    return PaymentResult.of(payment_settle(payment_id=payment.pk, intent=intent, now=now))


def payment_capture(*, order_id, now: datetime) -> Payment:
    """Take the authorised money, as Stripe confirms it. No row is locked while Stripe is asked.

    Asking again is safe (one Idempotency-Key per payment, and an intent captured already is
    read back), and a ledger that already says CAPTURED is confirmed by Stripe's own reading of
    the intent, never trusted alone. Raises PaymentCaptureFailed when Stripe refused (nothing
    was taken) and PaymentUnavailable when nobody knows (Stripe may have captured: ask again later).
    """
    payment = (
        Payment.objects.filter(order_id=order_id, status__in=(S.AUTHORIZED, S.CAPTURED))
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        raise PaymentCaptureFailed("The order has no authorised payment to capture.")
    try:
        with gateway.budget():
            intent = _captured(payment)
    except gateway.GatewayUnavailable as error:
        raise PaymentUnavailable(
            "The payment service did not answer; the charge is being confirmed."
        ) from error
    if intent.status != "succeeded":
        payment_settle(payment_id=payment.pk, intent=intent, now=now)
        raise PaymentCaptureFailed("The card could not be charged.")
    return payment_settle(payment_id=payment.pk, intent=intent, now=now)


def _captured(payment: Payment) -> gateway.Intent:
    """Stripe's answer for the intent. A ledger that says CAPTURED already is only confirmed by
    reading the intent (an intent still waiting for 3-D Secure, say, is never "captured" on the
    strength of our own record); otherwise the capture is asked for."""
    if payment.status == S.CAPTURED:
        return gateway.intent_retrieve(payment.stripe_payment_intent_id)
    try:
        return gateway.intent_capture(
            payment.stripe_payment_intent_id,
            amount=payment.amount_authorized,
            idempotency_key=f"{payment.idempotency_key}-capture",
        )
    except (gateway.GatewayRejected, gateway.CardDeclined):
        # Perhaps captured already by an attempt whose answer was lost: believe Stripe's state.
        return gateway.intent_retrieve(payment.stripe_payment_intent_id)


def payment_release(*, order_id, now: datetime) -> None:
    """Let go of any hold on the card for an order that will not be charged. Safe to repeat."""
    for payment in Payment.objects.filter(order_id=order_id, status__in=RELEASABLE):
        if not payment.stripe_payment_intent_id:
            with transaction.atomic():
                Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id=None).filter(
                    status__in=RELEASABLE
                ).update(status=S.CANCELED, canceled_at=now, updated_at=now)
            continue
        try:
            intent = gateway.intent_cancel(
                payment.stripe_payment_intent_id,
                idempotency_key=f"{payment.idempotency_key}-cancel",
            )
        except gateway.GatewayRejected:
            # Already cancelled or failed at Stripe: record whatever state it is in.
            intent = gateway.intent_retrieve(payment.stripe_payment_intent_id)
        except gateway.GatewayUnavailable as error:
            raise PaymentUnavailable(
                "Stripe is unreachable; the release will be retried."
            ) from error
        payment_settle(payment_id=payment.pk, intent=intent, now=now)


def payment_for_order(*, order_id) -> Payment:
    """The order's latest payment attempt."""
    payment = Payment.objects.filter(order_id=order_id).order_by("-created_at").first()
    if payment is None:
        raise PaymentNotFound("The order has no payment.")
    return payment
