"""The public menu of a restaurant: built in four queries, served from the cache.

Reading a big menu is the hottest path of the API, and building model instances is what makes it
slow (not the SQL), so the menu is assembled from `values()` into plain dicts once and cached.
Every change to a menu bumps the restaurant's menu version after it commits; readers then build
and cache the new version, and a reader racing an edit can only ever write the old version.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from restaurants.models import MenuCategory, MenuItem, Option, OptionGroup

MENU_TTL_SECONDS = 3600


def _version_key(restaurant_id) -> str:
    return f"menu-version:{restaurant_id}"


def _menu_key(restaurant_id, version: int) -> str:
    return f"menu:{restaurant_id}:{version}"


def menu_cache_invalidate(restaurant_id) -> None:
    """Call from any service that changes a menu: the next read after commit sees the change."""

    def bump():
        try:
            cache.incr(_version_key(restaurant_id))
        except ValueError:  # no version yet: nothing was cached under it
            cache.set(_version_key(restaurant_id), 1, timeout=None)

    transaction.on_commit(bump)


def menu_of(restaurant_id, *, currency: str) -> list[dict]:
    version = cache.get_or_set(_version_key(restaurant_id), 0, timeout=None)
    key = _menu_key(restaurant_id, version)
    menu = cache.get(key)
    if menu is None:
        menu = menu_build(restaurant_id, currency=currency)
        cache.set(key, menu, timeout=MENU_TTL_SECONDS)
    return menu


def menus_warm(restaurants: list[tuple]) -> None:
    """Cache the menus of a page of (restaurant id, currency) at once: one cache round trip,
    and 4 queries for all those not cached yet, so a list showing menus costs the same
    whatever its length."""
    if not restaurants:
        return
    versions = cache.get_many([_version_key(rid) for rid, _ in restaurants])
    keys = {rid: _menu_key(rid, versions.get(_version_key(rid), 0)) for rid, _ in restaurants}
    cached = cache.get_many(list(keys.values()))
    missing = {rid: currency for rid, currency in restaurants if keys[rid] not in cached}
    if not missing:
        return
    built = menus_build(missing)
    cache.set_many({keys[rid]: menu for rid, menu in built.items()}, timeout=MENU_TTL_SECONDS)


def menu_build(restaurant_id, *, currency: str) -> list[dict]:
    """Categories > items > option groups > options, ordered, as plain data (4 queries)."""
    restaurant_id = uuid.UUID(str(restaurant_id))
    return menus_build({restaurant_id: currency})[restaurant_id]


def menus_build(currencies: dict) -> dict:
    """The menus of several restaurants ({id: currency}) in the same 4 queries."""
    currencies = {uuid.UUID(str(key)): currency for key, currency in currencies.items()}
    ids = list(currencies)
    categories = list(
        MenuCategory.objects.filter(restaurant_id__in=ids)
        .order_by("position", "name")
        .values("id", "restaurant_id", "name", "position")
    )
    items = MenuItem.objects.filter(restaurant_id__in=ids).order_by("position", "name")
    groups = OptionGroup.objects.filter(item__restaurant_id__in=ids).order_by("position", "name")
    options = Option.objects.filter(group__item__restaurant_id__in=ids).order_by("position", "name")
    options_by_group: dict = {}
    for option in options.values("id", "group_id", "name", "price_delta", "is_available"):
        options_by_group.setdefault(option.pop("group_id"), []).append(option)
    groups_by_item: dict = {}
    for group in groups.values("id", "item_id", "name", "min_selected", "max_selected"):
        group["options"] = options_by_group.get(group["id"], [])
        groups_by_item.setdefault(group.pop("item_id"), []).append(group)
    items_by_category: dict = {}
    for item in items.values(
        "id",
        "restaurant_id",
        "category_id",
        "name",
        "description",
        "price",
        "is_available",
        "dietary_tags",
    ):
        item["option_groups"] = groups_by_item.get(item["id"], [])
        item["currency"] = currencies[item.pop("restaurant_id")]
        items_by_category.setdefault(item.pop("category_id"), []).append(item)
    menus: dict = {restaurant_id: [] for restaurant_id in ids}
    for category in categories:
        category["items"] = items_by_category.get(category["id"], [])
        menus[category.pop("restaurant_id")].append(category)
    return menus


# Where each kind of menu object finds its restaurant.
_RESTAURANT_PATH = {
    "category": (MenuCategory, ""),
    "item": (MenuItem, ""),
    "group": (OptionGroup, "item__"),
    "option": (Option, "group__item__"),
}


def menus_holding(kind: str, object_ids) -> list[list[dict]]:
    """The cached menus of the restaurants that hold these menu objects (one query, then the
    cache). Inactive restaurants' menus are not public: their objects are not found."""
    model, path = _RESTAURANT_PATH[kind]
    rows = model.objects.filter(
        pk__in=list(object_ids), **{f"{path}restaurant__is_active": True}
    ).values_list(f"{path}restaurant_id", f"{path}restaurant__currency")
    return [menu_of(restaurant_id, currency=currency) for restaurant_id, currency in set(rows)]
