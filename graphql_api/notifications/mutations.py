"""Reading notifications and choosing channels."""

import strawberry
from django.utils import timezone
from strawberry.types import Info

from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.inputs import changes_of
from graphql_api.core.relay_ids import decode_id
from graphql_api.notifications.types import NotificationPreferencesType
from notifications.services import notification_preferences_update, notifications_mark_read


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID]


@strawberry.input(description="Only the channels given change; none of them may be null.")
class UpdateNotificationPreferencesInput:
    email: bool | None = strawberry.UNSET
    sms: bool | None = strawberry.UNSET
    push: bool | None = strawberry.UNSET


@strawberry.type
class MarkNotificationsReadPayload:
    count: int
    errors: list[UserError]


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None
    errors: list[UserError]


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
        preferences = notification_preferences_update(user=require_user(info), **changes_of(input))
        return NotificationPreferencesPayload(preferences=preferences, errors=[])
