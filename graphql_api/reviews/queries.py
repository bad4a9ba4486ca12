from collections.abc import Iterable

import strawberry
from strawberry.types import Info

from graphql_api.core.errors import graphql_error
from graphql_api.core.pagination import page_field
from graphql_api.core.relay_ids import decode_id
from graphql_api.reviews.types import ReviewConnection
from restaurants.errors import RestaurantNotFound
from restaurants.selectors import restaurant_public
from reviews.models import Review
from reviews.selectors import reviews_public


@strawberry.type
class ReviewsQuery:
    @page_field(
        ReviewConnection,
        description="A listed restaurant's visible reviews, newest first (public).",
    )
    def restaurant_reviews(self, info: Info, restaurant_id: strawberry.ID) -> Iterable[Review]:
        restaurant = decode_id(restaurant_id, "Restaurant")
        if restaurant is None or not restaurant_public(restaurant_id=restaurant).exists():
            raise graphql_error(RestaurantNotFound(field="restaurantId"))
        return reviews_public(restaurant)
