"""Staff use cases of the catalogue. Every menu change invalidates the cached menu on commit."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from accounts.revocation import user_access_changed_record
from core.dates import datetime_in_window
from core.errors import ValidationFailed
from restaurants.errors import NotRestaurantStaff, RestaurantNotFound
from restaurants.menu import menu_cache_invalidate
from restaurants.models import (
    Closure,
    MenuCategory,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
    RestaurantStaff,
)
from restaurants.selectors import user_is_restaurant_owner, user_is_restaurant_staff

NAME_MAX_LENGTH = 120
PRICE_MAX = 1_000_000  # 10,000.00 in minor units: anything above is a typo
MAX_SPANS_PER_WEEK = 28
MAX_OPTIONS_PER_GROUP = 50


@dataclass(frozen=True)
class Span:
    weekday: int
    opens_at: time
    closes_at: time


def _authorize(actor: User, restaurant_id) -> None:
    if restaurant_id is None or not Restaurant.objects.filter(pk=restaurant_id).exists():
        raise RestaurantNotFound("No such restaurant.", field="restaurantId")
    if not user_is_restaurant_staff(actor, restaurant_id):
        raise NotRestaurantStaff("Only this restaurant's staff may do this.")


def _name(value: str | None, field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed("A name is required.", field=field)
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationFailed(f"At most {NAME_MAX_LENGTH} characters.", field=field)
    return value


def _price(value: int, field: str = "price") -> int:
    if value is None or value < 0 or value > PRICE_MAX:
        raise ValidationFailed(
            f"Enter an amount between 0 and {PRICE_MAX} in minor units.", field=field
        )
    return value


def _locked(model, object_id, field: str):
    if object_id is None:
        raise RestaurantNotFound("Not found.", field=field)
    obj = model.objects.select_for_update().filter(pk=object_id).first()
    if obj is None:
        raise RestaurantNotFound("Not found.", field=field)
    return obj


def restaurant_staff_remove(*, actor: User, restaurant_id, user_id) -> None:
    """Take someone off a restaurant's team (its owners, managers and admins may). Their open
    live subscriptions to the restaurant's orders end, on every web process."""
    if restaurant_id is None or not Restaurant.objects.filter(pk=restaurant_id).exists():
        raise RestaurantNotFound("No such restaurant.", field="restaurantId")
    if not user_is_restaurant_owner(actor, restaurant_id):
        raise NotRestaurantStaff("Only the restaurant's owners and managers manage its team.")
    with transaction.atomic():
        deleted, _ = RestaurantStaff.objects.filter(
            restaurant_id=restaurant_id, user_id=user_id
        ).delete()
        if not deleted:
            raise RestaurantNotFound("Not on this restaurant's team.", field="userId")
        user_access_changed_record(user_id=user_id)


def restaurant_set_accepting_orders(*, actor: User, restaurant_id, accepting: bool) -> Restaurant:
    """The kitchen's pause switch (also the admin's pause/resume actions)."""
    _authorize(actor, restaurant_id)
    with transaction.atomic():
        restaurant = _locked(Restaurant, restaurant_id, "restaurantId")
        restaurant.accepting_orders = accepting
        restaurant.save(update_fields=["accepting_orders", "updated_at"])
    return restaurant


def menu_category_create(*, actor: User, restaurant_id, name: str, position: int = 0):
    _authorize(actor, restaurant_id)
    category = MenuCategory.objects.create(
        restaurant_id=restaurant_id, name=_name(name), position=max(position, 0)
    )
    menu_cache_invalidate(restaurant_id)
    return category


def menu_category_update(
    *, actor: User, category_id, name: str | None = None, position: int | None = None
) -> MenuCategory:
    """Change what is given (None: keep)."""
    with transaction.atomic():
        category = _locked(MenuCategory, category_id, "id")
        _authorize(actor, category.restaurant_id)
        if name is not None:
            category.name = _name(name)
        if position is not None:
            category.position = max(position, 0)
        category.save()
        menu_cache_invalidate(category.restaurant_id)
    return category


def menu_item_create(
    *,
    actor: User,
    category_id,
    name: str,
    price: int,
    description: str = "",
    is_available: bool = True,
    dietary_tags: list[str] | None = None,
) -> MenuItem:
    category = MenuCategory.objects.filter(pk=category_id).first() if category_id else None
    if category is None:
        raise RestaurantNotFound("No such menu category.", field="categoryId")
    _authorize(actor, category.restaurant_id)
    item = MenuItem.objects.create(
        restaurant_id=category.restaurant_id,
        category=category,
        name=_name(name),
        description=(description or "").strip()[:2000],
        price=_price(price),
        is_available=is_available,
        dietary_tags=_tags(dietary_tags),
        position=(
            MenuItem.objects.filter(category=category).aggregate(last=Max("position"))["last"] or 0
        )
        + 1,
    )
    menu_cache_invalidate(category.restaurant_id)
    return item


def menu_item_check(*, name: str, price: int) -> None:
    """The rules of an item's name and price (what the admin's forms check before saving)."""
    _name(name)
    _price(price)


def option_check(*, name: str, price_delta: int) -> None:
    _name(name)
    _price(price_delta, "priceDelta")


MAX_DIETARY_TAGS, MAX_DIETARY_TAG_LENGTH = 20, 30


def _tags(tags: list[str] | None) -> list[str]:
    """Tags are served in every public menu: a few short words ("vegan", "gluten-free")."""
    cleaned = sorted({tag.strip().lower() for tag in tags or [] if tag.strip()})
    if len(cleaned) > MAX_DIETARY_TAGS:
        raise ValidationFailed(f"At most {MAX_DIETARY_TAGS} dietary tags.", field="dietaryTags")
    if any(len(tag) > MAX_DIETARY_TAG_LENGTH for tag in cleaned):
        raise ValidationFailed(
            f"A dietary tag is at most {MAX_DIETARY_TAG_LENGTH} characters.", field="dietaryTags"
        )
    return cleaned


def menu_item_update(
    *,
    actor: User,
    item_id,
    name: str | None = None,
    description: str | None = None,
    price: int | None = None,
    dietary_tags: list[str] | None = None,
    position: int | None = None,
) -> MenuItem:
    with transaction.atomic():
        item = _locked(MenuItem, item_id, "id")
        _authorize(actor, item.restaurant_id)
        if position is not None:
            item.position = max(position, 0)
        if name is not None:
            item.name = _name(name)
        if description is not None:
            item.description = description.strip()[:2000]
        if price is not None:
            item.price = _price(price)
        if dietary_tags is not None:
            item.dietary_tags = _tags(dietary_tags)
        item.save()
        menu_cache_invalidate(item.restaurant_id)
    return item


def menu_item_set_availability(*, actor: User, item_id, available: bool) -> MenuItem:
    with transaction.atomic():
        item = _locked(MenuItem, item_id, "menuItemId")
        _authorize(actor, item.restaurant_id)
        item.is_available = available
        item.save(update_fields=["is_available", "updated_at"])
        menu_cache_invalidate(item.restaurant_id)
    return item


def menu_item_delete(*, actor: User, item_id) -> None:
    with transaction.atomic():
        item = _locked(MenuItem, item_id, "id")
        _authorize(actor, item.restaurant_id)
        item.delete()
        menu_cache_invalidate(item.restaurant_id)


def option_group_create(
    *, actor: User, item_id, name: str, min_selected: int, max_selected: int
) -> OptionGroup:
    item = MenuItem.objects.filter(pk=item_id).first() if item_id else None
    if item is None:
        raise RestaurantNotFound("No such menu item.", field="menuItemId")
    _authorize(actor, item.restaurant_id)
    option_group_check(min_selected=min_selected, max_selected=max_selected)
    group = OptionGroup.objects.create(
        item=item,
        name=_name(name),
        min_selected=min_selected,
        max_selected=max_selected,
        position=item.option_groups.count(),
    )
    menu_cache_invalidate(item.restaurant_id)
    return group


def option_group_check(*, min_selected: int, max_selected: int, options: int | None = None) -> None:
    """How many options a customer picks from a group; with `options`, the group's option count
    (a minimum above it would make the item impossible to order)."""
    if min_selected is None or min_selected < 0:
        raise ValidationFailed("Cannot be negative.", field="minSelected")
    if max_selected is None or max_selected > MAX_OPTIONS_PER_GROUP:
        raise ValidationFailed(f"At most {MAX_OPTIONS_PER_GROUP}.", field="maxSelected")
    if max_selected < max(min_selected, 1):
        raise ValidationFailed("Must be at least 1 and at least the minimum.", field="maxSelected")
    if options is not None and options > MAX_OPTIONS_PER_GROUP:
        raise ValidationFailed(f"At most {MAX_OPTIONS_PER_GROUP} options a group.", field="options")
    if options is not None and min_selected > options:
        raise ValidationFailed(
            f"The group has {options} option(s): a customer cannot pick {min_selected}.",
            field="minSelected",
        )


def option_create(*, actor: User, group_id, name: str, price_delta: int) -> Option:
    group = (
        OptionGroup.objects.select_related("item").filter(pk=group_id).first() if group_id else None
    )
    if group is None:
        raise RestaurantNotFound("No such option group.", field="optionGroupId")
    _authorize(actor, group.item.restaurant_id)
    if group.options.count() >= MAX_OPTIONS_PER_GROUP:
        raise ValidationFailed(f"At most {MAX_OPTIONS_PER_GROUP} options a group.", field="name")
    option = Option.objects.create(
        group=group,
        name=_name(name),
        price_delta=_price(price_delta, "priceDelta"),
        position=group.options.count(),
    )
    menu_cache_invalidate(group.item.restaurant_id)
    return option


def option_set_availability(*, actor: User, option_id, available: bool) -> Option:
    with transaction.atomic():
        option = _locked(Option, option_id, "optionId")
        restaurant_id = option.group.item.restaurant_id
        _authorize(actor, restaurant_id)
        option.is_available = available
        option.save(update_fields=["is_available"])
        menu_cache_invalidate(restaurant_id)
    return option


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _week_intervals(span: Span) -> list[tuple[int, int]]:
    """A span as minute ranges of the week; spans past midnight spill into the next day."""
    day_start = span.weekday * 24 * 60
    opens, closes = _minutes(span.opens_at), _minutes(span.closes_at)
    if closes <= opens:
        closes += 24 * 60
    start, end = day_start + opens, day_start + closes
    week = 7 * 24 * 60
    if end <= week:
        return [(start, end)]
    return [(start, week), (0, end - week)]


def opening_hours_set(*, actor: User, restaurant_id, spans: list[Span]) -> list[OpeningHours]:
    """Replace the restaurant's week of opening hours; overlapping spans are refused."""
    _authorize(actor, restaurant_id)
    opening_hours_check(spans)
    with transaction.atomic():
        _locked(Restaurant, restaurant_id, "restaurantId")
        OpeningHours.objects.filter(restaurant_id=restaurant_id).delete()
        return OpeningHours.objects.bulk_create(
            OpeningHours(
                restaurant_id=restaurant_id,
                weekday=span.weekday,
                opens_at=span.opens_at,
                closes_at=span.closes_at,
            )
            for span in spans
        )


def opening_hours_check(spans: list[Span]) -> None:
    """The rules of a week of spans (also what the admin's form checks before saving)."""
    if len(spans) > MAX_SPANS_PER_WEEK:
        raise ValidationFailed(f"At most {MAX_SPANS_PER_WEEK} spans a week.", field="hours")
    intervals = []
    for index, span in enumerate(spans):
        if not 0 <= span.weekday <= 6:
            raise ValidationFailed("0 is Monday, 6 is Sunday.", field=f"hours[{index}].weekday")
        for interval in _week_intervals(span):
            intervals.append((*interval, index))
    intervals.sort()
    latest_end, latest_index = -1, None
    for start, end, index in intervals:
        if start < latest_end:
            raise ValidationFailed(
                f"This span overlaps span {latest_index + 1}.", field=f"hours[{index}].opensAt"
            )
        if end > latest_end:
            latest_end, latest_index = end, index


def closure_add(
    *, actor: User, restaurant_id, starts_at: datetime, ends_at: datetime | None, reason: str
) -> Closure:
    _authorize(actor, restaurant_id)
    closure_check(starts_at=starts_at, ends_at=ends_at)
    return Closure.objects.create(
        restaurant_id=restaurant_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=(reason or "").strip()[:200],
    )


def closure_check(*, starts_at: datetime, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise ValidationFailed("A closure has a start.", field="startsAt")
    datetime_in_window(starts_at, field="startsAt")
    if ends_at is not None:
        datetime_in_window(ends_at, field="endsAt")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed("A closure ends after it starts.", field="endsAt")
