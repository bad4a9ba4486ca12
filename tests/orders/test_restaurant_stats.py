"""A restaurant's daily figures, computed in SQL, by local day, for its staff only."""

import base64
from datetime import UTC, date, datetime, timedelta

import pytest

from orders.selectors import restaurant_daily_stats
from tests.factories import OrderFactory, RestaurantFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db

STATS = """
query Stats($restaurantId: ID!, $from: Date!, $to: Date!) {
  restaurantStats(restaurantId: $restaurantId, from: $from, to: $to) {
    day orders delivered cancelled revenue { amount currency }
    averagePreparationMinutes averageDeliveryMinutes
  }
}
"""


def global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def delivered(restaurant, placed_at, *, total_food=2000, prep=20, ride=10):
    accepted = placed_at + timedelta(minutes=2)
    ready = accepted + timedelta(minutes=prep)
    picked = ready + timedelta(minutes=5)
    return OrderFactory(
        restaurant=restaurant,
        status="DELIVERED",
        subtotal=total_food,
        placed_at=placed_at,
        accepted_at=accepted,
        ready_at=ready,
        picked_up_at=picked,
        delivered_at=picked + timedelta(minutes=ride),
    )


@pytest.fixture
def restaurant():
    return RestaurantFactory(time_zone="Europe/Lisbon", delivery_fee=250)


def test_daily_figures_are_grouped_by_the_restaurants_local_day(restaurant):
    # 23:30 UTC on 1 July is 00:30 on 2 July in Lisbon (UTC+1 in summer).
    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    delivered(restaurant, late, total_food=2000, prep=20, ride=10)
    delivered(restaurant, late + timedelta(hours=2), total_food=3000, prep=30, ride=20)
    OrderFactory(restaurant=restaurant, status="CANCELLED", placed_at=late)
    OrderFactory(restaurant=restaurant, status="ACCEPTED", subtotal=1000, placed_at=late)
    OrderFactory(restaurant=restaurant, status="PAYMENT_FAILED", placed_at=None)
    OrderFactory(status="DELIVERED", placed_at=late)  # another restaurant

    days = restaurant_daily_stats(
        restaurant_id=restaurant.pk,
        start=date(2026, 7, 1),
        end=date(2026, 7, 3),
        tz="Europe/Lisbon",
    )

    assert [day.day for day in days] == [date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3)]
    assert days[0].orders == 0
    second = days[1]
    assert (second.orders, second.delivered, second.cancelled) == (4, 2, 1)
    assert second.revenue == (2000 + 250) + (3000 + 250) + (1000 + 250)
    assert second.average_preparation_minutes == 25.0
    assert second.average_delivery_minutes == 15.0
    assert days[2].revenue == 0
    assert days[2].average_preparation_minutes is None


def test_figures_cost_one_query(restaurant, django_assert_num_queries):
    for hour in range(5):
        delivered(restaurant, datetime(2026, 7, 2, 10 + hour, tzinfo=UTC))
    with django_assert_num_queries(1):
        restaurant_daily_stats(
            restaurant_id=restaurant.pk,
            start=date(2026, 7, 1),
            end=date(2026, 7, 31),
            tz="Europe/Lisbon",
        )


def test_staff_read_their_restaurants_figures_through_the_api(gql, restaurant):
    delivered(restaurant, datetime(2026, 7, 2, 12, tzinfo=UTC))
    gql.login_as(RestaurantStaffFactory(restaurant=restaurant).user)

    days = gql.data(
        STATS,
        {
            "restaurantId": global_id("Restaurant", restaurant.pk),
            "from": "2026-07-02",
            "to": "2026-07-02",
        },
    )["restaurantStats"]

    assert days == [
        {
            "day": "2026-07-02",
            "orders": 1,
            "delivered": 1,
            "cancelled": 0,
            "revenue": {"amount": 2250, "currency": "EUR"},
            "averagePreparationMinutes": 20.0,
            "averageDeliveryMinutes": 10.0,
        }
    ]


def test_other_restaurants_staff_are_refused(gql, restaurant):
    gql.login_as(RestaurantStaffFactory().user)

    result = gql.execute(
        STATS,
        {
            "restaurantId": global_id("Restaurant", restaurant.pk),
            "from": "2026-07-02",
            "to": "2026-07-02",
        },
    )

    assert result.errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-07-02", "2026-07-01"),
        ("2025-01-01", "2026-07-01"),
        ("9999-12-30", "9999-12-31"),  # was an unexpected error: out of PostgreSQL's range
        ("0001-01-01", "0001-01-02"),
    ],
    ids=["reversed", "too-long", "year-9999", "year-1"],
)
def test_periods_must_be_ordered_and_bounded(gql, restaurant, start, end):
    gql.login_as(RestaurantStaffFactory(restaurant=restaurant).user)

    result = gql.execute(
        STATS, {"restaurantId": global_id("Restaurant", restaurant.pk), "from": start, "to": end}
    )

    assert result.errors[0]["extensions"]["code"] == "VALIDATION"
