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


@shared_task(name="payments.payment_return", ignore_result=True, **RETRY)
def payment_return_task(*, order_id, reason: str = "", actor_id=None, **_) -> None:
    """Give back what a closed order's payments hold: release holds, refund captures."""
    from accounts.selectors import user_by_id
    from payments.services import payment_return

    payment_return(
        order_id=order_id,
        reason=reason,
        actor=user_by_id(actor_id) if actor_id else None,
        now=timezone.now(),
    )


@shared_task(name="payments.stripe_customer_forget", ignore_result=True, **RETRY)
def stripe_customer_forget_task(*, user_id, **_) -> None:
    from payments.services.cards import stripe_customer_forget

    stripe_customer_forget(user_id=user_id)
