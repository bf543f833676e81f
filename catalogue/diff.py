"""What changed between two versions of a listing, field by field, for people to read.

Terms are shown through the terms registry (``Term.display``); the NSM matrix is compared
principle by principle and the sub-processors row by row, so a reviewer sees exactly which
principle or which sub-processor changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from sqlmodel import Session

from catalogue import nsm
from catalogue.documents import KINDS, SERVICE_KINDS
from catalogue.i18n import pick, shown_in
from catalogue.listings import CATEGORY_FIELD, DESCRIPTION, DPS_FIELD, FEATURES, NAME, SUMMARY
from catalogue.models import DPS, Category, Document
from catalogue.terms import NSM_MATRIX, TERMS, Term

NameOf = Callable[[str, Optional[int]], str]


@dataclass
class RowChange:
    label: str
    old: str = ""
    new: str = ""

    @property
    def kind(self) -> str:
        if not self.old:
            return "added"
        if not self.new:
            return "removed"
        return "changed"


@dataclass
class Change:
    key: str            # "name", "category_id", "terms.governing_law", "documents.dpa"
    section: str        # listing section: "tjeneste", a terms group key, or "dokumenter"
    label: str
    old: str = ""
    new: str = ""
    rows: list[RowChange] = field(default_factory=list)
    field_id: str = ""


def names_from(session: Session, lang: str = "nb") -> NameOf:
    """Names for the ids a listing refers to (categories, purchasing systems, documents)."""

    def name_of(kind: str, ident: Optional[int]) -> str:
        if ident is None:
            return ""
        if kind == "category":
            cat = session.get(Category, ident)
            return cat.name(lang) if cat else str(ident)
        if kind == "dps":
            dps = session.get(DPS, ident)
            return dps.name if dps else str(ident)
        if kind == "document":
            doc = session.get(Document, ident)
            return f"{doc.filename} ({doc.sha256[:12]})" if doc else str(ident)
        return str(ident)

    return name_of


def _none(lang: str) -> str:
    return pick("Ingen", "None", lang)


def _text_changes(old: Mapping[str, Any], new: Mapping[str, Any], lang: str) -> list[Change]:
    out = []
    for f in (NAME, SUMMARY, DESCRIPTION):
        a, b = old.get(f.key) or "", new.get(f.key) or ""
        if a != b:
            out.append(Change(f.key, "tjeneste", f.label(lang), a, b, field_id=f.field_name))
    a, b = list(old.get("features") or []), list(new.get("features") or [])
    if a != b:
        rows = [RowChange(x, old=x) for x in a if x not in b] + [RowChange(x, new=x) for x in b if x not in a]
        out.append(Change("features", "tjeneste", FEATURES.label(lang), "\n".join(a), "\n".join(b), rows,
                          field_id=FEATURES.field_name))
    return out


def _nsm_rows(term: Term, a: Any, b: Any, lang: str) -> list[RowChange]:
    labels = {key: pick(nb, en, lang) for key, nb, en in nsm.RESPONSIBILITIES}

    def text(entry: Any) -> str:
        if not isinstance(entry, Mapping) or not entry.get("responsibility"):
            return ""
        who = labels.get(entry["responsibility"], entry["responsibility"])
        return f"{who}: {entry.get('how') or ''}".rstrip(": ")

    rows = []
    for p in nsm.PRINCIPLES:
        x, y = text((a or {}).get(p.code)), text((b or {}).get(p.code))
        if x != y:
            rows.append(RowChange(f"{p.code} {pick(p.nb, p.en, lang)}", x, y))
    return rows


def _table_rows(term: Term, a: Any, b: Any, lang: str) -> list[RowChange]:
    def line(row: Mapping[str, Any]) -> str:
        return ", ".join(c.display(row.get(c.key), lang) if row.get(c.key) not in (None, "") else ""
                         for c in term.columns)

    old_lines = [line(r) for r in (a or [])]
    new_lines = [line(r) for r in (b or [])]
    return ([RowChange(x, old=x) for x in old_lines if x not in new_lines]
            + [RowChange(x, new=x) for x in new_lines if x not in old_lines])


def diff(old: Mapping[str, Any], new: Mapping[str, Any], *, name_of: NameOf | None = None,
         lang: str = "nb") -> list[Change]:
    """Every difference from *old* to *new* content, in the order of the listing form."""
    name_of = name_of or (lambda kind, ident: "" if ident is None else str(ident))
    changes = _text_changes(old, new, lang)
    if old.get("category_id") != new.get("category_id"):
        changes.append(Change("category_id", "tjeneste", pick("Kategori", "Category", lang),
                              name_of("category", old.get("category_id")), name_of("category", new.get("category_id")),
                              field_id=CATEGORY_FIELD))
    if old.get("dps_id") != new.get("dps_id"):
        changes.append(Change("dps_id", "tjeneste", pick("Innkjøpsordning (DPS)", "Purchasing system (DPS)", lang),
                              name_of("dps", old.get("dps_id")) or _none(lang),
                              name_of("dps", new.get("dps_id")) or _none(lang), field_id=DPS_FIELD))
    old_terms, new_terms = old.get("terms") or {}, new.get("terms") or {}
    for term in TERMS:
        a, b = old_terms.get(term.key), new_terms.get(term.key)
        if a == b or (a in (None, "", []) and b in (None, "", [])):
            continue
        change = Change(f"terms.{term.key}", term.group, term.label(lang), term.display(a, lang), term.display(b, lang),
                        field_id=term.field_name)
        if term.type == NSM_MATRIX:
            change.rows = _nsm_rows(term, a, b, lang)
        elif term.has_rows:
            change.rows = _table_rows(term, a, b, lang)
        changes.append(change)
    old_docs, new_docs = old.get("documents") or {}, new.get("documents") or {}
    for kind in SERVICE_KINDS:
        if old_docs.get(kind) != new_docs.get(kind):
            with shown_in(lang):  # the kind's name in the language asked for, also outside a request
                kind_label = str(KINDS[kind])
            changes.append(Change(f"documents.{kind}", "dokumenter", kind_label,
                                  name_of("document", old_docs.get(kind)) or _none(lang),
                                  name_of("document", new_docs.get(kind)) or _none(lang)))
    return changes

