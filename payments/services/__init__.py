"""Payments use cases. Stripe is reached only through payments.gateway."""

from payments.services.charges import (
    payment_authorize,
    payment_capture,
    payment_confirm,
    payment_create,
    payment_for_order,
    payment_release,
)
from payments.services.reconcile import payments_reconcile
from payments.services.refunds import order_refund, payment_refund, refund_send
from payments.services.settle import PaymentResult, payment_settle
from payments.services.webhooks import stripe_event_process, stripe_event_receive

__all__ = [
    "PaymentResult",
    "order_refund",
    "payment_authorize",
    "payment_capture",
    "payment_confirm",
    "payment_create",
    "payment_for_order",
    "payment_refund",
    "payment_release",
    "payment_settle",
    "payments_reconcile",
    "refund_send",
    "stripe_event_process",
    "stripe_event_receive",
]
