"""Staff mutations of the catalogue. Thin: decode, call one restaurants service, map errors."""

from datetime import datetime, time

import strawberry
from strawberry.types import Info

from accounts.errors import DomainError
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError
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


@strawberry.input
class UpdateMenuCategoryInput:
    id: strawberry.ID
    name: str
    position: int = 0


@strawberry.input
class CreateMenuItemInput:
    category_id: strawberry.ID
    name: str
    price: int = strawberry.field(description="Minor units.")
    description: str = ""
    is_available: bool = True
    dietary_tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateMenuItemInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    price: int | None = None
    dietary_tags: list[str] | None = None


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


@strawberry.type
class RestaurantsMutation:
    @strawberry.mutation(description="Pause or resume taking orders (the kitchen's switch).")
    def set_accepting_orders(self, info: Info, input: SetAcceptingOrdersInput) -> RestaurantPayload:
        try:
            restaurant = services.restaurant_set_accepting_orders(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                accepting=input.accepting_orders,
            )
        except DomainError as error:
            return RestaurantPayload(restaurant=None, errors=[UserError.from_domain(error)])
        return RestaurantPayload(restaurant=restaurant, errors=[])

    @strawberry.mutation
    def create_menu_category(
        self, info: Info, input: CreateMenuCategoryInput
    ) -> MenuCategoryPayload:
        try:
            category = services.menu_category_create(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                name=input.name,
                position=input.position,
            )
        except DomainError as error:
            return MenuCategoryPayload(menu_category=None, errors=[UserError.from_domain(error)])
        return MenuCategoryPayload(
            menu_category=_node(MenuCategoryNode, info, category.pk), errors=[]
        )

    @strawberry.mutation
    def update_menu_category(
        self, info: Info, input: UpdateMenuCategoryInput
    ) -> MenuCategoryPayload:
        try:
            category = services.menu_category_update(
                actor=require_user(info),
                category_id=decode_id(input.id, "MenuCategory"),
                name=input.name,
                position=input.position,
            )
        except DomainError as error:
            return MenuCategoryPayload(menu_category=None, errors=[UserError.from_domain(error)])
        return MenuCategoryPayload(
            menu_category=_node(MenuCategoryNode, info, category.pk), errors=[]
        )

    @strawberry.mutation
    def create_menu_item(self, info: Info, input: CreateMenuItemInput) -> MenuItemPayload:
        try:
            item = services.menu_item_create(
                actor=require_user(info),
                category_id=decode_id(input.category_id, "MenuCategory"),
                name=input.name,
                price=input.price,
                description=input.description,
                is_available=input.is_available,
                dietary_tags=input.dietary_tags,
            )
        except DomainError as error:
            return MenuItemPayload(menu_item=None, errors=[UserError.from_domain(error)])
        return MenuItemPayload(menu_item=_node(MenuItemNode, info, item.pk), errors=[])

    @strawberry.mutation
    def update_menu_item(self, info: Info, input: UpdateMenuItemInput) -> MenuItemPayload:
        try:
            item = services.menu_item_update(
                actor=require_user(info),
                item_id=decode_id(input.id, "MenuItem"),
                name=input.name,
                description=input.description,
                price=input.price,
                dietary_tags=input.dietary_tags,
            )
        except DomainError as error:
            return MenuItemPayload(menu_item=None, errors=[UserError.from_domain(error)])
        return MenuItemPayload(menu_item=_node(MenuItemNode, info, item.pk), errors=[])

    @strawberry.mutation(description="Mark a dish sold out, or back.")
    def set_menu_item_availability(
        self, info: Info, input: SetMenuItemAvailabilityInput
    ) -> MenuItemPayload:
        try:
            item = services.menu_item_set_availability(
                actor=require_user(info),
                item_id=decode_id(input.menu_item_id, "MenuItem"),
                available=input.is_available,
            )
        except DomainError as error:
            return MenuItemPayload(menu_item=None, errors=[UserError.from_domain(error)])
        return MenuItemPayload(menu_item=_node(MenuItemNode, info, item.pk), errors=[])

    @strawberry.mutation
    def delete_menu_item(self, info: Info, input: DeleteMenuItemInput) -> DeletePayload:
        try:
            services.menu_item_delete(
                actor=require_user(info), item_id=decode_id(input.id, "MenuItem")
            )
        except DomainError as error:
            return DeletePayload(ok=False, errors=[UserError.from_domain(error)])
        return DeletePayload(ok=True, errors=[])

    @strawberry.mutation
    def create_option_group(self, info: Info, input: CreateOptionGroupInput) -> OptionGroupPayload:
        try:
            group = services.option_group_create(
                actor=require_user(info),
                item_id=decode_id(input.menu_item_id, "MenuItem"),
                name=input.name,
                min_selected=input.min_selected,
                max_selected=input.max_selected,
            )
        except DomainError as error:
            return OptionGroupPayload(option_group=None, errors=[UserError.from_domain(error)])
        return OptionGroupPayload(option_group=_node(OptionGroupNode, info, group.pk), errors=[])

    @strawberry.mutation
    def create_option(self, info: Info, input: CreateOptionInput) -> OptionPayload:
        try:
            option = services.option_create(
                actor=require_user(info),
                group_id=decode_id(input.option_group_id, "OptionGroup"),
                name=input.name,
                price_delta=input.price_delta,
            )
        except DomainError as error:
            return OptionPayload(option=None, errors=[UserError.from_domain(error)])
        return OptionPayload(option=_node(OptionNode, info, option.pk), errors=[])

    @strawberry.mutation
    def set_option_availability(
        self, info: Info, input: SetOptionAvailabilityInput
    ) -> OptionPayload:
        try:
            option = services.option_set_availability(
                actor=require_user(info),
                option_id=decode_id(input.option_id, "Option"),
                available=input.is_available,
            )
        except DomainError as error:
            return OptionPayload(option=None, errors=[UserError.from_domain(error)])
        return OptionPayload(option=_node(OptionNode, info, option.pk), errors=[])

    @strawberry.mutation(description="Replace the week's opening hours (restaurant's time zone).")
    def set_opening_hours(self, info: Info, input: SetOpeningHoursInput) -> OpeningHoursPayload:
        try:
            hours = services.opening_hours_set(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                spans=[
                    services.Span(span.weekday, span.opens_at, span.closes_at)
                    for span in input.hours
                ],
            )
        except DomainError as error:
            return OpeningHoursPayload(opening_hours=[], errors=[UserError.from_domain(error)])
        return OpeningHoursPayload(opening_hours=hours, errors=[])

    @strawberry.mutation(description="Close for a period (holiday); orders are refused then.")
    def add_closure(self, info: Info, input: AddClosureInput) -> RestaurantPayload:
        try:
            closure = services.closure_add(
                actor=require_user(info),
                restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                reason=input.reason,
            )
        except DomainError as error:
            return RestaurantPayload(restaurant=None, errors=[UserError.from_domain(error)])
        return RestaurantPayload(restaurant=closure.restaurant, errors=[])
