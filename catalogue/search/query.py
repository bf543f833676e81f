"""The search API: ``search(index, SearchRequest) -> SearchResult`` – plain Python, no Flask.

The web page, the JSON API and saved searches all go through here. A request is the whole
state of a search and round-trips through URL parameters (``from_args`` / ``to_args``):
``q``, one parameter per facet (``kategori``, ``underkategori``, ``leverandor``, ``dps`` and
each filterable term's key, e.g. ``governing_law=norge``), ``sorter`` and ``side``.

Matching: every searched word must match (in any text field, as its stem, through its
compound parts or through a synonym); when no service has all the words, services with
some of them are shown instead (``SearchResult.partial``). Within a facet the selected values
combine as the term's requirement says (any of / all of / only within); facets combine with
AND. Facet counts for a facet leave out that facet's own selection, so other values stay
visible and countable.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import and_, or_
from typing import Any, Mapping

import numpy as np
from markupsafe import Markup
from whoosh.support.levenshtein import damerau_levenshtein

from catalogue.search import words as lexicon
from catalogue.search.analysis import TOKEN_RE, Word, analyse, analyse_token, is_morpheme, stem
from catalogue.search.highlight import Marks, best_snippet
from catalogue.search.reader import Snapshot
from catalogue.search.schema import (CATEGORY, DPS_FACET, FACET_FIELD, FACETS, FACETS_BY_KEY, FIELD_BOOSTS,
                                     SPELLING_FIELD, SUBCATEGORY, SUPPLIER, TERM, TEXT_FIELDS, FacetSpec)
from catalogue.terms import REQ_CONTAINS, REQ_COVERS, REQ_WITHIN

SORTS = ("relevans", "navn", "nyeste")
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_VALUES_PER_FACET = 50
SYNONYM_BOOST = 0.7      # a synonym match counts a little less than the word itself
PARTS_BOOST = 0.6        # so does a match on a compound's parts only
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")

# How the selected values of one facet combine (from the term's requirement in the registry).
ANY, ALL, WITHIN = "any", "all", "within"


def facet_mode(facet: FacetSpec) -> str:
    if facet.term is not None and facet.term.requirement in (REQ_CONTAINS, REQ_COVERS):
        return ALL
    if facet.term is not None and facet.term.requirement == REQ_WITHIN:
        return WITHIN
    return ANY


# ---------------------------------------------------------------------------
# request and result


def _getlist(args: Any, key: str) -> list[str]:
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(key)]
    value = args.get(key) if hasattr(args, "get") else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _clean_values(facet: FacetSpec, raw: list[str]) -> list[str]:
    allowed = {c.value for c in facet.term.options} if facet.term is not None else None
    out: list[str] = []
    for value in raw:
        value = value.strip()
        if not value or value in out:
            continue
        if allowed is not None and value not in allowed:
            continue  # an unknown value is ignored, never an error
        if allowed is None and not _SLUG.match(value):
            continue
        out.append(value)
    return out[:MAX_VALUES_PER_FACET]


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(str(value).strip()), high))
    except (TypeError, ValueError):
        return default


@dataclass
class SearchRequest:
    """What to search for: words, filters (facet key → values), sort order and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevans"
    page: int = 1
    per_page: int = PER_PAGE

    def __post_init__(self) -> None:
        self.q = " ".join(str(self.q or "").split())[:MAX_QUERY_CHARS]
        self.filters = {f.key: vals for f in FACETS
                        if (vals := _clean_values(f, list((self.filters or {}).get(f.key, []))))}
        self.sort = self.sort if self.sort in SORTS else "relevans"
        self.page = _int(self.page, 1, 1, MAX_PAGE)
        self.per_page = _int(self.per_page, PER_PAGE, 1, MAX_PER_PAGE)

    @classmethod
    def from_args(cls, args: Mapping[str, Any], per_page: int = PER_PAGE) -> "SearchRequest":
        """Read URL parameters (anything with ``get``/``getlist``); bad values are ignored."""
        get = args.get if hasattr(args, "get") else (lambda k, d=None: d)
        q = get("q") or ""
        if isinstance(q, (list, tuple)):
            q = q[0] if q else ""
        return cls(q=str(q), filters={f.key: _getlist(args, f.key) for f in FACETS},
                   sort=str(get("sorter") or "relevans"), page=get("side") or 1, per_page=per_page)

    def to_args(self) -> list[tuple[str, str]]:
        """The URL parameters for this request (only what differs from the defaults)."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for facet in FACETS:
            out += [(facet.key, v) for v in self.filters.get(facet.key, [])]
        if self.sort != "relevans":
            out.append(("sorter", self.sort))
        if self.page > 1:
            out.append(("side", str(self.page)))
        return out

    def but(self, **changes: Any) -> "SearchRequest":
        """A copy with *changes* (and back on page 1 unless a page is given)."""
        changes.setdefault("page", 1)
        return replace(self, **changes)

    def toggled(self, key: str, value: str) -> "SearchRequest":
        """A copy with *value* of facet *key* selected if it was not, and unselected if it was."""
        filters = {k: list(v) for k, v in self.filters.items()}
        values = filters.setdefault(key, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self.but(filters=filters)

    @property
    def is_empty(self) -> bool:
        return not self.q and not self.filters


@dataclass
class Hit:
    service_id: int
    name: str
    summary: str
    supplier_name: str
    supplier_slug: str
    category_slug: str
    highlights: Markup
    score: float
    category_name: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    parent: str | None = None  # sub-categories: the top category's slug


@dataclass
class Facet:
    key: str
    label: str
    values: list[FacetValue]
    mode: str = ANY
    more: int = 0  # values left out (suppliers beyond the largest ones)


@dataclass
class SearchResult:
    total: int
    page: int
    pages: int
    hits: list[Hit]
    facets: list[Facet]
    suggestion: str | None = None
    partial: bool = False       # no service had every word; these have some of them
    request: SearchRequest | None = None

    def facet(self, key: str) -> Facet | None:
        return next((f for f in self.facets if f.key == key), None)


# ---------------------------------------------------------------------------
# query words


@dataclass(frozen=True)
class QueryWord:
    """A searched word with its alternatives: the word itself first, then its synonyms."""

    span: tuple[int, int]
    surface: str
    alternatives: tuple[Word, ...]

    @property
    def terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt.all_terms}


def parse_words(q: str) -> list[QueryWord]:
    out: list[QueryWord] = []
    for match in TOKEN_RE.finditer(q):
        word = analyse_token(match.group())
        if word is None:
            continue
        if word.parts and is_morpheme(word.surface):
            # A known unit ("database", "nettverk") means itself, not any text that has its parts.
            word = Word(word.surface, word.term)
        alternatives = [word]
        for synonym in lexicon.SYNONYMS.get(word.surface.replace("-", ""), ()):
            alternatives += [w for w in analyse(synonym) if w.term != word.term]
        out.append(QueryWord(match.span(), word.surface, tuple(dict.fromkeys(alternatives))))
        if len(out) == MAX_QUERY_WORDS:
            break
    return out


def _word_bits(snap: Snapshot, word: QueryWord) -> int:
    bits = 0
    for alt in word.alternatives:
        for name in TEXT_FIELDS:
            bits |= snap.term_bits(name, alt.term)
            if alt.parts:
                bits |= reduce(and_, (snap.term_bits(name, p) for p in alt.parts))
    return bits


# ---------------------------------------------------------------------------
# facets


def _value_masks(snap: Snapshot, facet: FacetSpec) -> dict[str, int]:
    if facet.source == SUPPLIER:
        return {}
    return snap.facet_masks(facet)


def _filter_bits(snap: Snapshot, facet: FacetSpec, values: list[str]) -> int | None:
    """The services the selected *values* of *facet* allow, or ``None`` when nothing is selected."""
    if not values:
        return None
    if facet.source == SUPPLIER:
        return reduce(or_, (snap.term_bits(FACET_FIELD, facet.index_term(v)) for v in values)) & snap.live
    masks = _value_masks(snap, facet)
    mode = facet_mode(facet)
    if mode == ALL:
        return reduce(and_, (masks.get(v, 0) for v in values))
    chosen = reduce(or_, (masks.get(v, 0) for v in values))
    if mode == WITHIN:
        # Only the chosen values and nothing else ("data only in Norway or the EEA").
        others = reduce(or_, (bits for v, bits in masks.items() if v not in values), 0)
        return chosen & ~others
    return chosen


def _known_values(snap: Snapshot, facet: FacetSpec, values: list[str]) -> list[str]:
    """Drop slugs the index has never heard of (a stale or mistyped link is ignored)."""
    if facet.source == TERM:
        return values
    labels = snap.state.labels
    if facet.source in (CATEGORY, SUBCATEGORY):
        known = labels.get("categories", {})
        return [v for v in values if v in known]
    if facet.source == DPS_FACET:
        return [v for v in values if v in labels.get("dps", {})]
    return [v for v in values if snap.term_bits(FACET_FIELD, facet.index_term(v)) & snap.live]


def _facet(snap: Snapshot, facet: FacetSpec, base: int, selected: list[str], lang: str) -> Facet:
    labels = snap.state.labels
    values: list[FacetValue] = []
    more = 0
    if facet.source == SUPPLIER:
        counts = _supplier_counts(snap, base)
        # Largest first; equal counts by slug (the name, spelled for addresses), so only the
        # suppliers shown need their names looked up.
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = [slug for slug, _ in ranked[:facet.max_values or len(ranked)]]
        shown += [s for s in selected if s not in shown]
        more = max(0, len(ranked) - (facet.max_values or len(ranked)))
        values = [FacetValue(s, snap.supplier_name(s), counts.get(s, 0), s in selected) for s in shown]
    else:
        masks = _value_masks(snap, facet)
        if facet.source == TERM:
            order = [(c.value, c.label(lang), None) for c in facet.term.options]
        elif facet.source in (CATEGORY, SUBCATEGORY):
            cats = labels.get("categories", {})
            wanted_top = facet.source == CATEGORY
            rows = [(slug, info) for slug, info in cats.items() if (info.get("parent") is None) == wanted_top]

            def position(item):
                slug, info = item
                parent = cats.get(info.get("parent") or "", {})
                return (parent.get("position", info.get("position", 0)), info.get("position", 0), info.get("nb", ""))

            order = [(slug, info.get("en" if lang == "en" else "nb") or slug, info.get("parent"))
                     for slug, info in sorted(rows, key=position)]
        else:
            order = sorted(((slug, name, None) for slug, name in labels.get("dps", {}).items()),
                           key=lambda row: row[1])
        for value, label, parent in order:
            count = (base & masks[value]).bit_count() if value in masks else 0
            values.append(FacetValue(value, label, count, value in selected, parent))
    return Facet(facet.key, facet.label(lang), values, facet_mode(facet), more)


def _prune(facets: list[Facet]) -> None:
    """Keep the values that find something or are selected – and the top categories of those
    sub-categories, so the category tree stays a tree."""
    subs = next((f for f in facets if FACETS_BY_KEY[f.key].source == SUBCATEGORY), None)
    parents = {v.parent for v in subs.values if v.count or v.selected} if subs else set()
    for f in facets:
        keep_parents = FACETS_BY_KEY[f.key].source == CATEGORY
        f.values = [v for v in f.values if v.count or v.selected or (keep_parents and v.value in parents)]


def _supplier_counts(snap: Snapshot, base: int) -> dict[str, int]:
    # Suppliers can be thousands: counted per document (numpy), not with a bitset per supplier.
    return snap.supplier_counts(base)


# ---------------------------------------------------------------------------
# spelling


def _closest(snap: Snapshot, word: str) -> str | None:
    """The indexed word nearest to *word* that finds something: fewest edits, then most used."""
    if len(word) < 3 or not word.isalpha():
        return None
    maxdist = 1 if len(word) <= 4 else 2
    candidates: set[str] = set()
    for _, leaf, _ in snap.leaves:
        if SPELLING_FIELD in leaf.indexed_field_names():
            candidates.update(c for c in leaf.terms_within(SPELLING_FIELD, word, maxdist, prefix=1) if c != word)

    def popularity(cand: str) -> int:
        # How many services use the word (the spelling field holds each word only once or so).
        term = stem(cand)
        return sum(snap.reader.doc_frequency(name, term) for name in ("name", "summary", "features"))

    ranked = sorted(candidates, key=lambda c: (damerau_levenshtein(word, c), -popularity(c), c))
    for cand in ranked[:10]:
        parsed = parse_words(cand)
        if parsed and _word_bits(snap, parsed[0]):
            return cand
    return None


def _suggestion(snap: Snapshot, q: str, words: list[QueryWord], bits: list[int]) -> str | None:
    replacements = []
    for word, word_bits in zip(words, bits):
        if word_bits:
            continue
        better = _closest(snap, word.surface)
        if better:
            replacements.append((word.span, better))
    if not replacements:
        return None
    out, cursor = [], 0
    for (start, end), better in replacements:
        out += [q[cursor:start], better]
        cursor = end
    out.append(q[cursor:])
    return "".join(out)


# ---------------------------------------------------------------------------
# the search


def search(index, request: SearchRequest, lang: str = "nb") -> SearchResult:
    """Run *request* against *index* (a ``SearchIndex``). Raises ``IndexMissing`` without an index."""
    return index.run(lambda snap: _search(snap, request, lang))


def search_as_page(index, request: SearchRequest, lang: str = "nb") -> tuple[SearchResult, str | None]:
    """What the search page and the API show: ``(result, corrected_from)``.

    When nothing is found but the words look misspelt, the result is what the corrected words
    find, and *corrected_from* is the query as typed (``None`` otherwise).
    """
    result = search(index, request, lang)
    if result.total == 0 and result.suggestion:
        better = search(index, request.but(q=result.suggestion, page=request.page), lang)
        if better.total:
            return better, request.q
    return result, None


def _search(snap: Snapshot, request: SearchRequest, lang: str) -> SearchResult:
    words = parse_words(request.q)
    word_bits = [_word_bits(snap, w) for w in words]
    partial = False
    if words:
        text_bits = reduce(and_, word_bits) & snap.live
        if not text_bits and len(words) > 1:
            text_bits = reduce(or_, word_bits) & snap.live
            partial = bool(text_bits)
    else:
        text_bits = snap.live

    selected = {f.key: _known_values(snap, f, request.filters.get(f.key, [])) for f in FACETS}
    filters = {f.key: _filter_bits(snap, f, selected[f.key]) for f in FACETS}
    active = {k: bits for k, bits in filters.items() if bits is not None}
    final = reduce(and_, active.values(), text_bits)

    facets = []
    for facet in FACETS:
        others = [bits for k, bits in active.items() if k != facet.key]
        base = reduce(and_, others, text_bits)
        facets.append(_facet(snap, facet, base, selected[facet.key], lang))
    _prune(facets)

    total = final.bit_count()
    pages = max(1, math.ceil(total / request.per_page))
    page = min(request.page, pages)
    start = (page - 1) * request.per_page
    if words and request.sort == "relevans":
        ranked = _ranked(snap, words, final, start + request.per_page)
    else:
        ranked = _ordered(snap, "tilfeldig" if request.sort == "relevans" else request.sort, final,
                          start + request.per_page)
    marks = Marks(frozenset(alt.term for w in words for alt in w.alternatives),
                  frozenset(p for w in words for alt in w.alternatives for p in alt.parts))
    hits = [_hit(snap, docnum, score, marks, lang) for docnum, score in ranked[start:]]
    suggestion = _suggestion(snap, request.q, words, word_bits) if words and not all(word_bits) else None
    return SearchResult(total, page, pages, hits, facets, suggestion, partial, replace(request, page=page))


def _scores(snap: Snapshot, words: list[QueryWord]) -> np.ndarray:
    """BM25 per document, summed over the searched words and the text fields (with boosts)."""
    scores = np.zeros(snap.size, dtype=np.float64)
    for word in words:
        for i, alt in enumerate(word.alternatives):
            factor = 1.0 if i == 0 else SYNONYM_BOOST
            for name, boost in FIELD_BOOSTS.items():
                snap.add_bm25(scores, name, alt.term, boost * factor)
                if alt.parts:
                    # The parts count only where all of them are in the field.
                    together = reduce(and_, (snap.term_bits(name, p) for p in alt.parts))
                    if together:
                        parts = np.zeros(snap.size, dtype=np.float64)
                        for part in alt.parts:
                            snap.add_bm25(parts, name, part, boost * factor * PARTS_BOOST)
                        scores += np.where(snap.mask(together), parts, 0.0)
    return scores


def _ranked(snap: Snapshot, words: list[QueryWord], final: int, limit: int) -> list[tuple[int, float]]:
    if not final:
        return []
    return snap.top(_scores(snap, words), final, limit)


def _ordered(snap: Snapshot, sort: str, final: int, limit: int) -> list[tuple[int, float]]:
    return [(docnum, 0.0) for docnum in snap.first_in_order(sort, final, limit)]


def _hit(snap: Snapshot, docnum: int, score: float, marks: Marks, lang: str) -> Hit:
    stored = snap.reader.stored_fields(docnum)
    summary = stored.get("summary") or ""
    return Hit(
        service_id=int(stored.get("ref") or 0),
        name=stored.get("name") or "",
        summary=summary,
        supplier_name=stored.get("supplier") or "",
        supplier_slug=stored.get("supplier_slug") or "",
        category_slug=stored.get("category_slug") or "",
        highlights=best_snippet([summary, stored.get("description") or ""], marks),
        score=score,
        category_name=category_label(snap, stored.get("category_slug") or "", lang),
    )


def category_label(snap: Snapshot, slug: str, lang: str = "nb") -> str:
    info = snap.state.labels.get("categories", {}).get(slug) or {}
    return info.get("en" if lang == "en" else "nb") or slug


# ---------------------------------------------------------------------------
# guidance articles: their own, small result group


@dataclass
class ArticleHit:
    article_id: int
    slug: str
    title: str
    summary: str
    highlights: Markup
    score: float


def search_articles(index, q: str, limit: int = 3) -> list[ArticleHit]:
    """The guidance articles best matching *q* (every word must match), best first."""
    words = parse_words(" ".join(str(q or "").split())[:MAX_QUERY_CHARS])
    if not words:
        return []

    def work(snap: Snapshot) -> list[ArticleHit]:
        bits = reduce(and_, (_word_bits(snap, w) for w in words)) & snap.kind_bits("article")
        marks = Marks(frozenset(alt.term for w in words for alt in w.alternatives))
        out = []
        for docnum, score in _ranked(snap, words, bits, limit):
            stored = snap.reader.stored_fields(docnum)
            summary = stored.get("summary") or ""
            out.append(ArticleHit(int(stored.get("ref") or 0), stored.get("slug") or "", stored.get("name") or "",
                                  summary, best_snippet([summary, stored.get("description") or ""], marks), score))
        return out

    return index.run(work)
