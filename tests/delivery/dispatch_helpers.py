"""Building blocks for the dispatch tests: drivers placed on the map around a restaurant."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus, DriverState
from orders.models import OrderStatus
from tests.factories import (
    CITY_LATITUDE,
    CITY_LONGITUDE,
    DriverFactory,
    OrderFactory,
    RestaurantFactory,
)

# One kilometre of latitude, in degrees (on the sphere geo uses).
KM_OF_LATITUDE = Decimal("0.008993")


def driver_at(km_north: float, *, available: bool = True, seen_at=None, **user_fields):
    """A driver with a reported position `km_north` kilometres north of the demo city centre."""
    driver = DriverFactory(**user_fields)
    DriverState.objects.create(
        user=driver,
        is_available=available,
        latitude=(CITY_LATITUDE + KM_OF_LATITUDE * Decimal(str(km_north))).quantize(
            Decimal("0.000001")
        ),
        longitude=CITY_LONGITUDE,
        location_updated_at=seen_at or timezone.now(),
    )
    return driver


def accepted_order(**fields):
    """An order the restaurant (in the city centre) has accepted; no delivery yet."""
    fields.setdefault("restaurant", RestaurantFactory())
    return OrderFactory(
        status=OrderStatus.ACCEPTED, accepted_at=timezone.now() - timedelta(minutes=1), **fields
    )


def assigned_delivery(driver, *, order_status=OrderStatus.ACCEPTED, **fields):
    order = OrderFactory(status=order_status)
    return Delivery.objects.create(
        order=order,
        driver=driver,
        status=fields.pop("status", DeliveryStatus.ASSIGNED),
        assigned_at=timezone.now(),
        **fields,
    )
