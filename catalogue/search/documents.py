"""What the index holds for each kind of entity, read from the database.

The change log names an *entity* ("service", "supplier", "category", "article") and its id. A
small registry maps each entity to a ``Source`` that re-reads the current state and returns
the index documents it implies: ``{document id: fields}``, with ``None`` meaning "delete".
Re-reading instead of trusting the log makes applying a change idempotent, so an entry may
be applied twice (after a crash, or by a second index) without harm.

Only *published* services (and published articles) become documents.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Collection, Iterable, Iterator

from sqlmodel import Session, select

from catalogue.models import DPS, Category, Qualification, QualificationStatus, Service, ServiceStatus, Supplier
from catalogue.search import analysis
from catalogue.confirmation import confirmation_of
from catalogue.search.schema import (CATEGORY_PARAM, CONFIRMATION_PARAM, DPS_PARAM, FACET_FIELD, FACETS, KIND_SERVICE,
                                     NOT_STATED, SPELLING_FIELD, SUBCATEGORY_PARAM, SUPPLIER_PARAM, shown_term_keys,
                                     sort_column)
from catalogue.terms import TERMS

Documents = dict[str, "dict[str, Any] | None"]

# A fixed salt: the stored tie-break is a stable pseudo-random order of services; the reader
# rotates it daily (catalogue.search.reader), so no supplier is always first among equals.
TIEBREAK_SALT = "markedsplassen-tiebreak-1"


def doc_id(kind: str, entity_id: int) -> str:
    return f"{kind}:{entity_id}"


def tiebreak(kind: str, entity_id: int) -> int:
    digest = hashlib.blake2b(f"{TIEBREAK_SALT}:{kind}:{entity_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


# Norwegian alphabetical order: … x y z æ ø å. Code points put å before æ and ø, so the sort
# key moves the three letters after "z" in the right order.
_COLLATE = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


def name_sort_key(name: str) -> bytes:
    words = [analysis.fold(m.group()) for m in analysis.TOKEN_RE.finditer(name)]
    return " ".join(words).translate(_COLLATE).encode("utf-8")


def epoch(value: datetime | None) -> int:
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


# ---------------------------------------------------------------------------
# services


@dataclass
class Catalogue:
    """The small tables every service document needs, read once per batch or rebuild."""

    categories: dict[int, Category]
    dps: dict[int, DPS]
    suppliers: dict[int, Supplier] = field(default_factory=dict)
    # (supplier id, category id) -> DPS ids the supplier is qualified in for that category
    qualified: dict[tuple[int, int], set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, supplier_ids: Collection[int] | None = None) -> "Catalogue":
        """Categories and DPSes; suppliers and qualifications for *supplier_ids* (all when None)."""
        cat = cls(categories={c.id: c for c in session.exec(select(Category)).all()},
                  dps={d.id: d for d in session.exec(select(DPS)).all()})
        sup_q = select(Supplier)
        qual_q = select(Qualification.supplier_id, Qualification.category_id, Qualification.dps_id).where(
            Qualification.status == QualificationStatus.QUALIFIED)
        if supplier_ids is not None:
            ids = sorted(set(supplier_ids))
            if not ids:
                return cat
            sup_q = sup_q.where(Supplier.id.in_(ids))
            qual_q = qual_q.where(Qualification.supplier_id.in_(ids))
        cat.suppliers = {s.id: s for s in session.exec(sup_q).all()}
        qualified: dict[tuple[int, int], set[int]] = defaultdict(set)
        for supplier_id, category_id, dps_id in session.exec(qual_q).all():
            qualified[(supplier_id, category_id)].add(dps_id)
        cat.qualified = dict(qualified)
        return cat

    def labels(self) -> dict[str, Any]:
        """Facet labels the index keeps beside the documents (categories and DPSes)."""
        by_id = self.categories
        return {
            "categories": {
                c.slug: {"nb": c.name_nb, "en": c.name_en, "position": c.position,
                         "parent": by_id[c.parent_id].slug if c.parent_id in by_id else None}
                for c in by_id.values()
            },
            "dps": {d.slug: d.name for d in self.dps.values()},
        }


def name_without_supplier(name: str, supplier: str) -> str:
    """*name* without the words of the *supplier*'s name (all of *name* if nothing would remain)."""
    supplier_words = {analysis.fold(m.group()) for m in analysis.TOKEN_RE.finditer(supplier)}
    kept = [m.group() for m in analysis.TOKEN_RE.finditer(name) if analysis.fold(m.group()) not in supplier_words]
    return " ".join(kept) if kept else name


def service_document(service: Service, cat: Catalogue) -> dict[str, Any] | None:
    """The index document of *service*, or ``None`` when it must not be searchable."""
    if service.status != ServiceStatus.PUBLISHED:
        return None
    supplier = cat.suppliers.get(service.supplier_id)
    category = cat.categories.get(service.category_id)
    if supplier is None or category is None:
        return None
    parent = cat.categories.get(category.parent_id) if category.parent_id else None
    top = parent or category
    terms = dict(service.terms or {})
    features = [str(f) for f in (service.features or [])]
    dps_ids = cat.qualified.get((supplier.id, category.id), set()) | (
        cat.qualified.get((supplier.id, parent.id), set()) if parent else set())
    category_text = "\n".join(n for c in (category, parent) if c for n in (c.name_nb, c.name_en))
    doc: dict[str, Any] = {
        "id": doc_id(KIND_SERVICE, service.id),
        "kind": KIND_SERVICE,
        "ref": service.id,
        "supplier_slug": supplier.slug,
        "category_slug": category.slug,
        "published": epoch(service.published_at),
        "name_key": name_sort_key(service.name),
        "tiebreak": tiebreak(KIND_SERVICE, service.id),
        # The supplier's name in a service name ("Fjordsky Database") says who, not what: the
        # name field indexes what is left (the supplier field has the rest), stores the whole.
        "name": name_without_supplier(service.name, supplier.name),
        "_stored_name": service.name,
        "summary": service.summary or "",
        "features": "\n".join(features),
        "description": service.description or "",
        "category": category_text,
        "supplier": supplier.name,
        # Suggestions come from the words people see in result lists (not whole descriptions).
        SPELLING_FIELD: "\n".join([service.name, service.summary or "", *features, category.name_nb,
                                   top.name_nb, supplier.name]),
    }
    # Each value as JSON text: a page reads twenty documents and shows two or three of their terms,
    # and strings load many times faster than the nested dictionaries they stand for.
    doc["terms"] = {key: json.dumps(TERMS[key].compact(terms[key]), ensure_ascii=False)
                    for key in shown_term_keys() if terms.get(key) not in (None, "", [])}
    for term in TERMS.sortable():  # the price to sort by; services without one come last
        value = term.sort_value(terms.get(term.key))
        doc[sort_column(term)] = NOT_STATED if value is None else value
    facet_terms: list[str] = []
    for facet in FACETS:
        if facet.key == CATEGORY_PARAM:
            values = [top.slug]
        elif facet.key == SUBCATEGORY_PARAM:
            values = [category.slug] if parent else []
        elif facet.key == SUPPLIER_PARAM:
            values = [supplier.slug]
        elif facet.key == DPS_PARAM:
            values = sorted(cat.dps[d].slug for d in dps_ids if d in cat.dps)
        elif facet.key == CONFIRMATION_PARAM:
            # As of the day it is indexed; the daily job re-logs a listing on the day it passes 13 months.
            value = confirmation_of(service).facet_value
            values = [value] if value else []
        else:
            values = facet.term.facet_values(terms.get(facet.key))
        facet_terms += facet.index_terms(values)
    doc[FACET_FIELD] = facet_terms
    return doc


def _service_docs(session: Session, services: Iterable[Service], wanted_ids: Collection[int]) -> Documents:
    services = list(services)
    cat = Catalogue.load(session, {s.supplier_id for s in services})
    docs: Documents = {doc_id(KIND_SERVICE, i): None for i in wanted_ids}
    for service in services:
        docs[doc_id(KIND_SERVICE, service.id)] = service_document(service, cat)
    return docs


def _chunks(ids: Collection[int], size: int = 500) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def changed_services(session: Session, ids: Collection[int]) -> Documents:
    docs: Documents = {}
    for chunk in _chunks(ids):
        docs.update(_service_docs(session, session.exec(select(Service).where(Service.id.in_(chunk))).all(), chunk))
    return docs


def changed_suppliers(session: Session, ids: Collection[int]) -> Documents:
    """A supplier's name, slug or DPS qualification shows on every one of its services."""
    service_ids = session.exec(select(Service.id).where(Service.supplier_id.in_(sorted(set(ids))))).all()
    return changed_services(session, service_ids)


def changed_categories(session: Session, ids: Collection[int]) -> Documents:
    """A renamed or moved category shows on the services in it and in its sub-categories."""
    ids = sorted(set(ids))
    children = session.exec(select(Category.id).where(Category.parent_id.in_(ids))).all() if ids else []
    service_ids = session.exec(select(Service.id).where(Service.category_id.in_(ids + list(children)))).all()
    return changed_services(session, service_ids)


def all_services(session: Session, batch: int = 1000, first_id: int = 1,
                 last_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Every published service's document (ids from *first_id* to *last_id*), in id order."""
    cat = Catalogue.load(session)
    last_seen = first_id - 1
    while True:
        query = select(Service).where(Service.status == ServiceStatus.PUBLISHED, Service.id > last_seen)
        if last_id is not None:
            query = query.where(Service.id <= last_id)
        rows = session.exec(query.order_by(Service.id).limit(batch)).all()
        if not rows:
            return
        for service in rows:
            doc = service_document(service, cat)
            if doc is not None:
                yield doc
        last_seen = rows[-1].id
        session.expunge_all()  # keep memory flat over 50 000 services


def count_published(session: Session) -> int:
    from sqlalchemy import func

    return session.exec(select(func.count()).select_from(Service).where(Service.status == ServiceStatus.PUBLISHED)).one()


def published_service_ids(session: Session) -> list[int]:
    return list(session.exec(select(Service.id).where(Service.status == ServiceStatus.PUBLISHED).order_by(Service.id)).all())


# ---------------------------------------------------------------------------
# the registry


@dataclass(frozen=True)
class Source:
    """How one entity of the change log becomes index documents.

    ``changed(session, ids)`` re-reads the entities and returns ``{document id: fields or None}``;
    ``everything(session)`` streams all documents of the kind for a rebuild (``None`` when the
    entity only fans out to other kinds, like suppliers and categories);
    ``count(session)`` sizes the rebuild's progress bar.
    """

    changed: Callable[[Session, Collection[int]], Documents]
    everything: Callable[[Session], Iterator[dict[str, Any]]] | None = None
    count: Callable[[Session], int] | None = None


SOURCES: dict[str, Source] = {}


def register_source(entity: str, source: Source) -> None:
    """Plug in a new entity type of the change log (e.g. guidance articles)."""
    SOURCES[entity] = source


register_source("service", Source(changed_services, all_services, count_published))
register_source("supplier", Source(changed_suppliers))
register_source("category", Source(changed_categories))


def documents_for(session: Session, changes: Iterable[tuple[str, int]]) -> Documents:
    """The documents implied by change-log entries ``(entity, id)``; unknown entities are skipped."""
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id in changes:
        by_entity[entity].add(entity_id)
    docs: Documents = {}
    for entity, ids in by_entity.items():
        source = SOURCES.get(entity)
        if source is not None:
            docs.update(source.changed(session, ids))
    return docs
