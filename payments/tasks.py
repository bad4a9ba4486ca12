"""Celery entry points of payments: thin, keyword-only, safe to run twice (queue `payments`).

Tasks import the service they run inside their body (the project's rule: callers import tasks
at module level, so tasks never import their callers at load). `**_` takes arguments a newer
caller may add, so a worker of the previous release does not fail on them during a deploy.
"""

from celery import shared_task
from django.utils import timezone

from core.tasks import TRANSIENT_ERRORS
from payments.errors import PaymentUnavailable

# Stripe out of reach is worth retrying for longer than a database blink: on top of, not
# instead of, the transient errors every task retries.
RETRY = {
    "autoretry_for": (*TRANSIENT_ERRORS, PaymentUnavailable),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="payments.payment_release", ignore_result=True, **RETRY)
def payment_release_task(*, order_id, **_) -> None:
    from payments.services import payment_release

    payment_release(order_id=order_id, now=timezone.now())


@shared_task(name="payments.payment_refund", ignore_result=True, **RETRY)
def payment_refund_task(*, order_id, reason: str, idempotency_key: str, actor_id=None, **_):
    """The rest of a captured payment, for an order cancelled after acceptance."""
    from accounts.selectors import user_by_id
    from payments.services import payment_refund

    payment_refund(
        order_id=order_id,
        amount=None,
        reason=reason,
        actor=user_by_id(actor_id) if actor_id else None,
        now=timezone.now(),
        idempotency_key=idempotency_key,
    )
