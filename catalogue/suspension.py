"""Suspending a supplier's DPS qualifications, and the history of who was qualified when.

A qualification is suspended when the company register reports a bankruptcy, a winding-up or a
deletion (``catalogue.registerwatch``), or when the contract manager suspends it because an
updated self-declaration was not given in time. While suspended the supplier is not counted as
qualified (no invitations, no "qualified" mark in search). The manager then restores it or ends it.

Every such change is a ``QualificationEvent`` row beside its audit event, so the public list of
qualified suppliers of a DPS can be shown as it stood on any date (``qualified_on``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy import String
from sqlmodel import Field, Session, SQLModel, select

from catalogue.audit import Actor, log_search_change, record
from catalogue.lifecycle import N_, DomainError, status_check
from catalogue.models import Category, Qualification, QualificationStatus, Supplier, utcnow
from catalogue.workdays import OSLO


class QualificationEvent(SQLModel, table=True):
    """A qualification changed status after its decision: suspended, reinstated or ended."""

    __tablename__ = "qualification_event"
    __table_args__ = (status_check("qualification_event", QualificationStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    qualification_id: int = Field(foreign_key="qualification.id", index=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    status: QualificationStatus = Field(sa_type=String(20), nullable=False)
    reason: str = Field(default="", max_length=2000)
    at: datetime = Field(default_factory=utcnow, index=True)


def _move(session: Session, actor: Actor, q: Qualification, target: QualificationStatus, reason: str,
          now: datetime) -> None:
    before = q.status
    q.status = target
    session.add(q)
    session.add(QualificationEvent(qualification_id=q.id, dps_id=q.dps_id, supplier_id=q.supplier_id, status=target,
                                   reason=reason[:2000], at=now))
    record(session, actor, f"qualification.{target}", "qualification", q.id, supplier_id=q.supplier_id,
           before={"status": str(before), "category_id": q.category_id},
           after={"status": str(target), "category_id": q.category_id}, detail=reason)


def _reindex(session: Session, supplier_id: int) -> None:
    # The search index marks services "qualified in the DPS": re-read the supplier's services.
    log_search_change(session, supplier_id, "supplier")


def suspend_supplier(session: Session, actor: Actor, supplier_id: int, *, reason: str,
                     dps_id: Optional[int] = None, now: Optional[datetime] = None) -> int:
    """Suspend every current qualification of the supplier (in one DPS, or all); the number suspended."""
    now = now or utcnow()
    query = select(Qualification).where(Qualification.supplier_id == supplier_id,
                                        Qualification.status == QualificationStatus.QUALIFIED)
    if dps_id is not None:
        query = query.where(Qualification.dps_id == dps_id)
    rows = list(session.exec(query.order_by(Qualification.id)).all())
    for q in rows:
        _move(session, actor, q, QualificationStatus.SUSPENDED, reason, now)
    if rows:
        _reindex(session, supplier_id)
    return len(rows)


def end_suspension(session: Session, actor: Actor, supplier_id: int, *, restore: bool, reason: str,
                   dps_id: Optional[int] = None, now: Optional[datetime] = None) -> int:
    """Restore the supplier's suspended qualifications, or end them (revoked); the number changed."""
    if not (reason or "").strip():
        raise DomainError(N_("Skriv en begrunnelse for avgjørelsen."), field="reason")
    now = now or utcnow()
    query = select(Qualification).where(Qualification.supplier_id == supplier_id,
                                        Qualification.status == QualificationStatus.SUSPENDED)
    if dps_id is not None:
        query = query.where(Qualification.dps_id == dps_id)
    rows = list(session.exec(query.order_by(Qualification.id)).all())
    target = QualificationStatus.QUALIFIED if restore else QualificationStatus.REVOKED
    for q in rows:
        _move(session, actor, q, target, reason, now)
    if rows:
        _reindex(session, supplier_id)
    return len(rows)


def suspended_in(session: Session, supplier_id: int) -> list[tuple[Qualification, Category]]:
    return list(session.exec(select(Qualification, Category).join(Category, Category.id == Qualification.category_id)
                             .where(Qualification.supplier_id == supplier_id,
                                    Qualification.status == QualificationStatus.SUSPENDED)).all())


def end_of_day(day: date) -> datetime:
    """The last moment of *day* in Norway, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=OSLO) - timedelta(microseconds=1)


def qualified_on(session: Session, dps_id: int, day: date) -> dict[int, list[Supplier]]:
    """Category id → the suppliers qualified in the DPS at the end of *day* (by name).

    A qualification counts from its decision (``decided_at``) when it was granted, until a later
    event suspends or ends it; a reinstatement counts it again.
    """
    cutoff = end_of_day(day)
    granted = [q for q in session.exec(select(Qualification).where(
        Qualification.dps_id == dps_id, Qualification.decided_at.is_not(None),
        Qualification.status.in_([QualificationStatus.QUALIFIED, QualificationStatus.SUSPENDED,
                                  QualificationStatus.REVOKED]))).all()
        if _aware(q.decided_at) <= cutoff]
    latest: dict[int, QualificationStatus] = {}
    for event in session.exec(select(QualificationEvent).where(QualificationEvent.dps_id == dps_id)
                              .order_by(QualificationEvent.at, QualificationEvent.id)).all():
        if _aware(event.at) <= cutoff:
            latest[event.qualification_id] = event.status
    suppliers = {s.id: s for s in session.exec(select(Supplier).where(
        Supplier.id.in_(sorted({q.supplier_id for q in granted} or {0})))).all()}
    by_category: dict[int, list[Supplier]] = {}
    for q in granted:
        if latest.get(q.id, QualificationStatus.QUALIFIED) != QualificationStatus.QUALIFIED:
            continue
        names = by_category.setdefault(q.category_id, [])
        if all(s.id != q.supplier_id for s in names):
            names.append(suppliers[q.supplier_id])
    for names in by_category.values():
        names.sort(key=lambda s: s.name)
    return by_category


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # naive times here are UTC
