"""The in-app inbox: every notification for a person, read or unread."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import func, update
from sqlmodel import Session, select

from catalogue.models import utcnow
from catalogue.notifications.lifecycle import NotificationLife
from catalogue.notifications.models import Notification, NotificationEvent

PAGE_SIZE = 50


class _Blank(dict):
    """Context for a subject: a missing value shows as nothing instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""


def format_subject(translated: str, context: Optional[dict[str, Any]]) -> str:
    """The subject *translated* (a msgid in the reader's language) filled in from *context*.

    Line breaks are folded to spaces here, so no context value can start a new mail header.
    """
    try:
        text = translated % _Blank({k: str(v) for k, v in (context or {}).items()})
    except (TypeError, ValueError):
        text = translated
    return " ".join(text.split())[:250]


def unread_count(session: Session, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).one()


def page(session: Session, user_id: int, number: int = 1) -> tuple[list[tuple[Notification, NotificationEvent, NotificationLife]], int]:
    """One page of the person's inbox, newest first, and the total."""
    total = session.exec(select(func.count()).select_from(Notification).where(Notification.user_id == user_id)).one()
    rows = session.exec(
        select(Notification, NotificationEvent).join(NotificationEvent, NotificationEvent.id == Notification.event_id)
        .where(Notification.user_id == user_id).order_by(Notification.id.desc())
        .offset((max(number, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [(n, e, NotificationLife(n)) for n, e in rows], total


def mark_read(session: Session, user_id: int, notification_id: Optional[int] = None,
              now: Optional[datetime] = None) -> int:
    """Mark one (or, without an id, every) unread notification of the person read; returns how many."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return session.exec(stmt.values(read_at=now or utcnow())).rowcount
