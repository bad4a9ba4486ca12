from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from accounts.models import User
from restaurants.models import MenuItem, Restaurant, RestaurantStaff
from restaurants.selectors import restaurant_accepts_orders_at, restaurant_delivers_to
from tests.factories import AdminFactory, RestaurantFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_city_once(capsys):
    call_command("seed_demo")
    counts = (Restaurant.objects.count(), MenuItem.objects.count(), User.objects.count())
    call_command("seed_demo")

    assert (Restaurant.objects.count(), MenuItem.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 20
    staff = User.objects.get(email="staff@demo.test")
    assert RestaurantStaff.objects.filter(user=staff).count() == counts[0]
    assert "customer@demo.test" in capsys.readouterr().out


@pytest.mark.parametrize("hour", [0, 4, 12, 23])
def test_three_demo_restaurants_take_orders_to_the_customer_at_any_hour(hour):
    call_command("seed_demo")
    address = User.objects.get(email="customer@demo.test").addresses.get()
    moment = datetime(2026, 11, 22, hour, 30, tzinfo=UTC)

    ready = [
        restaurant
        for restaurant in Restaurant.objects.all()
        if restaurant_accepts_orders_at(restaurant, moment)
        and restaurant_delivers_to(restaurant, address.latitude, address.longitude)
    ]

    assert len(ready) >= 3
    assert all(MenuItem.objects.filter(restaurant=r).count() >= 20 for r in ready)


def test_bulk_mode_adds_many_restaurants_with_menus():
    call_command("seed_demo", restaurants=30, items_per_restaurant=5)

    bench = Restaurant.objects.filter(slug__startswith="bench-")
    assert bench.count() == 30
    assert MenuItem.objects.filter(restaurant__in=bench).count() == 150


def test_admin_pause_action_goes_through_the_service(client):
    client.force_login(AdminFactory())
    restaurant = RestaurantFactory()

    client.post(
        "/admin/restaurants/restaurant/",
        {"action": "pause_ordering", "_selected_action": [str(restaurant.pk)]},
    )

    restaurant.refresh_from_db()
    assert restaurant.accepting_orders is False
