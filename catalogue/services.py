"""Service life cycle: content snapshots, publication and removal.

Every published version of a service is kept as an ``ArchivedService`` snapshot (written
when it is published), so a frozen shortlist or an export can always name the exact
version it saw. Each state change writes an audit event and a search change-log entry in
the caller's transaction.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from catalogue.audit import Actor, log_search_change, record
from catalogue.models import ArchivedService, Service, utcnow

# The fields that make up a version of a service (besides its terms).
CONTENT_FIELDS = ("name", "summary", "description", "features", "category_id", "dps_id", "terms", "documents")


def content_of(service: Service) -> dict[str, Any]:
    """The versioned content of *service* as a plain, JSON-able dict."""
    return {
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "features": list(service.features or []),
        "category_id": service.category_id,
        "dps_id": service.dps_id,
        "terms": dict(service.terms or {}),
        # Document ids by kind ({"terms": id, "dpa": id}): the PDFs belong to the version too.
        "documents": dict(service.documents or {}),
    }


def apply_content(service: Service, content: dict[str, Any]) -> None:
    for key in CONTENT_FIELDS:
        if key in content:
            setattr(service, key, content[key])


def publish(session: Session, service: Service, actor: Actor, *, detail: str = "") -> ArchivedService:
    """Make the current content of *service* its next published version."""
    before = {"status": service.status, "version": service.version}
    now = utcnow()
    service.status = "published"
    service.published_at = now
    service.updated_at = now
    service.removed_at = None
    session.add(service)
    session.flush()
    # Count the version in the database, not in Python: two transactions publishing the same
    # service at once then get versions n+1 and n+2 (the row lock serialises them) instead of
    # both claiming n+1.
    new_version = session.execute(
        update(Service).where(Service.id == service.id)
        .values(version=func.coalesce(Service.version, 0) + 1).returning(Service.version)
    ).scalar_one()
    set_committed_value(service, "version", new_version)
    snapshot = ArchivedService(service_id=service.id, version=service.version, content=content_of(service),
                               published_at=now)
    session.add(snapshot)
    record(session, actor, "service.published", "service", service.id, supplier_id=service.supplier_id,
           service_id=service.id, before=before, after={"status": "published", "version": service.version},
           detail=detail)
    log_search_change(session, service.id)
    # Contracts in force and frozen shortlists that hold an older version: their owners are told.
    from catalogue.contracts.drift import watch

    watch(session, snapshot)
    return snapshot


def remove(session: Session, service: Service, actor: Actor, *, reason: str = "") -> None:
    """Take *service* out of the catalogue; its page answers 410 Gone from now on."""
    before = {"status": service.status, "version": service.version}
    service.status = "removed"
    service.removed_at = utcnow()
    service.removal_reason = reason
    service.updated_at = service.removed_at
    session.add(service)
    record(session, actor, "service.removed", "service", service.id, supplier_id=service.supplier_id,
           service_id=service.id, before=before, after={"status": "removed"}, detail=reason)
    log_search_change(session, service.id)


def version_snapshot(session: Session, service_id: int, version: int) -> ArchivedService | None:
    return session.exec(
        select(ArchivedService).where(ArchivedService.service_id == service_id, ArchivedService.version == version)
    ).first()
