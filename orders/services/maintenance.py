"""Periodic housekeeping of orders."""

from datetime import datetime, timedelta

from django.conf import settings

from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition


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
