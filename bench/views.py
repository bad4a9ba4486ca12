"""The two baselines the GraphQL menu is measured against (mounted only with BENCHMARK=true).

Both answer exactly what `bench.operations.MENU` answers through GraphQL, byte for byte once
parsed (tests/benchmarks/test_harness.py holds them to it):
- the floor: five `.values()` queries assembled into dicts and `json.dumps` — the least any
  implementation must do;
- plain models: the same five queries as prefetched model instances, read by a plain view —
  what an ordinary Django view would cost.
"""

import json

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from strawberry.relay import to_base64

from restaurants.models import MenuCategory, MenuItem, Option, OptionGroup, Restaurant


def _json(data) -> HttpResponse:
    return HttpResponse(json.dumps({"data": data}), content_type="application/json")


def menu_floor(request, slug: str) -> HttpResponse:
    restaurant = (
        Restaurant.objects.filter(slug=slug, is_active=True)
        .values("id", "name", "currency")
        .first()
    )
    if restaurant is None:
        raise Http404(slug)
    currency = restaurant["currency"]
    categories = MenuCategory.objects.filter(restaurant_id=restaurant["id"]).order_by(
        "position", "name"
    )
    items = MenuItem.objects.filter(restaurant_id=restaurant["id"]).order_by("position", "name")
    groups = OptionGroup.objects.filter(item__restaurant_id=restaurant["id"]).order_by(
        "position", "name"
    )
    options = Option.objects.filter(group__item__restaurant_id=restaurant["id"]).order_by(
        "position", "name"
    )
    options_by_group: dict = {}
    for option in options.values("id", "group_id", "name", "price_delta", "is_available"):
        options_by_group.setdefault(option["group_id"], []).append(
            {
                "id": to_base64("Option", option["id"]),
                "name": option["name"],
                "priceDelta": {"amount": option["price_delta"], "currency": currency},
                "isAvailable": option["is_available"],
            }
        )
    groups_by_item: dict = {}
    for group in groups.values("id", "item_id", "name", "min_selected", "max_selected"):
        groups_by_item.setdefault(group["item_id"], []).append(
            {
                "id": to_base64("OptionGroup", group["id"]),
                "name": group["name"],
                "minSelected": group["min_selected"],
                "maxSelected": group["max_selected"],
                "options": options_by_group.get(group["id"], []),
            }
        )
    items_by_category: dict = {}
    for item in items.values(
        "id", "category_id", "name", "description", "price", "is_available", "dietary_tags"
    ):
        items_by_category.setdefault(item["category_id"], []).append(
            {
                "id": to_base64("MenuItem", item["id"]),
                "name": item["name"],
                "description": item["description"],
                "price": {"amount": item["price"], "currency": currency},
                "isAvailable": item["is_available"],
                "dietaryTags": item["dietary_tags"] or [],
                "optionGroups": groups_by_item.get(item["id"], []),
            }
        )
    menu = [
        {
            "id": to_base64("MenuCategory", category["id"]),
            "name": category["name"],
            "items": items_by_category.get(category["id"], []),
        }
        for category in categories.values("id", "name")
    ]
    return _json(
        {
            "restaurant": {
                "id": to_base64("Restaurant", restaurant["id"]),
                "name": restaurant["name"],
                "menu": menu,
            }
        }
    )


def menu_models(request, slug: str) -> HttpResponse:
    options = Option.objects.order_by("position", "name")
    groups = OptionGroup.objects.order_by("position", "name").prefetch_related(
        Prefetch("options", queryset=options)
    )
    items = MenuItem.objects.order_by("position", "name").prefetch_related(
        Prefetch("option_groups", queryset=groups)
    )
    categories = MenuCategory.objects.order_by("position", "name").prefetch_related(
        Prefetch("items", queryset=items)
    )
    restaurant = (
        Restaurant.objects.filter(slug=slug, is_active=True)
        .prefetch_related(Prefetch("menu_categories", queryset=categories))
        .first()
    )
    if restaurant is None:
        raise Http404(slug)
    currency = restaurant.currency

    def money(amount: int) -> dict:
        return {"amount": amount, "currency": currency}

    menu = [
        {
            "id": to_base64("MenuCategory", category.pk),
            "name": category.name,
            "items": [
                {
                    "id": to_base64("MenuItem", item.pk),
                    "name": item.name,
                    "description": item.description,
                    "price": money(item.price),
                    "isAvailable": item.is_available,
                    "dietaryTags": item.dietary_tags or [],
                    "optionGroups": [
                        {
                            "id": to_base64("OptionGroup", group.pk),
                            "name": group.name,
                            "minSelected": group.min_selected,
                            "maxSelected": group.max_selected,
                            "options": [
                                {
                                    "id": to_base64("Option", option.pk),
                                    "name": option.name,
                                    "priceDelta": money(option.price_delta),
                                    "isAvailable": option.is_available,
                                }
                                for option in group.options.all()
                            ],
                        }
                        for group in item.option_groups.all()
                    ],
                }
                for item in category.items.all()
            ],
        }
        for category in restaurant.menu_categories.all()
    ]
    return _json(
        {
            "restaurant": {
                "id": to_base64("Restaurant", restaurant.pk),
                "name": restaurant.name,
                "menu": menu,
            }
        }
    )
