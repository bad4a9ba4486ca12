"""The signed-in user's inbox and channel preferences."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry.types import Info

from core.errors import NotAuthenticated
from graphql_api.core.context import require_user
from graphql_api.core.errors import graphql_error
from graphql_api.core.pagination import page_field
from graphql_api.notifications.types import (
    NotificationConnection,
    NotificationPreferencesType,
)
from notifications.models import Notification
from notifications.selectors import inbox_of, preferences_of


def _signed_in(info: Info):
    try:
        return require_user(info)
    except NotAuthenticated as error:
        raise graphql_error(error) from None


@strawberry.type
class NotificationsQuery:
    @page_field(NotificationConnection, description="The signed-in user's inbox, newest first.")
    def my_notifications(self, info: Info, unread_only: bool = False) -> Iterable[Notification]:
        return inbox_of(_signed_in(info), unread_only=unread_only)

    @strawberry_django.field
    def my_notification_preferences(self, info: Info) -> NotificationPreferencesType:
        return preferences_of(_signed_in(info))
