"""Queries for the audit log page: filter by supplier, service, action and time; newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping, Optional

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.i18n import _l
from catalogue.models import AuditEvent, Service, Supplier, utcnow
from catalogue.qualification import parse_date
from catalogue.workdays import OSLO

PER_PAGE = 20
# The CSV export holds at most this many events (narrow the filter for more).
MAX_EXPORT = 20_000


@dataclass(frozen=True)
class LogFilter:
    supplier_id: Optional[int] = None
    service_id: Optional[int] = None
    action: str = ""
    start: Optional[date] = None      # from this day (Norwegian time), inclusive
    end: Optional[date] = None        # to this day (Norwegian time), inclusive

    def to_args(self) -> dict[str, str]:
        """The filter as URL parameters (for paging links)."""
        args = {"leverandor": self.supplier_id, "tjeneste": self.service_id, "handling": self.action,
                "fra": self.start.isoformat() if self.start else "", "til": self.end.isoformat() if self.end else ""}
        return {k: str(v) for k, v in args.items() if v not in (None, "")}


def _int(raw: Any) -> tuple[Optional[int], bool]:
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if raw in (None, ""):
        return None, True
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None, False
    # Ids beyond any id column are unknown ids, not a database overflow (500).
    return (value, True) if 0 < value < 2**31 else (None, False)


def read_filter(args: Mapping[str, Any]) -> tuple[LogFilter, dict[str, Any]]:
    errors: dict[str, Any] = {}
    supplier_id, ok = _int(args.get("leverandor"))
    if not ok:
        errors["logg-leverandor"] = _l("Ukjent leverandør.")
    service_id, ok = _int(args.get("tjeneste"))
    if not ok:
        errors["logg-tjeneste"] = _l("Tjeneste-ID må være et positivt heltall.")
    action = (args.get("handling") or "").replace("\x00", "").strip()[:60]  # PostgreSQL text cannot hold NUL
    dates = {}
    for key, fid in (("fra", "logg-fra"), ("til", "logg-til")):
        text = (args.get(key) or "").strip()
        dates[key] = parse_date(text) if text else None
        if text and dates[key] is None:
            errors[fid] = _l("Skriv datoen som dd.mm.åååå.")
    if dates["fra"] and dates["til"] and dates["til"] < dates["fra"]:
        errors["logg-til"] = _l("«Til» kan ikke være før «Fra».")
    return LogFilter(supplier_id, service_id, action, dates["fra"], dates["til"]), errors


def _utc(day: date) -> datetime:
    """Midnight of *day* in Norway, in UTC, naive or aware like the model's own timestamps."""
    moment = datetime.combine(day, time(0), tzinfo=OSLO).astimezone(timezone.utc)
    return moment if utcnow().tzinfo is not None else moment.replace(tzinfo=None)


def query(session: Session, f: LogFilter, *, page: int = 1, per_page: int = PER_PAGE):
    """``(total, [(event, supplier or None)])`` for page *page* of the filtered log."""
    conditions = []
    if f.supplier_id:
        conditions.append(AuditEvent.supplier_id == f.supplier_id)
    if f.service_id:
        conditions.append(AuditEvent.service_id == f.service_id)
    if f.action:
        conditions.append(AuditEvent.action == f.action)
    if f.start:
        conditions.append(AuditEvent.at >= _utc(f.start))
    if f.end:
        conditions.append(AuditEvent.at < _utc(f.end + timedelta(days=1)))
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = session.exec(
        select(AuditEvent, Supplier).join(Supplier, Supplier.id == AuditEvent.supplier_id, isouter=True)
        .where(*conditions).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return total, rows


def actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all())


def suppliers(session: Session) -> list[Supplier]:
    return list(session.exec(select(Supplier).order_by(Supplier.name)).all())


def service_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(Service.id, Service.name).where(Service.id.in_(ids))).all())
