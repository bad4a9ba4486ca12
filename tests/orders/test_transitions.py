"""The status machine: allowed moves, refusals, who may move, and concurrency."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutboxMessage
from orders.errors import InvalidTransition, OrderNotFound
from orders.models import ActorRole, OrderEvent, OrderStatus
from orders.services.lifecycle import (
    ORDER_EVENT_RECORDED,
    order_payment_authorized,
    order_payment_failed,
    order_payment_voided,
    order_transition,
)
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DeliveryFactory,
    DriverFactory,
    OrderFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed_order():
    return OrderFactory(status=OrderStatus.PLACED)


def staff_of(order):
    return RestaurantStaffFactory(restaurant=order.restaurant).user


def test_staff_accepting_records_who_when_and_from_what(placed_order):
    staff = staff_of(placed_order)
    now = timezone.now()

    order = order_transition(
        order_id=placed_order.pk, to_status=OrderStatus.ACCEPTING, actor=staff, now=now
    )

    assert order.status == OrderStatus.ACCEPTING
    assert order.status_changed_at == now
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status) == (OrderStatus.PLACED, OrderStatus.ACCEPTING)
    assert event.actor == staff
    assert event.actor_role == ActorRole.RESTAURANT_STAFF
    assert event.created_at == now


def test_disallowed_move_is_refused_and_changes_nothing(placed_order):
    with pytest.raises(InvalidTransition):
        order_transition(
            order_id=placed_order.pk,
            to_status=OrderStatus.DELIVERED,
            actor=AdminFactory(),
            now=timezone.now(),
        )
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED
    assert not OrderEvent.objects.exists()


def test_customer_cannot_accept_their_own_order(placed_order):
    with pytest.raises(InvalidTransition):
        order_transition(
            order_id=placed_order.pk,
            to_status=OrderStatus.ACCEPTING,
            actor=placed_order.customer,
            now=timezone.now(),
        )


def test_customer_cancels_before_acceptance_but_not_after(placed_order):
    customer = placed_order.customer
    order_transition(
        order_id=placed_order.pk,
        to_status=OrderStatus.CANCELLED,
        actor=customer,
        now=timezone.now(),
        reason="Changed my mind",
    )
    assert OrderEvent.objects.get(order=placed_order).reason == "Changed my mind"

    accepted = OrderFactory(status=OrderStatus.ACCEPTED, customer=customer)
    with pytest.raises(InvalidTransition):
        order_transition(
            order_id=accepted.pk,
            to_status=OrderStatus.CANCELLED,
            actor=customer,
            now=timezone.now(),
        )


def test_strangers_are_told_the_order_does_not_exist(placed_order):
    for stranger in (CustomerFactory(), RestaurantStaffFactory().user, DriverFactory()):
        with pytest.raises(OrderNotFound):
            order_transition(
                order_id=placed_order.pk,
                to_status=OrderStatus.CANCELLED,
                actor=stranger,
                now=timezone.now(),
            )
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED


def test_only_the_assigned_driver_picks_up():
    delivery = DeliveryFactory(order__status=OrderStatus.READY_FOR_PICKUP, driver=DriverFactory())
    with pytest.raises(OrderNotFound):
        order_transition(
            order_id=delivery.order_id,
            to_status=OrderStatus.PICKED_UP,
            actor=DriverFactory(),
            now=timezone.now(),
        )
    order = order_transition(
        order_id=delivery.order_id,
        to_status=OrderStatus.PICKED_UP,
        actor=delivery.driver,
        now=timezone.now(),
    )
    assert order.status == OrderStatus.PICKED_UP
    assert OrderEvent.objects.get(order=order).actor_role == ActorRole.DRIVER


def test_a_failing_apply_rolls_the_whole_move_back(placed_order):
    def capture_fails(order):
        order.preparation_minutes = 15
        raise RuntimeError("capture failed")

    with pytest.raises(RuntimeError):
        order_transition(
            order_id=placed_order.pk,
            to_status=OrderStatus.ACCEPTING,
            actor=staff_of(placed_order),
            now=timezone.now(),
            apply=capture_fails,
        )
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED
    assert placed_order.preparation_minutes is None
    assert not OrderEvent.objects.exists()


def test_side_effects_are_scheduled_only_on_commit(
    placed_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        order_transition(
            order_id=placed_order.pk,
            to_status=OrderStatus.REJECTED,
            actor=staff_of(placed_order),
            now=timezone.now(),
        )
    # The event's reactions are recorded in the transaction and relayed after it commits.
    assert OutboxMessage.objects.filter(topic=ORDER_EVENT_RECORDED).count() == 1
    assert callbacks

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidTransition):
        order_transition(
            order_id=placed_order.pk,
            to_status=OrderStatus.ACCEPTING,
            actor=staff_of(placed_order),
            now=timezone.now(),
        )
    assert callbacks == []
    assert OutboxMessage.objects.filter(topic=ORDER_EVENT_RECORDED).count() == 1


def test_payment_callbacks_are_idempotent_and_never_move_backwards():
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    now = timezone.now()

    assert order_payment_authorized(order_id=order.pk, now=now).status == OrderStatus.PLACED
    assert order_payment_authorized(order_id=order.pk, now=now).status == OrderStatus.PLACED
    # A late "declined" for an attempt that already succeeded must not undo the placement.
    assert order_payment_failed(order_id=order.pk, reason="late", now=now).status == (
        OrderStatus.PLACED
    )
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_voided_authorisation_fails_unpaid_and_cancels_placed_orders():
    unpaid = OrderFactory(status=OrderStatus.PENDING_PAYMENT)
    placed = OrderFactory(status=OrderStatus.PLACED)
    accepted = OrderFactory(status=OrderStatus.ACCEPTED)
    now = timezone.now()

    assert order_payment_voided(order_id=unpaid.pk, reason="expired", now=now).status == (
        OrderStatus.PAYMENT_FAILED
    )
    assert order_payment_voided(order_id=placed.pk, reason="expired", now=now).status == (
        OrderStatus.CANCELLED
    )
    assert order_payment_voided(order_id=accepted.pk, reason="expired", now=now).status == (
        OrderStatus.ACCEPTED
    )


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_at_once_exactly_one_wins():
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = [staff_of(order), staff_of(order)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user):
        barrier.wait()
        try:
            order_transition(
                order_id=order.pk, to_status=OrderStatus.ACCEPTING, actor=user, now=timezone.now()
            )
            outcomes.append("accepted")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.ACCEPTING).count() == 1


def test_events_of_one_transaction_keep_the_order_they_happened_in(placed_order):
    """Checkout writes the creation and the placement with the same `now`: the sequence, not
    the timestamp, tells which came first."""
    now = timezone.now()
    staff = staff_of(placed_order)
    with transaction.atomic():
        order_transition(
            order_id=placed_order.pk, to_status=OrderStatus.ACCEPTING, actor=staff, now=now
        )
        order_transition(
            order_id=placed_order.pk, to_status=OrderStatus.ACCEPTED, actor=staff, now=now
        )
        order_transition(
            order_id=placed_order.pk, to_status=OrderStatus.READY_FOR_PICKUP, actor=staff, now=now
        )

    events = list(placed_order.events.all())
    assert [event.sequence for event in events] == [1, 2, 3]
    assert [event.to_status for event in events] == [
        OrderStatus.ACCEPTING,
        OrderStatus.ACCEPTED,
        OrderStatus.READY_FOR_PICKUP,
    ]
