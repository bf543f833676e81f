"""The time-driven step of a competition, run by the notification dispatcher's scheduler:
when the standstill period is over, the competition becomes ready for a contract and the
buyer is told. (The buyer may also do it from the competition page; whoever is first.)"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.competitions import notices
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import Competition, CompetitionStatus
from catalogue.notifications.schedule import scheduled

SYSTEM = Actor.system("karensperiode")


@scheduled("competitions.standstill")
def conclude_standstills(session: Session, now: datetime) -> int:
    """Every awarded competition whose standstill has ended becomes ready for a contract."""
    due = session.exec(select(Competition).where(Competition.status == CompetitionStatus.AWARDED,
                                                 Competition.standstill_ends_at <= now)).all()
    for comp in due:
        CompetitionLife(comp, now).conclude_standstill(session, SYSTEM, now)
        notices.ready(session, comp, now)
    return len(due)
