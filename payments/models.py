"""The payment ledger: one Payment per order attempt, its refunds, and Stripe's raw events."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class PaymentStatus(models.TextChoices):
    CREATED = "CREATED", "Created (not yet sent to Stripe)"
    REQUIRES_ACTION = "REQUIRES_ACTION", "Requires the customer's authentication"
    AUTHORIZED = "AUTHORIZED", "Authorised (funds held)"
    CAPTURED = "CAPTURED", "Captured"
    CANCELED = "CANCELED", "Authorisation released"
    FAILED = "FAILED", "Declined or failed"
    UNKNOWN = "UNKNOWN", "Outcome unknown (Stripe unreachable): reconcile"


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    currency = models.CharField(max_length=3)
    amount = models.PositiveIntegerField(help_text="Requested authorisation, minor units.")
    amount_authorized = models.PositiveIntegerField(default=0)
    amount_captured = models.PositiveIntegerField(default=0)
    amount_refunded = models.PositiveIntegerField(default=0)
    payment_method_id = models.CharField(max_length=255)
    # Sent to Stripe as Idempotency-Key: the same attempt never authorises twice.
    idempotency_key = models.CharField(max_length=255, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    client_secret = models.CharField(max_length=255, blank=True)
    last_error_code = models.CharField(max_length=100, blank=True)
    last_error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # A request is talking to Stripe about this payment until then (a lease, not a row lock,
    # since no lock is held across a network call): a retry arriving meanwhile is told the
    # payment is in progress instead of authorising again.
    stripe_call_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="payment_status_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_captured__lte=models.F("amount_authorized")),
                name="payment_captured_within_authorized",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount_captured")),
                name="payment_refunded_within_captured",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.id} {self.status} {self.amount} {self.currency}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SUCCEEDED = "SUCCEEDED", "Succeeded"
        FAILED = "FAILED", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The caller's key, unique per payment: a repeat returns the first refund.
    idempotency_key = models.CharField(max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["payment", "idempotency_key"], name="refund_once_per_key_per_payment"
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.payment_id} ({self.status})"

    @property
    def stripe_idempotency_key(self) -> str:
        """Stripe's keys are account-wide; ours are per payment."""
        return f"refund-{self.payment_id}-{self.idempotency_key}"


class StripeEvent(models.Model):
    """A webhook event as Stripe sent it, stored once (by its id) before anything acts on it."""

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", "Received"
        PROCESSED = "PROCESSED", "Processed"
        IGNORED = "IGNORED", "Ignored (type not handled)"
        FAILED = "FAILED", "Failed (will be retried)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    stripe_created = models.DateTimeField(help_text="When Stripe created the event.")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="stripe_event_status_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"


class StripeCustomer(models.Model):
    """The Stripe Customer of a user: where their saved cards are attached."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stripe_customer",
    )
    customer_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.customer_id} of {self.user_id}"


class SavedPaymentMethod(models.Model):
    """A card a customer saved (through a SetupIntent) to pay with later. What the apps show
    is kept here, so listing cards never waits on Stripe; the card itself stays at Stripe."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_payment_methods"
    )
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    brand = models.CharField(max_length=32)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="saved_pm_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.brand} ending {self.last4}"
