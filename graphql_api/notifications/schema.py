"""The in-app inbox and the channel preferences of the signed-in user."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core.errors import NotAuthenticated
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, graphql_error, mutation
from graphql_api.core.relay_ids import decode_id
from graphql_api.notifications.types import NotificationPreferencesType, NotificationType
from notifications.models import Notification, NotificationPreference
from notifications.services import (
    notification_preferences_update,
    notifications_mark_read,
)


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID]


@strawberry.input
class UpdateNotificationPreferencesInput:
    email: bool | None = None
    sms: bool | None = None
    push: bool | None = None


@strawberry.type
class MarkNotificationsReadPayload:
    count: int
    errors: list[UserError]


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None
    errors: list[UserError]


@strawberry.type
class NotificationsQuery:
    @strawberry_django.connection(
        DjangoListConnection[NotificationType], description="The signed-in user's inbox."
    )
    def my_notifications(self, info: Info, unread_only: bool = False) -> Iterable[Notification]:
        try:
            user = require_user(info)
        except NotAuthenticated as error:
            raise graphql_error(error) from None
        inbox = Notification.objects.filter(recipient=user).order_by("-created_at", "pk")
        return inbox.filter(read_at__isnull=True) if unread_only else inbox

    @strawberry_django.field
    def my_notification_preferences(self, info: Info) -> NotificationPreferencesType:
        try:
            user = require_user(info)
        except NotAuthenticated as error:
            raise graphql_error(error) from None
        return NotificationPreference.objects.filter(user=user).first() or (
            NotificationPreference(user=user)
        )


@strawberry.type
class NotificationsMutation:
    @mutation(description="Mark notifications read; others' ids change nothing.")
    def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        count = notifications_mark_read(
            user=require_user(info),
            notification_ids=[
                node_id
                for node_id in (decode_id(raw, "Notification") for raw in input.ids)
                if node_id is not None
            ],
            now=timezone.now(),
        )
        return MarkNotificationsReadPayload(count=count, errors=[])

    @mutation(description="Turn email, SMS or push notifications on or off.")
    def update_notification_preferences(
        self, info: Info, input: UpdateNotificationPreferencesInput
    ) -> NotificationPreferencesPayload:
        preferences = notification_preferences_update(
            user=require_user(info), email=input.email, sms=input.sms, push=input.push
        )
        return NotificationPreferencesPayload(preferences=preferences, errors=[])
