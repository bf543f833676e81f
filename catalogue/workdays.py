"""Norwegian working days: weekends and the public holidays (helligdager) are not working days.

Used for the due date of a DPS qualification application: it is to be evaluated within
10 working days of submission. Easter is computed here (no calendar dependency), and every
moveable holiday follows from it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    if year < 1583:
        raise ValueError("the Gregorian Easter rule applies from 1583")
    golden = year % 19
    century, rest = divmod(year, 100)
    leap_c, leap_r = divmod(century, 4)
    moon_correction = (century + 8) // 25
    solar = (century - moon_correction + 1) // 3
    epact = (19 * golden + century - leap_c - solar + 15) % 30
    quarter, remainder = divmod(rest, 4)
    weekday = (32 + 2 * leap_r + 2 * quarter - epact - remainder) % 7
    correction = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * correction + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The Norwegian public holidays of *year* (lov om helligdager og helligdagsfred, 1. mai and 17. mai)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "1. nyttårsdag",
        easter - timedelta(days=3): "Skjærtorsdag",
        easter - timedelta(days=2): "Langfredag",
        easter: "1. påskedag",
        easter + timedelta(days=1): "2. påskedag",
        date(year, 5, 1): "Offentlig høytidsdag (1. mai)",
        date(year, 5, 17): "Grunnlovsdag (17. mai)",
        easter + timedelta(days=39): "Kristi himmelfartsdag",
        easter + timedelta(days=49): "1. pinsedag",
        easter + timedelta(days=50): "2. pinsedag",
        date(year, 12, 25): "1. juledag",
        date(year, 12, 26): "2. juledag",
    }
    return days


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
