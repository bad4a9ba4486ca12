"""The periodic look at payments nobody has heard about for a while."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from orders.models import OrderStatus
from payments import gateway
from payments.models import Payment, PaymentStatus
from payments.services.charges import payment_capture, payment_release
from payments.services.refunds import refunds_pending_resend
from payments.services.settle import payment_settle

logger = logging.getLogger(__name__)
S = PaymentStatus
CAPTURE_DUE_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP, OrderStatus.PICKED_UP)


def payments_reconcile(*, now: datetime) -> dict[str, int]:
    """Re-read stuck payments from Stripe and settle them; deal with ageing authorisations.

    Stripe holds an authorisation about 7 days. One still uncaptured after
    PAYMENT_AUTHORIZATION_MAX_AGE_HOURS is captured if its order was accepted (the capture was
    lost), and released otherwise, which cancels the order.
    """
    counts = {"synced": 0, "released": 0, "captured": 0, "refunds_sent": 0}
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
        counts["synced"] += 1

    ageing = now - timedelta(hours=settings.PAYMENT_AUTHORIZATION_MAX_AGE_HOURS)
    for payment in Payment.objects.select_related("order").filter(
        status=S.AUTHORIZED, authorized_at__lt=ageing
    ):
        try:
            if payment.order.status in CAPTURE_DUE_STATUSES:
                with transaction.atomic():
                    payment_capture(order_id=payment.order_id, now=now)
                counts["captured"] += 1
            else:
                payment_release(order_id=payment.order_id, now=now)
                counts["released"] += 1
        except Exception:
            logger.exception("reconcile: ageing authorisation of payment %s", payment.pk)
    counts["refunds_sent"] = refunds_pending_resend(older_than=stale, now=now)
    return counts
