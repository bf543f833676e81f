"""Side-by-side comparison of 2–5 services' terms, with a buyer's requirements.

Everything is generated from the terms registry: the rows are ``TERMS.comparable()`` in
its groups, the requirement form is ``TERMS.requirements()`` and the verdicts come from
``Term.meets``. The same rows (``fields``) feed the comparison page and the CSV/ODS
exports, so a term added to the registry shows up everywhere at once.

A comparison works on ``Entry`` objects – one version of one service – so it can show
either the live catalogue (``live_entries``) or the frozen snapshots of a shortlist
(``catalogue.shortlists.frozen_entries``) without knowing which.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from sqlmodel import Session, select

from catalogue import nsm
from catalogue.i18n import _l, lazy_pick, pick, text
from catalogue.models import Category, Service, ServiceStatus, Supplier
from catalogue.terms import (BOOLEAN, CHOICE, DECIMAL, MULTICHOICE, NSM_MATRIX, REQ_AT_LEAST, REQ_AT_MOST,
                             REQ_IS, REQ_WITHIN, TERMS, Group, Term, nsm_covered)

MIN_SERVICES = 2
MAX_SERVICES = 5
# URL parameter names: ``id`` (repeated) for the services, ``krav-<term key>`` for requirements.
ID_PARAM = "id"
REQ_PREFIX = "krav-"
NOT_STATED = _l("Ikke oppgitt")


# ---------------------------------------------------------------------------
# what is compared: one version of one service


@dataclass(frozen=True)
class Entry:
    """One version of one service, as compared and exported."""

    service_id: int
    version: int
    name: str
    summary: str
    supplier_name: str
    supplier_orgnr: str
    supplier_slug: str
    category: Category | None
    published_at: datetime | None
    terms: Mapping[str, Any]

    def category_name(self, lang: str = "nb") -> str:
        return self.category.name(lang) if self.category else ""


def parse_ids(values: Iterable[str]) -> tuple[list[int], Any]:
    """The distinct service ids in *values* (order kept), or a message saying what is wrong."""
    ids: list[int] = []
    for raw in values:
        raw = (raw or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 9:
            return [], _l("«%(given)s» er ikke et gyldig tjenestenummer.", given=raw[:20])
        number = int(raw)
        if number not in ids:
            ids.append(number)
    if len(ids) > MAX_SERVICES:
        return ids, _l("Du kan sammenligne høyst %(most)s tjenester om gangen (du valgte %(chosen)s).",
                        most=MAX_SERVICES, chosen=len(ids))
    if len(ids) < MIN_SERVICES:
        return ids, _l("Velg minst %(least)s tjenester for å sammenligne (du har valgt %(chosen)s).",
                        least=MIN_SERVICES, chosen=len(ids))
    return ids, None


def live_entries(session: Session, ids: Sequence[int]) -> tuple[list[Entry], list[int]]:
    """The published services among *ids* in the given order, and the ids that are not published.

    One query (services with suppliers and categories), whatever the number of services.
    """
    if not ids:
        return [], []
    rows = session.exec(
        select(Service, Supplier, Category)
        .join(Supplier, Supplier.id == Service.supplier_id)
        .join(Category, Category.id == Service.category_id)
        .where(Service.id.in_(list(ids)), Service.status == ServiceStatus.PUBLISHED)
    ).all()
    by_id = {svc.id: Entry(service_id=svc.id, version=svc.version, name=svc.name, summary=svc.summary,
                           supplier_name=sup.name, supplier_orgnr=sup.orgnr, supplier_slug=sup.slug,
                           category=cat, published_at=svc.published_at, terms=dict(svc.terms or {}))
             for svc, sup, cat in rows}
    return [by_id[i] for i in ids if i in by_id], [i for i in ids if i not in by_id]


# ---------------------------------------------------------------------------
# the rows: a term, or one principle of the NSM matrix


@dataclass(frozen=True)
class Field:
    """One row of the comparison (and one column of an export).

    Every comparable term is one field; the NSM matrix adds one field per principle (who is
    responsible), because that is what buyers compare.
    """

    term: Term
    principle: nsm.Principle | None = None

    @property
    def key(self) -> str:
        return f"{self.term.key}.{self.principle.code}" if self.principle else self.term.key

    def label(self, lang: str = "nb") -> str:
        if self.principle:
            return f"{self.principle.code} {pick(self.principle.nb, self.principle.en, lang)}"
        return self.term.label(lang)

    def value(self, terms: Mapping[str, Any]) -> Any:
        value = terms.get(self.term.key)
        if self.principle:
            entry = value.get(self.principle.code) if isinstance(value, Mapping) else None
            return (entry or {}).get("responsibility") or None
        return value

    def comparable_value(self, terms: Mapping[str, Any]) -> str:
        """What decides whether two services differ on this row (a canonical JSON text)."""
        value = self.value(terms)
        if self.term.type == NSM_MATRIX and not self.principle:
            value = nsm_covered(value)
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    def text(self, terms: Mapping[str, Any], lang: str = "nb") -> str:
        """The value as one line of text (exports, and the page for simple terms)."""
        if self.principle:
            value = self.value(terms)
            for key, nb, en in nsm.RESPONSIBILITIES:
                if key == value:
                    return pick(nb, en, lang)
            return text(NOT_STATED)
        return self.term.display(self.value(terms), lang)


def fields(*, include_buyer_only: bool) -> list[tuple[Group, list[Field]]]:
    """The comparison rows in registry order, grouped; buyer-only terms only when asked for."""
    allowed = {t.key for t in TERMS.comparable(include_buyer_only=include_buyer_only)}
    out = []
    for group, terms in TERMS.grouped(include_buyer_only=include_buyer_only):
        rows: list[Field] = []
        for term in terms:
            if term.key not in allowed:
                continue
            rows.append(Field(term))
            if term.type == NSM_MATRIX:
                rows.extend(Field(term, p) for p in nsm.PRINCIPLES)
        if rows:
            out.append((group, rows))
    return out


def flat_fields(*, include_buyer_only: bool) -> list[Field]:
    return [f for _, group_fields in fields(include_buyer_only=include_buyer_only) for f in group_fields]


# ---------------------------------------------------------------------------
# requirements


def requirement_terms() -> list[Term]:
    return TERMS.requirements()


def requirement_groups() -> list[tuple[Group, list[Term]]]:
    """The requirement terms under their registry groups (for the requirements form)."""
    wanted = {t.key for t in requirement_terms()}
    groups = [(g, [t for t in terms if t.key in wanted]) for g, terms in TERMS.grouped(include_buyer_only=False)]
    return [(g, terms) for g, terms in groups if terms]


def requirement_field_id(term: Term) -> str:
    """The id of the (first) input of a requirement: the error summary links to it."""
    return f"{REQ_PREFIX}{term.key}"


def option_pairs(term: Term, lang: str = "nb") -> list[tuple[str, str]]:
    """``[(value, label)]`` of a term's options, for a requirement's checkboxes or radios."""
    return [(c.value, c.label(lang)) for c in term.options]


def takes_number(term: Term) -> bool:
    return term.requirement in (REQ_AT_LEAST, REQ_AT_MOST)


def takes_one(term: Term) -> bool:
    """Requirements answered with a single choice (yes/no) rather than a set of options."""
    return term.requirement == REQ_IS


def read_requirements(args) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """The buyer's requirements from the query string (``krav-<key>``), validated.

    Returns ``({term key: wanted values}, {term key: error})``; a requirement with an
    error is left out of the first dict, so a bad value never silently counts as met.
    """
    wanted: dict[str, list[str]] = {}
    errors: dict[str, Any] = {}
    for term in requirement_terms():
        values = [v.strip() for v in args.getlist(REQ_PREFIX + term.key) if v and v.strip()]
        if not values:
            continue
        if takes_number(term):
            number, error = term.clean(values[0])
            if error or len(values) > 1:
                errors[term.key] = error or _l("Oppgi ett tall for «%(term)s».", term=term.shown_label)
                continue
            wanted[term.key] = [str(number)]
            continue
        allowed = [c.value for c in term.options]
        unknown = [v for v in values if v not in allowed]
        if unknown or (takes_one(term) and len(set(values)) > 1):
            errors[term.key] = _l("Ukjent valg i kravet «%(term)s».",
                                  term=lazy_pick(term.short_nb or term.nb, term.short_en or term.en))
            continue
        wanted[term.key] = [v for v in allowed if v in values]  # registry order: stable URLs
    return wanted, errors


def requirement_args(wanted: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    return [(REQ_PREFIX + key, v) for key, values in wanted.items() for v in values]


def describe_requirement(term: Term, values: Sequence[str], lang: str = "nb") -> str:
    """«Lovvalg: Norsk rett eller Svensk rett» – a requirement as a person reads it."""
    label = term.short_label(lang)
    if takes_number(term):
        figure = term.display(float(values[0]) if term.type == DECIMAL else int(float(values[0])), lang)
        if term.requirement == REQ_AT_LEAST:
            return text(_l("%(term)s: minst %(figure)s", term=label, figure=figure))
        return text(_l("%(term)s: høyst %(figure)s", term=label, figure=figure))
    names = [term.choice_label(v, lang) for v in values]
    if term.type == MULTICHOICE and term.requirement == REQ_WITHIN:
        return text(_l("%(term)s: bare %(choices)s", term=label, choices=", ".join(names)))
    if term.type in (MULTICHOICE, NSM_MATRIX):
        return f"{label}: {', '.join(names)}"
    if term.type in (CHOICE, BOOLEAN):
        either = names[0]
        for name in names[1:]:
            either = text(_l("%(one)s eller %(other)s", one=either, other=name))
        return f"{label}: {either}"
    return f"{label}: {', '.join(names)}"  # pragma: no cover - every requirement type is handled above


# ---------------------------------------------------------------------------
# the comparison itself


@dataclass
class Row:
    field: Field
    values: list[Any]
    texts: list[str]
    differs: bool
    # Per service: True/False when the buyer stated a requirement on this term, else None.
    verdicts: list[bool | None]


@dataclass
class Section:
    group: Group
    rows: list[Row]


@dataclass
class Comparison:
    entries: list[Entry]
    sections: list[Section]
    requirements: dict[str, list[str]]
    # Per service: the requirement terms it does not meet.
    failed: list[list[Term]] = field(default_factory=list)

    @property
    def has_requirements(self) -> bool:
        return bool(self.requirements)

    @property
    def differing(self) -> int:
        return sum(1 for s in self.sections for r in s.rows if r.differs)

    def verdict_text(self, index: int, lang: str = "nb") -> str:
        """«Oppfyller alle krav» / «Oppfyller ikke: Lovvalg, SCC-moduler»."""
        failed = self.failed[index]
        if not failed:
            return text(_l("Oppfyller alle krav"))
        return text(_l("Oppfyller ikke: %(terms)s", terms=", ".join(t.short_label(lang) for t in failed)))


def compare(entries: Sequence[Entry], requirements: Mapping[str, Sequence[str]], *,
            include_buyer_only: bool, only_differences: bool = False, lang: str = "nb") -> Comparison:
    """Build the side-by-side table of *entries* and test them against *requirements*."""
    entries = list(entries)
    sections: list[Section] = []
    for group, group_fields in fields(include_buyer_only=include_buyer_only):
        rows = []
        for f in group_fields:
            differs = len({f.comparable_value(e.terms) for e in entries}) > 1
            wanted = requirements.get(f.term.key) if not f.principle else None
            verdicts = [f.term.meets(e.terms.get(f.term.key), wanted) if wanted else None for e in entries]
            if only_differences and not differs:
                continue
            rows.append(Row(f, [f.value(e.terms) for e in entries], [f.text(e.terms, lang) for e in entries],
                            differs, verdicts))
        if rows:
            sections.append(Section(group, rows))
    failed = [[TERMS[key] for key, wanted in requirements.items()
               if TERMS[key].meets(e.terms.get(key), wanted) is False] for e in entries]
    return Comparison(entries=entries, sections=sections, requirements={k: list(v) for k, v in requirements.items()},
                      failed=failed)


def compare_args(ids: Sequence[int], requirements: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """The query string of a comparison: the shareable URL holds the services and the requirements."""
    return [(ID_PARAM, str(i)) for i in ids] + requirement_args(requirements)

