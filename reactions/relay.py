"""Who reacts to what: the one list of consumers of the outbox, at the top of the domain.

Services record what happened (an outbox message, written in their transaction); this module
says who hears of it, so that every side effect of a change is readable in one place and no
domain app calls the apps above it. Each consumer is idempotent — a message can be relayed
twice (a crash between a consumer and the relayed mark; the sweep racing the commit hook) — and
only enqueues work or publishes small messages: anything slow runs in a task.
"""

from collections.abc import Iterable

from django.utils import timezone

from accounts.account_tokens import ACCOUNT_TOKEN_ISSUED_TOPIC
from accounts.revocation import USER_ACCESS_CHANGED_TOPIC, user_access_changed_broadcast
from core.outbox import Consumer, outbox_relay
from delivery.services.dispatch import DRIVER_ASSIGNED, NOBODY_TAKES_IT, OFFER_MADE
from delivery.tasks import delivery_cancel_task, delivery_dispatch_task
from notifications.tasks import (
    notify_account_token_task,
    notify_data_export_ready_task,
    notify_delivery_offer_task,
    notify_delivery_waiting_task,
    notify_order_accept_reminder_task,
    notify_order_event_task,
    notify_order_refund_task,
)
from orders.live_updates import delivery_changed_broadcast, order_updated_broadcast
from orders.models import Fulfilment, OrderEvent, OrderStatus
from orders.services.lifecycle import ORDER_EVENT_RECORDED
from orders.services.maintenance import ORDER_ACCEPT_REMINDER
from orders.services.payments import MONEY_TO_RETURN
from orders.tasks import order_stripe_event_apply_task
from payments.services import REFUND_SUCCEEDED, STRIPE_EVENT_RECEIVED
from payments.tasks import payment_return_task, stripe_customer_forget_task
from privacy.services import (
    ACCOUNT_DELETED_TOPIC,
    DATA_EXPORT_READY_TOPIC,
    DATA_EXPORT_REQUESTED_TOPIC,
)
from privacy.tasks import data_export_build_task


def _order_event(payload: dict) -> None:
    event = (
        OrderEvent.objects.filter(pk=payload["event_id"])
        .values(
            "id",
            "order_id",
            "order__restaurant_id",
            "order__fulfilment",
            "from_status",
            "to_status",
            "actor_id",
        )
        .first()
    )
    if event is None:
        return
    order_id, to_status = str(event["order_id"]), event["to_status"]
    notify_order_event_task.delay(event_id=str(event["id"]))
    order_updated_broadcast(
        order_id=order_id,
        restaurant_id=event["order__restaurant_id"],
        event_id=event["id"],
        to_status=to_status,
    )
    if to_status == OrderStatus.ACCEPTED and event["order__fulfilment"] == Fulfilment.DELIVERY:
        delivery_dispatch_task.delay(order_id=order_id)
    elif to_status == OrderStatus.CANCELLED:
        delivery_cancel_task.delay(order_id=order_id)
    if to_status in (OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.PAYMENT_FAILED):
        # A closed order keeps nothing: whatever its payments hold then is given back.
        payment_return_task.delay(
            order_id=order_id,
            reason=_event_reason(event["id"]),
            actor_id=str(event["actor_id"]) if event["actor_id"] else None,
        )


def _event_reason(event_id) -> str:
    return OrderEvent.objects.values_list("reason", flat=True).get(pk=event_id)


def _driver_assigned(payload: dict) -> None:
    delivery_changed_broadcast(
        order_id=payload["order_id"],
        restaurant_id=payload["restaurant_id"],
        change="driver_assigned",
    )


CONSUMERS: dict[str, Iterable[Consumer]] = {
    ORDER_EVENT_RECORDED: [_order_event],
    OFFER_MADE: [lambda payload: notify_delivery_offer_task.delay(offer_id=payload["offer_id"])],
    NOBODY_TAKES_IT: [
        lambda payload: notify_delivery_waiting_task.delay(delivery_id=payload["delivery_id"])
    ],
    DRIVER_ASSIGNED: [_driver_assigned],
    REFUND_SUCCEEDED: [
        lambda payload: notify_order_refund_task.delay(refund_id=payload["refund_id"])
    ],
    ORDER_ACCEPT_REMINDER: [
        lambda payload: notify_order_accept_reminder_task.delay(order_id=payload["order_id"])
    ],
    MONEY_TO_RETURN: [lambda payload: payment_return_task.delay(order_id=payload["order_id"])],
    STRIPE_EVENT_RECEIVED: [
        lambda payload: order_stripe_event_apply_task.delay(event_id=payload["event_id"])
    ],
    # A reset link, a verification link or code to send (the secret is rebuilt by the task).
    ACCOUNT_TOKEN_ISSUED_TOPIC: [
        lambda payload: notify_account_token_task.delay(token_id=payload["token_id"])
    ],
    DATA_EXPORT_REQUESTED_TOPIC: [
        lambda payload: data_export_build_task.delay(export_id=payload["export_id"])
    ],
    DATA_EXPORT_READY_TOPIC: [
        lambda payload: notify_data_export_ready_task.delay(export_id=payload["export_id"])
    ],
    ACCOUNT_DELETED_TOPIC: [
        lambda payload: stripe_customer_forget_task.delay(user_id=payload["user_id"])
    ],
    # Sessions ended or rights narrowed: that user's open sockets re-check, on every process.
    USER_ACCESS_CHANGED_TOPIC: [
        lambda payload: user_access_changed_broadcast(user_id=payload["user_id"])
    ],
}


def relay(*, message_ids: Iterable | None = None) -> int:
    """settings.OUTBOX_RELAY: hand messages to their consumers (all pending ones by default)."""
    return outbox_relay(consumers=CONSUMERS, now=timezone.now(), message_ids=message_ids)
