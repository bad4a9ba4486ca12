"""Reads of the catalogue: opening hours, delivery range, and who works where."""

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, TextField
from django.db.models.functions import Cast

from accounts.models import User
from restaurants.geo import (
    bounding_box,
    chord_distance,
    distance_km,
    distance_km_expression,
    sphere_point,
    sphere_point_at,
)
from restaurants.models import (
    Closure,
    MenuItem,
    OpeningHours,
    Restaurant,
    RestaurantStaff,
    StaffRole,
)
from restaurants.search import restaurants_matching

# Average courier speed in town, and the minutes to hand over at both ends.
COURIER_SPEED_KMH = 20
HANDOVER_MINUTES = 5
# Listings count their matches up to this many ("100+ restaurants deliver here"): a count
# stops after this many rows, so it costs about what a full page does.
RESTAURANTS_COUNT_LIMIT = 100


# Only active restaurants are public (listed, found by slug or id, open for orders): the one
# home of that rule, as a condition for querysets the API refines.
PUBLIC_RESTAURANT = Q(is_active=True)


def restaurants_public():
    return Restaurant.objects.filter(PUBLIC_RESTAURANT)


def restaurant_public(*, restaurant_id=None, slug: str | None = None):
    """The public restaurant with this id or slug (a queryset of at most one), or None when
    neither is given."""
    if restaurant_id is not None:
        return restaurants_public().filter(pk=restaurant_id)
    if slug:
        return restaurants_public().filter(slug=slug)
    return None


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


def delivery_eta_minutes(*, preparation_minutes: int, distance_km: float) -> int:
    """The one delivery-time estimate: preparation, travel at courier speed, then handover."""
    travel = math.ceil(distance_km / COURIER_SPEED_KMH * 60) + HANDOVER_MINUTES
    return preparation_minutes + travel


def delivery_eta_minutes_to(
    restaurant: Restaurant, latitude, longitude, *, preparation_minutes: int
) -> int:
    return delivery_eta_minutes(
        preparation_minutes=preparation_minutes,
        distance_km=restaurant_distance_km(restaurant, latitude, longitude),
    )


def user_is_restaurant_staff(user: User | None, restaurant_id) -> bool:
    """Admins count as staff of every restaurant."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return restaurant_ids_staffed_by(user).filter(restaurant_id=restaurant_id).exists()


def user_is_restaurant_owner(user: User | None, restaurant_id) -> bool:
    """Owners and managers (and admins) may refund and manage the team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return (
        restaurant_ids_staffed_by(user)
        .filter(restaurant_id=restaurant_id, role__in=[StaffRole.OWNER, StaffRole.MANAGER])
        .exists()
    )


def restaurant_ids_staffed_by(user: User):
    """The restaurants `user` works for (a subquery of restaurant ids): the one home of
    restaurant-staff membership; every other app asks here."""
    return RestaurantStaff.objects.filter(user_id=user.pk).values("restaurant_id")


def restaurant_team(restaurant_id):
    """The active people who work for a restaurant."""
    return User.objects.filter(
        pk__in=RestaurantStaff.objects.filter(restaurant_id=restaurant_id).values("user_id"),
        is_active=True,
    )


def restaurants_listed(
    *,
    search: str | None = None,
    cuisine: str | None = None,
    open_now: bool | None = None,
    near: tuple[float, float] | None = None,
    dietary_tag: str | None = None,
    price_bands: list[int] | None = None,
    now: datetime,
):
    """Active restaurants for the catalogue, filtered in SQL; nearest first with `near`."""
    queryset = restaurants_public()
    if search:
        queryset = restaurants_matching(queryset, search)
    if cuisine:
        queryset = queryset.filter(
            Exists(
                Restaurant.cuisines.through.objects.filter(
                    restaurant_id=OuterRef("pk"), cuisine__slug=cuisine.lower()
                )
            )
            | Exists(
                Restaurant.cuisines.through.objects.filter(
                    restaurant_id=OuterRef("pk"), cuisine__name__iexact=cuisine
                )
            )
        )
    if dietary_tag:
        queryset = queryset.filter(Exists(_dishes_tagged(dietary_tag)))
    if price_bands:
        queryset = queryset.filter(price_band__in=price_bands)
    if open_now is not None:
        open_q = _open_now_q(now)
        queryset = queryset.filter(open_q) if open_now else queryset.exclude(open_q)
    if near is None:
        if search and connection.vendor == "postgresql":
            return queryset.order_by(F("search_rank").desc(), "name", "pk")
        return queryset.order_by("name", "pk")
    if connection.vendor == "postgresql":
        return restaurants_nearest_by_index(queryset, *near)
    return restaurants_nearest_by_distance(queryset, *near)


def _dishes_tagged(tag: str):
    """The restaurant's available dishes carrying this dietary tag (tags are stored lower case)."""
    dishes = MenuItem.objects.filter(restaurant_id=OuterRef("pk"), is_available=True)
    if connection.vendor == "postgresql":
        return dishes.filter(dietary_tags__contains=[tag.lower()])
    # SQLite has no JSON containment: the tag as a JSON string inside the stored list's text.
    return dishes.annotate(tags_text=Cast("dietary_tags", TextField())).filter(
        tags_text__contains=f'"{tag.lower()}"'
    )


def restaurants_nearest_by_index(queryset, latitude, longitude):
    """Nearest first from the sphere-point index (PostgreSQL): rows come out of the index in
    distance order and a page stops after its own rows, so it reads the few dozen nearest
    addresses however many restaurants the city holds. The box on the (statistics-backed)
    coordinates tells the planner how many candidates there are: many, and it walks the index;
    few (the countryside), and it sorts those few."""
    centre = sphere_point_at(latitude, longitude)
    point = sphere_point("address__latitude", "address__longitude")
    box = bounding_box(latitude, longitude, settings.MAX_DELIVERY_RADIUS_M / 1000)
    return (
        queryset.filter(
            address__latitude__range=(box.min_latitude, box.max_latitude),
            address__longitude__range=(box.min_longitude, box.max_longitude),
        )
        .annotate(
            distance_km=distance_km_expression(
                latitude, longitude, "address__latitude", "address__longitude"
            )
        )
        .filter(distance_km__lte=F("delivery_radius_m") / 1000.0)
        # The index's order alone: PostgreSQL serves an ORDER BY from a nearest-first index
        # only when every sort key is its distance, so a tie-breaking key would sort the whole
        # city instead. Restaurants at the very same spot come in the index's order.
        .order_by(chord_distance(point, centre))
    )


def restaurants_nearest_by_distance(queryset, latitude, longitude):
    """Nearest first by the haversine distance of every candidate in the box (any database:
    the SQLite demo has no sphere-point index)."""
    # The box of the widest radius any restaurant may have narrows on the indexed coordinates
    # first; the exact distance then keeps the restaurants whose own radius reaches the point.
    box = bounding_box(latitude, longitude, settings.MAX_DELIVERY_RADIUS_M / 1000)
    return (
        queryset.filter(
            address__latitude__range=(box.min_latitude, box.max_latitude),
            address__longitude__range=(box.min_longitude, box.max_longitude),
        )
        .annotate(
            distance_km=distance_km_expression(
                latitude, longitude, "address__latitude", "address__longitude"
            )
        )
        .filter(distance_km__lte=F("delivery_radius_m") / 1000.0)
        .order_by("distance_km", "pk")
    )


def restaurants_count(queryset, *, limit: int = RESTAURANTS_COUNT_LIMIT) -> int:
    """How many restaurants a listing holds, counted no further than `limit`: in a dense city
    every restaurant is a match, and counting them all would cost as much as the city is big
    (the page itself only reads its own rows)."""
    return queryset[:limit].count()


def restaurant_time_zones_in_use() -> list[str]:
    """The time zones of public restaurants, by skipping from one zone to the next on the
    (is_active, time_zone) index: as many index probes as there are zones, not restaurants."""
    table = connection.ops.quote_name(Restaurant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE zones(zone) AS (
                SELECT MIN(time_zone) FROM {table} WHERE is_active
                UNION ALL
                SELECT (SELECT MIN(time_zone) FROM {table} WHERE is_active AND time_zone > zone)
                FROM zones WHERE zone IS NOT NULL
            )
            SELECT zone FROM zones WHERE zone IS NOT NULL
            """  # noqa: S608 - the table name comes from the model, not from input
        )
        return [zone for (zone,) in cursor.fetchall()]


def _open_now_q(now: datetime) -> Q:
    """Open right now, in SQL: for each time zone in use, today's local weekday and time.

    The hours are in each restaurant's own zone, so the question differs per zone; there are
    few zones, so one clause per zone keeps it a single indexed query.
    """
    clauses = Q(pk__in=[])
    for zone in restaurant_time_zones_in_use():
        local = now.astimezone(ZoneInfo(zone))
        today, at = local.weekday(), local.time()
        yesterday = (today - 1) % 7
        spans = OpeningHours.objects.filter(restaurant_id=OuterRef("pk")).filter(
            Q(weekday=today, opens_at__lte=at, closes_at__gt=at)
            | Q(weekday=today, opens_at__lte=at, closes_at__lte=F("opens_at"))
            | Q(weekday=yesterday, closes_at__lte=F("opens_at"), closes_at__gt=at)
        )
        clauses |= Q(time_zone=zone) & Q(Exists(spans))
    closed = Closure.objects.filter(restaurant_id=OuterRef("pk"), starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    return clauses & ~Q(Exists(closed))
