"""What a driver's app reports: availability and position."""

from contextlib import suppress
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import transaction

from accounts.models import Role, User
from delivery.errors import InvalidLocation, NotADriver, OfferNotOpen
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, DriverState, OfferStatus
from delivery.services.dispatch import delivery_decline
from orders.errors import OrderNotFound
from orders.live_updates import delivery_changed_broadcast

COORDINATE_PLACES = Decimal("0.000001")


def _coordinate(value, *, field: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidLocation(f"{field.capitalize()} must be a number.", field=field) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidLocation(
            f"{field.capitalize()} must be between -{limit} and {limit}.", field=field
        )
    return number.quantize(COORDINATE_PLACES)


def _validated_location(latitude, longitude) -> tuple[Decimal, Decimal]:
    return (
        _coordinate(latitude, field="latitude", limit=90),
        _coordinate(longitude, field="longitude", limit=180),
    )


def _ensure_driver(user: User) -> None:
    if not user.is_active or user.role != Role.DRIVER:
        raise NotADriver()


def _locked_state(driver: User) -> DriverState:
    state, _ = DriverState.objects.select_for_update().get_or_create(user=driver)
    return state


def driver_set_availability(
    *,
    driver: User,
    available: bool,
    latitude=None,
    longitude=None,
    now: datetime,
) -> DriverState:
    """A driver goes on or off shift. Going on shift needs a position: offers go to the nearest."""
    _ensure_driver(driver)
    location = None
    if latitude is not None or longitude is not None:
        location = _validated_location(latitude, longitude)
    elif available:
        raise InvalidLocation("Share your location to receive deliveries.", field="latitude")
    with transaction.atomic():
        state = _locked_state(driver)
        state.is_available = available
        if location is not None:
            state.latitude, state.longitude = location
            state.location_updated_at = now
        state.save()
        if location is not None:
            _schedule_location_broadcast(driver)
    if not available:
        _decline_open_offers(driver=driver, now=now)
    return state


def _decline_open_offers(*, driver: User, now: datetime) -> None:
    """A driver going off shift will not answer: the next driver need not wait for the time-out."""
    open_offers = DeliveryOffer.objects.filter(driver=driver, status=OfferStatus.PENDING)
    for order_id in open_offers.values_list("delivery__order_id", flat=True):
        with suppress(OfferNotOpen, OrderNotFound):  # answered or withdrawn meanwhile
            delivery_decline(order_id=order_id, driver=driver, now=now)


def driver_update_location(*, driver: User, latitude, longitude, now: datetime) -> DriverState:
    """The driver app's periodic position report."""
    _ensure_driver(driver)
    lat, lng = _validated_location(latitude, longitude)
    with transaction.atomic():
        state = _locked_state(driver)
        state.latitude, state.longitude = lat, lng
        state.location_updated_at = now
        state.save(update_fields=["latitude", "longitude", "location_updated_at"])
        _schedule_location_broadcast(driver)
    return state


def _schedule_location_broadcast(driver: User) -> None:
    """Customers whose food is on the way follow the driver live."""
    carried = list(
        Delivery.objects.filter(driver=driver, status=DeliveryStatus.PICKED_UP).values_list(
            "order_id", "order__restaurant_id"
        )
    )
    for order_id, restaurant_id in carried:
        transaction.on_commit(
            partial(
                delivery_changed_broadcast,
                order_id=order_id,
                restaurant_id=restaurant_id,
                change="driver_location",
            )
        )
