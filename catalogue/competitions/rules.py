"""The legal rules of a competition in a DPS, each in one place with its source.

Sources:
* Directive 2014/24/EU art. 34 (dynamic purchasing systems), implemented in Norway in
  anskaffelsesforskriften (FOA, FOR-2016-08-12-974) part III, chapter 26 (dynamiske
  innkjøpsordninger); seed 001 § 3 (Oslo kommune's DPS) says the same in plain words.
* Regulation (EEC, Euratom) No 1182/71 art. 3 on periods, dates and time limits: a period
  in days counted from an event does not include the day of the event, starts at the first
  hour of the next day and ends at the last hour of the last day.
* FOA § 18-1 (award criteria: the best ratio between price or cost and quality; the
  criteria and their weights are stated in advance).
* FOA § 25-1 (notice of award to every tenderer at once, with reasons and the standstill
  end) and § 25-2 (karensperiode, standstill; contracts under a DPS may be exempted,
  cf. Directive 89/665/EEC art. 2b (c)).

Every function takes ``now`` / times explicitly, so tests set the clock.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from fractions import Fraction
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from catalogue.lifecycle import N_, DomainError

OSLO = ZoneInfo("Europe/Oslo")

# Directive 2014/24/EU art. 34 (6) (b), FOA chapter 26; seed 001 § 3 ("minimum 10 dager"):
# the time limit for receipt of tenders is at least 10 days from the day the invitation is sent.
MIN_TENDER_DAYS = 10

# FOA § 25-2 first paragraph: a standstill period of at least 10 days when one is used; a DPS
# contract may go without (FOA § 25-2, Directive 89/665/EEC art. 2b (c)). 10 is our default.
DEFAULT_STANDSTILL_DAYS = 10
MAX_STANDSTILL_DAYS = 60

# FOA § 18-1: the weights are stated in advance; we require them as percentages adding up to 100.
WEIGHT_TOTAL = 100

# The price model stated in every competition (linear relative to the lowest price):
# score = MAX_SCORE × (1 − (price − lowest) / lowest), never below 0. Quality is scored 0–MAX_SCORE.
MAX_SCORE = 10


def local(moment: datetime) -> datetime:
    """*moment* in Norwegian time (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(OSLO)


def oslo_midnight(day: date) -> datetime:
    """The first second of *day* in Norway, as UTC (23:00 or 22:00 UTC the day before)."""
    return datetime.combine(day, time(0), tzinfo=OSLO).astimezone(timezone.utc)


def earliest_tender_deadline(published_at: datetime) -> datetime:
    """The earliest lawful tender deadline for a competition published at *published_at*.

    Regulation 1182/71 art. 3: the day of publication does not count; 10 full days follow,
    so the deadline is at the earliest the first second of the 11th day after the day of
    publication, in Norwegian time (a daylight-saving change inside the period changes the
    UTC hour, never the day).
    """
    first_day = local(published_at).date()
    return oslo_midnight(first_day + timedelta(days=MIN_TENDER_DAYS + 1))


def check_tender_deadline(deadline: datetime | None, published_at: datetime) -> None:
    """Refuse a tender deadline under 10 full days after publication (also for corrections)."""
    if deadline is None:
        raise DomainError(N_("Oppgi tilbudsfristen."), field="tender_deadline")
    earliest = earliest_tender_deadline(published_at)
    if deadline < earliest:
        raise DomainError(N_("Tilbudsfristen må være minst 10 hele dager etter kunngjøringen, det vil si "
                             "tidligst %(earliest)s."), field="tender_deadline",
                          earliest=f"{local(earliest):%d.%m.%Y %H:%M}")


def check_question_deadline(question_deadline: datetime | None, tender_deadline: datetime | None,
                            published_at: datetime) -> None:
    """Questions close after publication and before the tender deadline."""
    if question_deadline is None:
        raise DomainError(N_("Oppgi fristen for spørsmål."), field="question_deadline")
    if question_deadline <= published_at or (tender_deadline and question_deadline >= tender_deadline):
        raise DomainError(N_("Fristen for spørsmål må være etter kunngjøringen og før tilbudsfristen."),
                          field="question_deadline")


def check_criteria(criteria: Sequence[Mapping]) -> None:
    """FOA § 18-1: price is always a criterion; the weights add up to 100."""
    if not any(c.get("kind") == "price" for c in criteria):
        raise DomainError(N_("Konkurransen må ha pris som tildelingskriterium."), field="criteria")
    total = sum(int(c.get("weight") or 0) for c in criteria)
    if total != WEIGHT_TOTAL:
        raise DomainError(N_("Vektene må til sammen bli 100 (nå %(total)s)."), field="criteria", total=total)


def check_standstill(days: int, reason: str) -> None:
    """The choice to use a standstill period, or not, is recorded with its reason (FOA § 25-2)."""
    if days < 0 or days > MAX_STANDSTILL_DAYS:
        raise DomainError(N_("Karensperioden må være mellom 0 og %(max)s dager."), field="standstill_days",
                          max=MAX_STANDSTILL_DAYS)
    if days < DEFAULT_STANDSTILL_DAYS and days != 0:
        raise DomainError(N_("En karensperiode må være minst 10 dager (eller 0 dager uten karensperiode)."),
                          field="standstill_days")
    if not reason.strip():
        raise DomainError(N_("Begrunn hvorfor karensperiode brukes eller ikke."), field="standstill_reason")


def standstill_end(awarded_at: datetime, days: int) -> datetime:
    """The end of the standstill period: the end of the last day, counted like the tender period."""
    if days <= 0:
        return awarded_at
    return oslo_midnight(local(awarded_at).date() + timedelta(days=days + 1))


def before_deadline(now: datetime, deadline: datetime | None) -> bool:
    """Tenders may be submitted, replaced or withdrawn until the deadline, to the second.

    At the deadline itself and after it, nothing may be submitted (server time).
    """
    return deadline is not None and now < deadline


# ---------------------------------------------------------------------------
# scoring (exact arithmetic with Fraction)


def price_score(price: Fraction, lowest: Fraction) -> Fraction:
    """The stated price model: linear relative to the lowest price, 0–MAX_SCORE."""
    if lowest <= 0:
        return Fraction(MAX_SCORE) if price == lowest else Fraction(0)
    score = MAX_SCORE * (1 - (price - lowest) / lowest)
    return max(Fraction(0), score)


def weighted_total(scores: Mapping[str, Fraction], weights: Mapping[str, int]) -> Fraction:
    """Σ weight/100 × score over the criteria."""
    return sum((Fraction(weights[key], WEIGHT_TOTAL) * scores[key] for key in weights), Fraction(0))


def lowest(prices: Iterable[Fraction]) -> Fraction | None:
    values = list(prices)
    return min(values) if values else None
