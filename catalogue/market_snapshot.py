"""The market overview's stored snapshot: its counts and each service's facts in the database.

A new process used to count every published service before its first overview (seconds at
50 000 services on PostgreSQL). The counts are instead kept in one row (``market_snapshot``,
with the change-log position they reflect) and each published service's facts in
``market_fact``; any process brings them up to date by applying the change-log entries since
that position – reading only the changed services and their stored facts – in one
transaction that locks the snapshot row, so two processes never apply the same change twice.
The first overview in a new process therefore costs a few small queries.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import JSON, Column, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

SNAPSHOT_ID = 1


class MarketSnapshot(SQLModel, table=True):
    """The market overview's counts (one row) and the change-log position they reflect."""

    __tablename__ = "market_snapshot"

    id: int = Field(default=SNAPSHOT_ID, primary_key=True)
    position: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    counts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


class MarketFact(SQLModel, table=True):
    """One published service's facts as the snapshot counted them (to subtract them on a change)."""

    __tablename__ = "market_fact"

    service_id: int = Field(primary_key=True)
    facts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    noted_at: Optional[datetime] = Field(default=None)


# ---------------------------------------------------------------------------
# encoding


def _encode_counts(counts: Counter) -> list:
    return [[list(key), n] for key, n in counts.items() if n]


def _decode_counts(rows: Iterable) -> Counter:
    return Counter({tuple(key): n for key, n in rows})


def _encode_facts(facts) -> list:
    return [facts.category_id, facts.supplier_id, facts.law, facts.eea, list(facts.locations), list(facts.scc),
            facts.nsm]


def _decode_facts(row: list):
    from catalogue.market import Facts

    category_id, supplier_id, law, eea, locations, scc, nsm_codes = row
    return Facts(category_id, supplier_id, law, eea, tuple(locations), tuple(scc), nsm_codes)


# ---------------------------------------------------------------------------
# the tally behind the snapshot


class StoredTally:
    """The counts of a snapshot, with ``Tally``'s reading interface (the figures use only that)."""

    def __init__(self, counts: Counter):
        self.counts = counts

    @property
    def services(self) -> int:
        # Every published service counts once in exactly one category.
        return sum(n for key, n in self.counts.items() if key[0] == "category")

    def get(self, *key) -> int:
        return self.counts.get(key, 0)

    def values(self, dimension: str) -> Counter:
        return Counter({key[1]: n for key, n in self.counts.items() if key[0] == dimension and n})


def _locked_snapshot(session: Session) -> MarketSnapshot | None:
    query = select(MarketSnapshot).where(MarketSnapshot.id == SNAPSHOT_ID)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def _create(session: Session, now: float) -> MarketSnapshot:
    """Count every published service once and store counts and facts (the first time ever)."""
    from catalogue.market import Tally, project
    from catalogue.search.indexer import initial_position

    position = initial_position(session, now)
    tally = Tally.of(project(session))
    noted = datetime.now(timezone.utc)
    session.execute(delete(MarketFact))
    session.bulk_insert_mappings(MarketFact, [
        {"service_id": sid, "facts": _encode_facts(f), "noted_at": noted} for sid, f in tally.facts.items()])
    snapshot = MarketSnapshot(id=SNAPSHOT_ID, position=position.to_json(), counts=_encode_counts(tally.counts))
    session.add(snapshot)
    return snapshot


def _apply(session: Session, snapshot: MarketSnapshot, now: float) -> bool:
    """Apply the change-log entries since the snapshot's position. True when a count changed."""
    from catalogue.market import project
    from catalogue.search.indexer import read_changes
    from catalogue.search.store import LogPosition

    changes, position, _ = read_changes(session, LogPosition.from_json(snapshot.position), now)
    changed = sorted({entity_id for entity, entity_id in changes if entity == "service"})
    counts = _decode_counts(snapshot.counts)
    moved = False
    if changed:
        stored = {row.service_id: row for row in session.exec(
            select(MarketFact).where(MarketFact.service_id.in_(changed))).all()}
        noted = datetime.now(timezone.utc)
        for service_id, facts in project(session, changed).items():
            row = stored.get(service_id)
            old = _decode_facts(row.facts) if row is not None else None
            if old == facts:
                continue
            moved = True
            if old is not None:
                counts.subtract(old.keys())
            if facts is None:
                session.delete(row)
                continue
            counts.update(facts.keys())
            if row is None:
                session.add(MarketFact(service_id=service_id, facts=_encode_facts(facts), noted_at=noted))
            else:
                row.facts, row.noted_at = _encode_facts(facts), noted
                session.add(row)
    if moved or position.to_json() != snapshot.position:
        snapshot.position = position.to_json()
        snapshot.counts = _encode_counts(counts)
        snapshot.updated_at = datetime.now(timezone.utc)
        session.add(snapshot)
    return moved


def current(engine, *, clock=time.time) -> tuple[StoredTally, dict[str, Any]]:
    """The stored counts brought up to date with the change log: ``(tally, position as JSON)``.

    Runs in a transaction of its own (the caller's session is not touched)."""
    for attempt in range(2):
        with Session(engine) as session:
            snapshot = _locked_snapshot(session)
            if snapshot is None:
                snapshot = _create(session, clock())
            else:
                _apply(session, snapshot, clock())
            result = StoredTally(_decode_counts(snapshot.counts)), dict(snapshot.position)
            try:
                session.commit()
            except IntegrityError:  # another process created the snapshot at the same moment
                if attempt:
                    raise
                continue
            return result
    raise RuntimeError("unreachable")  # pragma: no cover
