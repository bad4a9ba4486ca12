"""Celery entry points of payments: thin, keyword-only, safe to run twice (queue `payments`)."""

from celery import shared_task
from django.utils import timezone

from accounts.models import User
from payments.errors import PaymentUnavailable
from payments.services import (
    payment_refund,
    payment_release,
    payments_reconcile,
    stripe_event_process,
)

RETRY = {
    "autoretry_for": (PaymentUnavailable,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(name="payments.stripe_event_process", ignore_result=True, **RETRY)
def stripe_event_process_task(*, event_id) -> None:
    stripe_event_process(event_id=event_id, now=timezone.now())


@shared_task(name="payments.payment_release", ignore_result=True, **RETRY)
def payment_release_task(*, order_id) -> None:
    payment_release(order_id=order_id, now=timezone.now())


@shared_task(name="payments.payment_refund", ignore_result=True, **RETRY)
def payment_refund_task(*, order_id, reason: str, actor_id=None, idempotency_key: str) -> None:
    """The rest of a captured payment, for an order cancelled after acceptance."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    payment_refund(
        order_id=order_id,
        amount=None,
        reason=reason,
        actor=actor,
        now=timezone.now(),
        idempotency_key=idempotency_key,
    )


@shared_task(name="payments.reconcile", ignore_result=True)
def payments_reconcile_task() -> dict:
    return payments_reconcile(now=timezone.now())
