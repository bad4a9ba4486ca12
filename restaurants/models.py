import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone.")


class Cuisine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Restaurant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    cuisines = models.ManyToManyField(Cuisine, related_name="restaurants", blank=True)
    address = models.OneToOneField(
        "accounts.Address", on_delete=models.PROTECT, related_name="restaurant"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    phone = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True, help_text="Listed and able to take orders.")
    # Bumped in the transaction of every menu change: the key of the cached menu (restaurants.menu).
    menu_version = models.PositiveIntegerField(default=0, editable=False)
    accepting_orders = models.BooleanField(
        default=True, help_text="Staff pause this when the kitchen is overwhelmed."
    )
    delivery_radius_m = models.PositiveIntegerField(default=5000)
    delivery_fee = models.PositiveIntegerField(
        default=0, help_text="Minor units; charged at any distance when there are no fee bands."
    )
    # [{"upToMetres": 2000, "fee": 199}, ...] ascending: the fee of the first band that reaches
    # the address. Empty: the platform's bands (DELIVERY_FEE_BANDS), else the flat fee above.
    delivery_fee_bands = models.JSONField(default=list, blank=True)
    # Null: the platform's (SMALL_ORDER_THRESHOLD, SMALL_ORDER_FEE).
    small_order_threshold = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minor units; empty: the platform's."
    )
    small_order_fee = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minor units; empty: the platform's."
    )
    minimum_order = models.PositiveIntegerField(default=0, help_text="Minor units.")
    currency = models.CharField(max_length=3, default="EUR")
    preparation_minutes = models.PositiveSmallIntegerField(default=20)
    # Scheduled orders: slots of this many minutes, each taking at most `slot_capacity` orders
    # (0: the restaurant takes no scheduled orders).
    slot_minutes = models.PositiveSmallIntegerField(default=15)
    slot_capacity = models.PositiveSmallIntegerField(default=0)
    # How expensive, for the price filter: set by the platform (not the restaurant), so a
    # restaurant cannot list itself as cheaper than it is.
    price_band = models.PositiveSmallIntegerField(
        default=2, help_text="1 (cheap) to 4 (expensive)."
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="RestaurantStaff", related_name="restaurants"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_active", "name"], name="restaurant_active_name_idx"),
            models.Index(fields=["is_active", "time_zone"], name="restaurant_active_zone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="restaurant_currency_iso"
            ),
            models.CheckConstraint(
                condition=models.Q(price_band__gte=1, price_band__lte=4),
                name="restaurant_price_band_1_4",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    OWNER = "OWNER", "Owner"
    MANAGER = "MANAGER", "Manager"
    STAFF = "STAFF", "Staff"


class RestaurantStaff(models.Model):
    """Membership of a user in a restaurant's team; a user may work for several restaurants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=StaffRole.choices, default=StaffRole.STAFF)

    class Meta:
        verbose_name_plural = "restaurant staff"
        constraints = [
            models.UniqueConstraint(fields=["restaurant", "user"], name="staff_unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.restaurant_id} ({self.role})"


class OpeningHours(models.Model):
    """One span of a weekday in the restaurant's own time zone.

    `closes_at <= opens_at` means the span runs past midnight into the next day (18:00-02:00).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday.")
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        verbose_name_plural = "opening hours"
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at}-{self.closes_at}"


class Closure(models.Model):
    """A dated closure (holiday, renovation): no orders in [starts_at, ends_at)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Exclusive; empty = open-ended."
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="closure_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"closed {self.starts_at}-{self.ends_at or '…'}"


class MenuCategory(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="menu_categories"
    )
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "menu categories"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class MenuItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Denormalised from the category so checkout checks ownership in one indexed lookup.
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="menu_items")
    category = models.ForeignKey(MenuCategory, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    price = models.PositiveIntegerField(validators=[MinValueValidator(0)], help_text="Minor units.")
    is_available = models.BooleanField(default=True)
    dietary_tags = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["restaurant", "name"], name="menuitem_restaurant_name_idx")]

    def __str__(self) -> str:
        return self.name


class OptionGroup(models.Model):
    """A choice on an item (size, extras) with how many options must and may be picked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(max_length=100)
    min_selected = models.PositiveSmallIntegerField(default=0)
    max_selected = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_selected__gte=models.F("min_selected")),
                name="optiongroup_max_gte_min",
            ),
            models.CheckConstraint(
                condition=models.Q(max_selected__gte=1), name="optiongroup_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Option(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)
    price_delta = models.PositiveIntegerField(default=0, help_text="Minor units added to the item.")
    is_available = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
