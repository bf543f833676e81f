"""Norwegian working days: Easter, the public holidays and the 10-working-day due date."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalogue.workdays import (add_working_days, easter_sunday, is_working_day, public_holidays,
                                working_days_between)

# Easter Sundays from published calendars (not from the algorithm under test).
KNOWN_EASTERS = {
    1818: date(1818, 3, 22), 1943: date(1943, 4, 25), 2000: date(2000, 4, 23), 2008: date(2008, 3, 23),
    2011: date(2011, 4, 24), 2019: date(2019, 4, 21), 2024: date(2024, 3, 31), 2025: date(2025, 4, 20),
    2026: date(2026, 4, 5), 2027: date(2027, 3, 28), 2028: date(2028, 4, 16), 2029: date(2029, 4, 1),
    2030: date(2030, 4, 21), 2038: date(2038, 4, 25),
}


@pytest.mark.parametrize("year, expected", sorted(KNOWN_EASTERS.items()))
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_easter_is_always_a_sunday_between_22_march_and_25_april():
    for year in range(1900, 2200):
        easter = easter_sunday(year)
        assert easter.weekday() == 6
        assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_holidays_2026():
    days = public_holidays(2026)
    assert sorted(days) == [
        date(2026, 1, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6),
        date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 17), date(2026, 5, 24), date(2026, 5, 25),
        date(2026, 12, 25), date(2026, 12, 26),
    ]
    assert days[date(2026, 5, 14)] == "Kristi himmelfartsdag"


def test_holidays_2025_and_2027():
    assert date(2025, 4, 17) in public_holidays(2025)   # skjærtorsdag
    assert date(2025, 5, 29) in public_holidays(2025)   # Kristi himmelfartsdag
    assert date(2025, 6, 9) in public_holidays(2025)    # 2. pinsedag
    assert date(2027, 3, 25) in public_holidays(2027)   # skjærtorsdag in March
    # In 2027 Whit Monday falls on 17 May: one day, two holidays.
    assert date(2027, 5, 17) in public_holidays(2027)
    assert len(public_holidays(2027)) == 11 and len(public_holidays(2025)) == 12


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(date(2026, 3, 27))          # an ordinary Friday
    assert not is_working_day(date(2026, 3, 28))      # Saturday
    assert not is_working_day(date(2026, 3, 29))      # Sunday
    assert not is_working_day(date(2026, 4, 6))       # 2. påskedag, a Monday
    assert not is_working_day(date(2026, 5, 1))       # Friday, 1. mai


def test_ten_working_days_over_easter():
    # Submitted Friday 27 March 2026: Easter takes Thursday, Friday and Monday.
    assert add_working_days(date(2026, 3, 27), 10) == date(2026, 4, 15)


def test_ten_working_days_in_an_ordinary_fortnight():
    assert add_working_days(date(2026, 2, 2), 10) == date(2026, 2, 16)


def test_ten_working_days_over_christmas_and_new_year():
    # 24 and 31 December are ordinary working days; 25, 26 December and 1 January are not.
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 5)


def test_ten_working_days_over_may_holidays_2026():
    # 1 May (Fri), 14 May (Thu, Ascension), 17 May (Sun), 25 May (Mon, Whit Monday).
    assert add_working_days(date(2026, 4, 30), 10) == date(2026, 5, 18)
    assert add_working_days(date(2026, 5, 18), 10) == date(2026, 6, 2)


def test_submitted_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(date(2026, 5, 17), 1) == date(2026, 5, 18)


def test_working_days_between_is_the_inverse():
    start = date(2026, 1, 1)
    for n in range(0, 40):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(start, start - timedelta(days=3)) == 0


def test_negative_count_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
