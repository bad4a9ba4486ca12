"""Great-circle distances, in Python and in SQL (near-me search, delivery range, dispatch).

The bounding box lets the coordinate index narrow the candidates
before the exact distance is computed; it does not handle the poles or the antimeridian.

On PostgreSQL, points on the unit sphere (`geo_sphere_point`, restaurants migration 0002) are
indexed for nearest-first scans: the straight-line distance between two such points (the chord)
grows with the great-circle distance, so it orders exactly as the haversine does.
"""

import math
from dataclasses import dataclass

from django.db.models import F, Field, FloatField, Func, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Box:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def bounding_box(latitude, longitude, radius_km: float) -> Box:
    lat, lng = float(latitude), float(longitude)
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 1e-6)))
    return Box(lat - dlat, lat + dlat, lng - dlng, lng + dlng)


def distance_km_expression(latitude, longitude, lat_field="latitude", lng_field="longitude"):
    lat = Value(float(latitude), output_field=FloatField())
    lng = Value(float(longitude), output_field=FloatField())
    row_lat = Cast(F(lat_field), FloatField())
    row_lng = Cast(F(lng_field), FloatField())
    a = Power(Sin((Radians(row_lat) - Radians(lat)) / 2), 2) + Cos(Radians(row_lat)) * Cos(
        Radians(lat)
    ) * Power(Sin((Radians(row_lng) - Radians(lng)) / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(
        Sqrt(a, output_field=FloatField())
    )


def distance_km(lat1, lng1, lat2, lng2) -> float:
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class _SpherePoint(Func):
    function = "geo_sphere_point"
    output_field = Field()


class _ChordDistance(Func):
    """`a <-> b`: what the GiST index of sphere points returns rows in the order of."""

    template = "(%(expressions)s)"
    arg_joiner = " <-> "
    output_field = FloatField()


def sphere_point(lat_field: str, lng_field: str) -> Func:
    """A row's point, spelt exactly as the index expression so that the index serves it."""
    return _SpherePoint(Cast(F(lat_field), FloatField()), Cast(F(lng_field), FloatField()))


def sphere_point_at(latitude, longitude) -> Func:
    return _SpherePoint(
        Value(float(latitude), output_field=FloatField()),
        Value(float(longitude), output_field=FloatField()),
    )


def chord_distance(point: Func, other: Func) -> Func:
    return _ChordDistance(point, other)
