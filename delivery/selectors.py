"""Reads for drivers and for the people who watch dispatch."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from core.errors import Forbidden
from delivery.errors import NotADriver
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, DriverState, OfferStatus
from orders.models import Order
from restaurants.selectors import restaurant_ids_staffed_by


def _ensure_driver(user: User) -> None:
    if not user.is_active or user.role != Role.DRIVER:
        raise NotADriver()


def deliveries_of_driver(*, driver: User) -> QuerySet[Order]:
    """The orders a driver has taken (current and past), the latest assignment first."""
    _ensure_driver(driver)
    return Order.objects.filter(delivery__driver=driver).order_by("-delivery__assigned_at", "-pk")


def open_offers_for_driver(*, driver: User, now=None) -> QuerySet[DeliveryOffer]:
    """The offers a driver may still answer, with what they need to decide, in one query."""
    _ensure_driver(driver)
    return (
        DeliveryOffer.objects.filter(
            driver=driver,
            status=OfferStatus.PENDING,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("delivery__order__restaurant__address")
        .order_by("expires_at")
    )


def deliveries_waiting_for(*, user: User, restaurant_id=None) -> QuerySet[Order]:
    """Accepted orders nobody has taken yet, longest waiting first: every one for admins, their
    restaurants' for staff."""
    if not user.is_active or not (user.is_admin or user.role == Role.RESTAURANT_STAFF):
        raise Forbidden("Only restaurant staff and admins watch dispatch.")
    orders = Order.objects.filter(delivery__status=DeliveryStatus.WAITING_FOR_DRIVER)
    if not user.is_admin:
        orders = orders.filter(restaurant_id__in=restaurant_ids_staffed_by(user))
    if restaurant_id is not None:
        orders = orders.filter(restaurant_id=restaurant_id)
    return orders.order_by("delivery__created_at", "pk")


def driver_position_during_delivery(delivery: Delivery) -> DriverState | None:
    """The driver's last position, only while the food is on its way: before pickup and after
    handover it is nobody's business where the driver is."""
    if delivery.status != DeliveryStatus.PICKED_UP or delivery.driver_id is None:
        return None
    try:
        state = delivery.driver.driver_state
    except DriverState.DoesNotExist:
        return None
    if state.latitude is None or state.longitude is None:
        return None
    return state
