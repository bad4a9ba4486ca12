from favourites.models import Favourite
from restaurants.selectors import restaurants_public


def favourites_of(user):
    """The user's favourite restaurants that are still listed, latest first."""
    return Favourite.objects.filter(user_id=user.pk, restaurant__in=restaurants_public()).order_by(
        "-created_at", "-id"
    )
