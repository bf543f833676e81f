"""Administering a DPS over its life: description, documents and categories added, extension and closing.

Categories can be added to a running DPS but not taken away (suppliers are qualified in them).
Extending moves the end date later; closing ends the DPS today (no new applications from
tomorrow). The qualified suppliers are told of both. Documents (the qualification basis, the
terms of the scheme …) are PDFs checked like every upload and listed publicly on the DPS's page.
Each change has its audit event.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.declarations.requests import qualified_suppliers
from catalogue.documents import DPS_KIND, DocumentError, store
from catalogue.lifecycle import N_, DomainError
from catalogue.models import DPS, Category, Document, DPSCategory
from catalogue.notifications import notify
from catalogue.text import reject_markup
from catalogue.validity import parse_day
from catalogue.workdays import oslo_today

DESCRIPTION_MAX = 3000
TITLE_MAX = 200
DOCUMENT_FIELD, TITLE_FIELD = "dokument", "tittel"


def category_ids(session: Session, dps: DPS) -> set[int]:
    return set(session.exec(select(DPSCategory.category_id).where(DPSCategory.dps_id == dps.id)).all())


def addable_categories(session: Session, dps: DPS) -> list[Category]:
    taken = category_ids(session, dps)
    return [c for c in session.exec(select(Category).where(Category.parent_id.is_(None))
                                     .order_by(Category.position, Category.name_nb)).all() if c.id not in taken]


def edit(session: Session, actor: Actor, dps: DPS, description: str, add: Iterable[str]) -> list[str]:
    """Change the description and add categories; the names of what changed."""
    description = (description or "").replace("\r\n", "\n").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(N_("Beskrivelsen kan være høyst %(max)s tegn."), field="description", max=DESCRIPTION_MAX)
    if reject_markup(description):
        raise DomainError(N_("Teksten kan ikke inneholde HTML eller skript."), field="description")
    allowed = {str(c.id): c for c in addable_categories(session, dps)}
    wanted = [a for a in dict.fromkeys(add or []) if a]
    if any(a not in allowed for a in wanted):
        raise DomainError(N_("Ukjent kategori, eller en kategori ordningen allerede har."), field="add")
    changed = []
    before = {"description": dps.description}
    if description != dps.description:
        dps.description = description
        changed.append("description")
    for key in wanted:
        session.add(DPSCategory(dps_id=dps.id, category_id=allowed[key].id))
    if wanted:
        changed.append("categories")
    if changed:
        session.add(dps)
        record(session, actor, "dps.edited", "dps", dps.id, before=before,
               after={"description": dps.description, "categories_added": [allowed[k].slug for k in wanted]})
    return changed


def documents(session: Session, dps: DPS) -> list[Document]:
    """The DPS's own documents, oldest first (as the DPS page lists them)."""
    return list(session.exec(select(Document).where(Document.dps_id == dps.id, Document.kind == DPS_KIND)
                             .order_by(Document.uploaded_at, Document.id)).all())


def add_document(session: Session, actor: Actor, upload_dir: str, dps: DPS, title: str,
                 upload: Optional[tuple[str, bytes]]) -> Document:
    """Keep an uploaded PDF as one of the DPS's documents (public), with its audit event.

    Raises ``DomainError`` (nothing written) for a missing or bad title or file; ``StorageFailed`` when
    the file cannot be written.
    """
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(N_("Skriv hva dokumentet er, for eksempel «Kvalifikasjonsgrunnlag»."), field=TITLE_FIELD)
    if len(title) > TITLE_MAX or reject_markup(title):
        raise DomainError(N_("Tittelen kan være høyst %(max)s tegn, uten HTML."), field=TITLE_FIELD, max=TITLE_MAX)
    if upload is None or not upload[1]:
        raise DomainError(N_("Velg en PDF-fil å laste opp."), field=DOCUMENT_FIELD)
    try:
        doc = store(session, actor, upload_dir, supplier_id=None, dps_id=dps.id, kind=DPS_KIND, title=title,
                    filename=upload[0], data=upload[1])
    except DocumentError as error:
        raise DomainError(error.message, field=DOCUMENT_FIELD) from None
    record(session, actor, "dps.document_added", "dps", dps.id,
           after={"document_id": doc.id, "title": title, "filename": doc.filename, "size": doc.size})
    return doc


def _tell(session: Session, dps: DPS, kind: str, key: str, **context) -> None:
    suppliers = [s.id for s in qualified_suppliers(session, dps.id)]
    if suppliers:
        notify(session, kind, suppliers=suppliers, url=f"/dps/{dps.slug}", key=key,
               context={"dps": dps.name, **context})


def extend(session: Session, actor: Actor, dps: DPS, raw_until: str, today: Optional[date] = None) -> date:
    today = today or oslo_today()
    until = parse_day(raw_until)
    if until is None:
        raise DomainError(N_("Skriv den nye sluttdatoen som dd.mm.åååå."), field="valid_to")
    if until <= dps.valid_to or until < today:
        raise DomainError(N_("Den nye sluttdatoen må være etter %(date)s."), field="valid_to",
                          date=max(dps.valid_to, today).strftime("%d.%m.%Y"))
    before = dps.valid_to
    dps.valid_to = until
    session.add(dps)
    record(session, actor, "dps.extended", "dps", dps.id, before={"valid_to": before.isoformat()},
           after={"valid_to": until.isoformat()})
    _tell(session, dps, "dps.extended", f"dps:{dps.id}:extended:{until.isoformat()}",
          until=until.strftime("%d.%m.%Y"))
    return until


def close(session: Session, actor: Actor, dps: DPS, reason: str, today: Optional[date] = None) -> date:
    """End the DPS today: the last day applications are accepted is today."""
    today = today or oslo_today()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Skriv en begrunnelse for avslutningen."), field="reason")
    if len(reason) > 2000 or reject_markup(reason):
        raise DomainError(N_("Begrunnelsen kan være høyst 2000 tegn, uten HTML."), field="reason")
    if dps.valid_to <= today:
        raise DomainError(N_("Ordningen er allerede avsluttet eller slutter i dag."), field="reason")
    if dps.valid_from > today:
        raise DomainError(N_("Ordningen har ikke startet ennå; endre perioden i stedet."), field="reason")
    before = dps.valid_to
    dps.valid_to = today
    session.add(dps)
    record(session, actor, "dps.closed", "dps", dps.id, before={"valid_to": before.isoformat()},
           after={"valid_to": today.isoformat()}, detail=reason)
    _tell(session, dps, "dps.closed", f"dps:{dps.id}:closed:{today.isoformat()}", until=today.strftime("%d.%m.%Y"),
          reason=reason)
    return today


def history_day(raw: Optional[str], dps: DPS, today: Optional[date] = None) -> tuple[date, bool]:
    """The day asked for in the qualified-supplier history (today when none or unreadable); ok flag."""
    today = today or oslo_today()
    if not raw:
        return today, True
    day = parse_day(raw)
    if day is None or day > today + timedelta(days=0):
        return today, False
    return day, True
