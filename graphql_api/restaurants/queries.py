from collections.abc import Iterable

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info
from strawberry_django.optimizer import optimize
from strawberry_django.relay import DjangoListConnection

from core.errors import ValidationFailed
from graphql_api.core.errors import graphql_error
from graphql_api.core.pagination import offset_cursors_check, page_field
from graphql_api.core.relay_ids import decode_id
from graphql_api.restaurants.types import RestaurantType
from restaurants.errors import RestaurantNotFound
from restaurants.menu import menus_warm
from restaurants.models import Restaurant
from restaurants.selectors import (
    RESTAURANTS_COUNT_LIMIT,
    restaurant_public,
    restaurants_count,
    restaurants_listed,
)
from reviews.selectors import restaurants_rated


@strawberry.input
class PointInput:
    latitude: float
    longitude: float


@strawberry.input
class RestaurantFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of the restaurant's name, a cuisine or a dish."
    )
    cuisine: str | None = None
    open_now: bool | None = None
    near: PointInput | None = strawberry.field(
        default=None,
        description="Only restaurants delivering to this point, nearest first.",
    )
    dietary_tag: str | None = strawberry.field(
        default=None,
        description='Only restaurants with an available dish carrying this tag ("vegan").',
    )
    price_bands: list[int] | None = strawberry.field(
        default=None, description="Only these price bands (1 cheap to 4 expensive)."
    )
    min_rating: float | None = strawberry.field(
        default=None, description="Only restaurants rated at least this on average (1 to 5)."
    )
    best_rated_first: bool = strawberry.field(
        default=False,
        description="Best average rating first (unrated last, then by name), instead of "
        "nearest first or by name.",
    )


def _near(point: PointInput | None) -> tuple[float, float] | None:
    if point is None:
        return None
    if not -90 <= point.latitude <= 90:
        raise graphql_error(ValidationFailed("Between -90 and 90.", field="near.latitude"))
    if not -180 <= point.longitude <= 180:
        raise graphql_error(ValidationFailed("Between -180 and 180.", field="near.longitude"))
    return point.latitude, point.longitude


def _asks_for(selections, name: str) -> bool:
    return any(
        selection.name == name or _asks_for(getattr(selection, "selections", []), name)
        for selection in selections
    )


@strawberry.type(name="RestaurantConnection")
class RestaurantConnection(DjangoListConnection[RestaurantType]):
    """A page of restaurants; menus asked for on it are cached for the whole page at once."""

    @strawberry.field(
        description=f"How many restaurants match, counted up to {RESTAURANTS_COUNT_LIMIT}: "
        f"{RESTAURANTS_COUNT_LIMIT} means at least that many."
    )
    def total_count(self) -> int:
        return restaurants_count(self.nodes)

    @classmethod
    def resolve_connection(cls, nodes, *, info: Info, **kwargs):
        offset_cursors_check(after=kwargs.get("after"), before=kwargs.get("before"))
        # The plain list connection, not DjangoListConnection's: that one counts with a window
        # over every match, which makes the page itself read the whole city instead of stopping
        # after its own rows; totalCount above counts separately, and only so far.
        connection = relay.ListConnection.resolve_connection.__func__(
            cls, nodes, info=info, **kwargs
        )
        connection.nodes = nodes
        if _asks_for(info.selected_fields, "menu"):
            menus_warm(
                [
                    (edge.node.pk, edge.node.currency, edge.node.menu_version)
                    for edge in connection.edges
                ]
            )
        return connection


@strawberry.type
class RestaurantsQuery:
    @page_field(RestaurantConnection, description="The catalogue, filtered.")
    def restaurants(
        self, info: Info, filter: RestaurantFilter | None = None
    ) -> Iterable[Restaurant]:
        filter = filter or RestaurantFilter()
        search = (filter.search or "").strip()[:100] or None
        if any(band not in range(1, 5) for band in filter.price_bands or []):
            raise graphql_error(ValidationFailed("Each from 1 to 4.", field="priceBands"))
        if filter.min_rating is not None and not 1 <= filter.min_rating <= 5:
            raise graphql_error(ValidationFailed("From 1 to 5.", field="minRating"))
        listed = restaurants_listed(
            search=search,
            cuisine=(filter.cuisine or "").strip()[:64] or None,
            open_now=filter.open_now,
            near=_near(filter.near),
            dietary_tag=(filter.dietary_tag or "").strip()[:30] or None,
            price_bands=filter.price_bands,
            now=timezone.now(),
        )
        return restaurants_rated(
            listed, min_rating=filter.min_rating, best_rated_first=filter.best_rated_first
        )

    @strawberry_django.field(
        description="One restaurant, by slug or by id (exactly one of them); one that does not "
        "exist or is not listed is null with a NOT_FOUND error."
    )
    def restaurant(
        self, info: Info, slug: str | None = None, id: strawberry.ID | None = None
    ) -> RestaurantType | None:
        if (slug is None) == (id is None):
            raise graphql_error(ValidationFailed("Give either `slug` or `id`.", field="id"))
        restaurant_id = None
        if id is not None:
            restaurant_id = decode_id(id, "Restaurant")
            if restaurant_id is None:
                raise graphql_error(RestaurantNotFound(field="id"))
        queryset = restaurant_public(restaurant_id=restaurant_id, slug=slug)
        restaurant = None if queryset is None else optimize(queryset, info).first()
        if restaurant is None:
            raise graphql_error(RestaurantNotFound(field="slug" if slug is not None else "id"))
        return restaurant
