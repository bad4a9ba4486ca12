"""Speed of the big read paths (`make bench`; skipped by `make test`).

A menu of 300 items with 900 options through GraphQL, cold (built from SQL) and cached, and a
near-me page of restaurants among 10,000.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command

from restaurants.models import MenuCategory, MenuItem, Option, OptionGroup, Restaurant
from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db

MENU = """query($slug: String) { restaurant(slug: $slug) { menu { name items {
  id name price { amount currency } isAvailable optionGroups { name minSelected maxSelected
  options { id name priceDelta { amount } isAvailable } } } } } }"""
NEAR = """query($near: PointInput) {
  restaurants(first: 20, filter: {near: $near, openNow: true}) { totalCount
    edges { node { name distanceKm estimatedDeliveryMinutes deliveryFee { amount } } } } }"""


@pytest.fixture
def big_menu():
    restaurant = RestaurantFactory(slug="big")
    categories = MenuCategory.objects.bulk_create(
        MenuCategory(restaurant=restaurant, name=f"Category {n}", position=n) for n in range(10)
    )
    items = MenuItem.objects.bulk_create(
        MenuItem(
            restaurant=restaurant,
            category=categories[n % 10],
            name=f"Dish {n}",
            price=500 + n,
            position=n,
        )
        for n in range(300)
    )
    groups = OptionGroup.objects.bulk_create(
        OptionGroup(item=item, name="Size", min_selected=1, max_selected=1) for item in items
    )
    Option.objects.bulk_create(
        Option(group=group, name=f"Option {n}", price_delta=50 * n, position=n)
        for group in groups
        for n in range(3)
    )
    return restaurant


def test_menu_of_300_items_cold(benchmark, gql, big_menu):
    def cold():
        cache.clear()
        return gql.data(MENU, {"slug": "big"})

    data = benchmark(cold)
    assert sum(len(c["items"]) for c in data["restaurant"]["menu"]) == 300


def test_menu_of_300_items_cached(benchmark, gql, big_menu):
    gql.data(MENU, {"slug": "big"})

    data = benchmark(lambda: gql.data(MENU, {"slug": "big"}))
    assert sum(len(c["items"]) for c in data["restaurant"]["menu"]) == 300


def test_near_me_page_among_10000_restaurants(benchmark, gql):
    call_command("seed_demo", restaurants=10_000, items_per_restaurant=1)
    assert Restaurant.objects.count() > 10_000
    near = {"latitude": float(Decimal("38.7223")), "longitude": float(Decimal("-9.1393"))}

    data = benchmark(lambda: gql.data(NEAR, {"near": near}))
    assert data["restaurants"]["totalCount"] > 0
