import strawberry
from django.utils import timezone
from strawberry.types import Info

from core.errors import ValidationFailed
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.relay_ids import decode_id
from graphql_api.reviews.types import DriverTagEnum, MyReviewType, ReviewType
from orders.errors import OrderNotFound
from reviews.errors import ReviewNotFound
from reviews.services import review_reply, review_submit


@strawberry.input
class RateOrderInput:
    order_id: strawberry.ID
    stars: int = strawberry.field(description="The restaurant, 1 to 5.")
    comment: str | None = strawberry.field(default=None, description="Public; at most 1,000.")
    driver_stars: int | None = strawberry.field(
        default=None, description="The driver, 1 to 5 (orders a driver brought)."
    )
    driver_tags: list[DriverTagEnum] | None = None


@strawberry.input
class ReplyToReviewInput:
    review_id: strawberry.ID
    text: str


@strawberry.type
class RateOrderPayload:
    review: MyReviewType | None
    errors: list[UserError]


@strawberry.type
class ReplyToReviewPayload:
    review: ReviewType | None
    errors: list[UserError]


@strawberry.type
class ReviewsMutation:
    @mutation(
        description="Rate a delivered order (restaurant, and the driver if one brought it), or "
        "change the rating, within the review window; only the order's customer."
    )
    def rate_order(self, info: Info, input: RateOrderInput) -> RateOrderPayload:
        customer = require_user(info)
        order_id = decode_id(input.order_id, "Order")
        if order_id is None:
            raise OrderNotFound(field="orderId")
        if input.driver_tags is not None and len(input.driver_tags) > len(DriverTagEnum):
            raise ValidationFailed("Each tag at most once.", field="driverTags")
        review = review_submit(
            customer=customer,
            order_id=order_id,
            stars=input.stars,
            comment=input.comment,
            driver_stars=input.driver_stars,
            driver_tags=[tag.value for tag in input.driver_tags or []],
            now=timezone.now(),
        )
        return RateOrderPayload(review=review, errors=[])

    @mutation(description="The restaurant's one public reply to a review (owners, managers).")
    def reply_to_review(self, info: Info, input: ReplyToReviewInput) -> ReplyToReviewPayload:
        actor = require_user(info)
        review_id = decode_id(input.review_id, "Review")
        if review_id is None:
            raise ReviewNotFound(field="reviewId")
        review = review_reply(actor=actor, review_id=review_id, text=input.text, now=timezone.now())
        return ReplyToReviewPayload(review=review, errors=[])
