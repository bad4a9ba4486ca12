"""Scheduled orders: slots in the restaurant's own time zone (across midnight and clock
changes), closures, capacity (the last place under concurrency), the accept-by rule that keeps
a card's authorisation from lapsing, cancellation, and dispatch timed to the food."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from delivery.models import Delivery, DeliveryOffer
from delivery.services.dispatch import deliveries_redispatch_due, delivery_dispatch
from notifications.models import Notification
from orders.errors import SlotUnavailable
from orders.models import Fulfilment, Order, OrderStatus
from orders.scheduling import scheduled_accept_by, slots_available
from orders.services.actions import order_cancel
from orders.services.checkout import CartLine, order_place
from orders.services.maintenance import orders_scheduled_expire, orders_scheduled_remind
from payments.models import PaymentStatus
from restaurants.models import Closure, OpeningHours
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

LISBON = ZoneInfo("Europe/Lisbon")
SLOTS = """
query($id: ID!, $day: Date!, $mode: Fulfilment!) {
  availableSlots(restaurantId: $id, date: $day, mode: $mode) { startsAt endsAt remaining }
}
"""


def restaurant_with(spans, **fields):
    restaurant = RestaurantFactory(
        **{"slot_capacity": 2, "slot_minutes": 30, "preparation_minutes": 30, **fields}
    )
    for weekday, opens, closes in spans:
        OpeningHours.objects.create(
            restaurant=restaurant, weekday=weekday, opens_at=opens, closes_at=closes
        )
    return restaurant


def local_labels(slots):
    return [slot.starts_at.astimezone(LISBON).strftime("%d %H:%M %Z") for slot in slots]


@pytest.mark.django_db
def test_a_span_past_midnight_gives_slots_on_both_local_days():
    # Friday 18:00 to Saturday 02:00, Lisbon (winter: UTC+0).
    restaurant = restaurant_with([(4, time(18), time(2))])
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)  # the Monday before
    friday = slots_available(
        restaurant=restaurant, day=date(2026, 1, 9), fulfilment=Fulfilment.PICKUP, now=now
    )
    saturday = slots_available(
        restaurant=restaurant, day=date(2026, 1, 10), fulfilment=Fulfilment.PICKUP, now=now
    )
    # The kitchen needs its 30 minutes after opening; no slot at closing time.
    assert local_labels(friday)[0] == "09 18:30 WET"
    assert local_labels(friday)[-1] == "09 23:30 WET"
    assert len(friday) == 11
    assert local_labels(saturday) == [
        "10 00:00 WET",
        "10 00:30 WET",
        "10 01:00 WET",
        "10 01:30 WET",
    ]
    assert all(slot.remaining == 2 for slot in friday + saturday)


@pytest.mark.django_db
def test_the_hour_that_does_not_exist_has_no_slots():
    # Sunday 29 March 2026: Lisbon's clocks jump from 01:00 to 02:00.
    restaurant = restaurant_with([(6, time(0), time(3))])
    now = datetime(2026, 3, 25, 12, tzinfo=UTC)
    slots = slots_available(
        restaurant=restaurant, day=date(2026, 3, 29), fulfilment=Fulfilment.PICKUP, now=now
    )
    assert local_labels(slots) == ["29 00:30 WET", "29 02:00 WEST", "29 02:30 WEST"]
    assert [slot.ends_at - slot.starts_at for slot in slots] == [timedelta(minutes=30)] * 3


@pytest.mark.django_db
def test_the_hour_that_happens_twice_has_its_slots_twice():
    # Sunday 25 October 2026: Lisbon's clocks go back from 02:00 to 01:00.
    restaurant = restaurant_with([(6, time(0), time(3))])
    now = datetime(2026, 10, 20, 12, tzinfo=UTC)
    slots = slots_available(
        restaurant=restaurant, day=date(2026, 10, 25), fulfilment=Fulfilment.PICKUP, now=now
    )
    assert local_labels(slots) == [
        "25 00:30 WEST",
        "25 01:00 WEST",
        "25 01:30 WEST",
        "25 01:00 WET",
        "25 01:30 WET",
        "25 02:00 WET",
        "25 02:30 WET",
    ]
    assert len({slot.starts_at for slot in slots}) == 7


@pytest.mark.django_db
def test_a_closure_removes_the_slots_whose_kitchen_time_it_covers():
    restaurant = restaurant_with([(4, time(18), time(22))])
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    Closure.objects.create(
        restaurant=restaurant,
        starts_at=datetime(2026, 1, 9, 19, tzinfo=UTC),
        ends_at=datetime(2026, 1, 9, 20, tzinfo=UTC),
    )
    slots = slots_available(
        restaurant=restaurant, day=date(2026, 1, 9), fulfilment=Fulfilment.PICKUP, now=now
    )
    # 19:00 needs the kitchen from 18:30 (open) until 19:30 (closed): gone; 20:30 cooks from 20:00.
    assert local_labels(slots) == ["09 18:30 WET", "09 20:30 WET", "09 21:00 WET", "09 21:30 WET"]


@pytest.mark.django_db
def test_slots_start_after_the_lead_time_and_stop_after_seven_days():
    restaurant = restaurant_with([(day, time(0), time(0)) for day in range(7)])
    now = datetime(2026, 1, 5, 12, 10, tzinfo=UTC)
    today = slots_available(
        restaurant=restaurant, day=date(2026, 1, 5), fulfilment=Fulfilment.DELIVERY, now=now
    )
    # Delivery lead: 30 preparation + 15 across the 5 km radius + 5 handover; 30 to accept.
    assert today[0].starts_at == datetime(2026, 1, 5, 13, 30, tzinfo=UTC)
    assert slots_available(
        restaurant=restaurant, day=date(2026, 1, 12), fulfilment=Fulfilment.PICKUP, now=now
    )
    assert not slots_available(
        restaurant=restaurant, day=date(2026, 1, 13), fulfilment=Fulfilment.PICKUP, now=now
    )
    restaurant.slot_capacity = 0
    assert not slots_available(
        restaurant=restaurant, day=date(2026, 1, 6), fulfilment=Fulfilment.PICKUP, now=now
    )


@pytest.mark.django_db
def test_available_slots_through_graphql_in_constant_queries(gql, django_assert_num_queries):
    restaurant = restaurant_with([(day, time(0), time(0)) for day in range(7)])
    # Two days ahead: the whole day, whatever the time now.
    day = (timezone.now() + timedelta(days=2)).astimezone(LISBON).date()
    variables = {"id": global_id("Restaurant", restaurant.pk), "day": str(day)}
    with django_assert_num_queries(4):
        first = gql.data(SLOTS, {**variables, "mode": "PICKUP"})["availableSlots"]
    # 00:30 (after the 30 minutes' preparation) to 23:30, but a clock change.
    assert len(first) in (45, 47, 49) and first[0]["remaining"] == 2
    # A full slot and more spans and closures: the same four queries.
    starts = datetime.fromisoformat(first[5]["startsAt"])
    for _ in range(2):
        OrderFactory(restaurant=restaurant, scheduled_for=starts)
    Closure.objects.create(
        restaurant=restaurant,
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=31),
    )
    with django_assert_num_queries(4):
        second = gql.data(SLOTS, {**variables, "mode": "PICKUP"})["availableSlots"]
    assert len(second) == len(first) - 1
    assert first[5]["startsAt"] not in {slot["startsAt"] for slot in second}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"day": "2020-01-01"}, "VALIDATION", "date"),
        ({"id": "not-an-id"}, "NOT_FOUND", "restaurantId"),
    ],
)
def test_available_slots_refuse_bad_input(gql, variables, code, field):
    restaurant = restaurant_with([(day, time(0), time(0)) for day in range(7)])
    body = gql.execute(
        SLOTS,
        {
            "id": global_id("Restaurant", restaurant.pk),
            "day": str(timezone.now().date()),
            "mode": "DELIVERY",
            **variables,
        },
    )
    assert body.data is None
    assert (body.errors[0]["extensions"]["code"], body.errors[0]["extensions"]["field"]) == (
        code,
        field,
    )


def first_slot_tomorrow(restaurant, fulfilment=Fulfilment.DELIVERY):
    now = timezone.now()
    tomorrow = (now + timedelta(days=1)).astimezone(ZoneInfo(restaurant.time_zone)).date()
    return slots_available(restaurant=restaurant, day=tomorrow, fulfilment=fulfilment, now=now)[
        24
    ].starts_at


def place_scheduled(menu, scheduled_for, *, customer=None, key="scheduled-key-1"):
    return order_place(
        customer=customer or menu.customer,
        restaurant_id=menu.restaurant.pk,
        delivery_address_id=menu.address.pk,
        items=[CartLine(menu_item_id=menu.soup.pk, quantity=3)],
        payment_method_id="pm_card_visa",
        idempotency_key=key,
        now=timezone.now(),
        scheduled_for=scheduled_for,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_a_scheduled_order_is_authorised_now_and_must_be_accepted_before_the_kitchen_starts():
    menu = a_menu(slot_capacity=1, slot_minutes=30)
    slot = first_slot_tomorrow(menu.restaurant)
    before = timezone.now()
    order = place_scheduled(menu, slot).order
    assert order.status == OrderStatus.PLACED
    assert order.payments.get().status == PaymentStatus.AUTHORIZED
    assert order.scheduled_for == slot
    # 20 preparation + 15 across the radius + 5 handover before the slot, then 30 to accept.
    assert order.accept_by == slot - timedelta(minutes=40 + 30)
    assert order.accept_by < before + timedelta(hours=144)

    # The slot had one place: it is gone, for the list and for a second checkout.
    assert slot not in {
        s.starts_at
        for s in slots_available(
            restaurant=menu.restaurant,
            day=slot.astimezone(LISBON).date(),
            fulfilment=Fulfilment.DELIVERY,
            now=timezone.now(),
        )
    }
    other = CustomerFactory()
    menu.address.user = other
    menu.address.save()
    with pytest.raises(SlotUnavailable):
        place_scheduled(menu, slot, customer=other, key="scheduled-key-2")


@pytest.mark.django_db
def test_a_slot_a_week_ahead_must_be_accepted_before_the_authorisation_ages():
    restaurant = RestaurantFactory()
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    accept_by = scheduled_accept_by(
        restaurant=restaurant,
        scheduled_for=now + timedelta(days=7, hours=8),
        fulfilment=Fulfilment.PICKUP,
        now=now,
    )
    # PAYMENT_AUTHORIZATION_MAX_AGE_HOURS (144): a day before Stripe would let the hold lapse.
    assert accept_by == now + timedelta(hours=144)


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_a_time_that_is_not_a_slot_is_refused_and_nothing_is_written():
    menu = a_menu(slot_capacity=3, slot_minutes=30)
    slot = first_slot_tomorrow(menu.restaurant)
    for wrong in (slot + timedelta(minutes=7), timezone.now() + timedelta(days=9)):
        with pytest.raises(SlotUnavailable):
            place_scheduled(menu, wrong)
    assert Order.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_a_scheduled_order_nobody_accepted_in_time_is_cancelled_and_its_card_released(
    django_capture_on_commit_callbacks,
):
    menu = a_menu(slot_capacity=1, slot_minutes=30)
    order = place_scheduled(menu, first_slot_tomorrow(menu.restaurant)).order
    assert orders_scheduled_expire(now=order.accept_by - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_scheduled_expire(now=order.accept_by) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payments.get().status == PaymentStatus.CANCELED


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_the_customer_cancelling_a_scheduled_order_before_it_is_accepted_releases_the_card(
    django_capture_on_commit_callbacks,
):
    menu = a_menu(slot_capacity=1, slot_minutes=30)
    slot = first_slot_tomorrow(menu.restaurant)
    order = place_scheduled(menu, slot).order
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=order.pk, actor=menu.customer, reason="", now=timezone.now())
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    payment = order.payments.get()
    assert (payment.status, payment.amount_captured) == (PaymentStatus.CANCELED, 0)
    # Its place in the slot is free again.
    assert place_scheduled(menu, slot, key="scheduled-key-3").order.status == OrderStatus.PLACED


@pytest.mark.django_db
def test_dispatch_of_a_scheduled_delivery_waits_until_the_driver_is_due():
    slot = datetime(2026, 1, 9, 20, tzinfo=UTC)
    order = OrderFactory(status=OrderStatus.ACCEPTED, scheduled_for=slot, delivery_distance_m=4000)
    accepted = slot - timedelta(days=2)
    delivery = delivery_dispatch(order_id=order.pk, now=accepted)
    # The trip: 12 minutes for 4 km and 5 of handover; the search starts 10 minutes earlier.
    due = slot - timedelta(minutes=17 + 10)
    assert delivery.next_dispatch_at == due
    assert not DeliveryOffer.objects.exists()
    assert deliveries_redispatch_due(now=due - timedelta(seconds=1)) == 0
    assert deliveries_redispatch_due(now=due) == 1
    assert Delivery.objects.get().dispatch_attempts == 1  # no driver on shift in this test


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("payments_live")
def test_two_checkouts_for_the_last_place_in_a_slot_one_wins():
    menu = a_menu(slot_capacity=1, slot_minutes=30)
    slot = first_slot_tomorrow(menu.restaurant)
    customers = [menu.customer, CustomerFactory()]
    addresses = [
        menu.address,
        type(menu.address).objects.create(
            user=customers[1],
            line1="Rua B",
            city="Lisbon",
            postal_code="1100",
            country="PT",
            latitude=menu.address.latitude,
            longitude=menu.address.longitude,
        ),
    ]
    barrier = threading.Barrier(2)
    placed, refused, failures = [], [], []

    def place(index):
        try:
            barrier.wait(timeout=10)
            result = order_place(
                customer=customers[index],
                restaurant_id=menu.restaurant.pk,
                delivery_address_id=addresses[index].pk,
                items=[CartLine(menu_item_id=menu.soup.pk, quantity=3)],
                payment_method_id="pm_card_visa",
                idempotency_key=f"last-place-{index}",
                now=timezone.now(),
                scheduled_for=slot,
            )
            placed.append(result.order.pk)
        except SlotUnavailable as error:
            refused.append(error)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert (len(placed), len(refused)) == (1, 1)
    assert Order.objects.filter(scheduled_for=slot).count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_the_team_is_reminded_once_to_accept_a_scheduled_order_in_time(
    django_capture_on_commit_callbacks,
):
    menu = a_menu(slot_capacity=1, slot_minutes=30)
    owner = RestaurantStaffFactory(restaurant=menu.restaurant).user
    with django_capture_on_commit_callbacks(execute=True):
        order = place_scheduled(menu, first_slot_tomorrow(menu.restaurant)).order
    placed_notice = Notification.objects.get(recipient=owner, kind="ORDER_PLACED")
    assert "accept it by" in placed_notice.body

    early = order.accept_by - timedelta(minutes=61)
    assert orders_scheduled_remind(now=early) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_scheduled_remind(now=early + timedelta(minutes=1)) == 1
    assert orders_scheduled_remind(now=early + timedelta(minutes=2)) == 0
    reminder = Notification.objects.get(recipient=owner, kind="ORDER_ACCEPT_REMINDER")
    assert order.number in reminder.title


@pytest.mark.django_db
@pytest.mark.usefixtures("payments_live")
def test_a_scheduled_pickup_through_graphql_quote_then_order(gql):
    menu = a_menu(slot_capacity=2, slot_minutes=30)
    day = (timezone.now() + timedelta(days=2)).astimezone(LISBON).date()
    gql.login_as(menu.customer)
    slots = gql.data(
        SLOTS,
        {"id": global_id("Restaurant", menu.restaurant.pk), "day": str(day), "mode": "PICKUP"},
    )["availableSlots"]
    chosen = slots[10]["startsAt"]
    variables = checkout_input(menu, [line(menu.soup, 3)], key="scheduled-graphql-1")
    variables.pop("deliveryAddressId")
    variables.update(fulfilment="PICKUP", scheduledFor=chosen)
    quote_variables = {
        key: value
        for key, value in variables.items()
        if key not in ("paymentMethodId", "idempotencyKey")
    }
    quoted = gql.data(
        "query($input: CheckoutQuoteInput!) { checkoutQuote(input: $input) { quote { "
        "scheduledFor estimatedAt total { amount } } errors { code field } } }",
        {"input": quote_variables},
    )["checkoutQuote"]
    assert quoted["errors"] == []
    assert quoted["quote"]["estimatedAt"] == quoted["quote"]["scheduledFor"] == chosen
    placed = gql.data(
        PLACE_ORDER.replace("id number status", "id number status scheduledFor acceptBy"),
        {"input": variables},
    )["placeOrder"]
    assert placed["errors"] == []
    assert placed["order"]["scheduledFor"] == chosen
    assert placed["order"]["total"] == quoted["quote"]["total"]
    assert datetime.fromisoformat(placed["order"]["acceptBy"]) < datetime.fromisoformat(chosen)

    # A time between slots: SLOT_UNAVAILABLE on scheduledFor, for the quote and the order.
    between = (datetime.fromisoformat(chosen) + timedelta(minutes=10)).isoformat()
    quote_variables["scheduledFor"] = between
    refused = gql.data(
        "query($input: CheckoutQuoteInput!) { checkoutQuote(input: $input) { "
        "errors { code field } } }",
        {"input": quote_variables},
    )["checkoutQuote"]
    assert refused["errors"] == [{"code": "SLOT_UNAVAILABLE", "field": "scheduledFor"}]
    variables.update(scheduledFor=between, idempotencyKey="scheduled-graphql-2")
    refused = gql.data(PLACE_ORDER, {"input": variables})["placeOrder"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("SLOT_UNAVAILABLE", "scheduledFor")
    ]
    assert Order.objects.count() == 1
