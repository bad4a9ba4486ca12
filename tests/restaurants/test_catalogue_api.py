"""Browsing the catalogue: near-me, search, cuisine, openNow, pagination, and query counts."""

from datetime import time
from decimal import Decimal

import pytest
from strawberry import relay

from restaurants.models import Cuisine, OpeningHours
from tests.factories import (
    AddressFactory,
    MenuItemFactory,
    OpenAroundTheClockRestaurantFactory,
    OptionFactory,
    OptionGroupFactory,
    RestaurantFactory,
)

pytestmark = pytest.mark.django_db

LIST = """query($filter: RestaurantFilter, $first: Int, $after: String) {
  restaurants(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { name slug cuisine cuisines isOpen acceptingOrders distanceKm
      estimatedDeliveryMinutes deliveryFee { amount currency } minimumOrder { amount }
      address { city latitude longitude } } }
  } }"""
MENU = """query($slug: String) { restaurant(slug: $slug) { name menu { name position items {
  id name price { amount currency } isAvailable dietaryTags
  optionGroups { name minSelected maxSelected options { name priceDelta { amount } isAvailable } }
} } } }"""
# Praça do Comércio, Lisbon.
HERE = {"latitude": 38.7075, "longitude": -9.1364}


def at(latitude: str, longitude: str, **fields):
    address = AddressFactory(user=None, latitude=Decimal(latitude), longitude=Decimal(longitude))
    return OpenAroundTheClockRestaurantFactory(address=address, **fields)


def names(data) -> list[str]:
    return [edge["node"]["name"] for edge in data["restaurants"]["edges"]]


def test_near_me_lists_only_restaurants_delivering_here_nearest_first(gql):
    at("38.7100", "-9.1364", name="Close", delivery_radius_m=2000)
    at("38.7300", "-9.1364", name="Farther", delivery_radius_m=5000)
    at("38.7400", "-9.1364", name="Small radius", delivery_radius_m=1000)
    at("41.1579", "-8.6291", name="Porto", delivery_radius_m=20000)

    data = gql.data(LIST, {"filter": {"near": HERE}})

    assert names(data) == ["Close", "Farther"]
    first = data["restaurants"]["edges"][0]["node"]
    assert first["distanceKm"] == pytest.approx(0.28, abs=0.01)
    assert first["estimatedDeliveryMinutes"] == 20 + 1 + 5  # preparation + travel + handover
    assert data["restaurants"]["totalCount"] == 2


def test_without_near_there_is_no_distance(gql):
    at("38.7100", "-9.1364", name="Somewhere")

    node = gql.data(LIST)["restaurants"]["edges"][0]["node"]

    assert node["distanceKm"] is None and node["estimatedDeliveryMinutes"] is None


def test_search_finds_restaurants_by_name_cuisine_or_dish(gql):
    sushi = Cuisine.objects.create(name="Sushi", slug="sushi")
    tasca = RestaurantFactory(name="Tasca do Zé")
    nori = RestaurantFactory(name="Nori Bar")
    nori.cuisines.add(sushi)
    MenuItemFactory(category__restaurant=tasca, name="Bacalhau à Brás")
    RestaurantFactory(name="Unrelated")

    assert names(gql.data(LIST, {"filter": {"search": "tasca"}})) == ["Tasca do Zé"]
    assert names(gql.data(LIST, {"filter": {"search": "sushi"}})) == ["Nori Bar"]
    assert names(gql.data(LIST, {"filter": {"search": "bacalhau"}})) == ["Tasca do Zé"]
    assert names(gql.data(LIST, {"filter": {"cuisine": "sushi"}})) == ["Nori Bar"]


def test_open_now_uses_each_restaurants_own_hours(gql):
    at("38.7100", "-9.1364", name="Always open")
    closed = RestaurantFactory(name="Never open")
    OpeningHours.objects.create(
        restaurant=closed, weekday=0, opens_at=time(3, 0), closes_at=time(3, 1)
    )

    open_names = names(gql.data(LIST, {"filter": {"openNow": True}}))
    closed_names = names(gql.data(LIST, {"filter": {"openNow": False}}))

    assert "Always open" in open_names and "Never open" not in open_names
    assert closed_names == ["Never open"]


def test_inactive_restaurants_are_not_listed(gql):
    RestaurantFactory(name="Gone", is_active=False)

    assert names(gql.data(LIST)) == []


def test_pages_follow_each_other(gql):
    for index in range(5):
        RestaurantFactory(name=f"R{index}")

    first = gql.data(LIST, {"first": 2})["restaurants"]
    second = gql.data(LIST, {"first": 2, "after": first["pageInfo"]["endCursor"]})["restaurants"]

    assert [e["node"]["name"] for e in first["edges"]] == ["R0", "R1"]
    assert [e["node"]["name"] for e in second["edges"]] == ["R2", "R3"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("size", [3, 30])
def test_a_page_of_restaurants_costs_the_same_queries_at_any_size(
    gql, django_assert_num_queries, size
):
    for index in range(size):
        restaurant = at("38.7100", "-9.1364", name=f"R{index:02}")
        restaurant.cuisines.add(Cuisine.objects.get_or_create(name="Grill", slug="grill")[0])

    # time zones in use (openNow), page, cuisines, hours, closures, addresses, count (bounded)
    with django_assert_num_queries(7):
        data = gql.data(LIST, {"filter": {"near": HERE, "openNow": True}, "first": 50})

    assert len(data["restaurants"]["edges"]) == size


def a_menu_of(size: int):
    restaurant = RestaurantFactory(slug="big-menu")
    for index in range(size):
        item = MenuItemFactory(category__restaurant=restaurant, name=f"Dish {index:03}")
        group = OptionGroupFactory(item=item, name="Size", min_selected=1, max_selected=1)
        OptionFactory(group=group, name="Regular", price_delta=0)
    return restaurant


@pytest.mark.parametrize("size", [3, 60])
def test_the_full_menu_costs_five_queries_cold_and_one_cached(gql, django_assert_num_queries, size):
    a_menu_of(size)

    # The restaurant's row (the response cache's look), the restaurant, then categories, items,
    # and option groups with their options.
    with django_assert_num_queries(5):
        cold = gql.data(MENU, {"slug": "big-menu"})
    with django_assert_num_queries(1):  # the restaurant's row; the answer comes from the cache
        warm = gql.data(MENU, {"slug": "big-menu"})

    assert cold == warm
    items = [item for category in cold["restaurant"]["menu"] for item in category["items"]]
    assert len(items) == size
    assert items[0]["optionGroups"][0]["options"][0] == {
        "name": "Regular",
        "priceDelta": {"amount": 0},
        "isAvailable": True,
    }


def test_menu_nodes_resolve_by_global_id(gql):
    item = MenuItemFactory(name="Arroz de pato", price=1450)

    data = gql.data(
        "query($id: ID!) { node(id: $id) { ... on MenuItem { name price { amount } } } }",
        {"id": str(relay.GlobalID("MenuItem", str(item.pk)))},
    )

    assert data["node"] == {"name": "Arroz de pato", "price": {"amount": 1450}}


@pytest.mark.parametrize("size", [2, 12])
def test_menus_on_a_page_of_restaurants_cost_the_same_queries_at_any_size(
    gql, django_assert_num_queries, size, settings
):
    # 50 whole menus are over an anonymous caller's cost budget: not this test's subject.
    settings.GRAPHQL_COST_BUDGET_ANONYMOUS = 10**6
    for index in range(size):
        restaurant = RestaurantFactory(name=f"R{index:02}")
        item = MenuItemFactory(category__restaurant=restaurant, name=f"Dish {index}")
        OptionFactory(group=OptionGroupFactory(item=item))

    # the page, then the menus of the whole page at once: categories, items, and option groups
    # with their options
    with django_assert_num_queries(4):
        data = gql.data(
            "{ restaurants(first: 50) { edges { node { name menu { items { name "
            "optionGroups { options { name } } } } } } } }"
        )

    menus = [edge["node"]["menu"] for edge in data["restaurants"]["edges"]]
    assert [menu[0]["items"][0]["name"] for menu in menus] == [f"Dish {i}" for i in range(size)]
