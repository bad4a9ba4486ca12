"""Dispatch under real concurrency: threads, each with its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import DomainError
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, OfferStatus
from delivery.services.dispatch import delivery_accept, delivery_dispatch
from tests.delivery.dispatch_helpers import accepted_order, driver_at

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls):
    """Start every call at once; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_concurrent_accepts_of_one_offer_assign_exactly_one_driver():
    offered = driver_at(1)
    other = driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now())

    def accept(driver):
        return lambda: delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())

    outcomes = run_together([accept(offered), accept(offered), accept(other), accept(other)])

    successes = [o for o in outcomes if isinstance(o, Delivery)]
    assert len(successes) == 1
    assert all(isinstance(o, DomainError) for o in outcomes if o not in successes), outcomes
    delivery = Delivery.objects.get(order=order)
    assert (delivery.status, delivery.driver) == (DeliveryStatus.ASSIGNED, offered)
    assert DeliveryOffer.objects.get(driver=offered).status == OfferStatus.ACCEPTED
    assert not DeliveryOffer.objects.filter(driver=other).exists()


def test_concurrent_dispatchers_never_offer_one_driver_two_deliveries():
    driver = driver_at(1)
    orders = [accepted_order() for _ in range(4)]

    run_together([lambda o=o: delivery_dispatch(order_id=o.pk, now=timezone.now()) for o in orders])

    assert DeliveryOffer.objects.filter(driver=driver, status=OfferStatus.PENDING).count() == 1
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.OFFERED] + [DeliveryStatus.WAITING_FOR_DRIVER] * 3
