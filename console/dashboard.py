"""The platform's morning look: today's orders by status, deliveries nobody has taken, tasks
that gave up, payments that need a person. A fixed number of queries, whatever the volume."""

from datetime import datetime, timedelta

from django.db.models import Count
from django.urls import reverse

from core.models import FailedTask
from delivery.models import Delivery, DeliveryStatus
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund, StripeEvent

WAITING = (DeliveryStatus.WAITING_FOR_DRIVER, DeliveryStatus.OFFERED)
LATEST = 10


def dashboard_figures(*, now: datetime) -> dict:
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    by_status = dict(
        Order.objects.filter(created_at__gte=day_start, created_at__lt=day_start + timedelta(1))
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    orders_url = reverse("admin:orders_order_changelist")
    today = f"created_at__gte={day_start:%Y-%m-%d}"
    return {
        "day": day_start.date(),
        "orders_by_status": [
            (label, by_status.get(value, 0), f"{orders_url}?status__exact={value}&{today}")
            for value, label in OrderStatus.choices
        ],
        "orders_today": sum(by_status.values()),
        "waiting": list(
            Delivery.objects.filter(status__in=WAITING)
            .select_related("order__restaurant")
            .order_by("created_at")[:LATEST]
        ),
        "waiting_count": Delivery.objects.filter(status__in=WAITING).count(),
        "waiting_url": f"{orders_url}?driver=waiting",
        "failed_tasks": list(
            FailedTask.objects.filter(retried_at__isnull=True).order_by("-failed_at")[:LATEST]
        ),
        "failed_tasks_url": reverse("admin:core_failedtask_changelist")
        + "?retried_at__isnull=True",
        "payments_unknown": list(
            Payment.objects.filter(status=PaymentStatus.UNKNOWN)
            .select_related("order")
            .order_by("created_at")[:LATEST]
        ),
        "payments_unknown_url": reverse("admin:payments_payment_changelist")
        + f"?status__exact={PaymentStatus.UNKNOWN}",
        "refunds_stuck": list(
            Refund.objects.exclude(status=Refund.Status.SUCCEEDED)
            .select_related("payment__order")
            .order_by("created_at")[:LATEST]
        ),
        "events_failed": StripeEvent.objects.filter(status=StripeEvent.Status.FAILED).count(),
        "events_failed_url": reverse("admin:payments_stripeevent_changelist")
        + f"?status__exact={StripeEvent.Status.FAILED}",
    }
