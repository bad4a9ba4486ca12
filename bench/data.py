"""Data the benchmark needs beyond `seed_demo`: menus of a given size, customers holding a given
number of orders. Bulk inserts, idempotent by slug or email, so a rerun reuses what exists."""

import uuid
from datetime import datetime, time, timedelta

from django.db import transaction

from accounts.models import Address, Role, User
from demo.city import CITY_CENTRE
from orders.models import Order, OrderEvent, OrderLine, OrderStatus
from restaurants.models import (
    MenuCategory,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
)

OPTIONS_PER_ITEM = 3
CATEGORIES_PER_MENU = 10


@transaction.atomic
def menu_restaurant_ensure(*, slug: str, items: int, now: datetime) -> Restaurant:
    """A restaurant in the city centre, open around the clock, whose menu has `items` dishes
    in 10 categories, each dish with one option group of 3 options (300 items: 900 options)."""
    existing = Restaurant.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    address = Address.objects.create(
        line1="Bench menu street",
        city="Lisbon",
        postal_code="1100",
        country="PT",
        latitude=CITY_CENTRE[0],
        longitude=CITY_CENTRE[1],
        created_at=now,
    )
    restaurant = Restaurant.objects.create(
        name=f"Bench menu {items}",
        slug=slug,
        address=address,
        time_zone="Europe/Lisbon",
        created_at=now,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(restaurant=restaurant, weekday=day, opens_at=time(0), closes_at=time(0))
        for day in range(7)
    )
    categories = MenuCategory.objects.bulk_create(
        MenuCategory(restaurant=restaurant, name=f"Category {n}", position=n)
        for n in range(CATEGORIES_PER_MENU)
    )
    dishes = MenuItem.objects.bulk_create(
        MenuItem(
            restaurant=restaurant,
            category=categories[n % CATEGORIES_PER_MENU],
            name=f"Dish {n}",
            description=f"House dish number {n}.",
            price=500 + n,
            position=n,
            dietary_tags=["vegetarian"] if n % 3 == 0 else [],
        )
        for n in range(items)
    )
    groups = OptionGroup.objects.bulk_create(
        OptionGroup(item=dish, name="Size", min_selected=1, max_selected=1) for dish in dishes
    )
    Option.objects.bulk_create(
        Option(group=group, name=f"Option {n}", price_delta=50 * n, position=n)
        for group in groups
        for n in range(OPTIONS_PER_ITEM)
    )
    return restaurant


def customer_with_orders_ensure(
    *, email: str, orders: int, restaurant: Restaurant, now: datetime
) -> User:
    """A customer with `orders` delivered orders (one line and two events each), newest first
    one minute apart. The password is unusable: the benchmark issues tokens itself."""
    customer = User.objects.filter(email=email).first()
    if customer is not None:
        return customer
    # Verified: placing an order needs a verified email.
    customer = User.objects.create(
        email=email, full_name="Bench customer", role=Role.CUSTOMER, email_verified_at=now
    )
    Address.objects.create(
        user=customer,
        label="Home",
        line1="Praça do Comércio 1",
        city="Lisbon",
        postal_code="1100-148",
        country="PT",
        latitude=CITY_CENTRE[0],
        longitude=CITY_CENTRE[1],
        created_at=now,
    )
    batch = 2000
    for start in range(0, orders, batch):
        with transaction.atomic():
            created = Order.objects.bulk_create(
                _delivered_order(customer, restaurant, now - timedelta(minutes=n))
                for n in range(start, min(orders, start + batch))
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    name="Dish 1",
                    unit_price=1250,
                    quantity=2,
                    line_total=2500,
                    position=0,
                )
                for order in created
            )
            OrderEvent.objects.bulk_create(
                OrderEvent(
                    order=order,
                    from_status=from_status,
                    to_status=to_status,
                    actor_role="SYSTEM",
                    created_at=order.created_at,
                    sequence=sequence,
                )
                for order in created
                for sequence, (from_status, to_status) in enumerate(
                    [("", OrderStatus.PLACED), (OrderStatus.PLACED, OrderStatus.DELIVERED)],
                    start=1,
                )
            )
    return customer


def _delivered_order(customer: User, restaurant: Restaurant, at: datetime) -> Order:
    return Order(
        number=uuid.uuid4().hex[:12].upper(),
        customer=customer,
        restaurant=restaurant,
        status=OrderStatus.DELIVERED,
        idempotency_key=uuid.uuid4().hex,
        currency="EUR",
        subtotal=2500,
        delivery_fee=250,
        tip=0,
        total=2750,
        delivery_address={"line1": "Praça do Comércio 1", "city": "Lisbon"},
        delivery_latitude=CITY_CENTRE[0],
        delivery_longitude=CITY_CENTRE[1],
        created_at=at,
        placed_at=at,
        delivered_at=at + timedelta(minutes=30),
        status_changed_at=at + timedelta(minutes=30),
        last_event_sequence=2,
    )
