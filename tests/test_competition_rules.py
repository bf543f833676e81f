"""The legal rules of a competition (catalogue/competitions/rules.py) at their boundaries:
the second before and after, across a daylight-saving change; weights; the price model."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest

from catalogue.competitions import rules
from catalogue.lifecycle import DomainError

UTC = timezone.utc


def oslo(*args) -> datetime:
    return datetime(*args, tzinfo=rules.OSLO).astimezone(UTC)


def test_earliest_deadline_is_the_start_of_the_eleventh_day_in_norway():
    # Published Monday 7 December 2026 at 15:00 (winter time): the 7th does not count; 8th–17th are
    # the ten full days; the deadline may be 18 December 00:00 Norwegian time at the earliest.
    published = oslo(2026, 12, 7, 15, 0)
    assert rules.earliest_tender_deadline(published) == oslo(2026, 12, 18, 0, 0)


@pytest.mark.parametrize("published, earliest", [
    # Across the spring change (29 March 2026, 02:00 → 03:00): midnight is 22:00 UTC after it.
    (oslo(2026, 3, 20, 10, 0), datetime(2026, 3, 30, 22, 0, tzinfo=UTC)),
    # Across the autumn change (25 October 2026, 03:00 → 02:00): midnight is 23:00 UTC after it.
    (oslo(2026, 10, 20, 10, 0), datetime(2026, 10, 30, 23, 0, tzinfo=UTC)),
    # Published late in the evening: what counts is the Norwegian date (already the 21st in Oslo).
    (datetime(2026, 1, 20, 23, 30, tzinfo=UTC), oslo(2026, 2, 1, 0, 0)),
])
def test_earliest_deadline_across_daylight_saving_changes(published, earliest):
    assert rules.earliest_tender_deadline(published) == earliest


@pytest.mark.parametrize("published", [oslo(2026, 3, 20, 10, 0), oslo(2026, 10, 20, 10, 0), oslo(2026, 6, 1, 9, 0)])
def test_deadline_the_second_before_is_refused_and_the_limit_itself_accepted(published):
    earliest = rules.earliest_tender_deadline(published)
    with pytest.raises(DomainError) as refused:
        rules.check_tender_deadline(earliest - timedelta(seconds=1), published)
    assert refused.value.field == "tender_deadline"
    rules.check_tender_deadline(earliest, published)
    rules.check_tender_deadline(earliest + timedelta(seconds=1), published)


def test_the_period_is_counted_in_days_not_hours_across_a_daylight_saving_change():
    """Ten Norwegian calendar days hold one hour less across the spring change, one more in autumn."""
    normal, spring, autumn = oslo(2026, 5, 4, 10, 0), oslo(2026, 3, 20, 10, 0), oslo(2026, 10, 20, 10, 0)
    span = rules.earliest_tender_deadline(normal) - normal
    assert rules.earliest_tender_deadline(spring) - spring == span - timedelta(hours=1)
    assert rules.earliest_tender_deadline(autumn) - autumn == span + timedelta(hours=1)


def test_question_deadline_must_fall_between_publication_and_tender_deadline():
    published = oslo(2026, 3, 2, 9, 0)
    deadline = oslo(2026, 3, 20, 12, 0)
    rules.check_question_deadline(oslo(2026, 3, 10, 12, 0), deadline, published)
    for bad in (deadline, published, deadline + timedelta(seconds=1)):
        with pytest.raises(DomainError):
            rules.check_question_deadline(bad, deadline, published)


def test_weights_must_add_up_to_100_and_price_is_required():
    price = {"key": "pris", "kind": "price", "weight": 60}
    rules.check_criteria([price, {"key": "k1", "kind": "quality", "weight": 40}])
    with pytest.raises(DomainError) as refused:
        rules.check_criteria([price, {"key": "k1", "kind": "quality", "weight": 39}])
    assert refused.value.params == {"total": 99}
    with pytest.raises(DomainError):
        rules.check_criteria([price, {"key": "k1", "kind": "quality", "weight": 41}])
    with pytest.raises(DomainError):
        rules.check_criteria([{"key": "k1", "kind": "quality", "weight": 100}])


def test_submission_closes_at_the_deadline_to_the_second():
    deadline = oslo(2026, 12, 18, 12, 0)
    assert rules.before_deadline(deadline - timedelta(seconds=1), deadline)
    assert not rules.before_deadline(deadline, deadline)
    assert not rules.before_deadline(deadline + timedelta(seconds=1), deadline)


def test_standstill_ends_after_ten_full_days_and_may_be_left_out_with_a_reason():
    awarded = oslo(2026, 10, 20, 14, 0)
    assert rules.standstill_end(awarded, 10) == oslo(2026, 10, 31, 0, 0)
    assert rules.standstill_end(awarded, 0) == awarded
    rules.check_standstill(10, "Frivillig karensperiode for å sikre tildelingen.")
    rules.check_standstill(0, "Kontrakt i en dynamisk innkjøpsordning; unntak fra karensperioden.")
    for days, reason in ((9, "x"), (10, " "), (61, "x"), (-1, "x")):
        with pytest.raises(DomainError):
            rules.check_standstill(days, reason)


def test_price_model_is_linear_relative_to_the_lowest_price():
    lowest = Fraction(800_000)
    assert rules.price_score(lowest, lowest) == 10
    assert rules.price_score(Fraction(1_000_000), lowest) == Fraction(15, 2)    # 25 % dearer: 7.5
    assert rules.price_score(Fraction(1_600_000), lowest) == 0                  # twice the price: 0
    assert rules.price_score(Fraction(2_000_000), lowest) == 0                  # never below 0
    assert rules.weighted_total({"pris": Fraction(15, 2), "k1": Fraction(8)}, {"pris": 60, "k1": 40}) == \
        Fraction(77, 10)
