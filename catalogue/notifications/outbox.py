"""``notify()``: write the notifications of a change in the caller's transaction (the outbox).

The caller commits once: the change, its audit event and its notifications are one unit, so a
rolled-back change sends nothing and a committed one is never lost. The dispatcher
(``catalogue.notifications.dispatch``) sends what is committed.

Who gets what:
* ``users=[id]`` – those people (their most recently verified address);
* ``suppliers=[id]`` – each member of the supplier (their address for that company) and the
  supplier's functional address;
* ``orgs=["0192:<orgnr>"]`` – the people acting for that organisation (an address for it, or a login);
* ``managers=True`` – every contract manager (their manager address) and the team address.
A person without a verified address still gets the notification in the in-app inbox.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.db import is_sqlite
from catalogue.models import LoginSession, Membership, Role, Supplier, utcnow
from catalogue.notifications import kinds
from catalogue.notifications.models import (MANAGERS_ORG, TEAM, Delivery, MailAddress, Notification,
                                            NotificationEvent, NotificationPreference, NotificationStatus,
                                            supplier_owner, user_owner)

OSLO = ZoneInfo("Europe/Oslo")
DIGEST_HOUR = 7  # daily digests leave at 07:00 Norwegian time
MANAGER_ROLE = Role.MANAGER


def next_digest_time(now: datetime) -> datetime:
    """The next 07:00 in Oslo after *now* (daylight saving handled by zoneinfo), in UTC."""
    local = now.astimezone(OSLO)
    due = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=OSLO)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), time(DIGEST_HOUR), tzinfo=OSLO)
    return due.astimezone(now.tzinfo)


@dataclass
class _Recipient:
    owner: str
    user_id: Optional[int]
    address: Optional[MailAddress]


def _verified(session: Session, *conditions) -> list[MailAddress]:
    return list(session.exec(select(MailAddress).where(MailAddress.verified_at.is_not(None), *conditions)
                             .order_by(MailAddress.verified_at.desc(), MailAddress.id.desc())))


class _Audience:
    def __init__(self, session: Session):
        self.session = session
        self.found: dict[str, _Recipient] = {}

    def add(self, owner: str, user_id: Optional[int], address: Optional[MailAddress]) -> None:
        known = self.found.get(owner)
        if known is None or (known.address is None and address is not None):
            self.found[owner] = _Recipient(owner, user_id, address)

    def people(self, user_ids: Iterable[int], org: Optional[str]) -> None:
        ids = sorted(set(user_ids))
        if not ids:
            return
        conditions = [MailAddress.user_id.in_(ids)]
        if org is not None:
            conditions.append(MailAddress.org == org)
        best: dict[int, MailAddress] = {}
        for address in _verified(self.session, *conditions):
            best.setdefault(address.user_id, address)
        for user_id in ids:
            self.add(user_owner(user_id), user_id, best.get(user_id))

    def functional(self, owner: str) -> None:
        for address in _verified(self.session, MailAddress.owner == owner):
            self.add(owner, None, address)

    def suppliers(self, supplier_ids: Iterable[int]) -> None:
        """Each supplier's members and functional address, in a fixed number of queries (a
        competition invites hundreds of suppliers in one transaction)."""
        ids = sorted(set(supplier_ids))
        if not ids:
            return
        orgnrs = dict(self.session.exec(select(Supplier.id, Supplier.orgnr).where(Supplier.id.in_(ids))).all())
        members: dict[int, list[int]] = {}
        for supplier_id, user_id in self.session.exec(select(Membership.supplier_id, Membership.user_id)
                                                      .where(Membership.supplier_id.in_(ids))).all():
            members.setdefault(supplier_id, []).append(user_id)
        owners = [supplier_owner(supplier_id) for supplier_id in ids]
        functional: dict[str, list[MailAddress]] = {}
        for address in _verified(self.session, MailAddress.owner.in_(owners)):
            functional.setdefault(address.owner, []).append(address)
        for supplier_id in ids:
            if supplier_id not in orgnrs:
                continue
            self.people(members.get(supplier_id, []), f"0192:{orgnrs[supplier_id]}")
            owner = supplier_owner(supplier_id)
            for address in functional.get(owner, []):
                self.add(owner, None, address)

    def orgs(self, orgs: Iterable[str]) -> None:
        for org in sorted(set(orgs)):
            people = set(self.session.exec(select(LoginSession.user_id).where(LoginSession.acting_for == org)))
            people |= set(self.session.exec(select(MailAddress.user_id).where(
                MailAddress.org == org, MailAddress.user_id.is_not(None))))
            self.people(people, org)

    def managers(self) -> None:
        people = set(self.session.exec(select(LoginSession.user_id).where(LoginSession.role == MANAGER_ROLE)))
        people |= set(self.session.exec(select(MailAddress.user_id).where(
            MailAddress.org == MANAGERS_ORG, MailAddress.user_id.is_not(None))))
        self.people(people, MANAGERS_ORG)
        self.functional(TEAM)


def delivery_for(session: Session, owner: str, kind: kinds.Kind) -> Delivery:
    """The owner's choice for *kind*, or the kind's default; a mandatory kind is never off."""
    chosen = session.exec(select(NotificationPreference.delivery).where(
        NotificationPreference.owner == owner, NotificationPreference.kind == kind.name)).first()
    return _delivery(chosen, kind)


def _choices(session: Session, owners: list[str], kind: kinds.Kind) -> dict[str, str]:
    """Every owner's stored choice for *kind*, in one query."""
    if not owners:
        return {}
    return dict(session.exec(select(NotificationPreference.owner, NotificationPreference.delivery).where(
        NotificationPreference.owner.in_(owners), NotificationPreference.kind == kind.name)).all())


def _delivery(chosen: Optional[str], kind: kinds.Kind) -> Delivery:
    delivery = Delivery(chosen) if chosen else kind.default
    if kind.mandatory and delivery == Delivery.OFF:
        return kind.default
    return delivery


def notify(session: Session, kind: str, *, users: Iterable[int] = (), suppliers: Iterable[int] = (),
           orgs: Iterable[str] = (), managers: bool = False, context: Optional[dict[str, Any]] = None,
           url: str = "", key: str, now: Optional[datetime] = None) -> Optional[NotificationEvent]:
    """Record notification *kind* for the audience, in the caller's transaction.

    *key* makes the call idempotent: a second call with the same key records nothing and
    returns None (also when another transaction wrote the key concurrently).
    """
    spec = kinds.get(kind)
    if not key:
        raise ValueError("notify() needs a key (e.g. 'competition:12:invited')")
    if session.exec(select(NotificationEvent.id).where(NotificationEvent.key == key)).first() is not None:
        return None
    now = now or utcnow()
    event = NotificationEvent(kind=spec.name, key=key[:200], context=context or {}, url=url[:500], created_at=now)
    if is_sqlite(session.get_bind()):
        # One writer at a time on SQLite, so the check above suffices (and pysqlite's SAVEPOINT
        # would commit the caller's work early).
        session.add(event)
        session.flush()
    else:
        try:  # a concurrent transaction with the same key: wait for it, then skip
            with session.begin_nested():
                session.add(event)
                session.flush()
        except IntegrityError:
            return None
    audience = _Audience(session)
    audience.people(users, None)
    audience.suppliers(suppliers)
    audience.orgs(orgs)
    if managers:
        audience.managers()
    choices = _choices(session, [r.owner for r in audience.found.values() if r.address is not None], spec)
    for recipient in audience.found.values():
        row = _row(spec, event, recipient, now, choices.get(recipient.owner))
        if row is not None:
            session.add(row)
    session.flush()
    return event


def _row(spec: kinds.Kind, event: NotificationEvent, recipient: _Recipient, now: datetime,
         chosen: Optional[str]) -> Optional[Notification]:
    address = recipient.address
    delivery = _delivery(chosen, spec) if address is not None else Delivery.OFF
    if delivery == Delivery.OFF and recipient.user_id is None:
        return None  # a functional address nobody reads in the app
    status, due = {
        Delivery.IMMEDIATE: (NotificationStatus.QUEUED, now),
        Delivery.DAILY: (NotificationStatus.HELD, next_digest_time(now)),
        Delivery.OFF: (NotificationStatus.INBOX, None),
    }[delivery]
    return Notification(event_id=event.id, kind=spec.name, recipient=recipient.owner, user_id=recipient.user_id,
                        address_id=address.id if address else None, email=address.email if address else "",
                        lang=address.lang if address else "nb", status=status.value, next_attempt_at=due,
                        created_at=now)
