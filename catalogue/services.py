"""The versioned content of a service.

Every published version of a service is kept as an ``ArchivedService`` snapshot of this
content (written when it is published, ``catalogue.listing``), so a frozen shortlist or an
export can always name the exact version it saw.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue.models import ArchivedService, Service

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


def version_snapshot(session: Session, service_id: int, version: int) -> ArchivedService | None:
    return session.exec(
        select(ArchivedService).where(ArchivedService.service_id == service_id, ArchivedService.version == version)
    ).first()
