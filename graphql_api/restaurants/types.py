from datetime import time

import strawberry_django
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from strawberry import relay

from graphql_api.accounts.types import AddressType
from graphql_api.core.types import Money, money
from graphql_api.restaurants.menu_types import MenuCategoryNode, menu_plain
from graphql_api.reviews.types import RatingSummary
from restaurants import models
from restaurants.selectors import PUBLIC_RESTAURANT, delivery_eta_minutes, restaurant_is_open


@strawberry_django.type(models.OpeningHours, name="OpeningHours")
class OpeningHoursType:
    weekday: int = strawberry_django.field(description="0 is Monday, 6 is Sunday.")
    opens_at: time
    closes_at: time = strawberry_django.field(
        description="Not after opensAt: the span runs past midnight (equal: the whole day)."
    )


@strawberry_django.type(models.Restaurant, name="Restaurant")
class RestaurantType(relay.Node):
    name: str
    slug: str
    description: str
    phone: str
    time_zone: str
    accepting_orders: bool
    preparation_minutes: int
    address: AddressType
    opening_hours: list[OpeningHoursType]

    @strawberry_django.field(prefetch_related=["cuisines"])
    def cuisines(self, root: models.Restaurant) -> list[str]:
        return [cuisine.name for cuisine in root.cuisines.all()]

    @strawberry_django.field(prefetch_related=["cuisines"])
    def cuisine(self, root: models.Restaurant) -> str:
        names = [cuisine.name for cuisine in root.cuisines.all()]
        return names[0] if names else ""

    @strawberry_django.field(
        only=["time_zone"],
        prefetch_related=["opening_hours", "closures"],
        description="Open right now, in the restaurant's own time zone.",
    )
    def is_open(self, root: models.Restaurant) -> bool:
        return restaurant_is_open(root, timezone.now())

    @strawberry_django.field(only=["delivery_fee", "currency"])
    def delivery_fee(self, root: models.Restaurant) -> Money:
        return money(root.delivery_fee, root.currency)

    @strawberry_django.field(only=["minimum_order", "currency"])
    def minimum_order(self, root: models.Restaurant) -> Money:
        return money(root.minimum_order, root.currency)

    @strawberry_django.field(
        only=["delivery_radius_m"], description="How far it delivers, in kilometres."
    )
    def delivery_radius_km(self, root: models.Restaurant) -> float:
        return root.delivery_radius_m / 1000

    @strawberry_django.field(description="From the `near` point of the search; else null.")
    def distance_km(self, root: models.Restaurant) -> float | None:
        distance = getattr(root, "distance_km", None)
        return round(distance, 2) if distance is not None else None

    @strawberry_django.field(
        only=["preparation_minutes"],
        description="Preparation plus travel to the `near` point of the search; else null.",
    )
    def estimated_delivery_minutes(self, root: models.Restaurant) -> int | None:
        distance = getattr(root, "distance_km", None)
        if distance is None:
            return None
        return delivery_eta_minutes(
            preparation_minutes=root.preparation_minutes, distance_km=distance
        )

    @strawberry_django.field(
        select_related=["rating"],
        only=["rating__count", "rating__stars_total"],
        description="The average of its visible reviews, kept as they change.",
    )
    def rating(self, root: models.Restaurant) -> RatingSummary:
        try:
            rating = root.rating
        except ObjectDoesNotExist:
            return RatingSummary(average=None, count=0)
        return RatingSummary(average=rating.average, count=rating.count)

    @strawberry_django.field(
        only=["currency", "menu_version"], description="Served from the menu cache."
    )
    def menu(self, root: models.Restaurant) -> list[MenuCategoryNode]:
        # Plain data completed by the lean path: ~1,500 objects on a big menu.
        return menu_plain(root.pk, root.currency, root.menu_version)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        # The catalogue shows active restaurants only; an order names its restaurant whatever
        # became of it since, or a customer's history would break.
        if _parent_type_name(info) in RESTAURANT_NAMED_BY:
            return queryset
        return queryset.filter(PUBLIC_RESTAURANT)


# Types whose `restaurant` field names the restaurant of a past fact (an order), active or not.
RESTAURANT_NAMED_BY = frozenset({"Order"})


def _parent_type_name(info) -> str | None:
    raw = getattr(info, "_raw_info", info)
    parent = getattr(raw, "parent_type", None)
    return getattr(parent, "name", None)
