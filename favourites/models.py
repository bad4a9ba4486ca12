import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Favourite(models.Model):
    """A restaurant a customer keeps at hand."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    restaurant = models.ForeignKey(
        "restaurants.Restaurant", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "restaurant"], name="favourite_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="favourite_user_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.restaurant_id}"
