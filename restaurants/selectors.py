"""Reads of the catalogue: opening hours, delivery range, and who works where."""

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from accounts.models import User
from restaurants.geo import distance_km
from restaurants.models import Restaurant, RestaurantStaff, StaffRole

# Average courier speed in town, and the minutes to hand over at both ends.
COURIER_SPEED_KMH = 20
HANDOVER_MINUTES = 5


def restaurant_is_open(restaurant: Restaurant, at: datetime) -> bool:
    """Whether `at` falls in the restaurant's hours (its own time zone) and in no closure.

    A span whose closing time is not after its opening time runs past midnight: 18:00-02:00
    covers Friday evening and the small hours of Saturday; 00:00-00:00 is the whole day. Reads
    `opening_hours` and `closures` through `.all()`, so a prefetched page costs no queries.
    """
    if any(
        closure.starts_at <= at and (closure.ends_at is None or at < closure.ends_at)
        for closure in restaurant.closures.all()
    ):
        return False
    local = at.astimezone(ZoneInfo(restaurant.time_zone))
    today, now_time = local.weekday(), local.time()
    yesterday = (today - 1) % 7
    for span in restaurant.opening_hours.all():
        crosses_midnight = span.closes_at <= span.opens_at
        if span.weekday == today:
            if crosses_midnight and now_time >= span.opens_at:
                return True
            if not crosses_midnight and span.opens_at <= now_time < span.closes_at:
                return True
        elif span.weekday == yesterday and crosses_midnight and now_time < span.closes_at:
            return True
    return False


def restaurant_accepts_orders_at(restaurant: Restaurant, at: datetime) -> bool:
    return (
        restaurant.is_active and restaurant.accepting_orders and restaurant_is_open(restaurant, at)
    )


def restaurant_distance_km(restaurant: Restaurant, latitude, longitude) -> float:
    address = restaurant.address
    return distance_km(address.latitude, address.longitude, latitude, longitude)


def restaurant_delivers_to(restaurant: Restaurant, latitude, longitude) -> bool:
    return restaurant_distance_km(restaurant, latitude, longitude) * 1000 <= (
        restaurant.delivery_radius_m
    )


def travel_minutes(distance: float) -> int:
    return math.ceil(distance / COURIER_SPEED_KMH * 60) + HANDOVER_MINUTES


def delivery_estimate_minutes(restaurant: Restaurant, latitude, longitude) -> int:
    """Minutes from the food being ready to the door (travel only, not preparation)."""
    return travel_minutes(restaurant_distance_km(restaurant, latitude, longitude))


def user_is_restaurant_staff(user: User | None, restaurant_id) -> bool:
    """Admins count as staff of every restaurant."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return RestaurantStaff.objects.filter(restaurant_id=restaurant_id, user_id=user.pk).exists()


def user_is_restaurant_owner(user: User | None, restaurant_id) -> bool:
    """Owners and managers (and admins) may refund and manage the team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return RestaurantStaff.objects.filter(
        restaurant_id=restaurant_id,
        user_id=user.pk,
        role__in=[StaffRole.OWNER, StaffRole.MANAGER],
    ).exists()


def restaurant_ids_staffed_by(user: User):
    return RestaurantStaff.objects.filter(user_id=user.pk).values("restaurant_id")
