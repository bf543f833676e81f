"""Time-driven reminders for contracts, run by the notifications dispatcher (``@scheduled``).

* 90 and 30 days before a contract in force ends, and before an option must be exercised,
  the buyer organisation is reminded (each with a dated key, so a reminder goes once);
* after a quarter has ended, suppliers that have not reported turnover for it are reminded,
  and the contract managers get the list of who is missing.

Reminder dates are calendar days in Norwegian time: "90 days before 1 March" is due from
00:00 Oslo time on the 90th day before, whatever the daylight-saving offset.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from sqlmodel import Session
from zoneinfo import ZoneInfo

from catalogue.audit import Actor, record
from catalogue.contracts import followup
from catalogue.contracts.models import Contract
from catalogue.notifications import notify
from catalogue.notifications.schedule import scheduled

OSLO = ZoneInfo("Europe/Oslo")
LEADS = (90, 30)               # days before an end date or option deadline (issue 14)
TURNOVER_GRACE_DAYS = 14       # suppliers have two weeks after a quarter to report before the reminder


def local_day(now: datetime) -> date:
    return now.astimezone(OSLO).date()


def due_lead(deadline: date, today: date) -> Optional[int]:
    """The reminder due on *today* for *deadline*: the smallest lead already reached, or None.

    A contract made 40 days before its end gets the 90-day reminder at once (the only one due)
    and the 30-day reminder later; nothing after the deadline has passed.
    """
    if today > deadline:
        return None
    reached = [lead for lead in LEADS if today >= deadline - timedelta(days=lead)]
    return min(reached) if reached else None


def _remind(session: Session, contract: Contract, kind: str, deadline: date, lead: int, **context) -> bool:
    event = notify(session, kind, orgs=[f"0192:{contract.buyer_orgnr}"],
                   context={"contract": contract.title, "deadline": deadline.strftime("%d.%m.%Y"), "days": lead,
                            **context},
                   url=f"/innkjop/avtaler/{contract.id}",
                   key=f"contract:{contract.id}:{kind.rsplit('.', 1)[1]}:{deadline:%Y-%m-%d}:{lead}")
    return event is not None


@scheduled("contracts.deadlines")
def deadline_reminders(session: Session, now: datetime) -> int:
    """Remind buyers 90 and 30 days before end dates and option deadlines."""
    today = local_day(now)
    sent = 0
    for contract in followup.iter_in_force(session):
        lead = due_lead(contract.end_date, today)
        if lead is not None:
            sent += _remind(session, contract, "contract.end_reminder", contract.end_date, lead)
        for option in contract.options or []:
            if option.get("exercised") or not option.get("exercise_by"):
                continue
            deadline = date.fromisoformat(option["exercise_by"])
            lead = due_lead(deadline, today)
            if lead is not None:
                sent += _remind(session, contract, "contract.option_reminder", deadline, lead,
                                option=option.get("description", ""))
    return sent


def turnover_reminders(session: Session, year: int, quarter: int) -> int:
    """Remind every supplier missing *year*/*quarter*; the managers get the list. Returns suppliers reminded."""
    missing = followup.not_reported(session, year, quarter)
    label = followup.quarter_label(year, quarter)
    sent = 0
    for item in missing:
        event = notify(session, "turnover.reminder", suppliers=[item.supplier.id],
                       context={"dps": item.dps.name, "quarter": label},
                       url=f"/leverandor/omsetning?kvartal={year}-{quarter}",
                       key=f"turnover:{item.dps.id}:{item.supplier.id}:{year}-{quarter}")
        sent += event is not None
    if missing:
        notify(session, "turnover.missing", managers=True,
               context={"quarter": label, "missing": [f"{m.supplier.name} ({m.dps.name})" for m in missing]},
               url=f"/forvaltning/oppfolging?kvartal={year}-{quarter}",
               key=f"turnover:missing:{year}-{quarter}:{len(missing)}")
    return sent


def send_turnover_reminders(session: Session, actor: Actor, year: int, quarter: int) -> int:
    """The contract manager sends the reminders now (recorded in the audit log)."""
    sent = turnover_reminders(session, year, quarter)
    record(session, actor, "turnover.reminders_sent", "turnover", None, after={"year": year, "quarter": quarter,
                                                                             "suppliers": sent})
    return sent


@scheduled("contracts.turnover")
def scheduled_turnover_reminders(session: Session, now: datetime) -> int:
    """From two weeks into a quarter, remind those who have not reported the quarter before."""
    today = local_day(now)
    year, quarter = followup.quarter_of(today)
    first_day = date(year, 3 * (quarter - 1) + 1, 1)
    if today < first_day + timedelta(days=TURNOVER_GRACE_DAYS):
        return 0
    return turnover_reminders(session, *followup.previous_quarter(today))
