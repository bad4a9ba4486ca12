"""Celery entry points of orders: thin, keyword-only, safe to run twice.

Tasks import the service they run inside their body (the project's rule: callers import tasks
at module level, so tasks never import their callers at load). `**_` takes arguments a newer
caller may add, so a worker of the previous release does not fail on them during a deploy.
"""

from celery import shared_task
from django.utils import timezone

from payments.tasks import RETRY as PAYMENT_RETRY


@shared_task(name="orders.expire_unpaid", ignore_result=True)
def orders_expire_unpaid_task(**_) -> int:
    from orders.services.maintenance import orders_expire_unpaid

    return orders_expire_unpaid(now=timezone.now())


@shared_task(name="orders.stripe_event_apply", ignore_result=True, **PAYMENT_RETRY)
def order_stripe_event_apply_task(*, event_id, **_) -> None:
    from orders.services.payments import order_stripe_event_apply

    order_stripe_event_apply(event_id=event_id, now=timezone.now())


@shared_task(name="orders.payments_reconcile", ignore_result=True)
def orders_payments_reconcile_task(**_) -> dict:
    from orders.services.payments import orders_payments_reconcile

    return orders_payments_reconcile(now=timezone.now())


@shared_task(name="orders.acceptances_resume", ignore_result=True, **PAYMENT_RETRY)
def orders_acceptances_resume_task(**_) -> int:
    from orders.services.acceptance import orders_acceptances_resume

    return orders_acceptances_resume(now=timezone.now())


@shared_task(name="orders.scheduled_expire", ignore_result=True)
def orders_scheduled_expire_task(**_) -> int:
    from orders.services.maintenance import orders_scheduled_expire

    return orders_scheduled_expire(now=timezone.now())


@shared_task(name="orders.scheduled_remind", ignore_result=True)
def orders_scheduled_remind_task(**_) -> int:
    from orders.services.maintenance import orders_scheduled_remind

    return orders_scheduled_remind(now=timezone.now())
