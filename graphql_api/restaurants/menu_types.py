"""Lean menu types served from the cached menu (plain data, no model instances)."""

import uuid
from collections.abc import Iterable

import strawberry
from strawberry import relay
from strawberry.relay import to_base64
from strawberry.types import Info

from graphql_api.core.plain import PlainData
from graphql_api.core.types import Money
from restaurants.menu import menu_of, menus_holding


def _walk(menu: list[dict]):
    """Every object of a cached menu as (kind, data, currency)."""
    for category in menu:
        yield "category", category, None
        for item in category["items"]:
            yield "item", item, item["currency"]
            for group in item["option_groups"]:
                yield "group", group, item["currency"]
                for option in group["options"]:
                    yield "option", option, item["currency"]


def _resolve(kind: str, build, node_ids: Iterable[str]) -> list:
    """Nodes by id from the cached menus that hold them (None for ids that name nothing)."""
    node_ids = list(node_ids)
    found = {}
    for menu in menus_holding(kind, _valid_ids(node_ids)):
        for found_kind, data, currency in _walk(menu):
            if found_kind == kind:
                found[str(data["id"])] = build(data, currency)
    return [found.get(str(node_id)) for node_id in node_ids]


def _valid_ids(node_ids: Iterable[str]) -> list[str]:
    valid = []
    for node_id in node_ids:
        try:
            valid.append(str(uuid.UUID(str(node_id))))
        except ValueError:
            continue
    return valid


@strawberry.type(name="Option")
class OptionNode(relay.Node):
    id: relay.NodeID[str]
    name: str
    price_delta: Money
    is_available: bool

    @classmethod
    def of(cls, data: dict, currency: str) -> "OptionNode":
        return cls(
            id=str(data["id"]),
            name=data["name"],
            price_delta=Money(amount=data["price_delta"], currency=currency),
            is_available=data["is_available"],
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        return _resolve("option", cls.of, node_ids)


@strawberry.type(name="OptionGroup")
class OptionGroupNode(relay.Node):
    id: relay.NodeID[str]
    name: str
    min_selected: int
    max_selected: int
    options: list[OptionNode]

    @classmethod
    def of(cls, data: dict, currency: str) -> "OptionGroupNode":
        return cls(
            id=str(data["id"]),
            name=data["name"],
            min_selected=data["min_selected"],
            max_selected=data["max_selected"],
            options=[OptionNode.of(option, currency) for option in data["options"]],
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        return _resolve("group", cls.of, node_ids)


@strawberry.type(name="MenuItem")
class MenuItemNode(relay.Node):
    id: relay.NodeID[str]
    name: str
    description: str
    price: Money
    is_available: bool
    dietary_tags: list[str]
    option_groups: list[OptionGroupNode]

    @classmethod
    def of(cls, data: dict) -> "MenuItemNode":
        currency = data["currency"]
        return cls(
            id=str(data["id"]),
            name=data["name"],
            description=data["description"],
            price=Money(amount=data["price"], currency=currency),
            is_available=data["is_available"],
            dietary_tags=list(data["dietary_tags"] or []),
            option_groups=[OptionGroupNode.of(group, currency) for group in data["option_groups"]],
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        return _resolve("item", lambda data, _: cls.of(data), node_ids)


@strawberry.type(name="MenuCategory")
class MenuCategoryNode(relay.Node):
    id: relay.NodeID[str]
    name: str
    position: int
    items: list[MenuItemNode]

    @classmethod
    def of(cls, data: dict) -> "MenuCategoryNode":
        return cls(
            id=str(data["id"]),
            name=data["name"],
            position=data["position"],
            items=[MenuItemNode.of(item) for item in data["items"]],
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        return _resolve("category", lambda data, _: cls.of(data), node_ids)


def menu_plain(restaurant_id, currency: str, version: int) -> PlainData:
    """The menu for the lean execution path (graphql_api.core.plain): what the `of`
    constructors above hold, as dicts keyed by GraphQL field names with global ids encoded."""

    def money(amount: int, currency: str) -> dict:
        return {"amount": amount, "currency": currency}

    def option(data: dict, currency: str) -> dict:
        return {
            "id": to_base64("Option", data["id"]),
            "name": data["name"],
            "priceDelta": money(data["price_delta"], currency),
            "isAvailable": data["is_available"],
        }

    def group(data: dict, currency: str) -> dict:
        return {
            "id": to_base64("OptionGroup", data["id"]),
            "name": data["name"],
            "minSelected": data["min_selected"],
            "maxSelected": data["max_selected"],
            "options": [option(each, currency) for each in data["options"]],
        }

    def item(data: dict) -> dict:
        currency = data["currency"]
        return {
            "id": to_base64("MenuItem", data["id"]),
            "name": data["name"],
            "description": data["description"],
            "price": money(data["price"], currency),
            "isAvailable": data["is_available"],
            "dietaryTags": list(data["dietary_tags"] or []),
            "optionGroups": [group(each, currency) for each in data["option_groups"]],
        }

    return PlainData(
        [
            {
                "id": to_base64("MenuCategory", category["id"]),
                "name": category["name"],
                "position": category["position"],
                "items": [item(each) for each in category["items"]],
            }
            for category in menu_of(restaurant_id, currency=currency, version=version)
        ]
    )
