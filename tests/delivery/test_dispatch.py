"""Dispatch: who is offered a delivery, what a decline, a time-out or an empty map leads to."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from delivery.errors import DriverBusy, OfferNotOpen
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, OfferStatus
from delivery.services.dispatch import (
    deliveries_redispatch_due,
    delivery_accept,
    delivery_decline,
    delivery_dispatch,
    delivery_offers_expire,
)
from orders.errors import OrderNotFound
from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from tests.delivery.dispatch_helpers import accepted_order, assigned_delivery, driver_at
from tests.factories import OrderFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


def pending_offer(order):
    return DeliveryOffer.objects.get(delivery__order=order, status=OfferStatus.PENDING)


def test_nearest_available_driver_is_offered_the_delivery():
    driver_at(3)
    nearest = driver_at(1)
    driver_at(2)
    order = accepted_order()
    now = timezone.now()

    delivery = delivery_dispatch(order_id=order.pk, now=now)

    assert delivery.status == DeliveryStatus.OFFERED
    offer = pending_offer(order)
    assert offer.driver == nearest
    assert 950 <= offer.distance_m <= 1050
    assert offer.offered_at == now
    assert offer.expires_at == now + timedelta(seconds=60)


def test_out_of_range_unavailable_stale_busy_and_already_deciding_drivers_are_skipped():
    driver_at(9)  # beyond the 8 km radius
    driver_at(0.2, available=False)
    driver_at(0.3, seen_at=timezone.now() - timedelta(hours=1))
    busy = driver_at(0.4)
    assigned_delivery(busy)
    deciding = driver_at(0.5)
    delivery_dispatch(order_id=accepted_order().pk, now=timezone.now())
    assert pending_offer_for(deciding)
    suspended = driver_at(0.6, is_active=False)
    far_but_free = driver_at(7.5)
    order = accepted_order()

    delivery_dispatch(order_id=order.pk, now=timezone.now())

    assert pending_offer(order).driver == far_but_free
    assert not DeliveryOffer.objects.filter(driver=suspended).exists()


def pending_offer_for(driver):
    return DeliveryOffer.objects.filter(driver=driver, status=OfferStatus.PENDING).exists()


@override_settings(DISPATCH_RADIUS_KM=2)
def test_radius_is_configurable():
    driver_at(3)
    order = accepted_order()

    delivery = delivery_dispatch(order_id=order.pk, now=timezone.now())

    assert delivery.status == DeliveryStatus.WAITING_FOR_DRIVER
    assert not DeliveryOffer.objects.exists()


def test_decline_offers_the_delivery_to_the_next_nearest_driver():
    first = driver_at(1)
    second = driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())

    delivery_decline(order_id=order.pk, driver=first, now=timezone.now())

    assert DeliveryOffer.objects.get(driver=first).status == OfferStatus.DECLINED
    assert pending_offer(order).driver == second
    assert Delivery.objects.get(order=order).status == DeliveryStatus.OFFERED


def test_unanswered_offer_times_out_and_goes_to_the_next_driver():
    first = driver_at(1)
    second = driver_at(2)
    order = accepted_order()
    start = timezone.now()
    delivery_dispatch(order_id=order.pk, now=start)

    assert delivery_offers_expire(now=start + timedelta(seconds=59)) == 0
    assert delivery_offers_expire(now=start + timedelta(seconds=61)) == 1

    assert DeliveryOffer.objects.get(driver=first).status == OfferStatus.EXPIRED
    assert pending_offer(order).driver == second


@override_settings(DELIVERY_OFFER_TIMEOUT_SECONDS=5)
def test_offer_timeout_is_configurable():
    driver_at(1)
    order = accepted_order()
    now = timezone.now()

    delivery_dispatch(order_id=order.pk, now=now)

    assert pending_offer(order).expires_at == now + timedelta(seconds=5)


@override_settings(
    DISPATCH_RETRY_BASE_SECONDS=30,
    DISPATCH_RETRY_MAX_SECONDS=100,
    DISPATCH_ALERT_AFTER_ATTEMPTS=3,
    DISPATCH_ALERT_AFTER_MINUTES=60,
)
def test_nobody_available_retries_with_capped_backoff_and_alerts_admins_once(
    django_capture_on_commit_callbacks,
):
    order = accepted_order()
    now = timezone.now()
    delays, alerts = [], []
    for _ in range(5):
        with django_capture_on_commit_callbacks() as callbacks:
            delivery = delivery_dispatch(order_id=order.pk, now=now)
        assert delivery.status == DeliveryStatus.WAITING_FOR_DRIVER
        delays.append((delivery.next_dispatch_at - now).total_seconds())
        alerts.append(len(callbacks))
        now = delivery.next_dispatch_at

    assert delays == [30, 60, 100, 100, 100]
    assert alerts == [0, 0, 1, 0, 0]
    assert delivery.dispatch_attempts == 5
    assert delivery.waiting_alert_sent_at is not None


@override_settings(DISPATCH_ALERT_AFTER_ATTEMPTS=100, DISPATCH_ALERT_AFTER_MINUTES=10)
def test_admins_are_alerted_when_a_delivery_waits_too_many_minutes():
    order = accepted_order()
    start = timezone.now()
    delivery_dispatch(order_id=order.pk, now=start)
    assert Delivery.objects.get(order=order).waiting_alert_sent_at is None

    delivery_dispatch(order_id=order.pk, now=start + timedelta(minutes=11))

    assert Delivery.objects.get(order=order).waiting_alert_sent_at is not None


def test_waiting_delivery_is_offered_once_its_backoff_has_passed():
    order = accepted_order()
    start = timezone.now()
    delivery = delivery_dispatch(order_id=order.pk, now=start)
    driver = driver_at(1)

    assert deliveries_redispatch_due(now=start + timedelta(seconds=10)) == 0
    assert deliveries_redispatch_due(now=delivery.next_dispatch_at) == 1

    assert pending_offer(order).driver == driver


def test_accepted_order_whose_dispatch_was_lost_is_swept_up():
    driver = driver_at(1)
    order = accepted_order()

    deliveries_redispatch_due(now=timezone.now())

    assert pending_offer(order).driver == driver


def test_driver_accepting_the_offer_is_assigned():
    driver = driver_at(1)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    now = timezone.now()

    delivery = delivery_accept(order_id=order.pk, driver=driver, now=now)

    assert (delivery.status, delivery.driver, delivery.assigned_at) == (
        DeliveryStatus.ASSIGNED,
        driver,
        now,
    )
    assert DeliveryOffer.objects.get(driver=driver).status == OfferStatus.ACCEPTED


def test_only_the_offered_driver_may_accept():
    driver_at(1)
    other = driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())

    with pytest.raises(OrderNotFound):
        delivery_accept(order_id=order.pk, driver=other, now=timezone.now())
    assert Delivery.objects.get(order=order).driver is None


def test_expired_offer_cannot_be_accepted_and_moves_on():
    first = driver_at(1)
    second = driver_at(2)
    order = accepted_order()
    start = timezone.now()
    delivery_dispatch(order_id=order.pk, now=start)

    with pytest.raises(OfferNotOpen):
        delivery_accept(order_id=order.pk, driver=first, now=start + timedelta(seconds=61))

    assert DeliveryOffer.objects.get(driver=first).status == OfferStatus.EXPIRED
    assert pending_offer(order).driver == second


def test_declined_offer_cannot_be_accepted_afterwards():
    driver = driver_at(1)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    delivery_decline(order_id=order.pk, driver=driver, now=timezone.now())

    with pytest.raises(OfferNotOpen):
        delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())


def test_driver_holds_one_active_delivery_at_a_time():
    driver = driver_at(1)
    first, second = accepted_order(), accepted_order()
    delivery_dispatch(order_id=first.pk, now=timezone.now())
    delivery_accept(order_id=first.pk, driver=driver, now=timezone.now())

    delivery = delivery_dispatch(order_id=second.pk, now=timezone.now())

    assert delivery.status == DeliveryStatus.WAITING_FOR_DRIVER
    Delivery.objects.filter(order=first).update(status=DeliveryStatus.DELIVERED)
    delivery = delivery_dispatch(order_id=second.pk, now=timezone.now())
    assert pending_offer(second).driver == driver


@override_settings(DRIVER_MAX_ACTIVE_DELIVERIES=2)
def test_active_delivery_limit_is_configurable():
    driver = driver_at(1)
    assigned_delivery(driver)
    order = accepted_order()

    delivery_dispatch(order_id=order.pk, now=timezone.now())

    assert pending_offer(order).driver == driver


def test_accept_refused_when_the_driver_is_already_at_the_limit():
    driver = driver_at(1)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    assigned_delivery(driver)  # taken meanwhile, e.g. by an admin

    with pytest.raises(DriverBusy):
        delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())


def test_dispatch_is_idempotent_once_offered():
    driver_at(1)
    driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())

    delivery_dispatch(order_id=order.pk, now=timezone.now())

    assert DeliveryOffer.objects.filter(delivery__order=order).count() == 1


def test_orders_that_no_longer_need_a_driver_get_none():
    driver_at(1)
    order = accepted_order()
    order.status = OrderStatus.CANCELLED
    order.save()

    assert delivery_dispatch(order_id=order.pk, now=timezone.now()) is None
    assert not Delivery.objects.exists()


def test_accepting_an_order_starts_dispatch(django_capture_on_commit_callbacks):
    driver = driver_at(1)
    order = OrderFactory(status=OrderStatus.ACCEPTING)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    with django_capture_on_commit_callbacks(execute=True):
        order_transition(
            order_id=order.pk, to_status=OrderStatus.ACCEPTED, actor=staff, now=timezone.now()
        )

    assert pending_offer(order).driver == driver


def test_cancelling_the_order_withdraws_the_pending_offer(django_capture_on_commit_callbacks):
    driver = driver_at(1)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    with django_capture_on_commit_callbacks(execute=True):
        order_transition(
            order_id=order.pk, to_status=OrderStatus.CANCELLED, actor=staff, now=timezone.now()
        )

    assert DeliveryOffer.objects.get(driver=driver).status == OfferStatus.WITHDRAWN
    assert Delivery.objects.get(order=order).status == DeliveryStatus.CANCELLED
    with pytest.raises(OfferNotOpen):
        delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())
