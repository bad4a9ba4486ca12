"""Who hears what, once: in-app rows, then email, SMS and push, each sent at most once.

Exactly once, by construction:
- A Notification is unique per (source, recipient, kind) in the database: a task that runs twice,
  or is delivered again after a worker died, finds the row and creates nothing new.
- Each outside channel is a NotificationSend row, unique per (notification, channel). A
  sender claims it (PENDING/SENDING -> SENDING) and marks it SENT after the provider took it.
  A worker killed between the provider call and SENT leaves it SENDING; the re-delivered task
  sends again with the same idempotency key (the delivery's id), which the provider uses to keep
  one message. Email carries the key as its Message-ID for the same reason.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from prometheus_client import Counter

from accounts.models import Role, User
from core.errors import ValidationFailed
from delivery.models import Delivery as OrderDelivery
from delivery.models import DeliveryOffer
from notifications import messages
from notifications.models import (
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationSend,
)
from notifications.providers import OutgoingMessage, ProviderError, provider_for
from orders.models import Order, OrderEvent, OrderStatus
from payments.models import Refund
from restaurants.selectors import restaurant_team

logger = logging.getLogger(__name__)
OUTSIDE_CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.SMS, NotificationChannel.PUSH)
Status = NotificationSend.Status
MARK_READ_MAX_IDS = 500
NOTIFICATIONS = Counter(
    "notifications_total",
    "Outside notifications by channel and outcome (sent, failed and retried, skipped: off).",
    ["channel", "outcome"],
)


def order_event_notify(*, event_id) -> list[Notification]:
    event = OrderEvent.objects.select_related("order__restaurant", "order__customer").get(
        pk=event_id
    )
    order = event.order
    if event.to_status == OrderStatus.PLACED:
        if event.from_status != OrderStatus.PENDING_PAYMENT:
            return []  # back from ACCEPTING: the person accepting was told at once
        staff = restaurant_team(order.restaurant_id)
        return _notify(staff, messages.for_restaurant_new_order(order), order, str(event.pk))
    message = messages.for_customer(order, event.to_status, event.reason)
    if message is None:
        return []
    return _notify([order.customer], message, order, str(event.pk))


def order_refund_notify(*, refund_id) -> list[Notification]:
    refund = Refund.objects.select_related(
        "payment__order__customer", "payment__order__restaurant"
    ).get(pk=refund_id)
    order = refund.payment.order
    message = messages.refunded(order, refund.amount, refund.payment.currency)
    return _notify([order.customer], message, order, f"refund:{refund.pk}")


def delivery_offer_notify(*, offer_id) -> list[Notification]:
    offer = DeliveryOffer.objects.select_related("driver", "delivery__order__restaurant").get(
        pk=offer_id
    )
    order = offer.delivery.order
    return _notify([offer.driver], messages.delivery_offered(order), order, f"offer:{offer.pk}")


def order_accept_reminder_notify(*, order_id) -> list[Notification]:
    """The restaurant's team: a scheduled order must be accepted soon, or it is cancelled."""
    order = Order.objects.select_related("restaurant").get(pk=order_id)
    if order.status != OrderStatus.PLACED:
        return []  # accepted or closed meanwhile: nothing to remind
    staff = restaurant_team(order.restaurant_id)
    return _notify(staff, messages.accept_reminder(order), order, f"accept-by:{order.pk}")


def delivery_waiting_notify(*, delivery_id) -> list[Notification]:
    delivery = OrderDelivery.objects.select_related("order__restaurant").get(pk=delivery_id)
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    order = delivery.order
    return _notify(admins, messages.delivery_waiting(order), order, f"waiting:{delivery.pk}")


def _notify(recipients, message, order: Order, source_key: str) -> list[Notification]:
    notifications = []
    for user in recipients:
        notification, _ = Notification.objects.get_or_create(
            source_key=source_key,
            recipient=user,
            kind=message.kind,
            defaults={"title": message.title, "body": message.body, "order": order},
        )
        _deliveries_ensure(notification, user)
        notifications.append(notification)
    for notification in notifications:
        notification_send(notification_id=notification.pk)
    return notifications


def _deliveries_ensure(notification: Notification, user: User) -> None:
    preference = NotificationPreference.objects.filter(user=user).first()
    enabled = {
        NotificationChannel.EMAIL: bool(user.email)
        and (not preference or preference.email_enabled),
        # Texts go only to a number its owner proved is theirs (a typo must not text a stranger).
        NotificationChannel.SMS: user.phone_verified and (not preference or preference.sms_enabled),
        NotificationChannel.PUSH: not preference or preference.push_enabled,
    }
    for channel in OUTSIDE_CHANNELS:
        _, created = NotificationSend.objects.get_or_create(
            notification=notification,
            channel=channel,
            defaults={"status": Status.PENDING if enabled[channel] else Status.SKIPPED},
        )
        if created and not enabled[channel]:
            NOTIFICATIONS.labels(channel, "skipped").inc()


def notification_send(*, notification_id) -> None:
    """Send every outside channel of a notification not yet sent. Safe to repeat."""
    pending = NotificationSend.objects.filter(
        notification_id=notification_id, status__in=(Status.PENDING, Status.SENDING)
    ).values_list("pk", flat=True)
    for delivery_id in pending:
        _send_one(delivery_id)


def _send_one(delivery_id) -> None:
    claimed = NotificationSend.objects.filter(
        pk=delivery_id, status__in=(Status.PENDING, Status.SENDING)
    ).update(status=Status.SENDING)
    if not claimed:
        return
    delivery = NotificationSend.objects.select_related(
        "notification__recipient", "notification__order"
    ).get(pk=delivery_id)
    NotificationSend.objects.filter(pk=delivery_id).update(attempts=delivery.attempts + 1)
    try:
        _dispatch(delivery)
    except (ProviderError, OSError) as error:
        NotificationSend.objects.filter(pk=delivery_id).update(
            status=Status.PENDING, last_error=str(error)[:2000]
        )
        NOTIFICATIONS.labels(delivery.channel, "failed").inc()
        raise ConnectionError(f"{delivery.channel} provider failed: {error}") from error
    NotificationSend.objects.filter(pk=delivery_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    NOTIFICATIONS.labels(delivery.channel, "sent").inc()


def _dispatch(delivery: NotificationSend) -> None:
    notification = delivery.notification
    user = notification.recipient
    if delivery.channel == NotificationChannel.EMAIL:
        _email(delivery, user)
        return
    to = user.phone if delivery.channel == NotificationChannel.SMS else str(user.pk)
    provider_for(delivery.channel).send(
        OutgoingMessage(
            idempotency_key=str(delivery.pk),
            channel=delivery.channel,
            to=to,
            title=notification.title,
            body=notification.body,
        )
    )


def _email(delivery: NotificationSend, user: User) -> None:
    notification = delivery.notification
    context = {
        "title": notification.title,
        "body": notification.body,
        "order_number": notification.order.number if notification.order else "",
    }
    email = EmailMultiAlternatives(
        subject=notification.title,
        body=render_to_string("notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": f"<{delivery.pk}@notifications.food-delivery>"},
    )
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    email.send()


def notifications_mark_read(*, user: User, notification_ids, now) -> int:
    """Mark the caller's own notifications read; others' ids change nothing."""
    if len(notification_ids) > MARK_READ_MAX_IDS:
        raise ValidationFailed(f"At most {MARK_READ_MAX_IDS} ids at once.", field="ids")
    return Notification.objects.filter(
        recipient=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=now)


def notification_preferences_update(
    *, user: User, email: bool | None = None, sms: bool | None = None, push: bool | None = None
) -> NotificationPreference:
    """Turn channels on or off; a channel given as None keeps its setting."""
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    for field, value in (("email_enabled", email), ("sms_enabled", sms), ("push_enabled", push)):
        if value is not None:
            setattr(preference, field, value)
    preference.save()
    return preference
