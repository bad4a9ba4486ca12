"""The dispatch tasks: routed to their own queue, scheduled, and doing their work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from delivery.models import DeliveryOffer, OfferStatus
from delivery.services.dispatch import delivery_dispatch
from delivery.tasks import (
    deliveries_redispatch_due_task,
    delivery_dispatch_task,
    delivery_offers_expire_task,
)
from tests.delivery.dispatch_helpers import accepted_order, driver_at

DISPATCH_TASKS = (
    delivery_dispatch_task,
    delivery_offers_expire_task,
    deliveries_redispatch_due_task,
)


@pytest.mark.parametrize("task", DISPATCH_TASKS, ids=lambda task: task.name)
def test_dispatch_tasks_go_to_the_dispatch_queue(task):
    assert app.amqp.router.route({}, task.name)["queue"].name == "dispatch"


def test_periodic_dispatch_work_is_scheduled():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {delivery_offers_expire_task.name, deliveries_redispatch_due_task.name} <= scheduled


@pytest.mark.django_db
def test_expiry_task_moves_an_old_offer_on():
    first = driver_at(1)
    second = driver_at(2)
    order = accepted_order()
    delivery_dispatch(order_id=order.pk, now=timezone.now() - timedelta(minutes=5))

    delivery_offers_expire_task.delay()

    assert DeliveryOffer.objects.get(driver=first).status == OfferStatus.EXPIRED
    assert DeliveryOffer.objects.get(driver=second).status == OfferStatus.PENDING


@pytest.mark.django_db
def test_dispatch_task_offers_the_delivery():
    driver = driver_at(1)
    order = accepted_order()

    delivery_dispatch_task.delay(order_id=order.pk)

    assert DeliveryOffer.objects.get(delivery__order=order).driver == driver
