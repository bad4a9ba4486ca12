"""The demo city (Lisbon) of api.md: restaurants, menus, hours, staff; and large benchmark sets."""

import random
import sys
from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Address, User
from restaurants.models import (
    Cuisine,
    MenuCategory,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
    RestaurantStaff,
    StaffRole,
)

CITY_CENTRE = (Decimal("38.722300"), Decimal("-9.139300"))
ROUND_THE_CLOCK = 3  # the first three demo restaurants never close (api.md)

DISHES = {
    "Portuguese": [
        "Bacalhau à Brás",
        "Caldo verde",
        "Bifana",
        "Prego no pão",
        "Arroz de pato",
        "Polvo à lagareiro",
        "Sardinhas assadas",
        "Francesinha",
        "Cataplana",
        "Pastel de nata",
    ],
    "Pizza": [
        "Margherita",
        "Marinara",
        "Diavola",
        "Quattro formaggi",
        "Capricciosa",
        "Prosciutto e funghi",
        "Calzone",
        "Napoli",
        "Vegetariana",
        "Tiramisù",
    ],
    "Sushi": [
        "Salmon nigiri",
        "Tuna nigiri",
        "California roll",
        "Dragon roll",
        "Ebi tempura",
        "Miso soup",
        "Gyoza",
        "Edamame",
        "Chirashi bowl",
        "Mochi",
    ],
    "Indian": [
        "Butter chicken",
        "Chicken tikka masala",
        "Palak paneer",
        "Dal makhani",
        "Lamb rogan josh",
        "Chana masala",
        "Garlic naan",
        "Vegetable biryani",
        "Samosa",
        "Mango lassi",
    ],
    "Burgers": [
        "Classic burger",
        "Cheeseburger",
        "Bacon burger",
        "Veggie burger",
        "Chicken burger",
        "Fries",
        "Sweet potato fries",
        "Onion rings",
        "Milkshake",
        "Brownie",
    ],
    "Chinese": [
        "Kung pao chicken",
        "Sweet and sour pork",
        "Mapo tofu",
        "Fried rice",
        "Chow mein",
        "Spring rolls",
        "Dumplings",
        "Peking duck",
        "Hot and sour soup",
        "Sesame balls",
    ],
    "Mexican": [
        "Tacos al pastor",
        "Burrito",
        "Quesadilla",
        "Nachos",
        "Enchiladas",
        "Guacamole",
        "Chili con carne",
        "Fajitas",
        "Elote",
        "Churros",
    ],
    "Vegan": [
        "Buddha bowl",
        "Falafel wrap",
        "Lentil soup",
        "Tofu curry",
        "Quinoa salad",
        "Vegan burger",
        "Hummus plate",
        "Sweet potato curry",
        "Acai bowl",
        "Banana bread",
    ],
}
NAMES = ["Casa", "Cantinho", "Taberna", "Bairro", "Jardim", "Estrela", "Ribeira", "Alfama"]


def _spread(index: int) -> tuple[Decimal, Decimal]:
    """A point a few hundred metres to ~4 km from the centre, deterministic per index."""
    rng = random.Random(index)
    return (
        (CITY_CENTRE[0] + Decimal(rng.uniform(-0.03, 0.03))).quantize(Decimal("0.000001")),
        (CITY_CENTRE[1] + Decimal(rng.uniform(-0.035, 0.035))).quantize(Decimal("0.000001")),
    )


def demo_city_ensure(*, owner: User, now: datetime) -> list[Restaurant]:
    """24 restaurants across 8 cuisines, created once; the first three open around the clock."""
    restaurants = []
    index = 0
    for cuisine_name, dishes in DISHES.items():
        cuisine, _ = Cuisine.objects.get_or_create(
            slug=slugify(cuisine_name), defaults={"name": cuisine_name}
        )
        for variant in range(3):
            name = f"{NAMES[(index + variant) % len(NAMES)]} {cuisine_name}"
            if variant:
                name = f"{name} {('Norte', 'Sul')[variant - 1]}"
            restaurants.append(
                _restaurant_ensure(
                    index=index, name=name, cuisine=cuisine, dishes=dishes, owner=owner, now=now
                )
            )
            index += 1
    return restaurants


@transaction.atomic
def _restaurant_ensure(*, index, name, cuisine, dishes, owner, now) -> Restaurant:
    slug = slugify(name)
    restaurant = Restaurant.objects.filter(slug=slug).first()
    if restaurant is None:
        latitude, longitude = CITY_CENTRE if index < ROUND_THE_CLOCK else _spread(index)
        address = Address.objects.create(
            line1=f"Rua Demo {index + 1}",
            city="Lisbon",
            postal_code="1100-000",
            country="PT",
            latitude=latitude,
            longitude=longitude,
            created_at=now,
        )
        restaurant = Restaurant.objects.create(
            name=name,
            slug=slug,
            address=address,
            time_zone="Europe/Lisbon",
            description=f"{cuisine.name} cooking in the heart of Lisbon.",
            delivery_radius_m=8000 if index < ROUND_THE_CLOCK else 5000,
            delivery_fee=199 if index < ROUND_THE_CLOCK else 299,
            # Nearer is cheaper: the flat fee within 2 km, more further out.
            delivery_fee_bands=[
                {"upToMetres": 2000, "fee": 199 if index < ROUND_THE_CLOCK else 299},
                {"upToMetres": 5000, "fee": 349},
                {"upToMetres": 8000, "fee": 499},
            ],
            small_order_threshold=1000,
            small_order_fee=150,
            minimum_order=500 if index < ROUND_THE_CLOCK else 1200,
            currency="EUR",
            preparation_minutes=15 + index % 3 * 5,
            slot_minutes=15,
            slot_capacity=4 + index % 3 * 2,
            created_at=now,
        )
        restaurant.cuisines.add(cuisine)
        _hours(restaurant, around_the_clock=index < ROUND_THE_CLOCK, late=index % 4 == 3)
        _menu(restaurant, dishes, seed=index)
    RestaurantStaff.objects.get_or_create(
        restaurant=restaurant, user=owner, defaults={"role": StaffRole.OWNER}
    )
    return restaurant


def _hours(restaurant: Restaurant, *, around_the_clock: bool, late: bool) -> None:
    if around_the_clock:
        spans = [(day, time(0), time(0)) for day in range(7)]
    elif late:  # a night kitchen: 18:00-02:00
        spans = [(day, time(18), time(2)) for day in range(7)]
    else:
        spans = [(day, time(11), time(15)) for day in range(7)]
        spans += [(day, time(18, 30), time(23)) for day in range(7)]
    OpeningHours.objects.bulk_create(
        OpeningHours(restaurant=restaurant, weekday=d, opens_at=o, closes_at=c) for d, o, c in spans
    )


def _menu(restaurant: Restaurant, dishes: list[str], *, seed: int) -> None:
    rng = random.Random(seed)
    mains = MenuCategory.objects.create(restaurant=restaurant, name="Mains", position=0)
    sides = MenuCategory.objects.create(restaurant=restaurant, name="Sides & desserts", position=1)
    drinks = MenuCategory.objects.create(restaurant=restaurant, name="Drinks", position=2)
    for position, dish in enumerate(dishes):
        category = mains if position < 6 else sides
        item = MenuItem.objects.create(
            restaurant=restaurant,
            category=category,
            name=dish,
            position=position,
            description=f"House {dish.lower()}.",
            price=rng.choice([450, 690, 890, 1090, 1290]),
            dietary_tags=["vegetarian"] if rng.random() < 0.3 else [],
        )
        if category is mains:
            size = OptionGroup.objects.create(
                item=item, name="Size", min_selected=1, max_selected=1, position=0
            )
            Option.objects.create(group=size, name="Regular", price_delta=0, position=0)
            Option.objects.create(group=size, name="Large", price_delta=250, position=1)
            extras = OptionGroup.objects.create(
                item=item, name="Extras", min_selected=0, max_selected=3, position=1
            )
            for extra_position, extra in enumerate(["Extra cheese", "Chili", "Side salad"]):
                Option.objects.create(
                    group=extras,
                    name=extra,
                    price_delta=100 + 50 * extra_position,
                    position=extra_position,
                )
    for drink_position, (drink, price) in enumerate(
        [
            ("Water", 150),
            ("Sparkling water", 180),
            ("Cola", 220),
            ("Orange juice", 300),
            ("Beer", 280),
            ("House wine", 450),
            ("Iced tea", 230),
            ("Coffee", 120),
            ("Lemonade", 260),
            ("Green tea", 200),
        ]
    ):
        MenuItem.objects.create(
            restaurant=restaurant,
            category=drinks,
            name=drink,
            price=price,
            position=100 + drink_position,
        )


def bulk_city_create(
    *,
    restaurants: int,
    items_per_restaurant: int,
    now: datetime,
    batch: int = 500,
    progress=None,
) -> int:
    """Large data sets for benchmarks: bulk inserts in batches with a progress bar."""
    progress = progress or sys.stderr
    cuisine, _ = Cuisine.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    made = 0
    start = Restaurant.objects.filter(slug__startswith="bench-").count()
    while made < restaurants:
        size = min(batch, restaurants - made)
        with transaction.atomic():
            addresses = Address.objects.bulk_create(
                Address(
                    line1="Bench street",
                    city="Lisbon",
                    postal_code="1100",
                    country="PT",
                    latitude=_spread(start + made + i)[0],
                    longitude=_spread(start + made + i)[1],
                    created_at=now,
                )
                for i in range(size)
            )
            created = Restaurant.objects.bulk_create(
                Restaurant(
                    name=f"Bench {start + made + i}",
                    slug=f"bench-{start + made + i}",
                    address=address,
                    time_zone="Europe/Lisbon",
                    created_at=now,
                )
                for i, address in enumerate(addresses)
            )
            Restaurant.cuisines.through.objects.bulk_create(
                Restaurant.cuisines.through(restaurant_id=r.pk, cuisine_id=cuisine.pk)
                for r in created
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(restaurant=r, weekday=d, opens_at=time(0), closes_at=time(0))
                for r in created
                for d in range(7)
            )
            categories = MenuCategory.objects.bulk_create(
                MenuCategory(restaurant=r, name="Menu") for r in created
            )
            MenuItem.objects.bulk_create(
                MenuItem(
                    restaurant_id=c.restaurant_id,
                    category=c,
                    name=f"Dish {n}",
                    price=500 + n,
                    position=n,
                )
                for c in categories
                for n in range(items_per_restaurant)
            )
        made += size
        done = int(40 * made / restaurants)
        progress.write(f"\r[{'#' * done}{'.' * (40 - done)}] {made}/{restaurants}")
        progress.flush()
    progress.write("\n")
    return made
