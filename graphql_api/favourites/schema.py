"""A customer's favourite restaurants: add and remove (both idempotent), and the list."""

from collections.abc import Iterable

import strawberry
from django.utils import timezone
from strawberry.types import Info

from core.errors import NotAuthenticated
from favourites.models import Favourite
from favourites.selectors import favourites_of
from favourites.services import favourite_add, favourite_remove
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, graphql_error, mutation
from graphql_api.core.pagination import page_field
from graphql_api.core.relay_ids import decode_id
from graphql_api.favourites.types import FavouriteConnection
from graphql_api.restaurants.types import RestaurantType
from restaurants.errors import RestaurantNotFound
from restaurants.selectors import restaurant_public


@strawberry.input
class FavouriteInput:
    restaurant_id: strawberry.ID


@strawberry.type
class FavouritePayload:
    restaurant: RestaurantType | None = strawberry.field(
        description="The restaurant (also after removing it from the favourites)."
    )
    is_favourite: bool
    errors: list[UserError]


def _restaurant_id(input: FavouriteInput):
    restaurant_id = decode_id(input.restaurant_id, "Restaurant")
    if restaurant_id is None:
        raise RestaurantNotFound(field="restaurantId")
    return restaurant_id


@strawberry.type
class FavouritesQuery:
    @page_field(FavouriteConnection, description="The signed-in user's favourite restaurants.")
    def my_favourites(self, info: Info) -> Iterable[Favourite]:
        try:
            return favourites_of(require_user(info))
        except NotAuthenticated as error:
            raise graphql_error(error) from None


@strawberry.type
class FavouritesMutation:
    @mutation(description="Keep a restaurant among your favourites (again: no change).")
    def add_favourite(self, info: Info, input: FavouriteInput) -> FavouritePayload:
        favourite = favourite_add(
            user=require_user(info), restaurant_id=_restaurant_id(input), now=timezone.now()
        )
        return FavouritePayload(restaurant=favourite.restaurant, is_favourite=True, errors=[])

    @mutation(description="Take a restaurant out of your favourites (not one: no change).")
    def remove_favourite(self, info: Info, input: FavouriteInput) -> FavouritePayload:
        user, restaurant_id = require_user(info), _restaurant_id(input)
        favourite_remove(user=user, restaurant_id=restaurant_id)
        restaurant = restaurant_public(restaurant_id=restaurant_id).first()
        return FavouritePayload(restaurant=restaurant, is_favourite=False, errors=[])
