from collections.abc import Iterable

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry.types import Info
from strawberry_django.optimizer import optimize
from strawberry_django.relay import DjangoListConnection

from graphql_api.core.errors import graphql_error
from graphql_api.core.relay_ids import decode_id
from graphql_api.restaurants.types import RestaurantType
from restaurants.errors import CatalogueValidation
from restaurants.models import Restaurant
from restaurants.selectors import restaurants_listed


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


def _near(point: PointInput | None) -> tuple[float, float] | None:
    if point is None:
        return None
    if not -90 <= point.latitude <= 90:
        raise graphql_error(CatalogueValidation("Between -90 and 90.", field="near.latitude"))
    if not -180 <= point.longitude <= 180:
        raise graphql_error(CatalogueValidation("Between -180 and 180.", field="near.longitude"))
    return point.latitude, point.longitude


@strawberry.type
class RestaurantsQuery:
    @strawberry_django.connection(
        DjangoListConnection[RestaurantType], description="The catalogue, filtered."
    )
    def restaurants(
        self, info: Info, filter: RestaurantFilter | None = None
    ) -> Iterable[Restaurant]:
        filter = filter or RestaurantFilter()
        search = (filter.search or "").strip()[:100] or None
        return restaurants_listed(
            search=search,
            cuisine=(filter.cuisine or "").strip()[:64] or None,
            open_now=filter.open_now,
            near=_near(filter.near),
            now=timezone.now(),
        )

    @strawberry_django.field(description="One restaurant, by slug or id.")
    def restaurant(
        self, info: Info, slug: str | None = None, id: strawberry.ID | None = None
    ) -> RestaurantType | None:
        queryset = Restaurant.objects.filter(is_active=True)
        if id is not None:
            queryset = queryset.filter(pk=decode_id(id, "Restaurant"))
        elif slug:
            queryset = queryset.filter(slug=slug)
        else:
            return None
        return optimize(queryset, info).first()
