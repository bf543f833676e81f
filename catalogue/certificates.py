"""Dated certificates over time: the search index on the days they start or stop counting, and reminders.

Two daily jobs (``catalogue.notifications.schedule``):

* ``certificates.index`` – on the day a certificate expires (or starts to count) the services
  holding it are written to the search change log, so the indexer re-reads them and the facet
  counts follow the calendar. The last day handled is kept (``evidence_day``), so a dispatcher
  that was down catches up on the days it missed and a second run the same day does nothing.
* ``certificates.reminders`` – the supplier is reminded 28 and 14 days before a certificate
  expires, on the day and 28 days after. The key names the service, the certificate, its expiry
  date and the milestone, so a reminder is sent once however often the job runs; one missed by a
  dispatcher that was down is sent late, until the next milestone is due.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Iterator, Optional

from sqlmodel import Field, Session, SQLModel, select

from catalogue.audit import log_search_change
from catalogue.models import Service, ServiceStatus
from catalogue.notifications import notify
from catalogue.notifications.schedule import scheduled
from catalogue.terms import TERMS
from catalogue.validity import parse_day
from catalogue.workdays import oslo_today

CERTIFICATES_TERM = "certifications"
# Days relative to the expiry date on which the supplier is reminded (before, on the day, after).
REMINDER_OFFSETS = (-28, -14, 0, 28)
# A reminder missed (dispatcher down) is still sent this many days after its day, unless the next is due.
REMINDER_GRACE_DAYS = 7


class EvidenceDay(SQLModel, table=True):
    """The last day a daily job of this module has handled (so it runs once a day and catches up)."""

    __tablename__ = "evidence_day"

    job: str = Field(primary_key=True, max_length=60)
    day: date


def certificate_rows(session: Session, chunk: int = 500) -> Iterator[tuple[Service, dict[str, Any]]]:
    """Every certificate row of every published service (read in chunks of services)."""
    last_id = 0
    while True:
        services = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED, Service.id > last_id)
                                .order_by(Service.id).limit(chunk)).all()
        if not services:
            return
        for service in services:
            for row in (service.terms or {}).get(CERTIFICATES_TERM) or []:
                if isinstance(row, dict):
                    yield service, row
        last_id = services[-1].id


def _claim_days(session: Session, job: str, today: date) -> list[date]:
    """The days since the job last ran, up to *today* (just today the first time); records *today*."""
    mark = session.get(EvidenceDay, job)
    if mark is not None and mark.day >= today:
        return []
    first = mark.day + timedelta(days=1) if mark is not None else today
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    if mark is None:
        session.add(EvidenceDay(job=job, day=today))
    else:
        mark.day = today
        session.add(mark)
    return days


@scheduled("certificates.index")
def reindex_changed_certificates(session: Session, now: datetime) -> int:
    """Log the services whose certificates start or stop counting on the days not yet handled."""
    days = set(_claim_days(session, "certificates.index", oslo_today(now)))
    if not days:
        return 0
    changed: set[int] = set()
    for service, row in certificate_rows(session):
        if parse_day(row.get("expires")) in days or parse_day(row.get("issued")) in days:
            changed.add(service.id)
    for service_id in sorted(changed):
        log_search_change(session, service_id)
    return len(changed)


def due_reminder(expires: date, today: date) -> Optional[int]:
    """The milestone (days relative to *expires*) whose reminder is due *today*, if any."""
    due = None
    for offset in REMINDER_OFFSETS:
        day = expires + timedelta(days=offset)
        if day <= today < day + timedelta(days=REMINDER_GRACE_DAYS):
            due = offset  # a later milestone replaces an earlier one that is still in its grace days
    return due


@scheduled("certificates.reminders")
def remind_about_certificates(session: Session, now: datetime) -> int:
    """Remind suppliers of certificates that expire in 28 or 14 days, today, or expired 28 days ago."""
    today = oslo_today(now)
    term = TERMS[CERTIFICATES_TERM]
    sent = 0
    for service, row in certificate_rows(session):
        expires = parse_day(row.get("expires"))
        offset = due_reminder(expires, today) if expires else None
        if offset is None:
            continue
        standard = row.get("standard") or ""
        kind = "certificate.expiring" if offset < 0 else "certificate.expired"
        key = f"certificate:{service.id}:{standard}:{expires.isoformat()}:{offset:+d}"
        event = notify(session, kind, suppliers=[service.supplier_id], url=f"/leverandor/tjenester/{service.id}",
                       key=key, now=now,
                       context={"service": service.name, "standard": term.choice_label(standard),
                                "expires": expires.strftime("%d.%m.%Y"), "days": abs(offset)})
        sent += event is not None
    return sent
