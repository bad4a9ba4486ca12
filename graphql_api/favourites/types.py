from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from favourites import models
from graphql_api.core.pagination import KeysetPages, total_of
from graphql_api.restaurants.types import RestaurantType


@strawberry_django.type(models.Favourite, name="Favourite")
class FavouriteType(relay.Node):
    restaurant: RestaurantType
    added_at: datetime = strawberry_django.field(field_name="created_at")


@strawberry.type(name="FavouriteConnection", description="Favourites, latest first.")
class FavouriteConnection(KeysetPages, DjangoListConnection[FavouriteType]):
    @strawberry.field(description="How many favourites the whole list holds.")
    def total_count(self) -> int:
        return total_of(self)
