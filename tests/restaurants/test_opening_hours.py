"""Opening hours in the restaurant's own time zone, spans past midnight, and closures."""

from datetime import UTC, datetime, time, timedelta

import pytest

from restaurants.models import Closure, OpeningHours
from restaurants.selectors import restaurant_accepts_orders_at, restaurant_is_open
from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db

FRIDAY, SATURDAY = 4, 5


def hours(restaurant, weekday, opens, closes):
    OpeningHours.objects.create(
        restaurant=restaurant, weekday=weekday, opens_at=time(opens), closes_at=time(closes)
    )


def lisbon(day, hour, minute=0):
    """2026-11-20 is a Friday; Lisbon is on UTC in winter."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def night_kitchen():
    restaurant = RestaurantFactory(time_zone="Europe/Lisbon")
    hours(restaurant, FRIDAY, 18, 2)
    return restaurant


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (lisbon(20, 17, 59), False),
        (lisbon(20, 18, 0), True),
        (lisbon(20, 23, 30), True),
        (lisbon(21, 1, 0), True),  # Saturday 01:00 belongs to Friday's span
        (lisbon(21, 2, 0), False),
        (lisbon(21, 18, 30), False),  # no Saturday hours
    ],
)
def test_a_span_past_midnight_covers_the_small_hours_of_the_next_day(
    night_kitchen, moment, is_open
):
    assert restaurant_is_open(night_kitchen, moment) is is_open


def test_hours_are_read_in_the_restaurants_own_time_zone():
    tokyo = RestaurantFactory(time_zone="Asia/Tokyo")
    hours(tokyo, FRIDAY, 11, 14)

    assert restaurant_is_open(tokyo, lisbon(20, 3, 0))  # 12:00 in Tokyo
    assert not restaurant_is_open(tokyo, lisbon(20, 12, 0))  # 21:00 in Tokyo


def test_several_spans_a_day():
    restaurant = RestaurantFactory()
    hours(restaurant, FRIDAY, 12, 15)
    hours(restaurant, FRIDAY, 19, 23)

    assert restaurant_is_open(restaurant, lisbon(20, 13))
    assert not restaurant_is_open(restaurant, lisbon(20, 17))
    assert restaurant_is_open(restaurant, lisbon(20, 20))


def test_midnight_to_midnight_is_the_whole_day():
    restaurant = RestaurantFactory()
    hours(restaurant, FRIDAY, 0, 0)

    assert restaurant_is_open(restaurant, lisbon(20, 0, 0))
    assert restaurant_is_open(restaurant, lisbon(20, 23, 59))
    assert not restaurant_is_open(restaurant, lisbon(21, 0, 30))


def test_a_closure_closes_an_otherwise_open_restaurant(night_kitchen):
    Closure.objects.create(
        restaurant=night_kitchen, starts_at=lisbon(20, 0), ends_at=lisbon(21, 0), reason="Holiday"
    )

    assert not restaurant_is_open(night_kitchen, lisbon(20, 20))
    assert restaurant_is_open(night_kitchen, lisbon(21, 0) + timedelta(minutes=30))


def test_paused_or_inactive_restaurants_take_no_orders_even_when_open(night_kitchen):
    moment = lisbon(20, 20)
    assert restaurant_accepts_orders_at(night_kitchen, moment)

    night_kitchen.accepting_orders = False
    assert not restaurant_accepts_orders_at(night_kitchen, moment)

    night_kitchen.accepting_orders, night_kitchen.is_active = True, False
    assert not restaurant_accepts_orders_at(night_kitchen, moment)
