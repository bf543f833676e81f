"""The follower: reads the update feed from its position and applies each update in one transaction.

``step()`` reads one page after the stored position, asks the register for the entity of each
update that concerns a registered supplier, and for every update commits its changes together
with the new position (``register_position``; guarded so two followers cannot both apply it).
Killed at any moment it loses nothing and repeats nothing: what is committed is applied and
its position stored, what is not is read again. Outages of the database or the register
(``RegistryUnavailable``) are
the caller's to retry (``catalogue.background.run_loop``): the step starts from the committed
position each time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.models import Supplier, utcnow
from catalogue.registerwatch.apply import apply_update
from catalogue.registerwatch.feed import DELETIONS, PAGE_SIZE, EntityState, Feed, Update
from catalogue.registerwatch.models import FEED_ENHETER, RegisterPosition


class PositionMoved(RuntimeError):
    """Another follower applied the update first; this one reads again from the stored position."""


@dataclass
class StepResult:
    read: int = 0
    applied: int = 0
    position: Optional[int] = None


def position(session: Session, feed: str = FEED_ENHETER) -> Optional[int]:
    row = session.get(RegisterPosition, feed)
    return row.last_update_id if row else None


def _store_position(session: Session, feed: str, before: Optional[int], update: Update) -> None:
    values = dict(last_update_id=update.update_id, last_published_at=update.published_at, updated_at=utcnow())
    if before is None:
        session.add(RegisterPosition(feed=feed, **values))
        return
    done = session.execute(sql_update(RegisterPosition).where(RegisterPosition.feed == feed,
                                                              RegisterPosition.last_update_id == before)
                           .values(**values))
    if done.rowcount != 1:
        raise PositionMoved(f"{feed}: position is no longer {before}")


class Follower:
    def __init__(self, engine: Engine, feed: Feed, *, since: Optional[datetime] = None, page_size: int = PAGE_SIZE,
                 on_update: Callable[[Update, bool], None] | None = None):
        self.engine = engine
        self.feed = feed
        self.since = since or datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        self.page_size = page_size
        self.on_update = on_update

    def _registered(self, session: Session, orgnrs: set[str]) -> set[str]:
        if not orgnrs:
            return set()
        return set(session.exec(select(Supplier.orgnr).where(Supplier.orgnr.in_(sorted(orgnrs)))).all())

    def step(self) -> StepResult:
        """Read and apply one page. Raises ``RegistryUnavailable`` or a database error on an outage."""
        with Session(self.engine, expire_on_commit=False) as session:
            current = position(session)
        updates = [u for u in self.feed.page(after_id=current, since=self.since, size=self.page_size)
                   if current is None or u.update_id > current]
        result = StepResult(read=len(updates), position=current)
        if not updates:
            return result
        with Session(self.engine, expire_on_commit=False) as session:
            ours = self._registered(session, {u.orgnr for u in updates})
        for update in updates:
            state = None
            if update.orgnr in ours:
                # A deletion needs no look-up (the register answers 410 Gone for the entity).
                state = EntityState({}, deleted=True) if update.change_type in DELETIONS else self.feed.entity(update)
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    applied = apply_update(session, update, state) if update.orgnr in ours else None
                    _store_position(session, FEED_ENHETER, result.position, update)
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
            result.position = update.update_id
            result.applied += applied is not None
            if self.on_update:
                self.on_update(update, applied is not None)
        return result

    def catch_up(self) -> int:
        """Apply pages until the feed has nothing newer; the number of updates applied."""
        applied = 0
        while True:
            result = self.step()
            applied += result.applied
            if result.read == 0:
                return applied
