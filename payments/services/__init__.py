"""Payments use cases. Stripe is reached only through payments.gateway; orders are known only
by foreign key (orders drives payments and follows their outcome)."""

from payments.services.charges import (
    payment_authorize,
    payment_capture,
    payment_confirm,
    payment_create,
    payment_for_order,
    payment_method_check,
    payment_release,
)
from payments.services.reconcile import (
    payments_abandoned_settle,
    payments_authorized_before,
    payments_holding_money,
    payments_reconcile,
)
from payments.services.refunds import (
    REFUND_SUCCEEDED,
    payment_refund,
    payment_refund_rest,
    payment_return,
    refund_send,
)
from payments.services.settle import PaymentResult, payment_settle
from payments.services.webhooks import (
    STRIPE_EVENT_RECEIVED,
    stripe_event_payment,
    stripe_event_process,
    stripe_event_receive,
    stripe_event_requeue,
    stripe_events_unprocessed,
)

__all__ = [
    "REFUND_SUCCEEDED",
    "STRIPE_EVENT_RECEIVED",
    "PaymentResult",
    "payment_authorize",
    "payment_method_check",
    "payment_capture",
    "payment_confirm",
    "payment_create",
    "payment_for_order",
    "payment_refund",
    "payment_refund_rest",
    "payment_release",
    "payment_return",
    "payment_settle",
    "payments_abandoned_settle",
    "payments_authorized_before",
    "payments_holding_money",
    "payments_reconcile",
    "refund_send",
    "stripe_event_payment",
    "stripe_event_process",
    "stripe_event_receive",
    "stripe_event_requeue",
    "stripe_events_unprocessed",
]
