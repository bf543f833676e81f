"""The dispatcher: sends committed outbox rows over SMTP, records the outcome, retries, gives up.

Delivery guarantee: **at least once, with a stable Message-ID.** Each message is claimed,
sent and recorded in one database transaction of its own:

1. ``SELECT … FOR UPDATE SKIP LOCKED`` takes one due row (PostgreSQL): a second dispatcher on
   another host skips it, so two dispatchers never send the same row at the same time;
2. the message goes to the SMTP server;
3. the row becomes ``sent`` (with its audit event) and the transaction commits, releasing the lock.

A dispatcher killed between 2 and 3 never commits: the row is still ``queued`` when the lock
dies with the connection, and the next dispatcher sends it again – with the *same* Message-ID
(``<n{id}.{hash}@domain>``), so the duplicate is recognisable (mail stores and clients dedupe
on it). At most one message per killed dispatcher can be duplicated this way; none is lost.
The alternative, at-most-once (record first, then send), would lose the message instead.

On SQLite there is no row locking: run **one** dispatcher per SQLite database (``make run`` does).

Failures: a 4xx answer for a message is temporary – it is retried after ``retry_base · 2^n``
seconds (capped) and marked ``failed`` after ``max_attempts`` tries; a 5xx answer fails it at
once. An unreachable SMTP server or database is an outage of the whole dispatcher, not the
message's fault: nothing is counted, ``catalogue.background.run_loop`` logs it once and retries
with backoff, and everything is sent once the server is back.

Daily digests: rows held for a digest are due at 07:00 Oslo time; one mail per recipient
address carries every due row (Message-ID ``<digest.{first id}.{count}…>``).
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.db import is_sqlite
from catalogue.models import Supplier, User, utcnow
from catalogue.notifications import kinds, schedule
from catalogue.notifications.lifecycle import NotificationLife
from catalogue.notifications.mail import PermanentFailure, TemporaryFailure, build_message
from catalogue.notifications.models import TEAM, Notification, NotificationEvent, NotificationStatus

log = logging.getLogger("catalogue.notifications.dispatch")
Item = tuple[Notification, NotificationEvent]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Renderer(Protocol):
    def __call__(self, lang: str, items: list[Item], *, digest: bool, unsubscribe_url: Optional[str]) -> Rendered: ...


class Transport(Protocol):
    def send(self, msg) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class DispatchSettings:
    sender_email: str
    mail_domain: str
    sender_name: str = "Markedsplassen for skytjenester"
    max_attempts: int = 8
    retry_base: float = 60.0      # seconds before the first retry of a temporary failure
    retry_cap: float = 6 * 3600.0
    batch: int = 50               # messages per step before the loop looks around again
    schedule_every: float = 60.0  # seconds between runs of the scheduled jobs


def message_id(row: Notification, domain: str) -> str:
    """The same Message-ID every time this row is sent (also after a crash and a resend)."""
    digest = hashlib.sha256(f"{row.id}|{row.event_id}|{row.recipient}".encode()).hexdigest()[:12]
    return f"<n{row.id}.{digest}@{domain}>"


def digest_message_id(rows: list[Notification], domain: str) -> str:
    digest = hashlib.sha256("|".join(str(r.id) for r in rows).encode()).hexdigest()[:12]
    return f"<digest.{rows[0].id}.{len(rows)}.{digest}@{domain}>"


class Dispatcher:
    def __init__(self, engine: Engine, transport: Transport, render: Renderer, settings: DispatchSettings, *,
                 unsubscribe_url: Callable[[Notification], Optional[str]] = lambda row: None,
                 clock: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.transport = transport
        self.render = render
        self.settings = settings
        self.unsubscribe_url = unsubscribe_url
        self.clock = clock
        self.locking = not is_sqlite(engine)
        self._next_schedule = 0.0
        self.sent = 0

    # --- one step of the loop -------------------------------------------------------------

    def step(self) -> int:
        """Run due scheduled jobs, then send up to a batch; returns how many rows were handled."""
        if time.monotonic() >= self._next_schedule:
            schedule.run_due(self.engine, self.clock())
            self._next_schedule = time.monotonic() + self.settings.schedule_every
        handled = 0
        while handled < self.settings.batch:
            done = self.send_next() or self.send_next_digest()
            if not done:
                break
            handled += done
        return handled

    def drain(self) -> int:
        """Send everything due now (tests, ``notify send``)."""
        total = 0
        while (done := self.send_next() or self.send_next_digest()):
            total += done
        return total

    def _due(self, status: NotificationStatus, now: datetime):
        stmt = (select(Notification).where(Notification.status == status.value, Notification.next_attempt_at <= now)
                .order_by(Notification.next_attempt_at, Notification.id))
        return stmt

    def _lock(self, stmt):
        return stmt.with_for_update(skip_locked=True) if self.locking else stmt

    def send_next(self) -> int:
        """Claim, send and record one due immediate notification (one transaction)."""
        now = self.clock()
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.exec(self._lock(self._due(NotificationStatus.QUEUED, now).limit(1))).first()
            if row is None:
                return 0
            event = session.get(NotificationEvent, row.event_id)
            self._deliver(session, [(row, event)], message_id(row, self.settings.mail_domain), digest=False)
            session.commit()
            return 1

    def send_next_digest(self) -> int:
        """Claim every due digest row of one recipient address and send them as one mail."""
        now = self.clock()
        with Session(self.engine, expire_on_commit=False) as session:
            head = session.exec(self._lock(self._due(NotificationStatus.HELD, now).limit(1))).first()
            if head is None:
                return 0
            rows = list(session.exec(self._lock(self._due(NotificationStatus.HELD, now).where(
                Notification.recipient == head.recipient, Notification.email == head.email))))
            if head not in rows:
                rows.insert(0, head)
            rows.sort(key=lambda r: r.id)
            events = {e.id: e for e in session.exec(select(NotificationEvent).where(
                NotificationEvent.id.in_({r.event_id for r in rows})))}
            self._deliver(session, [(r, events[r.event_id]) for r in rows],
                          digest_message_id(rows, self.settings.mail_domain), digest=True)
            session.commit()
            return len(rows)

    # --- sending and recording -----------------------------------------------------------

    def _deliver(self, session: Session, items: list[Item], msg_id: str, *, digest: bool) -> None:
        now = self.clock()
        head = items[0][0]
        optional = [row for row, _ in items if not kinds.get(row.kind).mandatory]
        try:
            rendered = self.render(head.lang, items, digest=digest,
                                   unsubscribe_url=self.unsubscribe_url(optional[0]) if optional else None)
            msg = build_message(sender_name=self.settings.sender_name, sender_email=self.settings.sender_email,
                                to_email=head.email, to_name=self._name_of(session, head), subject=rendered.subject,
                                text=rendered.text, html=rendered.html, message_id=msg_id, sent_at=now,
                                lang=head.lang, unsubscribe_url=self.unsubscribe_url(optional[0]) if optional else None)
        except Exception as error:  # noqa: BLE001 - a message that cannot be built never will be
            log.exception("notification %s cannot be built", head.id)
            for row, _ in items:
                NotificationLife(row).failed(session, f"cannot build the message: {type(error).__name__}: {error}")
            return
        try:
            self.transport.send(msg)  # MailServerUnavailable propagates: an outage, nothing recorded
        except TemporaryFailure as error:
            for row, _ in items:
                life = NotificationLife(row)
                if row.attempts + 1 >= self.settings.max_attempts:
                    life.failed(session, str(error))
                else:
                    delay = min(self.settings.retry_cap, self.settings.retry_base * 2 ** row.attempts)
                    life.retry_later(session, str(error), now, timedelta(seconds=delay))
            return
        except PermanentFailure as error:
            for row, _ in items:
                NotificationLife(row).failed(session, str(error))
            return
        for row, _ in items:
            NotificationLife(row).sent(session, msg_id, now)
        self.sent += 1

    @staticmethod
    def _name_of(session: Session, row: Notification) -> str:
        if row.user_id is not None:
            user = session.get(User, row.user_id)
            return user.name if user else ""
        if row.recipient.startswith("supplier:"):
            supplier = session.get(Supplier, int(row.recipient.split(":", 1)[1]))
            return supplier.name if supplier else ""
        return "Avtaleforvalterne" if row.recipient == TEAM else ""


def failed(session: Session, limit: int = 200) -> list[Item]:
    """The notifications given up on, newest first (the contract managers' page)."""
    return list(session.exec(
        select(Notification, NotificationEvent).join(NotificationEvent, NotificationEvent.id == Notification.event_id)
        .where(Notification.status == NotificationStatus.FAILED.value).order_by(Notification.id.desc()).limit(limit)))
