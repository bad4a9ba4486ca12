import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "PENDING_PAYMENT", "Pending payment"
    PLACED = "PLACED", "Placed"
    ACCEPTING = "ACCEPTING", "Accepting (the card is being charged)"
    ACCEPTED = "ACCEPTED", "Accepted"
    READY_FOR_PICKUP = "READY_FOR_PICKUP", "Ready for pickup"
    PICKED_UP = "PICKED_UP", "Picked up"
    # A pickup order's own ends: ready at the counter, then collected by its customer.
    READY_FOR_COLLECTION = "READY_FOR_COLLECTION", "Ready for collection"
    COLLECTED = "COLLECTED", "Collected"
    DELIVERED = "DELIVERED", "Delivered"
    CANCELLED = "CANCELLED", "Cancelled"
    REJECTED = "REJECTED", "Rejected"
    PAYMENT_FAILED = "PAYMENT_FAILED", "Payment failed"


class Fulfilment(models.TextChoices):
    DELIVERY = "DELIVERY", "Delivery"
    PICKUP = "PICKUP", "Pickup"


class ActorRole(models.TextChoices):
    CUSTOMER = "CUSTOMER", "Customer"
    RESTAURANT_STAFF = "RESTAURANT_STAFF", "Restaurant staff"
    # Owners and managers, who also hold RESTAURANT_STAFF: the moves that give money back.
    RESTAURANT_MANAGER = "RESTAURANT_MANAGER", "Restaurant owner or manager"
    DRIVER = "DRIVER", "Driver"
    ADMIN = "ADMIN", "Admin"
    SYSTEM = "SYSTEM", "System"


class Order(models.Model):
    """A customer's order at one restaurant. Prices and the delivery address are snapshots:
    later menu or address edits never change a past order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=16, unique=True, help_text="Human-friendly reference.")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    restaurant = models.ForeignKey(
        "restaurants.Restaurant", on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    idempotency_key = models.CharField(max_length=100)
    fulfilment = models.CharField(
        max_length=10, choices=Fulfilment.choices, default=Fulfilment.DELIVERY
    )

    # Money: what orders.pricing computed at checkout (minor units of `currency`).
    currency = models.CharField(max_length=3)
    subtotal = models.PositiveIntegerField()
    delivery_fee = models.PositiveIntegerField()
    small_order_fee = models.PositiveIntegerField(default=0)
    service_fee = models.PositiveIntegerField(default=0)
    # Subtracted from the total; 0 until promo codes exist.
    discount = models.PositiveIntegerField(default=0)
    tip = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField()

    # Empty for a pickup order (no address, no coordinates).
    delivery_address = models.JSONField(
        default=dict, blank=True, help_text="Snapshot: label, line1, line2, city, ..."
    )
    delivery_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_distance_m = models.PositiveIntegerField(
        null=True, blank=True, help_text="From the restaurant, as priced."
    )
    # Shown to the customer of a pickup order, checked by staff on markCollected.
    pickup_code = models.CharField(max_length=8, blank=True)
    # Scheduled orders: the slot's start (delivered or ready for collection then); null: now.
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # A scheduled order not accepted by then is cancelled and its card released.
    accept_by = models.DateTimeField(null=True, blank=True)
    # When the restaurant was reminded to accept it (once, SCHEDULED_ACCEPT_REMINDER_MINUTES
    # before accept_by).
    accept_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    customer_note = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True, help_text="When payment authorised.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    preparation_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When cancelled, rejected or payment failed."
    )
    estimated_delivery_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # The sequence number of the order's latest event: the next one is this plus one.
    last_event_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        # What staff may do in the admin consoles besides looking (groups hold these).
        permissions = [
            ("manage_order", "Can accept, reject and mark orders ready"),
            ("cancel_order", "Can cancel orders"),
            ("refund_order", "Can refund orders up to the support limit"),
            ("refund_order_any_amount", "Can refund any amount of an order"),
            ("redispatch_order", "Can ask for a driver again"),
        ]
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_created_idx"),
            models.Index(
                fields=["restaurant", "status", "-created_at"], name="order_rest_status_idx"
            ),
            models.Index(fields=["status", "status_changed_at"], name="order_status_changed_idx"),
            models.Index(
                fields=["restaurant", "scheduled_for"],
                name="order_rest_scheduled_idx",
                condition=models.Q(scheduled_for__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="order_customer_idempotency_key"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("subtotal")
                    + models.F("delivery_fee")
                    + models.F("small_order_fee")
                    + models.F("service_fee")
                    + models.F("tip")
                    - models.F("discount")
                ),
                name="order_total_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    fulfilment="DELIVERY",
                    delivery_latitude__isnull=False,
                    delivery_longitude__isnull=False,
                )
                | models.Q(fulfilment="PICKUP", delivery_fee=0, delivery_latitude__isnull=True),
                name="order_fulfilment_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"


class OrderLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    menu_item = models.ForeignKey(
        "restaurants.MenuItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    unit_price = models.PositiveIntegerField(help_text="Item price plus chosen options.")
    quantity = models.PositiveSmallIntegerField()
    options = models.JSONField(default=list, help_text="Snapshot: [{id, group, name, priceDelta}]")
    note = models.CharField(max_length=200, blank=True)
    line_total = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=50), name="line_quantity_range"
            ),
            models.CheckConstraint(
                condition=models.Q(line_total=models.F("unit_price") * models.F("quantity")),
                name="line_total_is_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class OrderEvent(models.Model):
    """One status transition: the append-only history of an order and the analytics record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # 1, 2, 3... per order, in the order the events happened: events written in one
    # transaction share a timestamp, and clocks of two processes disagree; this does not.
    sequence = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="event_sequence_per_order")
        ]
        indexes = [
            models.Index(fields=["order", "created_at"], name="event_order_created_idx"),
            models.Index(fields=["to_status", "created_at"], name="event_status_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status}"
