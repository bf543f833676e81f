"""The life cycle of one outbox row (a notification to one recipient).

queued ──send──▶ sent        held (daily digest) ──send──▶ sent
queued ──fail──▶ failed      held ──fail──▶ failed      failed ──requeue──▶ queued
inbox: in-app only, never mailed (no verified address, or e-mail switched off).
Retries of a temporary failure keep the row queued (``attempts`` and ``next_attempt_at`` move).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from catalogue.audit import Actor
from catalogue.lifecycle import LifeCycle
from catalogue.notifications.models import Notification, NotificationStatus as S

DISPATCHER = Actor.system("notify dispatcher")


class NotificationLife(LifeCycle[S]):
    TRANSITIONS = {
        "send": (frozenset({S.QUEUED, S.HELD}), S.SENT),
        "fail": (frozenset({S.QUEUED, S.HELD}), S.FAILED),
        "requeue": (frozenset({S.FAILED}), S.QUEUED),
    }
    AUDIT_TYPE = "notification"

    obj: Notification

    @property
    def can_requeue(self) -> bool:
        return self.can("requeue")

    @property
    def is_mailed(self) -> bool:
        return self.status != S.INBOX

    @property
    def is_unread(self) -> bool:
        return self.obj.read_at is None

    def sent(self, session, message_id: str, now: datetime) -> None:
        self.obj.message_id = message_id
        self.obj.sent_at = now
        self.obj.attempts += 1
        self.obj.last_error = ""
        self._move(session, DISPATCHER, "send", after={"status": str(S.SENT), "message_id": message_id})

    def retry_later(self, session, error: str, now: datetime, delay: timedelta) -> None:
        """A temporary failure: stay queued, try again after *delay*."""
        self.obj.attempts += 1
        self.obj.last_error = error[:2000]
        self.obj.next_attempt_at = now + delay
        session.add(self.obj)

    def failed(self, session, error: str) -> None:
        self.obj.attempts += 1
        self.obj.last_error = error[:2000]
        self._move(session, DISPATCHER, "fail", detail=error[:500])

    def requeue(self, session, actor: Actor, now: datetime) -> None:
        self.obj.attempts = 0
        self.obj.next_attempt_at = now
        self._move(session, actor, "requeue")
