"""The driver's own steps: availability, position, pickup and handover."""

from decimal import Decimal

import pytest
from django.utils import timezone

from delivery.errors import InvalidLocation, NotADriver
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, DriverState, OfferStatus
from delivery.services.dispatch import delivery_accept, delivery_dispatch
from delivery.services.drivers import driver_set_availability, driver_update_location
from delivery.services.steps import delivery_mark_delivered, delivery_mark_picked_up
from orders.errors import InvalidTransition, OrderNotFound
from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from tests.delivery.dispatch_helpers import accepted_order, driver_at
from tests.factories import CustomerFactory, DriverFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


def test_driver_goes_on_shift_at_a_position():
    driver = DriverFactory()
    now = timezone.now()

    state = driver_set_availability(
        driver=driver, available=True, latitude=38.7223, longitude=-9.1393, now=now
    )

    state = DriverState.objects.get(pk=state.pk)
    assert state.is_available
    assert (state.latitude, state.longitude) == (Decimal("38.722300"), Decimal("-9.139300"))
    assert state.location_updated_at == now


def test_going_on_shift_needs_a_position_but_going_off_does_not():
    driver = DriverFactory()

    with pytest.raises(InvalidLocation):
        driver_set_availability(driver=driver, available=True, now=timezone.now())
    state = driver_set_availability(driver=driver, available=False, now=timezone.now())

    assert not state.is_available


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [(91, 0, "latitude"), (0, -180.5, "longitude"), (float("nan"), 0, "latitude")],
)
def test_impossible_coordinates_are_refused(latitude, longitude, field):
    with pytest.raises(InvalidLocation) as error:
        driver_update_location(
            driver=DriverFactory(), latitude=latitude, longitude=longitude, now=timezone.now()
        )
    assert error.value.field == field


def test_only_drivers_report_availability():
    with pytest.raises(NotADriver):
        driver_set_availability(
            driver=CustomerFactory(), available=True, latitude=1, longitude=1, now=timezone.now()
        )
    assert not DriverState.objects.exists()


def assigned(driver, order):
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())


def mark_ready(order):
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    order_transition(
        order_id=order.pk, to_status=OrderStatus.READY_FOR_PICKUP, actor=staff, now=timezone.now()
    )


def test_pickup_only_once_the_food_is_ready():
    driver = driver_at(1)
    order = accepted_order()
    assigned(driver, order)

    with pytest.raises(InvalidTransition):
        delivery_mark_picked_up(order_id=order.pk, driver=driver, now=timezone.now())
    mark_ready(order)
    now = timezone.now()
    order = delivery_mark_picked_up(order_id=order.pk, driver=driver, now=now)

    assert order.status == OrderStatus.PICKED_UP
    delivery = Delivery.objects.get(order=order)
    assert (delivery.status, delivery.picked_up_at) == (DeliveryStatus.PICKED_UP, now)


def test_driver_delivers_and_is_free_again():
    driver = driver_at(1)
    order = accepted_order()
    assigned(driver, order)
    mark_ready(order)
    delivery_mark_picked_up(order_id=order.pk, driver=driver, now=timezone.now())

    order = delivery_mark_delivered(order_id=order.pk, driver=driver, now=timezone.now())

    assert order.status == OrderStatus.DELIVERED
    assert Delivery.objects.get(order=order).status == DeliveryStatus.DELIVERED
    next_order = accepted_order()
    delivery_dispatch(order_id=next_order.pk, now=timezone.now())
    assert Delivery.objects.get(order=next_order).status == DeliveryStatus.OFFERED


def test_an_offered_driver_cannot_pick_up_before_accepting():
    driver = driver_at(1)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    mark_ready(order)

    with pytest.raises(OrderNotFound):
        delivery_mark_picked_up(order_id=order.pk, driver=driver, now=timezone.now())


def test_another_driver_cannot_deliver_someone_elses_order():
    driver = driver_at(1)
    order = accepted_order()
    assigned(driver, order)
    mark_ready(order)
    delivery_mark_picked_up(order_id=order.pk, driver=driver, now=timezone.now())

    with pytest.raises(OrderNotFound):
        delivery_mark_delivered(order_id=order.pk, driver=driver_at(2), now=timezone.now())
    assert Delivery.objects.get(order=order).status == DeliveryStatus.PICKED_UP


def test_going_off_shift_passes_an_open_offer_to_the_next_driver():
    leaving = driver_at(1)
    staying = driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())

    driver_set_availability(driver=leaving, available=False, now=timezone.now())

    assert DeliveryOffer.objects.get(driver=leaving).status == OfferStatus.DECLINED
    assert DeliveryOffer.objects.get(driver=staying).status == OfferStatus.PENDING
