"""Reads of notifications shaped for the API."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, NotificationPreference


def inbox_of(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    inbox = Notification.objects.filter(recipient=user).order_by("-created_at", "pk")
    return inbox.filter(read_at__isnull=True) if unread_only else inbox


def preferences_of(user: User) -> NotificationPreference:
    """The user's channel switches (every channel on until they say otherwise)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )
