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

import re
from datetime import date, datetime, timedelta
from typing import Any, Iterator, Mapping, Optional

from sqlmodel import Field, Session, SQLModel, select

from catalogue.audit import Actor, log_search_change
from catalogue.documents import CERTIFICATE_KIND, check_pdf, store
from catalogue.i18n import _l
from catalogue.models import Document, Service, ServiceStatus
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


def claim_days(session: Session, job: str, today: date) -> list[date]:
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
    days = set(claim_days(session, "certificates.index", oslo_today(now)))
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


# ---------------------------------------------------------------------------
# the certificate PDFs of a listing's certificate rows

ROW_FILE = re.compile(r"terms-certifications-(\d{1,3})-document-file")


def _raw_rows(raw_terms: Mapping[str, Any]) -> list[Any]:
    rows = raw_terms.get(CERTIFICATES_TERM)
    return list(rows) if isinstance(rows, (list, tuple)) else []


def _clean_index(raw_rows: list[Any], index: int) -> Optional[int]:
    """Where raw row *index* ends up among the clean rows (empty rows are dropped by validation)."""
    columns = TERMS[CERTIFICATES_TERM].columns
    kept = -1
    for i, row in enumerate(raw_rows):
        empty = not isinstance(row, Mapping) or all(not str(row.get(c.key) or "").strip() for c in columns)
        if not empty:
            kept += 1
        if i == index:
            return None if empty else kept
    return None


def check_certificate_files(session: Session, supplier_id: int, raw_terms: Mapping[str, Any],
                            files: Mapping[int, tuple[str, bytes]]) -> dict[str, Any]:
    """Errors for uploaded certificate PDFs (by content) and for document ids that are not the supplier's."""
    errors: dict[str, Any] = {}
    rows = _raw_rows(raw_terms)
    for index, (_name, data) in sorted(files.items()):
        field = f"terms-{CERTIFICATES_TERM}-{index}-document-file"
        problem = check_pdf(data)
        if problem:
            errors[field] = problem
        elif _clean_index(rows, index) is None:
            errors[field] = _l("Fyll ut raden sertifikatet hører til.")
    for index, row in enumerate(rows):
        raw_id = str((row or {}).get("document") or "").strip() if isinstance(row, Mapping) else ""
        if raw_id.isdigit() and len(raw_id) < 10:
            doc = session.get(Document, int(raw_id))
            if doc is None or doc.supplier_id != supplier_id or doc.kind != CERTIFICATE_KIND:
                errors[f"terms-{CERTIFICATES_TERM}-{index}-document"] = _l("Ukjent sertifikat. Last opp PDF-en på nytt.")
    return errors


def store_certificate_files(session: Session, actor: Actor, upload_dir: str, supplier_id: int,
                            raw_terms: Mapping[str, Any], content: dict[str, Any],
                            files: Mapping[int, tuple[str, bytes]]) -> list[Document]:
    """Keep the uploaded PDFs and put their ids in the clean certificate rows of *content*."""
    rows = (content.get("terms") or {}).get(CERTIFICATES_TERM) or []
    raw_rows = _raw_rows(raw_terms)
    stored = []
    for index, (name, data) in sorted(files.items()):
        target = _clean_index(raw_rows, index)
        if target is None or target >= len(rows):
            continue
        doc = store(session, actor, upload_dir, supplier_id=supplier_id, kind=CERTIFICATE_KIND, filename=name,
                    data=data)
        rows[target] = {**rows[target], "document": doc.id}
        stored.append(doc)
    return stored


def attach_to_service(session: Session, documents: list[Document], service_id: int) -> None:
    """The stored certificates belong to the service (they become public with its published version)."""
    for doc in documents:
        doc.service_id = service_id
        session.add(doc)
