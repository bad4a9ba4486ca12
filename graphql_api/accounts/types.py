import strawberry_django
from strawberry import relay
from strawberry.types import Info

from accounts import models
from graphql_api.core.context import current_user
from graphql_api.core.enums import enum_from_choices

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

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        """Through `node(id:)` a user sees only themselves (admins everyone)."""
        user = current_user(info)
        if not user.is_authenticated:
            return queryset.none()
        if user.is_admin:
            return queryset
        return queryset.filter(pk=user.pk)
