from enum import Enum

import strawberry
import strawberry_django
from strawberry import relay

from accounts import models


@strawberry.enum
class Role(Enum):
    CUSTOMER = "CUSTOMER"
    RESTAURANT_STAFF = "RESTAURANT_STAFF"
    DRIVER = "DRIVER"
    ADMIN = "ADMIN"


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


@strawberry_django.type(models.User, name="User")
class UserType(relay.Node):
    email: str
    full_name: str
    phone: str
    addresses: list[AddressType]

    @strawberry_django.field(only=["role"])
    def role(self, root: models.User) -> Role:
        return Role(root.role)
