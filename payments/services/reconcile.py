"""The periodic look at payments nobody has heard about for a while (payments' own half; the
ageing authorisations, which depend on the order, are settled by orders)."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from payments import gateway
from payments.models import Payment, PaymentStatus
from payments.services.refunds import refunds_pending_resend
from payments.services.settle import payment_settle

logger = logging.getLogger(__name__)
S = PaymentStatus


@dataclass
class Reconciled:
    synced: int = 0
    refunds_sent: int = 0
    # Orders whose payment changed: they follow it (orders.services.payments).
    order_ids: list = field(default_factory=list)


def payments_reconcile(*, now: datetime) -> Reconciled:
    """Re-read stuck payments from Stripe and settle them; send refunds whose answer was lost."""
    outcome = Reconciled()
    stale = now - timedelta(minutes=settings.PAYMENT_STUCK_AFTER_MINUTES)
    for payment in Payment.objects.filter(
        status__in=(S.CREATED, S.UNKNOWN, S.REQUIRES_ACTION),
        updated_at__lt=stale,
        stripe_payment_intent_id__isnull=False,
    ):
        try:
            intent = gateway.intent_retrieve(payment.stripe_payment_intent_id)
        except gateway.GatewayError as error:
            logger.warning("reconcile: payment %s unreadable: %s", payment.pk, error.message)
            continue
        payment_settle(payment_id=payment.pk, intent=intent, now=now)
        outcome.synced += 1
        outcome.order_ids.append(payment.order_id)
    outcome.refunds_sent = refunds_pending_resend(older_than=stale, now=now)
    return outcome


def payments_abandoned_settle(*, now: datetime) -> list:
    """Settle, promptly, the payments a checkout left without an answer (Stripe unreachable, the
    process died, the client went away), once nobody is talking to Stripe about them.

    Never reached Stripe: nothing is held, the payment ends CANCELED. An intent that was created
    but never confirmed is cancelled at Stripe (an abandoned intent is not left behind). Any
    other intent is settled from what Stripe says. Returns the orders to follow.
    """
    cutoff = now - timedelta(seconds=settings.PAYMENT_ABANDONED_AFTER_SECONDS)
    abandoned = Payment.objects.filter(status__in=(S.CREATED, S.UNKNOWN), created_at__lt=cutoff)
    abandoned = abandoned.filter(Q(stripe_call_until__isnull=True) | Q(stripe_call_until__lt=now))
    order_ids = []
    for payment in abandoned:
        try:
            _abandoned_settle(payment, now=now)
        except gateway.GatewayError as error:
            logger.warning("reconcile: abandoned payment %s unsettled: %s", payment.pk, error)
            continue
        order_ids.append(payment.order_id)
    return order_ids


def _abandoned_settle(payment: Payment, *, now: datetime) -> None:
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(
            pk=payment.pk, status__in=(S.CREATED, S.UNKNOWN), stripe_payment_intent_id=None
        ).update(
            status=S.CANCELED,
            canceled_at=now,
            last_error_message="The payment service could not be reached.",
        )
        return
    with gateway.budget():
        intent = gateway.intent_retrieve(payment.stripe_payment_intent_id)
        if intent.status in ("requires_confirmation", "requires_payment_method"):
            intent = gateway.intent_cancel(
                intent.id, idempotency_key=f"{payment.idempotency_key}-cancel"
            )
    payment_settle(payment_id=payment.pk, intent=intent, now=now)


def payments_authorized_before(*, cutoff: datetime) -> list[Payment]:
    """Authorisations still uncaptured since before `cutoff` (Stripe keeps them ~7 days)."""
    return list(Payment.objects.filter(status=S.AUTHORIZED, authorized_at__lt=cutoff))


def payments_holding_money(*, order_ids) -> list:
    """Of these orders, those whose payments still hold the customer's money: a hold not
    released, or a capture not fully refunded."""
    holding = Payment.objects.filter(order_id__in=order_ids).filter(
        Q(status__in=(S.CREATED, S.UNKNOWN, S.REQUIRES_ACTION, S.AUTHORIZED))
        | Q(status=S.CAPTURED, amount_refunded__lt=F("amount_captured"))
    )
    return list(holding.values_list("order_id", flat=True).distinct())
