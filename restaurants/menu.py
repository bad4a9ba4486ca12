"""The public menu of a restaurant: built in four queries, served from the cache.

Reading a big menu is the hottest path of the API, and building model instances is what makes it
slow (not the SQL), so the menu is assembled from `values()` into plain dicts once and cached.
Every change to a menu bumps the restaurant's menu version, a column of the restaurant's row
written in the same transaction as the change: a reader after commit asks for the new version's
key, so an edit can never be lost to a cache outage, and a reader racing an edit can only ever
write the old version. With the cache away, menus are built from the database.
"""

import uuid

from django.core.cache import cache
from django.db.models import F

from core.cache import cache_or
from restaurants.models import MenuCategory, MenuItem, Option, OptionGroup, Restaurant

MENU_TTL_SECONDS = 3600


def _menu_key(restaurant_id, version: int) -> str:
    return f"menu:{restaurant_id}:{version}"


def menu_cache_invalidate(restaurant_id) -> None:
    """Call from any service that changes a menu, inside its transaction."""
    Restaurant.objects.filter(pk=restaurant_id).update(menu_version=F("menu_version") + 1)


def menu_of(restaurant_id, *, currency: str, version: int) -> list[dict]:
    key = _menu_key(restaurant_id, version)
    menu = cache_or(None, lambda: cache.get(key), what="menu")
    if menu is None:
        menu = menu_build(restaurant_id, currency=currency)
        cache_or(None, lambda: cache.set(key, menu, timeout=MENU_TTL_SECONDS), what="menu")
    return menu


def menus_warm(restaurants: list[tuple]) -> None:
    """Cache the menus of a page of (restaurant id, currency, menu version) at once: one cache
    round trip, and 4 queries for all those not cached yet, so a list showing menus costs the
    same whatever its length."""
    if not restaurants:
        return
    keys = {rid: _menu_key(rid, version) for rid, _, version in restaurants}
    cached = cache_or(None, lambda: cache.get_many(list(keys.values())), what="menu")
    if cached is None:
        return  # the cache is away: each menu is built when it is read
    missing = {rid: currency for rid, currency, _ in restaurants if keys[rid] not in cached}
    if not missing:
        return
    built = menus_build(missing)
    cache_or(
        None,
        lambda: cache.set_many(
            {keys[rid]: menu for rid, menu in built.items()}, timeout=MENU_TTL_SECONDS
        ),
        what="menu",
    )


def menu_build(restaurant_id, *, currency: str) -> list[dict]:
    """Categories > items > option groups > options, ordered, as plain data (3 queries)."""
    restaurant_id = uuid.UUID(str(restaurant_id))
    return menus_build({restaurant_id: currency})[restaurant_id]


def menus_build(currencies: dict) -> dict:
    """The menus of several restaurants ({id: currency}) in the same 3 queries."""
    currencies = {uuid.UUID(str(key)): currency for key, currency in currencies.items()}
    ids = list(currencies)
    categories = list(
        MenuCategory.objects.filter(restaurant_id__in=ids)
        .order_by("position", "name")
        .values("id", "restaurant_id", "name", "position")
    )
    items = MenuItem.objects.filter(restaurant_id__in=ids).order_by("position", "name")
    # Groups with their options in one query (a row per option, or one with no option for an
    # empty group): with the restaurant's row, a cold menu read stays within 5 queries even
    # behind the whole-response cache's look at that row.
    groups = (
        OptionGroup.objects.filter(item__restaurant_id__in=ids)
        .order_by("position", "name", "id", "options__position", "options__name", "options__id")
        .values_list(
            "id",
            "item_id",
            "name",
            "min_selected",
            "max_selected",
            "options__id",
            "options__name",
            "options__price_delta",
            "options__is_available",
        )
    )
    groups_by_item: dict = {}
    group: dict = {}
    for group_id, item_id, name, least, most, *option in groups:
        if group.get("id") != group_id:
            group = {
                "id": group_id,
                "name": name,
                "min_selected": least,
                "max_selected": most,
                "options": [],
            }
            groups_by_item.setdefault(item_id, []).append(group)
        option_id, option_name, price_delta, is_available = option
        if option_id is not None:
            group["options"].append(
                {
                    "id": option_id,
                    "name": option_name,
                    "price_delta": price_delta,
                    "is_available": is_available,
                }
            )
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
    ).values_list(
        f"{path}restaurant_id", f"{path}restaurant__currency", f"{path}restaurant__menu_version"
    )
    return [
        menu_of(restaurant_id, currency=currency, version=version)
        for restaurant_id, currency, version in set(rows)
    ]
