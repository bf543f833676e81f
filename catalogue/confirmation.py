"""Re-confirmation of published listings: "Sist bekreftet", the reminder and "Ikke bekreftet".

A published listing shows when its content was last vouched for – the day of its latest approval
by the contract manager, or of the supplier's confirmation that it is unchanged
(``Listing.confirm``). The rule lives here, in one place:

Source: seed 002 names MPS's own challenge "Evne til kontroll, styring og oppdatering av
informasjonen" (under forvaltningsloven, offentleglova and markedsføringsloven); issue 15, item 3:
"after 12 months the supplier is reminded to confirm or update; after 13 months the listing is marked
as not confirmed in search results and on its page, and buyers can filter it out". The yearly rhythm
follows FedRAMP's annual assessment (every authorised listing carries the date of its last annual
assessment); the thirteenth month is the supplier's time to act on the reminder.

Days are Norwegian calendar days (``catalogue.workdays.oslo_today``): a listing last confirmed on
10 March 2026 (Oslo time) is reminded from 10 March 2027 and is not confirmed from 00:00 Oslo time on
10 April 2027 – on 9 April at 23:59:59 it still is. A day without a match in the later month (31 March
+ 12 months → 31 March, 31 March + 13 months → 30 April) ends on the month's last day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.audit import log_search_change
from catalogue.i18n import _l
from catalogue.models import Service, ServiceStatus
from catalogue.notifications import notify
from catalogue.notifications.schedule import scheduled
from catalogue.validity import add_months
from catalogue.workdays import OSLO, oslo_today

REMIND_AFTER_MONTHS = 12
UNCONFIRMED_AFTER_MONTHS = 13

# The search facet's values (URL parameter ``bekreftelse``): buyers tick "confirmed" to leave the others out.
CONFIRMED, NOT_CONFIRMED = "bekreftet", "ikke-bekreftet"
FACET_LABEL = _l("Bekreftet av leverandøren")
VALUE_LABELS = {CONFIRMED: _l("Bekreftet siste 13 måneder"), NOT_CONFIRMED: _l("Ikke bekreftet")}


def last_confirmed(service: Any) -> Optional[datetime]:
    """When *service*'s live content was last approved or confirmed (its publication for rows from before
    the confirmation was stored)."""
    when = getattr(service, "confirmed_at", None) or getattr(service, "published_at", None)
    if when is not None and when.tzinfo is None:  # naive datetimes in this code base are UTC
        when = when.replace(tzinfo=timezone.utc)
    return when


def confirmed_day(when: Optional[datetime]) -> Optional[date]:
    return when.astimezone(OSLO).date() if when is not None else None


def reminder_day(day: date) -> date:
    """The day the supplier of a listing confirmed on *day* is reminded."""
    return add_months(day, REMIND_AFTER_MONTHS)


def unconfirmed_from(day: date) -> date:
    """The first day a listing confirmed on *day* counts as not confirmed."""
    return add_months(day, UNCONFIRMED_AFTER_MONTHS)


@dataclass(frozen=True)
class Confirmation:
    """Where a published listing stands on a day: what pages, search and the supplier's dashboard show."""

    last: Optional[date]          # the day of the latest approval or confirmation
    remind_from: Optional[date]
    unconfirmed_from: Optional[date]
    today: date

    @property
    def is_confirmed(self) -> bool:
        return self.last is not None and self.today < self.unconfirmed_from

    @property
    def is_unconfirmed(self) -> bool:
        return self.last is not None and not self.is_confirmed

    @property
    def is_due(self) -> bool:
        """Twelve months have passed: the supplier is asked to confirm or update."""
        return self.last is not None and self.today >= self.remind_from

    @property
    def facet_value(self) -> Optional[str]:
        if self.last is None:
            return None
        return CONFIRMED if self.is_confirmed else NOT_CONFIRMED


def confirmation_of(service: Any, today: Optional[date] = None) -> Confirmation:
    day = confirmed_day(last_confirmed(service))
    return Confirmation(day, reminder_day(day) if day else None, unconfirmed_from(day) if day else None,
                        today or oslo_today())


# ---------------------------------------------------------------------------
# the daily job: the search index on the day a listing stops counting as confirmed, and the reminder

JOB = "listings.confirmation"
# Margin (days) around the window of confirmation days read from the database; the exact rule is applied after.
_MARGIN_DAYS = 4


def _midnight_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=OSLO).astimezone(timezone.utc)


@scheduled(JOB)
def follow_confirmations(session: Session, now: datetime) -> int:
    """Once a day (catching up on days missed): log the listings that pass 13 months on those days for the
    search indexes, and remind the suppliers of listings past 12 months (once per confirmation: the key
    names the listing and the day it was last confirmed). Returns the number of listings acted on."""
    from catalogue.certificates import claim_days

    today = oslo_today(now)
    days = claim_days(session, JOB, today)
    if not days:
        return 0
    since = _midnight_utc(add_months(days[0], -UNCONFIRMED_AFTER_MONTHS) - timedelta(days=_MARGIN_DAYS))
    until = _midnight_utc(add_months(today, -REMIND_AFTER_MONTHS) + timedelta(days=_MARGIN_DAYS))
    when = func.coalesce(Service.confirmed_at, Service.published_at)
    rows = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED, when >= since, when < until)
                        .order_by(Service.id)).all()
    crossing, acted = set(days), 0
    for service in rows:
        state = confirmation_of(service, today)
        if state.last is None:
            continue
        if state.unconfirmed_from in crossing:
            log_search_change(session, service.id)
            acted += 1
        if state.is_due and state.is_confirmed:
            event = notify(session, "listing.confirm_due", suppliers=[service.supplier_id], now=now,
                           url=f"/leverandor/tjenester/{service.id}",
                           key=f"service:{service.id}:confirm:{state.last.isoformat()}",
                           context={"service": service.name, "confirmed": state.last.strftime("%d.%m.%Y"),
                                    "until": (state.unconfirmed_from - timedelta(days=1)).strftime("%d.%m.%Y")})
            acted += event is not None
    return acted
