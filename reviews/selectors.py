from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, NullIf

from reviews.models import Review


def reviews_public(restaurant_id):
    """A restaurant's visible reviews, newest first (a partial index serves exactly this)."""
    return Review.objects.filter(restaurant_id=restaurant_id, hidden_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def review_of_order(order_id, customer) -> Review | None:
    return Review.objects.filter(order_id=order_id, customer_id=customer.pk).first()


def restaurants_rated(queryset, *, min_rating: float | None, best_rated_first: bool):
    """Narrow a restaurant listing to those rated at least `min_rating` on average, and/or put
    the best rated first (unrated last, then by name): from the running totals, in SQL."""
    if min_rating is not None:
        # total >= min * count: the totals themselves, no stored average to drift.
        queryset = queryset.filter(
            rating__count__gt=0, rating__stars_total__gte=F("rating__count") * min_rating
        )
    if best_rated_first:
        queryset = queryset.annotate(
            rating_average=Cast("rating__stars_total", FloatField())
            / NullIf("rating__count", Value(0))
        ).order_by(F("rating_average").desc(nulls_last=True), "name", "pk")
    return queryset
