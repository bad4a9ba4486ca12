import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DriverTag(models.TextChoices):
    FRIENDLY = "FRIENDLY", "Friendly"
    ON_TIME = "ON_TIME", "On time"
    CAREFUL = "CAREFUL", "Careful with the food"
    LATE = "LATE", "Late"
    CARELESS = "CARELESS", "Careless with the food"
    RUDE = "RUDE", "Rude"


class Review(models.Model):
    """A customer's rating of one delivered order: the restaurant (stars and a comment, public
    under the customer's first name) and, when a driver brought it, the driver (stars and tags,
    seen only by the platform). One per order; the customer may change it within the window."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="review")
    restaurant = models.ForeignKey(
        "restaurants.Restaurant", on_delete=models.PROTECT, related_name="reviews"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    stars = models.PositiveSmallIntegerField(help_text="The restaurant, 1 to 5.")
    comment = models.CharField(max_length=1000, blank=True)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="driver_reviews",
    )
    driver_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    driver_tags = models.JSONField(default=list, blank=True)
    reply = models.CharField(max_length=1000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["restaurant", "-created_at", "-id"],
                name="review_restaurant_newest_idx",
                condition=Q(hidden_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_5"
            ),
            models.CheckConstraint(
                condition=Q(driver_stars__isnull=True)
                | Q(driver_stars__gte=1, driver_stars__lte=5),
                name="review_driver_stars_1_5",
            ),
            models.CheckConstraint(
                condition=Q(driver_stars__isnull=True) | Q(driver__isnull=False),
                name="review_driver_stars_need_a_driver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ for order {self.order_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class RestaurantRating(models.Model):
    """The running totals of a restaurant's visible reviews, kept by the review services in the
    same transaction as each change: reading an average never scans the reviews."""

    restaurant = models.OneToOneField(
        "restaurants.Restaurant",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rating",
    )
    count = models.PositiveIntegerField(default=0)
    stars_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stars_total__gte=models.F("count"))
                & Q(stars_total__lte=models.F("count") * 5),
                name="rating_total_within_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.average or '-'} from {self.count} reviews"

    @property
    def average(self) -> float | None:
        return round(self.stars_total / self.count, 2) if self.count else None
