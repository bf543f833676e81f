"""Norwegian working days: weekends and the public holidays (helligdager) are not working days.

Used for the due date of a DPS qualification application: it is to be evaluated within
10 working days of submission. The holidays come from the ``holidays`` calendar library
(``holidays.Norway``: lov om helligdager og helligdagsfred, 1. mai and 17. mai; Sundays are
weekend days here, not listed as holidays).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import EASTER_WESTERN, easter

OSLO = ZoneInfo("Europe/Oslo")


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (every moveable holiday follows from it)."""
    if year < 1583:
        raise ValueError("the Gregorian Easter rule applies from 1583")
    return easter(year, EASTER_WESTERN)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The Norwegian public holidays of *year*, named in bokmål."""
    return dict(holidays.Norway(years=year, language="no"))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date *count* working days after *start* (the start day itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after *start* up to and including *end* (0 when *end* is not after *start*)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days


def oslo_today(now: datetime | None = None) -> date:
    """Today's date in Norway (the server may run in UTC)."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:  # naive datetimes in this code base are UTC
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(OSLO).date()
