"""Scheduled orders: which slots a restaurant still has, and the rules of time around them.

The slot times come from the catalogue (`restaurants.slots`); a slot takes at most the
restaurant's `slot_capacity` orders that are still alive (not cancelled, rejected or failed).
Checkout counts them again under a lock of the restaurant's row, so of two checkouts racing for
the last place exactly one gets it.

The authorisation rule (Stripe lets a hold lapse after about 7 days): slots are at most
SCHEDULE_DAYS_AHEAD (7) days ahead, and a scheduled order must be accepted (which captures the
card) by its `accept_by`: SCHEDULED_ACCEPT_DEADLINE_MINUTES before the kitchen must start, and
never later than PAYMENT_AUTHORIZATION_MAX_AGE_HOURS after checkout. `orders_scheduled_expire`
(beat) cancels those still waiting then, which releases the card: a hold is never left to lapse.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count

from core.errors import ValidationFailed
from orders.errors import SlotUnavailable
from orders.models import Fulfilment, Order, OrderStatus
from restaurants.errors import RestaurantNotFound
from restaurants.models import Restaurant
from restaurants.selectors import delivery_eta_minutes, restaurants_public
from restaurants.slots import local_date, restaurant_slot_times

# Orders that hold their place in a slot.
CLOSED_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.PAYMENT_FAILED)


@dataclass(frozen=True)
class SlotAvailability:
    starts_at: datetime
    ends_at: datetime
    remaining: int


def slot_lead_minutes(restaurant: Restaurant, *, fulfilment: str) -> int:
    """Minutes from the kitchen starting to the slot: the preparation, and for a delivery the
    trip across the whole delivery radius (the address is not known yet)."""
    if fulfilment == Fulfilment.PICKUP:
        return restaurant.preparation_minutes
    return delivery_eta_minutes(
        preparation_minutes=restaurant.preparation_minutes,
        distance_km=restaurant.delivery_radius_m / 1000,
    )


def schedule_days(restaurant: Restaurant, *, now: datetime) -> tuple[date, date]:
    """The first and last local dates a customer may choose."""
    today = local_date(restaurant, now)
    return today, today + timedelta(days=settings.SCHEDULE_DAYS_AHEAD)


def slots_available(
    *, restaurant: Restaurant, day: date, fulfilment: str, now: datetime
) -> list[SlotAvailability]:
    """The local `day`'s slots with places left; nothing outside the schedule window, for a
    restaurant that takes no scheduled orders, or a closed one. Two queries (hours and
    closures, unless prefetched) plus one for the slots' orders."""
    first_day, last_day = schedule_days(restaurant, now=now)
    if restaurant.slot_capacity == 0 or not first_day <= day <= last_day:
        return []
    if not (restaurant.is_active and restaurant.accepting_orders):
        return []
    lead = slot_lead_minutes(restaurant, fulfilment=fulfilment)
    # The restaurant gets its time to accept before the kitchen must start.
    earliest = now + timedelta(minutes=lead + settings.SCHEDULED_ACCEPT_DEADLINE_MINUTES)
    times = restaurant_slot_times(restaurant, day=day, lead_minutes=lead, earliest=earliest)
    if not times:
        return []
    taken = slot_orders_count(restaurant.pk, [slot.starts_at for slot in times])
    return [
        SlotAvailability(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            remaining=restaurant.slot_capacity - taken.get(slot.starts_at, 0),
        )
        for slot in times
        if taken.get(slot.starts_at, 0) < restaurant.slot_capacity
    ]


def restaurant_slots_for(
    *, restaurant_id, day: date, fulfilment: str, now: datetime
) -> list[SlotAvailability]:
    """`availableSlots`: a public restaurant's slots of one local day with places left, in four
    queries (the restaurant, its hours, its closures, the slots' orders)."""
    restaurant = (
        restaurants_public()
        .prefetch_related("opening_hours", "closures")
        .filter(pk=restaurant_id)
        .first()
        if restaurant_id is not None
        else None
    )
    if restaurant is None:
        raise RestaurantNotFound(field="restaurantId")
    first_day, last_day = schedule_days(restaurant, now=now)
    if not first_day <= day <= last_day:
        raise ValidationFailed(
            f"Choose a day from {first_day} to {last_day} (the restaurant's calendar).",
            field="date",
        )
    return slots_available(restaurant=restaurant, day=day, fulfilment=fulfilment, now=now)


def slot_orders_count(restaurant_id, starts: list[datetime]) -> dict[datetime, int]:
    rows = (
        Order.objects.filter(restaurant_id=restaurant_id, scheduled_for__in=starts)
        .exclude(status__in=CLOSED_STATUSES)
        .values("scheduled_for")
        .annotate(taken=Count("pk"))
    )
    return {row["scheduled_for"]: row["taken"] for row in rows}


def slot_check(
    *, restaurant: Restaurant, scheduled_for: datetime, fulfilment: str, now: datetime
) -> None:
    """`scheduled_for` is one of the restaurant's slots with a place left (not locked: checkout
    checks the place again under the restaurant's lock)."""
    day = local_date(restaurant, scheduled_for)
    slots = slots_available(restaurant=restaurant, day=day, fulfilment=fulfilment, now=now)
    if not any(slot.starts_at == scheduled_for for slot in slots):
        raise SlotUnavailable(
            f"{restaurant.name} has no place at that time; choose another slot.",
            field="scheduledFor",
        )


def slot_place_take(*, restaurant: Restaurant, scheduled_for: datetime) -> None:
    """Inside checkout's transaction, with the restaurant's row locked: refuse a full slot."""
    taken = slot_orders_count(restaurant.pk, [scheduled_for]).get(scheduled_for, 0)
    if taken >= restaurant.slot_capacity:
        raise SlotUnavailable(
            "Someone took the last place at that time; choose another slot.",
            field="scheduledFor",
        )


def scheduled_accept_by(
    *, restaurant: Restaurant, scheduled_for: datetime, fulfilment: str, now: datetime
) -> datetime:
    kitchen_starts = scheduled_for - timedelta(
        minutes=slot_lead_minutes(restaurant, fulfilment=fulfilment)
    )
    return min(
        kitchen_starts - timedelta(minutes=settings.SCHEDULED_ACCEPT_DEADLINE_MINUTES),
        now + timedelta(hours=settings.PAYMENT_AUTHORIZATION_MAX_AGE_HOURS),
    )
