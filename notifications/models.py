import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationChannel(models.TextChoices):
    IN_APP = "IN_APP", "In app"
    EMAIL = "EMAIL", "Email"
    SMS = "SMS", "SMS"
    PUSH = "PUSH", "Push"


class NotificationKind(models.TextChoices):
    """What a notification is about (the apps switch on it: an icon, where a tap leads)."""

    ORDER_PLACED = "ORDER_PLACED", "A paid order waits for the restaurant"
    ORDER_ACCEPTED = "ORDER_ACCEPTED", "Order accepted"
    ORDER_READY = "ORDER_READY", "Order ready for pickup"
    ORDER_PICKED_UP = "ORDER_PICKED_UP", "Order picked up"
    ORDER_DELIVERED = "ORDER_DELIVERED", "Order delivered"
    ORDER_READY_TO_COLLECT = "ORDER_READY_TO_COLLECT", "Pickup order ready at the counter"
    ORDER_COLLECTED = "ORDER_COLLECTED", "Pickup order collected"
    ORDER_ACCEPT_REMINDER = "ORDER_ACCEPT_REMINDER", "A scheduled order waits to be accepted"
    ORDER_CANCELLED = "ORDER_CANCELLED", "Order cancelled"
    ORDER_REJECTED = "ORDER_REJECTED", "Order rejected"
    ORDER_PAYMENT_FAILED = "ORDER_PAYMENT_FAILED", "Payment failed"
    ORDER_REFUNDED = "ORDER_REFUNDED", "Refunded"
    DELIVERY_OFFERED = "DELIVERY_OFFERED", "Delivery offered to a driver"
    DELIVERY_WAITING = "DELIVERY_WAITING", "Delivery waiting for a driver"


class Notification(models.Model):
    """What one user is told about one event; the in-app inbox row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What caused it (an OrderEvent id, a refund id, ...): with recipient and kind it makes
    # the notification unique, so a task that runs twice creates it once.
    source_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_notification"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "recipient", "kind"], name="notification_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationSend(models.Model):
    """One notification on one outside channel (email, SMS, push): sent at most once."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SENDING = "SENDING", "Sending (claimed by a worker)"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed"
        SKIPPED = "SKIPPED", "Skipped (channel off)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="sends")
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_notificationdelivery"
        verbose_name = "notification send"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_delivery_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} for {self.notification_id}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(default=True)
    sms_enabled = models.BooleanField(default=True)
    push_enabled = models.BooleanField(default=True)

    class Meta:
        db_table = "orders_notificationpreference"

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class AccountMessageKind(models.TextChoices):
    PASSWORD_RESET = "PASSWORD_RESET", "Password reset link"
    EMAIL_VERIFICATION = "EMAIL_VERIFICATION", "Email verification link"
    PHONE_VERIFICATION = "PHONE_VERIFICATION", "Phone verification code"
    DATA_EXPORT_READY = "DATA_EXPORT_READY", "Data export ready"


class AccountMessage(models.Model):
    """One message about the account itself (a reset link, a verification code, an export), sent
    to one address at most once. Unlike notifications it has no in-app copy, ignores the
    channel preferences (it is what the person asked for) and goes to the address being proven
    (a new email, a new phone). Its text holds a secret, so it is never stored: it is rebuilt at
    each send from the token it carries (accounts.account_tokens)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_messages"
    )
    kind = models.CharField(max_length=32, choices=AccountMessageKind.choices)
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    to = models.CharField(max_length=254)
    source_key = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10,
        choices=NotificationSend.Status.choices,
        default=NotificationSend.Status.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "channel"], name="account_message_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.status}"
