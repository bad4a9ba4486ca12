"""Keeping a restaurant among one's favourites: both ways idempotent, so an app that retries
(or a double tap) changes nothing twice."""

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from favourites.models import Favourite
from restaurants.errors import RestaurantNotFound
from restaurants.selectors import restaurant_public


def favourite_add(*, user: User, restaurant_id, now: datetime) -> Favourite:
    if not restaurant_public(restaurant_id=restaurant_id).exists():
        raise RestaurantNotFound(field="restaurantId")
    existing = Favourite.objects.filter(user_id=user.pk, restaurant_id=restaurant_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Favourite.objects.create(
                user_id=user.pk, restaurant_id=restaurant_id, created_at=now
            )
    except IntegrityError:
        # The same tap, twice at once: the other request stored it.
        return Favourite.objects.get(user_id=user.pk, restaurant_id=restaurant_id)


def favourite_remove(*, user: User, restaurant_id) -> bool:
    """Whether it was a favourite (removing one that is not changes nothing)."""
    deleted, _ = Favourite.objects.filter(user_id=user.pk, restaurant_id=restaurant_id).delete()
    return bool(deleted)
