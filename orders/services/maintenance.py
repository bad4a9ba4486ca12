"""Periodic housekeeping of orders."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from core.outbox import outbox_publish
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition

# Outbox topic: remind a restaurant's team to accept a scheduled order (payload: order_id).
ORDER_ACCEPT_REMINDER = "orders.accept_reminder"


def orders_expire_unpaid(*, now: datetime) -> int:
    """Cancel orders whose payment never completed; the reaction to the cancellation releases
    any hold on the card."""
    cutoff = now - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    expired = 0
    for order_id in Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, created_at__lt=cutoff
    ).values_list("pk", flat=True):
        order = order_transition(
            order_id=order_id,
            to_status=OrderStatus.CANCELLED,
            actor=None,
            now=now,
            reason="The payment was not completed in time.",
            only_from={OrderStatus.PENDING_PAYMENT},
        )
        if order.status == OrderStatus.CANCELLED:
            expired += 1
    return expired


def orders_scheduled_expire(*, now: datetime) -> int:
    """Cancel scheduled orders the restaurant did not accept by their `accept_by` (before the
    kitchen had to start, and before the card's authorisation could lapse at Stripe); the
    reaction to the cancellation releases the hold (orders.scheduling has the rule)."""
    expired = 0
    for order_id in Order.objects.filter(
        status__in=(OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED), accept_by__lte=now
    ).values_list("pk", flat=True):
        order = order_transition(
            order_id=order_id,
            to_status=OrderStatus.CANCELLED,
            actor=None,
            now=now,
            reason="The restaurant did not accept the scheduled order in time.",
            only_from={OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED},
        )
        if order.status == OrderStatus.CANCELLED:
            expired += 1
    return expired


def orders_scheduled_remind(*, now: datetime) -> int:
    """Remind the team of each scheduled order still waiting SCHEDULED_ACCEPT_REMINDER_MINUTES
    before its accept-by time, once (the mark and the outbox row are written together)."""
    soon = now + timedelta(minutes=settings.SCHEDULED_ACCEPT_REMINDER_MINUTES)
    reminded = 0
    with transaction.atomic():
        due = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(
                status=OrderStatus.PLACED,
                accept_by__gt=now,
                accept_by__lte=soon,
                accept_reminder_sent_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        for order_id in list(due):
            Order.objects.filter(pk=order_id).update(accept_reminder_sent_at=now)
            outbox_publish(topic=ORDER_ACCEPT_REMINDER, payload={"order_id": str(order_id)})
            reminded += 1
    return reminded
