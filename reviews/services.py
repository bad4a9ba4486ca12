"""Rating an order, the restaurant's reply, and staff hiding a review. Each keeps the
restaurant's running totals (RestaurantRating) in the same transaction as the change."""

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.errors import FieldErrors, Forbidden, ValidationFailed
from delivery.models import Delivery
from orders.errors import OrderNotFound
from orders.models import Order, OrderStatus
from restaurants.selectors import user_is_restaurant_owner
from reviews.errors import ReviewNotAllowed, ReviewNotFound
from reviews.models import DriverTag, RestaurantRating, Review

logger = structlog.get_logger(__name__)

COMMENT_MAX_LENGTH = 1000
# Orders a customer may rate: the food reached them (delivered, or collected at the counter).
REVIEWABLE_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.COLLECTED})


def _stars(value: int | None, field: str) -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise ValidationFailed("From 1 to 5 stars.", field=field)
    return value


def _text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(f"At most {COMMENT_MAX_LENGTH} characters.", field=field)
    return text


def _tags(values: list[str] | None) -> list[str]:
    tags = list(dict.fromkeys(values or []))
    unknown = [tag for tag in tags if tag not in DriverTag.values]
    if unknown:
        raise ValidationFailed(f"Unknown tag {unknown[0]!r}.", field="driverTags")
    return tags


def _rating_change(restaurant_id, *, count: int, stars: int) -> None:
    """Add to (or take from) the restaurant's totals: one atomic UPDATE, whatever the
    concurrency of reviews of the same restaurant."""
    RestaurantRating.objects.get_or_create(restaurant_id=restaurant_id)
    RestaurantRating.objects.filter(restaurant_id=restaurant_id).update(
        count=F("count") + count, stars_total=F("stars_total") + stars
    )


def review_submit(
    *,
    customer: User,
    order_id,
    stars: int,
    comment: str | None = None,
    driver_stars: int | None = None,
    driver_tags: list[str] | None = None,
    now: datetime,
) -> Review:
    """Rate a delivered order, or change its rating, within REVIEW_WINDOW_DAYS of delivery.
    Only the order's customer; another's order is not found."""
    invalid = FieldErrors()
    stars = invalid.check(_stars, stars, "stars")
    driver_stars = invalid.check(_stars, driver_stars, "driverStars")
    comment = invalid.check(_text, comment, "comment")
    driver_tags = invalid.check(_tags, driver_tags)
    invalid.raise_any()
    with transaction.atomic():
        # The order's row serialises the first review of an order against a second.
        order = (
            Order.objects.select_for_update()
            .filter(pk=order_id, customer_id=customer.pk)
            .only("id", "status", "delivered_at", "collected_at", "restaurant_id")
            .first()
        )
        if order is None:
            raise OrderNotFound(field="orderId")
        handed_over = order.delivered_at or order.collected_at
        if order.status not in REVIEWABLE_STATUSES or handed_over is None:
            raise ReviewNotAllowed("Only a delivered order can be rated.", field="orderId")
        window = timedelta(days=settings.REVIEW_WINDOW_DAYS)
        if now > handed_over + window:
            raise ReviewNotAllowed(
                f"Ratings close {settings.REVIEW_WINDOW_DAYS} days after delivery.",
                field="orderId",
            )
        driver_id = (
            Delivery.objects.filter(order_id=order.pk).values_list("driver_id", flat=True).first()
        )
        if driver_id is None and (driver_stars is not None or driver_tags):
            raise ValidationFailed("No driver brought this order.", field="driverStars")
        review = Review.objects.filter(order_id=order.pk).first()
        if review is None:
            review = Review.objects.create(
                order_id=order.pk,
                restaurant_id=order.restaurant_id,
                customer_id=customer.pk,
                stars=stars,
                comment=comment,
                driver_id=driver_id if driver_stars is not None or driver_tags else None,
                driver_stars=driver_stars,
                driver_tags=driver_tags,
                created_at=now,
                updated_at=now,
            )
            _rating_change(order.restaurant_id, count=1, stars=stars)
            return review
        if not review.is_hidden:
            _rating_change(order.restaurant_id, count=0, stars=stars - review.stars)
        review.stars, review.comment = stars, comment
        review.driver_stars, review.driver_tags = driver_stars, driver_tags
        review.driver_id = driver_id if driver_stars is not None or driver_tags else None
        review.updated_at = now
        review.save()
        return review


def review_reply(*, actor: User, review_id, text: str, now: datetime) -> Review:
    """The restaurant's one public answer to a review, by its owners or managers."""
    reply = _text(text, "text")
    if not reply:
        raise ValidationFailed("Write the reply.", field="text")
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().filter(pk=review_id, hidden_at__isnull=True).first()
        )
        if review is None:
            raise ReviewNotFound(field="reviewId")
        if not user_is_restaurant_owner(actor, review.restaurant_id):
            raise Forbidden("Only the restaurant's owners and managers reply to its reviews.")
        if review.reply:
            raise ReviewNotAllowed("The restaurant has already replied.", field="reviewId")
        review.reply, review.replied_at, review.replied_by = reply, now, actor
        review.save(update_fields=["reply", "replied_at", "replied_by"])
    return review


def review_hide(*, actor: User, review_id, reason: str, now: datetime) -> Review:
    """Staff take a review out of the restaurant's list and its average, saying why."""
    if not actor.is_admin:
        raise Forbidden("Only platform staff hide reviews.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the review is hidden.", field="reason")
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise ReviewNotFound(field="reviewId")
        if review.is_hidden:
            return review
        review.hidden_at, review.hidden_reason, review.hidden_by = now, reason[:500], actor
        review.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        _rating_change(review.restaurant_id, count=-1, stars=-review.stars)
    logger.info(
        "review hidden", review_id=str(review.pk), staff_id=str(actor.pk), reason=reason[:500]
    )
    return review


def review_show(*, actor: User, review_id, now: datetime) -> Review:
    """Undo `review_hide`: the review counts again."""
    if not actor.is_admin:
        raise Forbidden("Only platform staff show hidden reviews.")
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise ReviewNotFound(field="reviewId")
        if not review.is_hidden:
            return review
        review.hidden_at, review.hidden_reason, review.hidden_by = None, "", None
        review.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        _rating_change(review.restaurant_id, count=1, stars=review.stars)
    logger.info("review shown again", review_id=str(review.pk), staff_id=str(actor.pk))
    return review
