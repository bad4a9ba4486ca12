from datetime import time

import strawberry
import strawberry_django
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from strawberry import relay

from graphql_api.accounts.types import AddressType
from graphql_api.core.types import Money, money
from graphql_api.restaurants.menu_types import MenuCategoryNode, menu_plain
from graphql_api.reviews.types import RatingSummary
from orders.fees import restaurant_fee_rules
from restaurants import models
from restaurants.selectors import PUBLIC_RESTAURANT, delivery_eta_minutes, restaurant_is_open


@strawberry_django.type(models.OpeningHours, name="OpeningHours")
class OpeningHoursType:
    weekday: int = strawberry_django.field(description="0 is Monday, 6 is Sunday.")
    opens_at: time
    closes_at: time = strawberry_django.field(
        description="Not after opensAt: the span runs past midnight (equal: the whole day)."
    )


@strawberry.type(description="Up to this distance from the restaurant, this delivery fee.")
class DeliveryFeeBand:
    up_to_metres: int
    fee: Money


@strawberry.type(description="What an order here pays besides the food (checkoutQuote prices it).")
class RestaurantFees:
    delivery_fee_bands: list[DeliveryFeeBand] = strawberry.field(
        description="Ascending; empty: `deliveryFee` at any distance it delivers to."
    )
    small_order_threshold: Money = strawberry.field(
        description="Food below this pays `smallOrderFee` (0: never)."
    )
    small_order_fee: Money
    service_fee_basis_points: int = strawberry.field(description="500 is 5 % of the food.")
    service_fee_min: Money
    service_fee_max: Money | None = strawberry.field(description="Null: no cap.")


@strawberry_django.type(models.Restaurant, name="Restaurant")
class RestaurantType(relay.Node):
    name: str
    slug: str
    description: str
    phone: str
    time_zone: str
    accepting_orders: bool
    preparation_minutes: int
    price_band: int = strawberry_django.field(description="1 (cheap) to 4 (expensive).")
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
        only=[
            "currency",
            "delivery_fee",
            "delivery_fee_bands",
            "small_order_threshold",
            "small_order_fee",
        ],
        description="The fee rules: the restaurant's own, else the platform's.",
    )
    def fees(self, root: models.Restaurant) -> RestaurantFees:
        rules = restaurant_fee_rules(root)
        currency = root.currency
        return RestaurantFees(
            delivery_fee_bands=[
                DeliveryFeeBand(up_to_metres=band.up_to_metres, fee=money(band.fee, currency))
                for band in rules.delivery_fee_bands
            ],
            small_order_threshold=money(rules.small_order_threshold, currency),
            small_order_fee=money(rules.small_order_fee, currency),
            service_fee_basis_points=rules.service_fee_basis_points,
            service_fee_min=money(rules.service_fee_min, currency),
            service_fee_max=(
                money(rules.service_fee_max, currency) if rules.service_fee_max else None
            ),
        )

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
