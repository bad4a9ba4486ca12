"""Celery entry points of notifications, on the `notifications` queue. Thin, keyword-only, safe
to run twice (a notification is unique per source, recipient and kind).

Tasks import the service they run inside their body (the project's rule: callers import tasks
at module level, so tasks never import their callers at load). `**_` takes arguments a newer
caller may add, so a worker of the previous release does not fail on them during a deploy.
"""

from celery import shared_task


@shared_task(name="notifications.order_event", ignore_result=True)
def notify_order_event_task(*, event_id, **_) -> None:
    from notifications.services import order_event_notify

    order_event_notify(event_id=event_id)


@shared_task(name="notifications.order_refund", ignore_result=True)
def notify_order_refund_task(*, refund_id, **_) -> None:
    from notifications.services import order_refund_notify

    order_refund_notify(refund_id=refund_id)


@shared_task(name="notifications.delivery_offer", ignore_result=True)
def notify_delivery_offer_task(*, offer_id, **_) -> None:
    from notifications.services import delivery_offer_notify

    delivery_offer_notify(offer_id=offer_id)


@shared_task(name="notifications.delivery_waiting", ignore_result=True)
def notify_delivery_waiting_task(*, delivery_id, **_) -> None:
    from notifications.services import delivery_waiting_notify

    delivery_waiting_notify(delivery_id=delivery_id)


@shared_task(name="notifications.order_accept_reminder", ignore_result=True)
def notify_order_accept_reminder_task(*, order_id, **_) -> None:
    from notifications.services import order_accept_reminder_notify

    order_accept_reminder_notify(order_id=order_id)


@shared_task(name="notifications.account_token_message", ignore_result=True)
def notify_account_token_task(*, token_id, **_) -> None:
    from django.utils import timezone

    from notifications.account_messages import account_token_message_send

    account_token_message_send(token_id=token_id, now=timezone.now())


@shared_task(name="notifications.data_export_ready", ignore_result=True)
def notify_data_export_ready_task(*, export_id, **_) -> None:
    from notifications.account_messages import data_export_message_send

    data_export_message_send(export_id=export_id)
