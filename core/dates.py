"""The window of dates the platform accepts from anyone.

Python's dates run from year 1 to 9999, and so do the offsets a client may attach; PostgreSQL
stores such a value (year 1 at +05:00 is year 0 in UTC) and then cannot read it back, which
broke every public read of restaurants once a closure held one. Every date or timestamp taken
from input is checked against this window first.
"""

from datetime import UTC, date, datetime

from core.errors import ValidationFailed

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def date_in_window(value: date, *, field: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValidationFailed(_message(), field=field)
    return value


def datetime_in_window(value: datetime, *, field: str) -> datetime:
    """Compared in UTC: the offset a client chose cannot push it out of range."""
    try:
        in_utc = value.astimezone(UTC) if value.tzinfo else value
    except OverflowError as error:
        raise ValidationFailed(_message(), field=field) from error
    date_in_window(in_utc.date(), field=field)
    return value


def _message() -> str:
    return f"Give a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
