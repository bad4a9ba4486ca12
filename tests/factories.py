"""factory_boy factories for every domain. Shared file: add factories, keep the others."""

from datetime import time
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Address, Role, User
from delivery.models import Delivery
from orders.models import Fulfilment, Order, OrderLine, OrderStatus
from restaurants.models import (
    MenuCategory,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
    RestaurantStaff,
    StaffRole,
)

DEFAULT_PASSWORD = "correct-horse-battery-staple"
# A point in central Lisbon, the demo city.
CITY_LATITUDE = Decimal("38.722300")
CITY_LONGITUDE = Decimal("-9.139300")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    phone = "+351 910 000 000"
    role = Role.CUSTOMER
    # Verified unless a test says otherwise: placing an order needs a verified email.
    email_verified_at = factory.LazyFunction(timezone.now)
    phone_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class CustomerFactory(UserFactory):
    role = Role.CUSTOMER


class StaffUserFactory(UserFactory):
    role = Role.RESTAURANT_STAFF


class DriverFactory(UserFactory):
    role = Role.DRIVER


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(CustomerFactory)
    label = "Home"
    line1 = factory.Faker("street_address")
    city = "Lisbon"
    postal_code = "1100-148"
    country = "PT"
    latitude = CITY_LATITUDE
    longitude = CITY_LONGITUDE


class RestaurantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restaurant

    name = factory.Sequence(lambda n: f"Restaurant {n}")
    slug = factory.Sequence(lambda n: f"restaurant-{n}")
    address = factory.SubFactory(AddressFactory, user=None, label="")
    time_zone = "Europe/Lisbon"
    delivery_radius_m = 5000
    delivery_fee = 250
    minimum_order = 1000
    currency = "EUR"
    preparation_minutes = 20


class OpenAroundTheClockRestaurantFactory(RestaurantFactory):
    """A restaurant open every day, all day (00:00-00:00 spans the whole day)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if create:
            OpeningHours.objects.bulk_create(
                OpeningHours(restaurant=obj, weekday=day, opens_at=time(0), closes_at=time(0))
                for day in range(7)
            )


class RestaurantStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RestaurantStaff

    restaurant = factory.SubFactory(RestaurantFactory)
    user = factory.SubFactory(StaffUserFactory)
    role = StaffRole.OWNER


class MenuCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuCategory

    restaurant = factory.SubFactory(RestaurantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    category = factory.SubFactory(MenuCategoryFactory)
    restaurant = factory.SelfAttribute("category.restaurant")
    name = factory.Sequence(lambda n: f"Dish {n}")
    description = "Tasty."
    price = 1250
    position = factory.Sequence(lambda n: n)


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionGroup

    item = factory.SubFactory(MenuItemFactory)
    name = "Size"
    min_selected = 0
    max_selected = 1


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    group = factory.SubFactory(OptionGroupFactory)
    name = factory.Sequence(lambda n: f"Option {n}")
    price_delta = 150


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as checkout leaves it; `status` may be set to any point of its life."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    restaurant = factory.SubFactory(RestaurantFactory)
    status = OrderStatus.PLACED
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")
    currency = "EUR"
    subtotal = 2500
    delivery_fee = 250
    tip = 0
    total = factory.LazyAttribute(lambda o: o.subtotal + o.delivery_fee + o.tip)
    delivery_address = factory.LazyFunction(
        lambda: {"line1": "Rua Augusta 1", "city": "Lisbon", "postalCode": "1100-048"}
    )
    delivery_latitude = CITY_LATITUDE
    delivery_longitude = CITY_LONGITUDE
    placed_at = factory.LazyFunction(timezone.now)


class PickupOrderFactory(OrderFactory):
    """A pickup order: no address, no delivery fee, a pickup code."""

    fulfilment = Fulfilment.PICKUP
    delivery_fee = 0
    delivery_address = factory.LazyFunction(dict)
    delivery_latitude = None
    delivery_longitude = None
    pickup_code = "4821"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    name = "Dish"
    unit_price = 1250
    quantity = 2
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    order = factory.SubFactory(OrderFactory, status=OrderStatus.ACCEPTED)
