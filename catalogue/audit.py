"""Audit events and the search change log: written in the caller's transaction.

Every state change in the domain calls ``record`` (and ``log_search_change`` when what a
search index holds may change) *before* the caller commits, so the change, its audit
trail and its search-log entry are one atomic unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlmodel import Session

from catalogue.models import AuditEvent, SearchChange


@dataclass(frozen=True)
class Actor:
    """Who does something and for which organisation (``acting_for`` is "0192:<orgnr>" or "")."""

    user_id: Optional[int] = None
    name: str = "system"
    acting_for: str = ""
    role: str = "system"

    @classmethod
    def system(cls, what: str = "system") -> "Actor":
        return cls(name=what)


def record(session: Session, actor: Actor, action: str, obj_type: str, obj_id: Optional[int], *,
           supplier_id: Optional[int] = None, service_id: Optional[int] = None,
           before: Any = None, after: Any = None, detail: str = "") -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id, actor_name=actor.name, acting_for=actor.acting_for,
        action=action, object_type=obj_type, object_id=obj_id,
        supplier_id=supplier_id, service_id=service_id, before=before, after=after, detail=detail,
    )
    session.add(event)
    return event


def log_search_change(session: Session, entity_id: int, entity: str = "service") -> None:
    """Tell the search indexes that *entity* changed; they re-read it from the database.

    The row carries the request id of the web request that made the change (catalogue.logs),
    so the indexer's log line about it names the same request."""
    from catalogue.logs import request_id

    session.add(SearchChange(entity=entity, entity_id=entity_id, request_id=request_id.get()[:64]))
