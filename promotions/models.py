import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class DiscountKind(models.TextChoices):
    PERCENT = "PERCENT", "A share of the food"
    FIXED = "FIXED", "A fixed amount off the food"


class FundedBy(models.TextChoices):
    PLATFORM = "PLATFORM", "The platform"
    RESTAURANT = "RESTAURANT", "The restaurant"


class PromoCode(models.Model):
    """A code a customer types at checkout. Its discount comes off the food (the subtotal),
    never off fees or the tip; who pays for it is recorded on every use for the statements."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=32, unique=True, help_text="Stored in capitals.")
    description = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=8, choices=DiscountKind.choices)
    percent_basis_points = models.PositiveIntegerField(
        default=0, help_text="PERCENT: 1,000 is 10 %."
    )
    amount = models.PositiveIntegerField(default=0, help_text="FIXED: minor units.")
    currency = models.CharField(max_length=3, help_text="Orders in this currency only.")
    minimum_subtotal = models.PositiveIntegerField(default=0)
    maximum_discount = models.PositiveIntegerField(default=0, help_text="0: no cap.")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Exclusive; empty: open.")
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    max_uses_per_customer = models.PositiveIntegerField(
        null=True, blank=True, default=1, help_text="Empty: no limit."
    )
    uses = models.PositiveIntegerField(default=0, editable=False)
    first_order_only = models.BooleanField(default=False)
    restaurants = models.ManyToManyField(
        "restaurants.Restaurant", blank=True, related_name="+", help_text="Empty: everywhere."
    )
    funded_by = models.CharField(max_length=10, choices=FundedBy.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="PERCENT", percent_basis_points__gte=1, percent_basis_points__lte=10000)
                    | Q(kind="FIXED", amount__gte=1)
                ),
                name="promo_discount_given",
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="promo_uses_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="promo_window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PromoRedemption(models.Model):
    """One use of a code by one order. The order's unique key makes a replayed checkout count
    once; `released_at` marks a use given back (the order was cancelled, rejected, or its
    payment failed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    promo = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="promo_redemption"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    funded_by = models.CharField(max_length=10, choices=FundedBy.choices)
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["promo", "customer"], name="redemption_promo_customer")]

    def __str__(self) -> str:
        return f"{self.promo_id} on {self.order_id}"
