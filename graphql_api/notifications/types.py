from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from graphql_api.core.context import current_user
from graphql_api.core.enums import enum_from_choices
from graphql_api.core.pagination import KeysetPages, total_of
from graphql_api.orders.types import OrderType
from notifications import models

NotificationKindEnum = enum_from_choices(
    models.NotificationKind,
    name="NotificationKind",
    description="What a notification is about.",
)


@strawberry_django.type(models.Notification, name="Notification")
class NotificationType(relay.Node):
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None
    order: OrderType | None

    @strawberry_django.field(only=["kind"])
    def kind(self, root: models.Notification) -> NotificationKindEnum:
        return NotificationKindEnum(root.kind)

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        user = current_user(info)
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(recipient=user)


@strawberry_django.type(models.NotificationPreference, name="NotificationPreferences")
class NotificationPreferencesType:
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool


@strawberry.type(name="NotificationConnection", description="A page of notifications.")
class NotificationConnection(KeysetPages, DjangoListConnection[NotificationType]):
    @strawberry.field(description="How many notifications the whole list holds.")
    def total_count(self) -> int:
        return total_of(self)
