"""Staff mutations of the catalogue. Thin: decode, call one restaurants service, map errors."""

from datetime import datetime, time

import strawberry
from strawberry.types import Info

from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.inputs import changes_of
from graphql_api.core.relay_ids import decode_id
from graphql_api.restaurants.menu_types import (
    MenuCategoryNode,
    MenuItemNode,
    OptionGroupNode,
    OptionNode,
)
from graphql_api.restaurants.types import OpeningHoursType, RestaurantType
from restaurants import services


@strawberry.input
class SetAcceptingOrdersInput:
    restaurant_id: strawberry.ID
    accepting_orders: bool


@strawberry.input
class CreateMenuCategoryInput:
    restaurant_id: strawberry.ID
    name: str
    position: int = 0


@strawberry.input(description="Only the fields given change; none of them may be null.")
class UpdateMenuCategoryInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET


@strawberry.input
class CreateMenuItemInput:
    category_id: strawberry.ID
    name: str
    price: int = strawberry.field(description="Minor units.")
    description: str = ""
    is_available: bool = True
    dietary_tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Only the fields given change. `description` and `dietaryTags` given as null are "
    "cleared; `name` and `price` cannot be null."
)
class UpdateMenuItemInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: int | None = strawberry.field(default=strawberry.UNSET, description="Minor units.")
    dietary_tags: list[str] | None = strawberry.UNSET


@strawberry.input
class SetMenuItemAvailabilityInput:
    menu_item_id: strawberry.ID
    is_available: bool


@strawberry.input
class DeleteMenuItemInput:
    id: strawberry.ID


@strawberry.input
class CreateOptionGroupInput:
    menu_item_id: strawberry.ID
    name: str
    min_selected: int = 0
    max_selected: int = 1


@strawberry.input
class CreateOptionInput:
    option_group_id: strawberry.ID
    name: str
    price_delta: int = 0


@strawberry.input
class SetOptionAvailabilityInput:
    option_id: strawberry.ID
    is_available: bool


@strawberry.input
class OpeningHoursInput:
    weekday: int
    opens_at: time
    closes_at: time


@strawberry.input
class SetOpeningHoursInput:
    restaurant_id: strawberry.ID
    hours: list[OpeningHoursInput]


@strawberry.input
class AddClosureInput:
    restaurant_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime | None = None
    reason: str = ""


@strawberry.type
class RestaurantPayload:
    restaurant: RestaurantType | None
    errors: list[UserError]


@strawberry.type
class MenuCategoryPayload:
    menu_category: MenuCategoryNode | None
    errors: list[UserError]


@strawberry.type
class MenuItemPayload:
    menu_item: MenuItemNode | None
    errors: list[UserError]


@strawberry.type
class OptionGroupPayload:
    option_group: OptionGroupNode | None
    errors: list[UserError]


@strawberry.type
class OptionPayload:
    option: OptionNode | None
    errors: list[UserError]


@strawberry.type
class OpeningHoursPayload:
    opening_hours: list[OpeningHoursType]
    errors: list[UserError]


@strawberry.type
class DeletePayload:
    ok: bool
    errors: list[UserError]


def _node(node_type, info: Info, object_id):
    return node_type.resolve_nodes(info=info, node_ids=[str(object_id)])[0]


def _respond(payload, field: str, call, present=lambda obj: obj):
    """Run one service call and show its result (its domain errors reach the payload through
    the mutation's DomainErrorsToPayload)."""
    return payload(**{field: present(call())}, errors=[])


@strawberry.type
class RestaurantsMutation:
    @mutation(description="Pause or resume taking orders (the kitchen's switch).")
    def set_accepting_orders(self, info: Info, input: SetAcceptingOrdersInput) -> RestaurantPayload:
        return _respond(
            RestaurantPayload,
            "restaurant",
            lambda: services.restaurant_set_accepting_orders(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                accepting=input.accepting_orders,
            ),
        )

    @mutation(description="Add a category to a restaurant's menu (its staff).")
    def create_menu_category(
        self, info: Info, input: CreateMenuCategoryInput
    ) -> MenuCategoryPayload:
        return _respond(
            MenuCategoryPayload,
            "menu_category",
            lambda: services.menu_category_create(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                name=input.name,
                position=input.position,
            ),
            lambda category: _node(MenuCategoryNode, info, category.pk),
        )

    @mutation(description="Rename or reorder a menu category (its staff).")
    def update_menu_category(
        self, info: Info, input: UpdateMenuCategoryInput
    ) -> MenuCategoryPayload:
        return _respond(
            MenuCategoryPayload,
            "menu_category",
            lambda: services.menu_category_update(
                actor=require_user(info),
                category_id=decode_id(input.id, "MenuCategory"),
                **changes_of(input, exclude={"id"}),
            ),
            lambda category: _node(MenuCategoryNode, info, category.pk),
        )

    @mutation(description="Add a dish to a menu category (its staff).")
    def create_menu_item(self, info: Info, input: CreateMenuItemInput) -> MenuItemPayload:
        return _respond(
            MenuItemPayload,
            "menu_item",
            lambda: services.menu_item_create(
                actor=require_user(info),
                category_id=decode_id(input.category_id, "MenuCategory"),
                name=input.name,
                price=input.price,
                description=input.description,
                is_available=input.is_available,
                dietary_tags=input.dietary_tags,
            ),
            lambda item: _node(MenuItemNode, info, item.pk),
        )

    @mutation(
        description="Change a dish's name, description, price or dietary tags (its staff and "
        "admins); sold out or back: setMenuItemAvailability."
    )
    def update_menu_item(self, info: Info, input: UpdateMenuItemInput) -> MenuItemPayload:
        return _respond(
            MenuItemPayload,
            "menu_item",
            lambda: services.menu_item_update(
                actor=require_user(info),
                item_id=decode_id(input.id, "MenuItem"),
                **changes_of(
                    input, exclude={"id"}, clear_values={"description": "", "dietary_tags": []}
                ),
            ),
            lambda item: _node(MenuItemNode, info, item.pk),
        )

    @mutation(description="Mark a dish sold out, or back.")
    def set_menu_item_availability(
        self, info: Info, input: SetMenuItemAvailabilityInput
    ) -> MenuItemPayload:
        return _respond(
            MenuItemPayload,
            "menu_item",
            lambda: services.menu_item_set_availability(
                actor=require_user(info),
                item_id=decode_id(input.menu_item_id, "MenuItem"),
                available=input.is_available,
            ),
            lambda item: _node(MenuItemNode, info, item.pk),
        )

    @mutation(description="Remove a dish; past orders keep their snapshot (staff).")
    def delete_menu_item(self, info: Info, input: DeleteMenuItemInput) -> DeletePayload:
        return _respond(
            DeletePayload,
            "ok",
            lambda: services.menu_item_delete(
                actor=require_user(info), item_id=decode_id(input.id, "MenuItem")
            ),
            lambda _: True,
        )

    @mutation(description="Add a group of options to a dish, with how many to choose (its staff).")
    def create_option_group(self, info: Info, input: CreateOptionGroupInput) -> OptionGroupPayload:
        return _respond(
            OptionGroupPayload,
            "option_group",
            lambda: services.option_group_create(
                actor=require_user(info),
                item_id=decode_id(input.menu_item_id, "MenuItem"),
                name=input.name,
                min_selected=input.min_selected,
                max_selected=input.max_selected,
            ),
            lambda group: _node(OptionGroupNode, info, group.pk),
        )

    @mutation(description="Add an option to a dish's option group (its staff).")
    def create_option(self, info: Info, input: CreateOptionInput) -> OptionPayload:
        return _respond(
            OptionPayload,
            "option",
            lambda: services.option_create(
                actor=require_user(info),
                group_id=decode_id(input.option_group_id, "OptionGroup"),
                name=input.name,
                price_delta=input.price_delta,
            ),
            lambda option: _node(OptionNode, info, option.pk),
        )

    @mutation(description="Mark an option available or sold out (its staff).")
    def set_option_availability(
        self, info: Info, input: SetOptionAvailabilityInput
    ) -> OptionPayload:
        return _respond(
            OptionPayload,
            "option",
            lambda: services.option_set_availability(
                actor=require_user(info),
                option_id=decode_id(input.option_id, "Option"),
                available=input.is_available,
            ),
            lambda option: _node(OptionNode, info, option.pk),
        )

    @mutation(description="Replace the week's opening hours (restaurant's time zone).")
    def set_opening_hours(self, info: Info, input: SetOpeningHoursInput) -> OpeningHoursPayload:
        result = _respond(
            OpeningHoursPayload,
            "opening_hours",
            lambda: services.opening_hours_set(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                spans=[
                    services.Span(span.weekday, span.opens_at, span.closes_at)
                    for span in input.hours
                ],
            ),
        )
        result.opening_hours = result.opening_hours or []
        return result

    @mutation(description="Close for a period (holiday); orders are refused then.")
    def add_closure(self, info: Info, input: AddClosureInput) -> RestaurantPayload:
        return _respond(
            RestaurantPayload,
            "restaurant",
            lambda: services.closure_add(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                reason=input.reason,
            ),
            lambda closure: closure.restaurant,
        )
