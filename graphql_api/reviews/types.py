from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.relay import to_base64
from strawberry_django.relay import DjangoListConnection

from graphql_api.core.enums import enum_from_choices
from graphql_api.core.pagination import KeysetPages, total_of
from reviews import models

DriverTagEnum = enum_from_choices(
    models.DriverTag, name="DriverTag", description="What a customer says about the driver."
)


@strawberry.type(description="A restaurant's average over its visible reviews.")
class RatingSummary:
    average: float | None = strawberry.field(description="1 to 5, 2 decimals; null: no reviews.")
    count: int


@strawberry_django.type(models.Review, name="Review", description="A customer's rating.")
class ReviewType(relay.Node):
    stars: int
    comment: str
    created_at: datetime
    updated_at: datetime
    reply: str = strawberry_django.field(description="The restaurant's answer; empty if none.")
    replied_at: datetime | None

    @strawberry_django.field(
        select_related=["customer"],
        only=["customer__full_name"],
        description="The reviewer's first name only.",
    )
    def reviewer_name(self, root: models.Review) -> str:
        return (root.customer.full_name or "").split(" ", 1)[0] or "A customer"


@strawberry_django.type(models.Review, name="MyReview", description="Your own rating of an order.")
class MyReviewType:
    stars: int
    comment: str
    driver_stars: int | None
    created_at: datetime
    updated_at: datetime
    reply: str
    replied_at: datetime | None

    @strawberry_django.field(only=["id"], description="The same id as the public Review's.")
    def id(self, root: models.Review) -> strawberry.ID:
        return strawberry.ID(to_base64("Review", root.pk))

    @strawberry_django.field(only=["driver_tags"])
    def driver_tags(self, root: models.Review) -> list[DriverTagEnum]:
        return [DriverTagEnum(tag) for tag in root.driver_tags]


@strawberry.type(name="ReviewConnection", description="A page of reviews, newest first.")
class ReviewConnection(KeysetPages, DjangoListConnection[ReviewType]):
    @strawberry.field(description="How many visible reviews the restaurant has.")
    def total_count(self) -> int:
        return total_of(self)
