"""Moderation by the contract manager: the queue of submitted new services and edits of live ones.

Approving and rejecting are transitions of the listing (``catalogue.listing.Listing``):
approving a new service publishes version 1; approving an edit applies the revision to the
live service and publishes it as the next version. A rejection needs a reason, which the
supplier sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.i18n import _l
from catalogue.models import Category, RevisionStatus, Service, ServiceRevision, ServiceStatus, Supplier
from catalogue.qualification import FieldTerm
from catalogue.terms import LONGTEXT


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
            .join(Category, Category.id == Service.category_id).where(Service.status == ServiceStatus.SUBMITTED)).all():
        items.append(QueueItem("new", service, supplier, category, None, service.submitted_at))
    for revision, service, supplier, category in session.exec(
            select(ServiceRevision, Service, Supplier, Category)
            .join(Service, Service.id == ServiceRevision.service_id)
            .join(Supplier, Supplier.id == Service.supplier_id).join(Category, Category.id == Service.category_id)
            .where(ServiceRevision.status == RevisionStatus.SUBMITTED, Service.status == ServiceStatus.PUBLISHED)).all():
        items.append(QueueItem("edit", service, supplier, category, revision, revision.submitted_at))
    return sorted(items, key=lambda item: (item.submitted_at.timestamp() if item.submitted_at else 0.0, item.service.id))


def clean_reason(raw: Any, *, required: bool) -> tuple[str, Any]:
    value, error = REASON.clean(raw)
    if error:
        return "", error
    if required and not value:
        return "", _l("Skriv en begrunnelse for avslaget.")
    return value or "", None
