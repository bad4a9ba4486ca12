"""The rest of the catalogue's edits: changing and removing what `restaurants.services`
creates, the restaurant's own settings, and its team. The admin consoles call these (never the
ORM), so they can store nothing the API would refuse, and every menu change bumps the menu
version in the same transaction."""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from accounts.models import User
from accounts.revocation import user_access_changed_record
from core.errors import ValidationFailed
from restaurants.errors import NotRestaurantStaff, RestaurantNotFound
from restaurants.menu import menu_cache_invalidate
from restaurants.models import (
    Closure,
    MenuCategory,
    Option,
    OptionGroup,
    Restaurant,
    RestaurantStaff,
    StaffRole,
)
from restaurants.selectors import user_is_restaurant_owner
from restaurants.services import (
    _authorize,
    _locked,
    _name,
    _price,
    closure_check,
    option_group_check,
)

CURRENCY = re.compile(r"^[A-Z]{3}$")
DELIVERY_RADIUS_MAX_M = 20_000
PREPARATION_MINUTES_MAX = 180
# The restaurant's settings its own owners and managers may change; the rest (name, slug,
# address, currency, listing) are the platform's.
OWNER_FIELDS = frozenset(
    {
        "description",
        "phone",
        "accepting_orders",
        "preparation_minutes",
        "minimum_order",
        "slot_minutes",
        "slot_capacity",
    }
)
PLATFORM_FIELDS = OWNER_FIELDS | {
    "name",
    "time_zone",
    "currency",
    "is_active",
    "delivery_radius_m",
    "delivery_fee",
    "delivery_fee_bands",
    "small_order_threshold",
    "small_order_fee",
    "price_band",
}
SLOT_MINUTES_CHOICES = (5, 10, 15, 20, 30, 60)
PRICE_BANDS = (1, 2, 3, 4)
SLOT_CAPACITY_MAX = 100
FEE_BANDS_MAX = 10


def restaurant_settings_check(changes: dict) -> dict:
    """Cleaned values of the settings in `changes`; ValidationFailed on the first bad one."""
    cleaned = dict(changes)
    if "name" in cleaned:
        cleaned["name"] = _name(cleaned["name"])
    if "currency" in cleaned:
        currency = (cleaned["currency"] or "").strip().upper()
        if not CURRENCY.match(currency):
            raise ValidationFailed("An ISO 4217 code such as EUR.", field="currency")
        cleaned["currency"] = currency
    if "time_zone" in cleaned:
        try:
            ZoneInfo(cleaned["time_zone"] or "")
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationFailed(
                "An IANA time zone such as Europe/Lisbon.", field="time_zone"
            ) from None
    for money in ("delivery_fee", "minimum_order"):
        if money in cleaned:
            _price(cleaned[money], money)
    for money in ("small_order_threshold", "small_order_fee"):
        # Empty: the platform's setting applies.
        if cleaned.get(money) is not None:
            _price(cleaned[money], money)
    if "price_band" in cleaned and cleaned["price_band"] not in PRICE_BANDS:
        raise ValidationFailed("From 1 (cheap) to 4 (expensive).", field="price_band")
    if "delivery_fee_bands" in cleaned:
        cleaned["delivery_fee_bands"] = delivery_fee_bands_check(cleaned["delivery_fee_bands"])
    if "slot_minutes" in cleaned and cleaned["slot_minutes"] not in SLOT_MINUTES_CHOICES:
        raise ValidationFailed(
            f"One of {', '.join(map(str, SLOT_MINUTES_CHOICES))} minutes.", field="slot_minutes"
        )
    if "slot_capacity" in cleaned and not 0 <= (cleaned["slot_capacity"] or 0) <= (
        SLOT_CAPACITY_MAX
    ):
        raise ValidationFailed(
            f"Between 0 (no scheduled orders) and {SLOT_CAPACITY_MAX}.", field="slot_capacity"
        )
    if "delivery_radius_m" in cleaned and not (
        100 <= (cleaned["delivery_radius_m"] or 0) <= DELIVERY_RADIUS_MAX_M
    ):
        raise ValidationFailed(
            f"Between 100 and {DELIVERY_RADIUS_MAX_M} metres.", field="delivery_radius_m"
        )
    if "preparation_minutes" in cleaned and not (
        1 <= (cleaned["preparation_minutes"] or 0) <= PREPARATION_MINUTES_MAX
    ):
        raise ValidationFailed(
            f"Between 1 and {PREPARATION_MINUTES_MAX} minutes.", field="preparation_minutes"
        )
    if "phone" in cleaned and len(cleaned["phone"] or "") > 32:
        raise ValidationFailed("At most 32 characters.", field="phone")
    return cleaned


def delivery_fee_bands_check(bands) -> list[dict]:
    """[{"upToMetres": int, "fee": int}, ...], distances strictly ascending within the largest
    radius any restaurant may have; empty: the platform's bands (or the flat fee)."""
    field = "delivery_fee_bands"
    if bands in (None, ""):
        return []
    if not isinstance(bands, list) or len(bands) > FEE_BANDS_MAX:
        raise ValidationFailed(
            f'Up to {FEE_BANDS_MAX} bands like [{{"upToMetres": 2000, "fee": 199}}].', field=field
        )
    cleaned, previous = [], 0
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"upToMetres", "fee"}:
            raise ValidationFailed('Each band is {"upToMetres": ..., "fee": ...}.', field=field)
        metres, fee = band["upToMetres"], band["fee"]
        if not isinstance(metres, int) or not previous < metres <= DELIVERY_RADIUS_MAX_M:
            raise ValidationFailed(
                f"Distances go up, each at most {DELIVERY_RADIUS_MAX_M} metres.", field=field
            )
        if not isinstance(fee, int):
            raise ValidationFailed("A fee is a whole number of minor units.", field=field)
        _price(fee, field)
        cleaned.append({"upToMetres": metres, "fee": fee})
        previous = metres
    return cleaned


def restaurant_create(
    *, actor: User, slug: str, address, cuisines=(), settings: dict
) -> Restaurant:
    """A new restaurant on the platform (admins only), its settings checked as on every change;
    it joins the catalogue with an empty menu and no team."""
    if not actor.is_admin:
        raise NotRestaurantStaff("Only the platform's admins add restaurants.")
    unknown = set(settings) - PLATFORM_FIELDS
    if unknown:
        raise ValidationFailed(
            f"You may not set {', '.join(sorted(unknown))}.", field=sorted(unknown)[0]
        )
    cleaned = restaurant_settings_check(settings)
    slug = (slug or "").strip()
    if not slug:
        raise ValidationFailed("A restaurant needs a slug.", field="slug")
    if Restaurant.objects.filter(slug=slug).exists():
        raise ValidationFailed("Another restaurant has this slug.", field="slug")
    with transaction.atomic():
        restaurant = Restaurant.objects.create(slug=slug, address=address, **cleaned)
        restaurant.cuisines.set(cuisines)
    return restaurant


def restaurant_update(*, actor: User, restaurant_id, changes: dict) -> Restaurant:
    """Change a restaurant's settings. Owners and managers change their own restaurant's day-to-
    day settings; admins everything in PLATFORM_FIELDS. The menu (which carries the currency) is
    invalidated in the same transaction."""
    allowed = PLATFORM_FIELDS if actor.is_admin else OWNER_FIELDS
    if not user_is_restaurant_owner(actor, restaurant_id):
        raise NotRestaurantStaff("Only the restaurant's owners and managers change it.")
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            f"You may not change {', '.join(sorted(unknown))}.", field=sorted(unknown)[0]
        )
    cleaned = restaurant_settings_check(changes)
    with transaction.atomic():
        restaurant = _locked(Restaurant, restaurant_id, "restaurantId")
        for name, value in cleaned.items():
            setattr(restaurant, name, value)
        restaurant.save(update_fields=[*cleaned, "updated_at"])
        menu_cache_invalidate(restaurant_id)
    return restaurant


def menu_category_delete(*, actor: User, category_id) -> None:
    with transaction.atomic():
        category = _locked(MenuCategory, category_id, "id")
        _authorize(actor, category.restaurant_id)
        category.delete()
        menu_cache_invalidate(category.restaurant_id)


def option_group_update(
    *, actor: User, group_id, name: str, min_selected: int, max_selected: int, position: int = 0
) -> OptionGroup:
    with transaction.atomic():
        group = _locked(OptionGroup, group_id, "id")
        restaurant_id = group.item.restaurant_id
        _authorize(actor, restaurant_id)
        option_group_check(
            min_selected=min_selected, max_selected=max_selected, options=group.options.count()
        )
        group.name = _name(name)
        group.min_selected, group.max_selected = min_selected, max_selected
        group.position = max(position or 0, 0)
        group.save()
        menu_cache_invalidate(restaurant_id)
    return group


def option_group_delete(*, actor: User, group_id) -> None:
    with transaction.atomic():
        group = _locked(OptionGroup, group_id, "id")
        restaurant_id = group.item.restaurant_id
        _authorize(actor, restaurant_id)
        group.delete()
        menu_cache_invalidate(restaurant_id)


def option_update(
    *, actor: User, option_id, name: str, price_delta: int, position: int | None = None
) -> Option:
    with transaction.atomic():
        option = _locked(Option, option_id, "id")
        restaurant_id = option.group.item.restaurant_id
        _authorize(actor, restaurant_id)
        option.name = _name(name)
        option.price_delta = _price(price_delta, "priceDelta")
        if position is not None:
            option.position = max(position, 0)
        option.save()
        menu_cache_invalidate(restaurant_id)
    return option


def option_delete(*, actor: User, option_id) -> None:
    with transaction.atomic():
        option = _locked(Option, option_id, "id")
        group = option.group
        restaurant_id = group.item.restaurant_id
        _authorize(actor, restaurant_id)
        remaining = group.options.exclude(pk=option.pk).count()
        if group.min_selected > remaining:
            raise ValidationFailed(
                f"The group asks for at least {group.min_selected} option(s); lower its minimum "
                "first.",
                field="id",
            )
        option.delete()
        menu_cache_invalidate(restaurant_id)


def closure_update(*, actor: User, closure_id, starts_at, ends_at, reason: str) -> Closure:
    with transaction.atomic():
        closure = _locked(Closure, closure_id, "id")
        _authorize(actor, closure.restaurant_id)
        closure_check(starts_at=starts_at, ends_at=ends_at)
        closure.starts_at, closure.ends_at = starts_at, ends_at
        closure.reason = (reason or "").strip()[:200]
        closure.save()
    return closure


def closure_delete(*, actor: User, closure_id) -> None:
    with transaction.atomic():
        closure = _locked(Closure, closure_id, "id")
        _authorize(actor, closure.restaurant_id)
        closure.delete()


def restaurant_staff_set(*, actor: User, restaurant_id, user_id, role: str) -> RestaurantStaff:
    """Put someone on a restaurant's team with `role`, or change their role. Owners, managers
    and admins manage the team; only owners and admins make owners."""
    if restaurant_id is None or not Restaurant.objects.filter(pk=restaurant_id).exists():
        raise RestaurantNotFound("No such restaurant.", field="restaurantId")
    if not user_is_restaurant_owner(actor, restaurant_id):
        raise NotRestaurantStaff("Only the restaurant's owners and managers manage its team.")
    if role not in StaffRole.values:
        raise ValidationFailed("Owner, manager or staff.", field="role")
    current = RestaurantStaff.objects.filter(restaurant_id=restaurant_id, user_id=user_id).first()
    actor_is_owner = (
        actor.is_admin
        or RestaurantStaff.objects.filter(
            restaurant_id=restaurant_id, user_id=actor.pk, role=StaffRole.OWNER
        ).exists()
    )
    if current is not None and current.role == StaffRole.OWNER and not actor_is_owner:
        raise NotRestaurantStaff("Only an owner changes an owner's role.", field="role")
    if role == StaffRole.OWNER and not actor_is_owner:
        raise NotRestaurantStaff("Only an owner makes someone an owner.", field="role")
    if user_id is None or not User.objects.filter(pk=user_id, is_active=True).exists():
        raise ValidationFailed("No such active user.", field="user")
    with transaction.atomic():
        _locked(Restaurant, restaurant_id, "restaurantId")
        membership, created = RestaurantStaff.objects.update_or_create(
            restaurant_id=restaurant_id, user_id=user_id, defaults={"role": role}
        )
        if not created:
            user_access_changed_record(user_id=user_id)
    return membership
