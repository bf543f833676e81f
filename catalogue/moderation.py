"""Moderation by the contract manager: submitted new services and edits of live ones.

Approving a new service publishes version 1; approving an edit applies the revision to the
live service and publishes it as the next version (``catalogue.services.publish`` keeps
the snapshot, the audit event and the search change-log entry). A rejection needs a reason,
which the supplier sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.listings import (NotEditable, bump_lock, complete_errors, listing_content,
                                open_revision)
from catalogue.models import AuditEvent, Category, Service, ServiceRevision, Supplier, utcnow
from catalogue.notifications import hooks
from catalogue.qualification import FieldTerm
from catalogue.services import apply_content, publish
from catalogue.terms import LONGTEXT
from catalogue.text import Msg

class ReviewField(FieldTerm):
    prefix = "moderering"


REASON = ReviewField("reason", "moderering", LONGTEXT, "Begrunnelse", "Reason",
                      "Leverandøren ser begrunnelsen. Påkrevd ved avslag.", "The supplier sees the reason. "
                      "Required when rejecting.", max_length=2000, required=False)


@dataclass
class QueueItem:
    kind: str                           # "new" or "edit"
    service: Service
    supplier: Supplier
    category: Category
    revision: Optional[ServiceRevision]
    submitted_at: Optional[datetime]


def queue(session: Session) -> list[QueueItem]:
    """Submitted new services and submitted edits, oldest first."""
    items = []
    for service, supplier, category in session.exec(
            select(Service, Supplier, Category).join(Supplier, Supplier.id == Service.supplier_id)
            .join(Category, Category.id == Service.category_id).where(Service.status == "submitted")).all():
        items.append(QueueItem("new", service, supplier, category, None, service.submitted_at))
    for revision, service, supplier, category in session.exec(
            select(ServiceRevision, Service, Supplier, Category)
            .join(Service, Service.id == ServiceRevision.service_id)
            .join(Supplier, Supplier.id == Service.supplier_id).join(Category, Category.id == Service.category_id)
            .where(ServiceRevision.status == "submitted", Service.status == "published")).all():
        items.append(QueueItem("edit", service, supplier, category, revision, revision.submitted_at))
    return sorted(items, key=lambda item: (item.submitted_at.timestamp() if item.submitted_at else 0.0, item.service.id))


class ModerationError(Exception):
    def __init__(self, errors: dict[str, Msg]):
        super().__init__("; ".join(m.nb for m in errors.values()))
        self.errors = errors


def pending_content(session: Session, service: Service) -> tuple[str, dict[str, Any], Optional[ServiceRevision]]:
    """``(kind, proposed content, revision)`` of what awaits review for *service*."""
    if service.status == "submitted":
        return "new", listing_content(service), None
    revision = open_revision(session, service.id)
    if service.status == "published" and revision is not None and revision.status == "submitted":
        return "edit", revision.content, revision
    raise NotEditable(Msg("Tjenesten har ingenting til godkjenning.", "The service has nothing awaiting review."))


def approve(session: Session, actor: Actor, service: Service, *, expected_lock: Any, reason: str = "") -> int:
    """Publish what was submitted; returns the new version number.

    Raises ``ModerationError`` when the content is not (or no longer) complete – e.g. the
    supplier is not qualified in the DPS the service is offered under – and ``Conflict``
    when the supplier changed it after the reviewer opened it.
    """
    kind, content, revision = pending_content(session, service)
    errors = complete_errors(session, service.supplier_id, content)
    if errors:
        raise ModerationError(errors)
    bump_lock(session, service, expected_lock)
    if revision is not None:
        apply_content(service, content)
    service.documents = dict(content.get("documents") or {})
    publish(session, service, actor, detail=reason or ("Ny tjeneste godkjent" if kind == "new" else "Endring godkjent"))
    if revision is not None:
        _decide_revision(session, actor, service, revision, "approved", reason, version=service.version)
    hooks.listing_approved(session, service)
    return service.version


def reject(session: Session, actor: Actor, service: Service, *, expected_lock: Any, reason: str) -> None:
    """Send the submission back to the supplier with *reason* (the caller has checked it is given)."""
    kind, _content, revision = pending_content(session, service)
    bump_lock(session, service, expected_lock, **({"status": "draft", "updated_at": utcnow()} if kind == "new" else {}))
    if revision is not None:
        _decide_revision(session, actor, service, revision, "rejected", reason)
    else:
        record(session, actor, "service.rejected", "service", service.id, supplier_id=service.supplier_id,
               service_id=service.id, before={"status": "submitted"}, after={"status": "draft"}, detail=reason)
    hooks.listing_rejected(session, service, reason)


def clean_reason(raw: Any, *, required: bool) -> tuple[str, Msg | None]:
    value, error = REASON.clean(raw)
    if error:
        return "", error
    if required and not value:
        return "", Msg("Skriv en begrunnelse for avslaget.", "Give a reason for the rejection.")
    return value or "", None


def last_rejection(session: Session, service: Service) -> Optional[str]:
    """The reason given when the service's latest submission was rejected, if that is where it stands."""
    if service.status == "draft":
        event = session.exec(select(AuditEvent).where(AuditEvent.service_id == service.id,
                                                      AuditEvent.action.in_(["service.rejected", "service.submitted"]))
                             .order_by(AuditEvent.id.desc())).first()
        return event.detail if event is not None and event.action == "service.rejected" else None
    return None


def _decide_revision(session: Session, actor: Actor, service: Service, revision: ServiceRevision, status: str, reason: str,
                     **after) -> None:
    """Close a submitted edit as approved or rejected, with its audit event."""
    now = utcnow()
    revision.status, revision.reason, revision.decided_at, revision.decided_by = status, reason, now, actor.user_id
    revision.updated_at = now
    session.add(revision)
    record(session, actor, f"service.revision_{status}", "service_revision", revision.id,
           supplier_id=service.supplier_id, service_id=service.id, before={"status": "submitted"},
           after={"status": status, **after}, detail=reason)
