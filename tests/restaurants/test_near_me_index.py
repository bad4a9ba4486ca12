"""Near-me from the nearest-first index: the same restaurants in the same order as the haversine
sort it replaces, a plan that walks the index instead of sorting the city, and counts that stop."""

import random
from datetime import UTC, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from demo.city import bulk_city_create
from restaurants.models import OpeningHours
from restaurants.selectors import (
    RESTAURANTS_COUNT_LIMIT,
    restaurant_time_zones_in_use,
    restaurants_count,
    restaurants_listed,
    restaurants_nearest_by_distance,
    restaurants_nearest_by_index,
    restaurants_public,
)
from tests.factories import AddressFactory, OpenAroundTheClockRestaurantFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

LISBON = (38.7223, -9.1393)
PAGE = """query($near: PointInput, $after: String) {
  restaurants(first: 7, after: $after, filter: {near: $near}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { slug distanceKm } } } }"""


@pytest.fixture
def scattered_city():
    """Sixty restaurants at random spots up to ~25 km from the centre, with random radii (some
    reach the centre, some do not), a few inactive, and a distant city that never qualifies."""
    rng = random.Random(12)
    for index in range(60):
        address = AddressFactory(
            user=None,
            latitude=Decimal(LISBON[0] + rng.uniform(-0.2, 0.2)).quantize(Decimal("0.000001")),
            longitude=Decimal(LISBON[1] + rng.uniform(-0.25, 0.25)).quantize(Decimal("0.000001")),
        )
        RestaurantFactory(
            slug=f"spot-{index}",
            address=address,
            delivery_radius_m=rng.choice([2000, 5000, 10000, 20000]),
            is_active=index % 13 != 0,
        )
    porto = AddressFactory(user=None, latitude=Decimal("41.1579"), longitude=Decimal("-8.6291"))
    RestaurantFactory(slug="porto", address=porto, delivery_radius_m=20000)


@pytest.mark.parametrize(
    "point", [LISBON, (38.75, -9.2), (38.65, -9.05), (38.9, -9.3), (38.70, -9.14)]
)
def test_the_index_orders_exactly_as_the_haversine_sort_did(scattered_city, point):
    by_index = list(restaurants_nearest_by_index(restaurants_public(), *point))
    by_distance = list(restaurants_nearest_by_distance(restaurants_public(), *point))

    assert [r.slug for r in by_index] == [r.slug for r in by_distance]
    assert [r.distance_km for r in by_index] == [r.distance_km for r in by_distance]
    assert len(by_index) >= 3  # the sample holds candidates at every point


def test_pages_of_near_me_walk_the_whole_haversine_order(gql, scattered_city):
    near = {"latitude": LISBON[0], "longitude": LISBON[1]}
    expected = [r.slug for r in restaurants_nearest_by_distance(restaurants_public(), *LISBON)]

    seen, after = [], None
    while True:
        page = gql.data(PAGE, {"near": near, "after": after})["restaurants"]
        seen += [edge["node"]["slug"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == expected
    assert page["totalCount"] == len(expected)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_page_in_a_dense_city_walks_the_index_instead_of_sorting_the_city():
    bulk_city_create(restaurants=3000, items_per_restaurant=0, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    listed = restaurants_listed(near=LISBON, open_now=True, now=timezone.now())
    plan = _plan(listed[:21])

    # The page a client asks for. (The bounded count, LIMIT 100, may be planned either way on
    # a small table: the planner once chose a sort there, so it is not asserted.)
    assert "Index Scan using address_sphere_point_gist" in plan, plan
    assert "Order By: (geo_sphere_point(" in plan, plan
    assert "Sort" not in plan, plan


def test_counts_stop_at_their_limit():
    for index in range(5):
        OpenAroundTheClockRestaurantFactory(slug=f"here-{index}")

    listed = restaurants_listed(now=timezone.now())

    assert restaurants_count(listed, limit=3) == 3
    assert restaurants_count(listed, limit=10) == 5


def test_total_count_reads_at_most_the_limit(gql):
    bulk_city_create(
        restaurants=RESTAURANTS_COUNT_LIMIT + 5, items_per_restaurant=0, now=timezone.now()
    )

    page = gql.data(
        "{ restaurants(first: 100) { totalCount pageInfo { hasNextPage } edges { cursor } } }"
    )["restaurants"]

    assert page["totalCount"] == RESTAURANTS_COUNT_LIMIT
    assert len(page["edges"]) == 100 and page["pageInfo"]["hasNextPage"]


def test_time_zones_in_use_are_those_of_public_restaurants():
    RestaurantFactory(time_zone="Europe/Lisbon")
    RestaurantFactory(time_zone="Europe/Lisbon")
    RestaurantFactory(time_zone="Atlantic/Azores")
    RestaurantFactory(time_zone="Asia/Tokyo", is_active=False)

    assert restaurant_time_zones_in_use() == ["Atlantic/Azores", "Europe/Lisbon"]


def test_open_now_reads_each_zone_in_use(gql):
    """At 23:30 UTC on a Monday it is 23:30 in Lisbon, but already Tuesday 08:30 in Tokyo."""
    lisbon = RestaurantFactory(name="Lisbon late", time_zone="Europe/Lisbon")
    tokyo = RestaurantFactory(name="Tokyo breakfast", time_zone="Asia/Tokyo")
    OpeningHours.objects.create(restaurant=lisbon, weekday=0, opens_at=time(23), closes_at=time(2))
    OpeningHours.objects.create(restaurant=tokyo, weekday=1, opens_at=time(8), closes_at=time(9))
    monday_night = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)

    open_now = restaurants_listed(open_now=True, now=monday_night)

    assert sorted(open_now.values_list("name", flat=True)) == ["Lisbon late", "Tokyo breakfast"]
