"""Time slots of scheduled orders: when a restaurant can have food ready, in its own time zone.

A slot starts on the restaurant's grid (every `slot_minutes` from the start of an opening
span), at least `lead_minutes` after the span opens (the kitchen cooks while it is open) and
before it closes, with no closure over the kitchen's work (from `lead_minutes` before the slot
to its end). The grid is walked in UTC, so a day whose clocks change has the slots it really
has: on a spring-forward night the hour that does not exist has none, and on a fall-back night
the repeated hour has its slots twice (same wall time, different offsets).

How many orders a slot still takes is the orders' business (`orders.scheduling`).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from restaurants.models import Restaurant


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime  # UTC
    ends_at: datetime


def local_day_bounds(restaurant: Restaurant, day: date) -> tuple[datetime, datetime]:
    """The UTC instants a local calendar day of the restaurant starts and ends at."""
    zone = ZoneInfo(restaurant.time_zone)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def local_date(restaurant: Restaurant, at: datetime) -> date:
    return at.astimezone(ZoneInfo(restaurant.time_zone)).date()


def restaurant_slot_times(
    restaurant: Restaurant, *, day: date, lead_minutes: int, earliest: datetime
) -> list[SlotTime]:
    """The slots of a local `day`, none starting before `earliest`. Reads `opening_hours` and
    `closures` through `.all()` (prefetch them to read several restaurants at once)."""
    zone = ZoneInfo(restaurant.time_zone)
    step = timedelta(minutes=restaurant.slot_minutes)
    lead = timedelta(minutes=lead_minutes)
    day_start, day_end = local_day_bounds(restaurant, day)
    closures = list(restaurant.closures.all())
    starts = set()
    for span in restaurant.opening_hours.all():
        for span_day in (day - timedelta(days=1), day):
            if span.weekday != span_day.weekday():
                continue
            opens = datetime.combine(span_day, span.opens_at, tzinfo=zone).astimezone(UTC)
            closes_day = (
                span_day + timedelta(days=1) if span.closes_at <= span.opens_at else span_day
            )
            closes = datetime.combine(closes_day, span.closes_at, tzinfo=zone).astimezone(UTC)
            first = max(opens + lead, earliest, day_start)
            # Up to the grid of this span.
            steps = -((opens - first) // step)
            at = opens + steps * step
            while at < closes and at < day_end:
                if not _closed_during(closures, at - lead, at + step):
                    starts.add(at)
                at += step
    return [SlotTime(starts_at=at, ends_at=at + step) for at in sorted(starts)]


def _closed_during(closures, start: datetime, end: datetime) -> bool:
    return any(
        closure.starts_at < end and (closure.ends_at is None or closure.ends_at > start)
        for closure in closures
    )
