"""Saved searches and frozen shortlists for a buyer's procurement file.

A buyer saves a search (its query and filters) as a ``Shortlist``. Freezing it records the
exact version of every service the search found at that moment, as ``ShortlistItem`` rows
pointing at the ``ArchivedService`` snapshot of that version. A frozen list is read only
from those snapshots, so later edits, new versions or removals never change it. The buyer may mark
a service in it as set aside ("valgt bort") with a reason – it stays in the list and its exports,
shown with the reason – and undo that; each change is audited, nothing else of the list changes.

Who may see a shortlist (decided here, enforced by ``can_read`` / ``can_change``):
- the buyer who made it may read, freeze and delete it (delete only while not frozen);
- other buyers acting for the *same organisation* may read and export it, because a
  procurement file belongs to the public body, not to one employee – but not change it;
- the contract manager may read and export any shortlist (supervision);
- nobody else learns that it exists (the views answer 404).
"""
from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Optional, Sequence

from zoneinfo import ZoneInfo

from babel.support import LazyProxy
from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, func, or_, update
from sqlmodel import Field, Session, SQLModel, select

from catalogue.i18n import _l, text
from catalogue.viewer import Viewer
from catalogue.audit import Actor, record
from catalogue.compare import Entry
from catalogue.i18n import _l
from catalogue.lifecycle import status_check
from catalogue.models import DPS, ArchivedService, Category, Service, ServiceStatus, Supplier, User, utcnow
from catalogue.terms import TERMS
from catalogue.text import reject_markup

MAX_FROZEN = 30          # a search may be frozen when it finds at most this many services
NAME_MAX = 120
MAX_QUERY_PAIRS = 60     # a saved query holds at most this many parameters ...
MAX_VALUE_LENGTH = 200   # ... each at most this long
# Parameters that describe the page rather than the search are not saved.
NOT_SAVED = {"side", "per_page", "lang"}



class ShortlistStatus(StrEnum):
    SAVED = "saved"
    FROZEN = "frozen"

OSLO = ZoneInfo("Europe/Oslo")


class Shortlist(SQLModel, table=True):
    """A saved search of one buyer, acting for one organisation; frozen or not."""

    __tablename__ = "shortlist"
    __table_args__ = (Index("ix_shortlist_orgnr_status", "orgnr", "status"), status_check("shortlist", ShortlistStatus))

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    orgnr: str = Field(default="", max_length=9)   # the organisation acted for when saved
    name: str = Field(max_length=NAME_MAX)
    query: Any = Field(default=None, sa_column=Column(JSON, nullable=False))  # [[param, value], ...]
    status: ShortlistStatus = Field(default=ShortlistStatus.SAVED, sa_type=String(10), nullable=False)
    created_at: datetime = Field(default_factory=utcnow)
    frozen_at: Optional[datetime] = None
    frozen_total: Optional[int] = None

    @property
    def is_frozen(self) -> bool:
        return self.status == ShortlistStatus.FROZEN

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in (self.query or [])]


class ShortlistItem(SQLModel, table=True):
    """One service in a frozen shortlist: the exact version (snapshot) seen when it was frozen."""

    __tablename__ = "shortlist_item"
    __table_args__ = (
        UniqueConstraint("shortlist_id", "position", name="uq_shortlist_item_position"),
        UniqueConstraint("shortlist_id", "service_id", name="uq_shortlist_item_service"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    shortlist_id: int = Field(foreign_key="shortlist.id", index=True)
    position: int
    service_id: int = Field(foreign_key="service.id")
    version: int
    archived_id: int = Field(foreign_key="archived_service.id")
    # Set aside ("valgt bort") by the buyer, with the reason; the service stays in the list.
    set_aside_reason: Optional[str] = Field(default=None, max_length=1000)
    set_aside_at: Optional[datetime] = None
    set_aside_by: Optional[str] = Field(default=None, max_length=200)

    @property
    def is_set_aside(self) -> bool:
        return self.set_aside_at is not None


# ---------------------------------------------------------------------------
# input


def clean_name(raw: str | None) -> tuple[str, LazyProxy | None]:
    name = " ".join((raw or "").split())
    if not name:
        return "", _l("Gi listen et navn.")
    if len(name) > NAME_MAX:
        return name, _l("Navnet kan være høyst %(maximum)s tegn (nå %(now)s).", maximum=NAME_MAX, now=len(name))
    bad = reject_markup(name)
    return name, bad


def clean_query(pairs: Sequence[tuple[str, str]]) -> tuple[list[list[str]], LazyProxy | None]:
    """The search parameters worth keeping: no paging, no blanks, bounded in size."""
    kept = [[str(k), str(v).strip()] for k, v in pairs if k not in NOT_SAVED and str(v).strip()]
    if len(kept) > MAX_QUERY_PAIRS or any(len(k) > 60 or len(v) > MAX_VALUE_LENGTH for k, v in kept):
        return [], _l("Søket er for stort til å lagres. Bruk færre filtre eller kortere søkeord.")
    return kept, None


def default_name(session: Session, pairs: Sequence[tuple[str, str]], now: datetime | None = None,
                 lang: str = "nb") -> str:
    """A suggested name: the search words, or the first filters, and today's date."""
    words = " ".join(v for k, v in pairs if k == "q")
    if not words:
        described = describe_query(session, pairs, lang)
        words = "; ".join(f"{label}: {value}" for label, value in described[:2]) \
            or text(_l("Alle tjenester"))
    local = (now or utcnow()).replace(tzinfo=timezone.utc).astimezone(OSLO)
    return f"{words[:80]} – {local:%d.%m.%Y}"


# ---------------------------------------------------------------------------
# access


def can_read(viewer: Viewer, shortlist: Shortlist) -> bool:
    if viewer.is_manager:
        return True
    if not viewer.is_buyer:
        return False
    return shortlist.user_id == viewer.user_id or (bool(viewer.orgnr) and shortlist.orgnr == viewer.orgnr)


def can_change(viewer: Viewer, shortlist: Shortlist) -> bool:
    return viewer.is_buyer and shortlist.user_id == viewer.user_id


def get_readable(session: Session, viewer: Viewer, shortlist_id: int) -> Shortlist | None:
    """The shortlist if *viewer* may read it, else None (the caller answers 404)."""
    if shortlist_id > 2**31 - 1:
        return None
    shortlist = session.get(Shortlist, shortlist_id)
    return shortlist if shortlist is not None and can_read(viewer, shortlist) else None


def for_viewer(session: Session, viewer: Viewer) -> list[tuple[Shortlist, str, int]]:
    """``(shortlist, owner name, item count)`` the buyer may read: their own and their organisation's."""
    condition = Shortlist.user_id == viewer.user_id
    if viewer.orgnr:
        condition = or_(condition, Shortlist.orgnr == viewer.orgnr)
    counts = (select(ShortlistItem.shortlist_id, func.count().label("n"))
              .group_by(ShortlistItem.shortlist_id).subquery())
    rows = session.exec(
        select(Shortlist, User.name, counts.c.n)
        .join(User, User.id == Shortlist.user_id)
        .join(counts, counts.c.shortlist_id == Shortlist.id, isouter=True)
        .where(condition)
        .order_by(Shortlist.created_at.desc(), Shortlist.id.desc())
    ).all()
    return [(s, owner, n or 0) for s, owner, n in rows]


# ---------------------------------------------------------------------------
# changes (each with its audit event, in the caller's transaction)


def save_search(session: Session, viewer: Viewer, name: str, pairs: Sequence[tuple[str, str]]
                ) -> tuple[Shortlist | None, dict[str, Any]]:
    """Save a search for *viewer* (a buyer). Validates everything before writing anything."""
    errors: dict[str, Any] = {}
    clean, error = clean_name(name)
    if error:
        errors["name"] = error
    query, error = clean_query(pairs)
    if error:
        errors["query"] = error
    if errors:
        return None, errors
    shortlist = Shortlist(user_id=viewer.user_id, orgnr=viewer.orgnr, name=clean, query=query)
    session.add(shortlist)
    session.flush()
    record(session, viewer.actor(), "shortlist.saved", "shortlist", shortlist.id,
           after={"name": clean, "query": query})
    return shortlist, {}


def freeze(session: Session, shortlist: Shortlist, actor: Actor, service_ids: Sequence[int], total: int
           ) -> LazyProxy | None:
    """Freeze *shortlist* with the services its search finds now (*service_ids*, in result order).

    *total* is the number of hits the search reported; more than ``MAX_FROZEN`` is refused.
    Each service is recorded at its current published version (its ``ArchivedService``
    snapshot); a hit the database no longer has as published (the index lags by a moment)
    is left out. Returns an error message, or None when frozen.
    """
    if shortlist.is_frozen:
        return _l("Listen er allerede frosset.")
    if total > MAX_FROZEN:
        return _l("Søket gir %(total)s treff. Du kan fryse en liste med høyst %(maximum)s tjenester – "
                  "snevre inn søket med flere filtre, og lagre det på nytt.", total=total, maximum=MAX_FROZEN)
    ids = list(dict.fromkeys(service_ids))[:MAX_FROZEN]
    rows = session.exec(
        select(Service.id, Service.version, ArchivedService.id)
        .join(ArchivedService, (ArchivedService.service_id == Service.id) & (ArchivedService.version == Service.version))
        .where(Service.id.in_(ids), Service.status == ServiceStatus.PUBLISHED)
    ).all() if ids else []
    snapshot_of = {sid: (version, archived_id) for sid, version, archived_id in rows}
    kept = [sid for sid in ids if sid in snapshot_of]
    now = utcnow()
    # Guarded update: if two requests freeze the same list at once, only one wins.
    done = session.execute(
        update(Shortlist).where(Shortlist.id == shortlist.id, Shortlist.status == ShortlistStatus.SAVED)
        .values(status=ShortlistStatus.FROZEN, frozen_at=now, frozen_total=len(kept))
    )
    if done.rowcount != 1:
        return _l("Listen er allerede frosset.")
    for position, sid in enumerate(kept, start=1):
        version, archived_id = snapshot_of[sid]
        session.add(ShortlistItem(shortlist_id=shortlist.id, position=position, service_id=sid,
                                  version=version, archived_id=archived_id))
    record(session, actor, "shortlist.frozen", "shortlist", shortlist.id,
           before={"status": ShortlistStatus.SAVED}, after={"status": ShortlistStatus.FROZEN, "services": [[sid, snapshot_of[sid][0]] for sid in kept]},
           detail=f"{len(kept)} tjenester")
    session.flush()
    session.refresh(shortlist)
    return None


def delete(session: Session, shortlist: Shortlist, actor: Actor) -> LazyProxy | None:
    """Delete a saved (not frozen) search. A frozen list is part of a procurement file and stays."""
    if shortlist.is_frozen:
        return _l("En frosset liste kan ikke slettes: den er en del av anskaffelsesdokumentasjonen.")
    record(session, actor, "shortlist.deleted", "shortlist", shortlist.id,
           before={"name": shortlist.name, "query": shortlist.query})
    session.delete(shortlist)
    return None


SET_ASIDE_REASON_MAX = 1000


def frozen_item(session: Session, shortlist: Shortlist, service_id: int) -> ShortlistItem | None:
    if not shortlist.is_frozen or not 0 < service_id <= 2**31 - 1:
        return None
    return session.exec(select(ShortlistItem).where(ShortlistItem.shortlist_id == shortlist.id,
                                                    ShortlistItem.service_id == service_id)).first()


def clean_set_aside_reason(raw: str | None) -> tuple[str, Any]:
    """The reason for setting a service aside: required, plain text, at most ``SET_ASIDE_REASON_MAX``."""
    reason = (raw or "").strip()
    if not reason:
        return "", _l("Skriv hvorfor tjenesten velges bort.")
    if len(reason) > SET_ASIDE_REASON_MAX:
        return reason, _l("Begrunnelsen kan være høyst %(max)s tegn (nå %(now)s).", max=SET_ASIDE_REASON_MAX,
                          now=len(reason))
    bad = reject_markup(reason)
    if bad:
        return reason, _l("Begrunnelsen kan ikke inneholde HTML, skript eller kontrolltegn.")
    return reason, None


def set_aside(session: Session, shortlist: Shortlist, item: ShortlistItem, actor: Actor, reason: str) -> Any:
    """Mark a service of a frozen list as set aside, with the reason (or change the reason).

    The service stays in the list and its exports, shown as set aside with the reason; nothing
    else of the frozen list changes. Returns an error message, or None when recorded.
    """
    clean, error = clean_set_aside_reason(reason)
    if error:
        return error
    if not shortlist.is_frozen or item.shortlist_id != shortlist.id:
        return _l("Bare tjenester i en frosset liste kan velges bort.")
    before = {"set_aside_reason": item.set_aside_reason} if item.is_set_aside else {}
    item.set_aside_reason, item.set_aside_at, item.set_aside_by = clean, utcnow(), actor.name[:200]
    session.add(item)
    record(session, actor, "shortlist.service_set_aside", "shortlist", shortlist.id, before=before,
           after={"service_id": item.service_id, "version": item.version, "set_aside_reason": clean})
    return None


def undo_set_aside(session: Session, shortlist: Shortlist, item: ShortlistItem, actor: Actor) -> Any:
    """Take a service back into consideration; the reason it had is kept in the audit log."""
    if not item.is_set_aside or item.shortlist_id != shortlist.id:
        return _l("Tjenesten er ikke valgt bort.")
    record(session, actor, "shortlist.service_set_aside_undone", "shortlist", shortlist.id,
           before={"service_id": item.service_id, "set_aside_reason": item.set_aside_reason},
           after={"service_id": item.service_id, "set_aside_reason": None})
    item.set_aside_reason = item.set_aside_at = item.set_aside_by = None
    session.add(item)
    return None


def set_aside_of(session: Session, shortlist: Shortlist) -> dict[int, ShortlistItem]:
    """The services set aside in a frozen list: service id → its item (reason, when, by whom)."""
    rows = session.exec(select(ShortlistItem).where(ShortlistItem.shortlist_id == shortlist.id,
                                                    ShortlistItem.set_aside_at.is_not(None))).all()
    return {item.service_id: item for item in rows}


# ---------------------------------------------------------------------------
# reading a frozen list


def frozen_entries(session: Session, shortlist: Shortlist) -> list[Entry]:
    """The services of a frozen list, exactly as they were when it was frozen (from snapshots).

    Two queries whatever the size: the items with their snapshots and suppliers, then the
    categories those snapshots name.
    """
    rows = session.exec(
        select(ShortlistItem, ArchivedService, Supplier)
        .join(ArchivedService, ArchivedService.id == ShortlistItem.archived_id)
        .join(Service, Service.id == ShortlistItem.service_id)
        .join(Supplier, Supplier.id == Service.supplier_id)
        .where(ShortlistItem.shortlist_id == shortlist.id)
        .order_by(ShortlistItem.position)
    ).all()
    category_ids = {(snap.content or {}).get("category_id") for _, snap, _ in rows} - {None}
    categories = {c.id: c for c in session.exec(select(Category).where(Category.id.in_(category_ids))).all()} \
        if category_ids else {}
    entries = []
    for item, snap, supplier in rows:
        content = snap.content or {}
        entries.append(Entry(service_id=item.service_id, version=item.version, name=content.get("name", ""),
                             summary=content.get("summary", ""), supplier_name=supplier.name,
                             supplier_orgnr=supplier.orgnr, supplier_slug=supplier.slug,
                             category=categories.get(content.get("category_id")),
                             published_at=snap.published_at, terms=dict(content.get("terms") or {})))
    return entries


# ---------------------------------------------------------------------------
# a saved query as people read it


SORT_LABELS = {"relevans": _l("Relevans"), "navn": _l("Navn"),
               "nyeste": _l("Nyeste først")}
PARAM_LABELS = {
    "q": _l("Søkeord"),
    "kategori": _l("Kategori"),
    "underkategori": _l("Underkategori"),
    "leverandor": _l("Leverandør"),
    "dps": _l("Kvalifisert i dynamisk innkjøpsordning"),
    "sorter": _l("Sortering"),
}


def describe_query(session: Session, pairs: Sequence[tuple[str, str]], lang: str = "nb") -> list[tuple[str, str]]:
    """``[(label, values)]`` for a search's parameters, with the names people know.

    Slugs become category, supplier and DPS names; term filters get the registry's labels.
    Values of one parameter are joined; the parameters keep their first-seen order.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        if key in NOT_SAVED or not value:
            continue
        grouped.setdefault(key, []).append(value)
    # One query per kind of slug present (at most three), for the names behind the slugs.
    names_of: dict[str, dict[str, str]] = {}
    for keys, model, name_of in (
        (("kategori", "underkategori"), Category, lambda c: c.name(lang)),
        (("leverandor",), Supplier, lambda s: s.name),
        (("dps",), DPS, lambda d: d.name),
    ):
        wanted = {v for k in keys for v in grouped.get(k, [])}
        found = session.exec(select(model).where(model.slug.in_(wanted))).all() if wanted else []
        for k in keys:
            names_of[k] = {row.slug: name_of(row) for row in found}
    out = []
    for key, values in grouped.items():
        term = TERMS.get(key)
        if term is not None:
            label = term.short_label(lang)
            names = [term.choice_label(v, lang) for v in values]
        else:
            label = text(PARAM_LABELS[key]) if key in PARAM_LABELS else key
            lookup = names_of.get(key, {})
            if key == "sorter":
                names = [text(SORT_LABELS[v]) if v in SORT_LABELS else v for v in values]
            else:
                names = [lookup.get(v, v) for v in values]
        out.append((label, ", ".join(names)))
    return out
