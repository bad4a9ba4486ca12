"""Distances used by dispatch: Python and SQL agree, and the box contains the circle."""

import pytest

from delivery.models import DriverState
from restaurants.geo import bounding_box, distance_km, distance_km_expression
from tests.delivery.dispatch_helpers import driver_at

LISBON = (38.7223, -9.1393)
PORTO = (41.1579, -8.6291)


def test_distance_between_two_cities():
    assert distance_km(*LISBON, *PORTO) == pytest.approx(274, abs=2)


def test_bounding_box_contains_every_point_within_the_radius():
    box = bounding_box(*LISBON, 8)
    east_edge = distance_km(LISBON[0], LISBON[1], LISBON[0], box.max_longitude)
    north_edge = distance_km(LISBON[0], LISBON[1], box.max_latitude, LISBON[1])
    assert east_edge == pytest.approx(8, abs=0.01)
    assert north_edge == pytest.approx(8, abs=0.01)


@pytest.mark.django_db
def test_sql_distance_matches_python():
    driver = driver_at(3)
    state = (
        DriverState.objects.filter(user=driver)
        .annotate(distance=distance_km_expression(*LISBON))
        .get()
    )
    expected = distance_km(*LISBON, state.latitude, state.longitude)
    assert state.distance == pytest.approx(expected, rel=1e-9)
    assert state.distance == pytest.approx(3, abs=0.01)
