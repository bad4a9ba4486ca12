from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from accounts import models
from graphql_api.core.context import current_session_id, current_user
from graphql_api.core.enums import enum_from_choices
from graphql_api.core.pagination import KeysetPages, total_of

Role = enum_from_choices(models.Role, name="Role")


@strawberry_django.type(models.Address, name="Address")
class AddressType(relay.Node):
    label: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str

    @strawberry_django.field(only=["latitude"])
    def latitude(self, root: models.Address) -> float:
        return float(root.latitude)

    @strawberry_django.field(only=["longitude"])
    def longitude(self, root: models.Address) -> float:
        return float(root.longitude)

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        """A customer's addresses are theirs alone; restaurants' addresses are public."""
        user = current_user(info)
        if user.is_authenticated and user.is_admin:
            return queryset
        if user.is_authenticated:
            return queryset.filter(user__isnull=True) | queryset.filter(user=user)
        return queryset.filter(user__isnull=True)


@strawberry_django.type(models.User, name="User")
class UserType(relay.Node):
    email: str
    full_name: str
    phone: str
    addresses: list[AddressType]

    @strawberry_django.field(only=["role"])
    def role(self, root: models.User) -> Role:
        return Role(root.role)

    @strawberry_django.field(
        only=["email_verified_at"], description="Whether the person proved they read this email."
    )
    def email_verified(self, root: models.User) -> bool:
        return root.email_verified_at is not None

    @strawberry_django.field(
        only=["phone", "phone_verified_at"],
        description="Whether the person proved this phone number is theirs (false without one).",
    )
    def phone_verified(self, root: models.User) -> bool:
        return root.phone_verified

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        """Through `node(id:)` a user sees only themselves (admins everyone)."""
        user = current_user(info)
        if not user.is_authenticated:
            return queryset.none()
        if user.is_admin:
            return queryset
        return queryset.filter(pk=user.pk)


@strawberry_django.type(
    models.RefreshToken,
    name="Session",
    description="A device or app where the user is signed in (one refresh-token family).",
)
class SessionType(relay.Node):
    device_name: str = strawberry_django.field(
        description="The name the app gave when signing in; may be empty."
    )
    user_agent: str = strawberry_django.field(description="The app's User-Agent at sign-in.")
    ip_prefix: str = strawberry_django.field(
        description="The network signed in from (IPv4 /24, IPv6 /48), never the full address."
    )

    @strawberry_django.field(
        only=["session_started_at", "created_at"], description="When the session began."
    )
    def created_at(self, root: models.RefreshToken) -> datetime:
        return root.session_started_at or root.created_at

    @strawberry_django.field(
        only=["created_at"], description="When the app last refreshed its tokens."
    )
    def last_used_at(self, root: models.RefreshToken) -> datetime:
        return root.created_at

    @strawberry_django.field(
        only=["family"], description="Whether this is the session making this request."
    )
    def current(self, root: models.RefreshToken, info: Info) -> bool:
        return current_session_id(info) == str(root.family)

    @classmethod
    def resolve_id_attr(cls) -> str:
        # A session keeps its id while its refresh token is traded in: the family.
        return "family"

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        """A user sees only their own open sessions (the current token of each family)."""
        user = current_user(info)
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(user=user, revoked_at__isnull=True, used_at__isnull=True)


@strawberry.type(name="SessionConnection", description="A page of the user's sessions.")
class SessionConnection(KeysetPages, DjangoListConnection[SessionType]):
    @strawberry.field(description="How many sessions the whole list holds.")
    def total_count(self) -> int:
        return total_of(self)
