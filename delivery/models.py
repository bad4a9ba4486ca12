import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class DriverState(models.Model):
    """A driver's availability and last known position, updated by the driver app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="driver_state",
    )
    is_available = models.BooleanField(default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_driverstate"
        indexes = [
            models.Index(
                fields=["is_available", "latitude", "longitude"], name="driver_available_geo_idx"
            )
        ]

    def __str__(self) -> str:
        return f"driver {self.user_id} ({'available' if self.is_available else 'off'})"


class DeliveryStatus(models.TextChoices):
    WAITING_FOR_DRIVER = "WAITING_FOR_DRIVER", "Waiting for a driver"
    OFFERED = "OFFERED", "Offered to a driver"
    ASSIGNED = "ASSIGNED", "Driver assigned"
    PICKED_UP = "PICKED_UP", "Picked up"
    DELIVERED = "DELIVERED", "Delivered"
    CANCELLED = "CANCELLED", "Cancelled"


class Delivery(models.Model):
    """The delivery of one order, created when the restaurant accepts it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="delivery")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.WAITING_FOR_DRIVER
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    dispatch_attempts = models.PositiveIntegerField(default=0)
    next_dispatch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    assigned_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Set once admins have been told that nobody takes this delivery, so they hear it once.
    waiting_alert_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_delivery"
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["driver", "status"], name="delivery_driver_status_idx")]

    def __str__(self) -> str:
        return f"delivery of {self.order_id} ({self.status})"


class OfferStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    ACCEPTED = "ACCEPTED", "Accepted"
    DECLINED = "DECLINED", "Declined"
    EXPIRED = "EXPIRED", "Expired"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class DeliveryOffer(models.Model):
    """A delivery offered to one driver, who accepts, declines or lets it time out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="offers")
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_offers"
    )
    status = models.CharField(
        max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_deliveryoffer"
        ordering = ["offered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery"],
                condition=models.Q(status="PENDING"),
                name="offer_one_pending_per_delivery",
            ),
            models.UniqueConstraint(
                fields=["delivery", "driver"], name="offer_once_per_driver_per_delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"offer of {self.delivery_id} to {self.driver_id} ({self.status})"
