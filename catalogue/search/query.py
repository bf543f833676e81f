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

import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import and_, or_
from typing import Any, Mapping

import numpy as np
from markupsafe import Markup
from whoosh.support.levenshtein import damerau_levenshtein

from catalogue.search.analysis import (TOKEN_RE, Word, acronym_term, analyse_folded, analyse_token, is_acronym, is_morpheme,
                                       split_compound, stem)
from catalogue.search.highlight import Marks, best_snippet
from catalogue.search.reader import PRELOAD_POSTINGS, Snapshot, bits_from_ids
from catalogue.i18n import pick
from catalogue.search import facetwords
from catalogue.search.thesaurus import thesaurus
from catalogue.confirmation import NOT_CONFIRMED, VALUE_LABELS
from catalogue.i18n import text
from catalogue.search.schema import (CATEGORY, CONFIRMATION, CONFIRMATION_PARAM, DPS_FACET, FACET_FIELD, FACETS,
                                     FACETS_BY_KEY, HIT_TERMS, SORT_COLUMNS, SUBCATEGORY, SUPPLIER, TERM,
                                     FacetSpec)
from catalogue.terms import REQ_CONTAINS, REQ_COVERS, REQ_WITHIN, TERMS, Term

# The orders of the search; the registry's sortable terms add theirs (price: "pris", lowest first).
SORT_TERMS: dict[str, Term] = {term.sort.param: term for term in TERMS.sortable()}
SORTS = ("relevans", "navn", "nyeste", *SORT_TERMS)
if set(SORT_TERMS) != set(SORT_COLUMNS):  # the registry's sortable terms and the index's sort columns
    raise RuntimeError(f"sortable terms {sorted(SORT_TERMS)} differ from the index's columns {sorted(SORT_COLUMNS)}")
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_VALUES_PER_FACET = 50
MAX_SPELLING_WORD = 30         # longer "words" get no suggestion
MAX_SPELLING_CANDIDATES = 10   # candidates checked against the index per unknown word
MAX_CORRECTED_WORDS = 3        # a query with more words the index does not know gets no suggestion
MAX_ANALYSED_AT_START = 150_000  # words of the vocabulary analysed as a process starts (about 20 µs each)
SYNONYM_BOOST = 0.7      # a thesaurus match counts a little less than the word itself
PARTS_BOOST = 0.6        # so does a match on a compound's parts only
PREFIX_BOOST = 0.8       # a completion of a partial word ("postgre" → "postgresql")
MIN_PREFIX = 5           # shorter partial words are not completed
MAX_COMPLETIONS = 8
MAX_EXPRESSION = 4       # the longest thesaurus expression looked up
MIN_JOINED_PART = 3      # a joined word is split by the index's words into parts this long
MIN_SHOULD_MATCH = 0.5   # the any-word fallback: share of the words' weight (IDF) a service must have
FACET_BOOST = 0.5        # services with a value the query names (the filter is offered, not applied)
FILL_BELOW = 3           # fewer services with every word: the fallback's services follow them
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
    shortened: bool = field(default=False, compare=False)   # the words were cut to MAX_QUERY_CHARS

    def __post_init__(self) -> None:
        q = " ".join(str(self.q or "").split())
        self.shortened = self.shortened or len(q) > MAX_QUERY_CHARS
        self.q = q[:MAX_QUERY_CHARS]
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

    def with_filter(self, key: str, values: list[str]) -> "SearchRequest":
        """A copy with *values* of facet *key* selected (besides those selected already)."""
        filters = {k: list(v) for k, v in self.filters.items()}
        filters[key] = list(dict.fromkeys(filters.get(key, []) + list(values)))
        return self.but(filters=filters)


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
    unconfirmed: bool = False   # not confirmed by the supplier for 13 months (catalogue.confirmation)
    terms: dict = field(default_factory=dict)  # its shown terms' stored values, as JSON (schema.shown_term_keys)

    def shown_terms(self, filtered: list[str], lang: str = "nb") -> list[tuple[str, str]]:
        """``[(short label, value as text)]`` of the price and of every term the buyer filtered on,
        so a hit shows why it is there (from the index: a result page reads no database)."""
        keys = [k for k in dict.fromkeys([*HIT_TERMS, *filtered]) if k in TERMS and k in self.terms]
        return [(TERMS[k].short_label(lang), TERMS[k].display(json.loads(self.terms[k]), lang)) for k in keys]


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
class Offer:
    """A filter the query's words name ("norsk lovvalg"): offered, never applied by itself."""

    key: str
    values: list[str]
    label: str       # "Lovvalg: Norsk rett"
    count: int       # services of the result that have it


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
    offers: list[Offer] = field(default_factory=list)
    only_common_words: bool = False   # the query had only stop words: nothing to search for
    words_limited: bool = False       # longer than MAX_QUERY_CHARS or MAX_QUERY_WORDS: the rest was left out

    def facet(self, key: str) -> Facet | None:
        return next((f for f in self.facets if f.key == key), None)


# ---------------------------------------------------------------------------
# query words


@dataclass(frozen=True)
class Alt:
    """One way of meeting a searched word: every one of *words* must match (in any field)."""

    words: tuple[Word, ...]
    weight: float = 1.0
    acronym: bool = False   # the word as typed is an acronym in capitals: match it case-aware first


@dataclass(frozen=True)
class QueryWord:
    """A searched word (or an expression of the thesaurus) with its alternatives, the words
    as typed first, then related expressions (thesaurus) and completions (prefix)."""

    span: tuple[int, int]
    surface: str
    alts: tuple[Alt, ...]

    @property
    def alternatives(self) -> tuple[Word, ...]:
        return tuple(dict.fromkeys(w for alt in self.alts for w in alt.words))

    @property
    def terms(self) -> set[str]:
        return {t for w in self.alternatives for t in w.all_terms}


def _literal(word: Word) -> Word:
    if word.parts and is_morpheme(word.surface):
        # A known unit ("database", "nettverk") means itself, not any text that has its parts.
        return Word(word.surface, word.term)
    return word


def parse_words(q: str) -> list[QueryWord]:
    """The searched words of *q*: the longest expressions the thesaurus knows become one word
    with their related expressions as alternatives (``SYNONYM_BOOST``)."""
    tokens = []
    for match in TOKEN_RE.finditer(q):
        word = analyse_token(match.group())
        if word is not None:
            tokens.append((match.span(), match.group(), _literal(word)))
    out: list[QueryWord] = []
    th = thesaurus()
    i = 0
    while i < len(tokens) and len(out) < MAX_QUERY_WORDS:
        for n in range(min(MAX_EXPRESSION, len(tokens) - i), 0, -1):
            words = tuple(t[2] for t in tokens[i:i + n])
            related = th.lookup(words)
            if related is not None or n == 1:
                break
        span = (tokens[i][0][0], tokens[i + n - 1][0][1])
        acronym = n == 1 and is_acronym(tokens[i][1])
        alts = [Alt(words, 1.0, acronym)]
        alts += [Alt(tuple(_literal(w) for w in expr), SYNONYM_BOOST) for expr in related or ()]
        out.append(QueryWord(span, " ".join(w.surface for w in words), tuple(alts)))
        i += n
    return out


def _any_field(snap: Snapshot, term: str) -> int:
    return snap.text_bits(term)


def leaf_parts(word: Word) -> list[str]:
    """The smallest known parts of a compound or hyphenated word (folded surfaces), or ``[]``."""
    if not word.parts:
        return []
    pieces = [p for p in re.split(r"[-']", word.surface) if len(p) >= 2]
    leaves: list[str] = []
    for piece in pieces:
        split = split_compound(piece)
        leaves += [p for p in split if not split_compound(p)] if split else [piece]
    return [p for p in dict.fromkeys(leaves) if analyse_token(p) is not None]


def _leaves(snap: Snapshot, word: Word) -> list[str]:
    """The parts of *word* to match: its known compound parts, or – for a joined word no
    service has and the word lists cannot split ("ddosbeskyttelse") – the first split into
    two words the index knows, so the joined form finds what the hyphenated one does."""
    leaves = leaf_parts(word)
    if leaves or len(word.surface) < 2 * MIN_JOINED_PART or not word.surface.isalpha():
        return leaves
    if _any_field(snap, word.term) & snap.live:
        return []
    for cut in range(MIN_JOINED_PART, len(word.surface) - MIN_JOINED_PART + 1):
        head, tail = word.surface[:cut], word.surface[cut:]
        tail_known = snap.is_word(tail)
        heads = [head] + ([head[:-1]] if head[-1] in "se" and cut - 1 >= MIN_JOINED_PART else [])
        for h in heads:
            if not (tail_known or snap.is_word(h)):
                continue  # one side at least must be a word of the texts: a few dictionary look-ups per cut
            pieces = [analyse_token(h), analyse_token(tail)]
            if None in pieces:
                continue
            if all(_any_field(snap, t) & snap.live for p in pieces for t in [p.term]):
                return [h, tail]
    return []


def _part_terms(part: str) -> list[str]:
    """A compound part's term and those of its one-word thesaurus relatives ("vern" for "beskyttelse")."""
    word = analyse_token(part)
    return [word.term] + [w.term for w in thesaurus().single(word)]


def _parts_bits(snap: Snapshot, word: Word) -> int:
    """Services with every part of *word*, each part anywhere in the text (any field)."""
    leaves = _leaves(snap, word)
    if len(leaves) < 2:
        return 0
    return reduce(and_, (reduce(or_, (_any_field(snap, t) for t in _part_terms(p))) for p in leaves))


def _acronym_bits(snap: Snapshot, word: Word) -> int:
    return _any_field(snap, acronym_term(word.surface))


def _single_bits(snap: Snapshot, word: Word, acronym: bool) -> int:
    if acronym:
        # "GIS" means the acronym where a text writes it in capitals, not the verb "gis".
        bits = _acronym_bits(snap, word)
        if bits:
            return bits
    return _any_field(snap, word.term) | _parts_bits(snap, word)


def _alt_bits(snap: Snapshot, alt: Alt) -> int:
    return reduce(and_, (_single_bits(snap, w, alt.acronym) for w in alt.words))


def _word_bits(snap: Snapshot, word: QueryWord) -> int:
    return reduce(or_, (_alt_bits(snap, alt) for alt in word.alts))


def _with_prefixes(snap: Snapshot, word: QueryWord) -> QueryWord:
    """A word no service has, long enough to be the start of one ("postgre"): its completions."""
    if len(word.alts[0].words) != 1:
        return word
    surface = word.alts[0].words[0].surface
    if len(surface) < MIN_PREFIX or not surface.isalpha():
        return word
    completions = []
    for term in snap.completions(surface):
        completion = analyse_token(term)
        if completion is not None:
            completions.append(Alt((completion,), PREFIX_BOOST))
        if len(completions) == MAX_COMPLETIONS:
            break
    return replace(word, alts=word.alts + tuple(completions)) if completions else word


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
    if facet.source == CONFIRMATION:
        return [v for v in values if v in VALUE_LABELS]
    return [v for v in values if snap.term_bits(FACET_FIELD, facet.index_term(v)) & snap.live]


def _facet(snap: Snapshot, facet: FacetSpec, base: int, selected: list[str], lang: str) -> Facet:
    values: list[FacetValue] = []
    more = 0
    if facet.source == SUPPLIER:
        # Largest first; equal counts by slug (the name, spelled for addresses), so only the
        # suppliers shown need their names looked up. Suppliers can be thousands: counted per
        # document (numpy), not with a bitset per supplier.
        ranked, total, named = snap.supplier_counts(base, facet.max_values, selected)
        counts = dict(ranked) | named
        shown = [slug for slug, _ in ranked]
        shown += [s for s in selected if s not in shown]
        more = max(0, total - len(ranked))
        # A service has one supplier, so ticking another supplier adds its services to those chosen.
        chosen = sum(named.values())
        values = [FacetValue(s, snap.supplier_name(s), chosen + (0 if s in selected else counts.get(s, 0)),
                             s in selected) for s in shown]
    else:
        masks = _value_masks(snap, facet)
        ticked = _ticked_counter(snap, facet, base, selected, masks)
        for value, label, parent in _value_order(snap, facet, lang):
            values.append(FacetValue(value, label, ticked(value), value in selected, parent))
    return Facet(facet.key, facet.label(lang), values, facet_mode(facet), more)


def _value_order(snap: Snapshot, facet: FacetSpec, lang: str) -> list[tuple[str, str, str | None]]:
    """``[(value, label, parent)]`` of a facet (not the supplier one) in the order shown; the same
    for every search of an index generation, so made once per generation and language."""
    key = ("order", facet.key, lang)
    order = snap.facet_cache.get(key)
    if order is None:
        order = _make_value_order(snap, facet, lang)
        snap.facet_cache.put(key, order)
    return order


def _make_value_order(snap: Snapshot, facet: FacetSpec, lang: str) -> list[tuple[str, str, str | None]]:
    labels = snap.state.labels
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

        order = [(slug, pick(info.get("nb"), info.get("en"), lang) or slug, info.get("parent"))
                 for slug, info in sorted(rows, key=position)]
    elif facet.source == CONFIRMATION:
        order = [(value, text(label), None) for value, label in VALUE_LABELS.items()]
    else:
        order = sorted(((slug, name, None) for slug, name in labels.get("dps", {}).items()),
                       key=lambda row: row[1])
    return order


def _facets(snap: Snapshot, text_bits: int, selected: dict[str, list[str]], active: dict[str, int],
            lang: str) -> list[Facet]:
    """Every facet with its counts, cached per index generation for the same services and
    filters (browsing, paging, sorting and repeated searches count nothing again)."""
    key = (text_bits, tuple((k, tuple(v)) for k, v in selected.items() if v), lang)
    cached = snap.facet_cache.get(key)
    if cached is not None:
        return cached
    facets = []
    for facet in FACETS:
        others = [bits for k, bits in active.items() if k != facet.key]
        base = reduce(and_, others, text_bits)
        facets.append(_facet(snap, facet, base, selected[facet.key], lang))
    _prune(facets)
    snap.facet_cache.put(key, facets)
    return facets


def _ticked_counter(snap: Snapshot, facet: FacetSpec, base: int, selected: list[str], masks: dict[str, int]):
    """``count(value)``: how many results the search has with *value* ticked too (issue 16: a count
    means what ticking does, whatever the facet's rule). 0 when ticking it would add nothing (any-of)
    or find nothing, so the value is not offered."""
    mode = facet_mode(facet)
    if mode == ALL:
        chosen = reduce(and_, (masks.get(v, 0) for v in selected), base)
        return lambda value: (chosen & masks.get(value, 0)).bit_count()
    if mode == WITHIN:
        def within(value: str) -> int:
            bits = _filter_bits(snap, facet, selected if value in selected else [*selected, value])
            return (base & bits).bit_count() if value in masks else 0
        return within
    chosen = reduce(or_, (masks.get(v, 0) for v in selected), 0) & base
    now = chosen.bit_count()
    if not chosen:  # nothing ticked finds anything: a value's count is what it finds (one AND, no NOT)
        return lambda value: now if value in selected else (base & masks.get(value, 0)).bit_count()

    def any_of(value: str) -> int:
        if value in selected:
            return now
        own = base & masks.get(value, 0) & ~chosen
        return now + own.bit_count() if own else 0
    return any_of


def _prune(facets: list[Facet]) -> None:
    """Keep the values that find something or are selected – and the top categories of those
    sub-categories, so the category tree stays a tree."""
    subs = next((f for f in facets if FACETS_BY_KEY[f.key].source == SUBCATEGORY), None)
    parents = {v.parent for v in subs.values if v.count or v.selected} if subs else set()
    for f in facets:
        keep_parents = FACETS_BY_KEY[f.key].source == CATEGORY
        f.values = [v for v in f.values if v.count or v.selected or (keep_parents and v.value in parents)]


# ---------------------------------------------------------------------------
# spelling


def _closest(snap: Snapshot, word: str) -> str | None:
    """The indexed word nearest to *word* that finds something: fewest edits, then most used.
    Cached per index generation; the look-up itself is bounded (``Snapshot.spelling_candidates``)."""
    if len(word) < 3 or not word.isalpha() or len(word) > MAX_SPELLING_WORD:
        return None
    cached = snap.suggestions.get(word)
    if cached is not None:
        return cached or None
    maxdist = 1 if len(word) <= 4 else 2
    candidates = {c for c in snap.spelling_candidates(word, maxdist) if damerau_levenshtein(word, c) <= maxdist}

    def popularity(cand: str) -> int:
        # How many services use the word (the spelling field holds each word only once or so).
        term = stem(cand)
        return sum(snap.reader.doc_frequency(name, term) for name in ("name", "summary", "features"))

    best = None
    ranked = sorted(candidates, key=lambda c: (damerau_levenshtein(word, c), c))[:3 * MAX_SPELLING_CANDIDATES]
    ranked.sort(key=lambda c: (damerau_levenshtein(word, c), -popularity(c), c))
    for cand in ranked[:MAX_SPELLING_CANDIDATES]:
        parsed = parse_words(cand)
        if parsed and _word_bits(snap, parsed[0]) & snap.live:
            best = cand
            break
    snap.suggestions.put(word, best or "")
    return best


def _suggestion(snap: Snapshot, q: str, words: list[QueryWord], bits: list[int]) -> str | None:
    unknown = [word for word, word_bits in zip(words, bits) if not word_bits]
    if len(unknown) > MAX_CORRECTED_WORDS:
        return None  # not a slip of the keyboard: no correction is looked for (bounded cost)
    replacements = []
    for word in unknown:
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


def warm_up(index) -> bool:
    """Open *index* and fill what the first searches would otherwise build (segment arrays,
    facet counts, the spelling dictionaries). ``False`` when there is no index yet."""
    if not index.available():
        return False
    for request in (SearchRequest(), SearchRequest(q="tjeneste lagring"), SearchRequest(q="xqzvw")):
        search(index, request)
    index.run(lambda snap: [snap.supplier_name(slug) for slug in snap.supplier_ordinals()[0]])
    index.run(lambda snap: snap.preload(PRELOAD_POSTINGS))
    # Snippets analyse every word of a hit's text: analyse the index's vocabulary now (once, in
    # gunicorn's master) rather than word by word in the first searches.
    index.run(lambda snap: [analyse_folded(word) for word in snap.vocabulary()[:MAX_ANALYSED_AT_START]])
    return True


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


def _match(snap: Snapshot, words: list[QueryWord]) -> tuple[list[QueryWord], list[int], int, bool, int]:
    """The words (completed where a partial word finds nothing), their bitsets, the services
    they find, whether that is only the any-word fallback, and the services with every word
    (ranked first)."""
    words = list(words)
    word_bits = [_word_bits(snap, w) for w in words]
    for i, (word, bits) in enumerate(zip(words, word_bits)):
        if not bits & snap.live:
            words[i] = _with_prefixes(snap, word)
            word_bits[i] = _word_bits(snap, words[i]) if words[i] is not word else bits
    if not words:
        return words, word_bits, snap.live, False, snap.live
    every = reduce(and_, word_bits) & snap.live
    if len(words) == 1 or every.bit_count() >= FILL_BELOW:
        return words, word_bits, every, False, every
    # Few or no services have every word: those with most of the query's weight follow them.
    some = _should_match(snap, word_bits, snap.live) | every
    return words, word_bits, some, not every, every


def _should_match(snap: Snapshot, word_bits: list[int], within: int) -> int:
    """No service has every word: those with the words that carry most of the query's weight
    (IDF, over the words that find anything at all) – at least ``MIN_SHOULD_MATCH`` of it, so
    one common word of two never brings in the whole catalogue."""
    known = [(bits & within) for bits in word_bits if bits & within]
    if not known:
        return 0
    total = max(1, within.bit_count())
    weights = [math.log(1 + total / b.bit_count()) for b in known]
    have = np.zeros(snap.size, dtype=np.float64)
    for bits, weight in zip(known, weights):
        have += snap.mask(bits) * weight
    keep = np.flatnonzero(have >= MIN_SHOULD_MATCH * sum(weights) - 1e-9)
    return bits_from_ids(keep, snap.size) & within


def _search(snap: Snapshot, request: SearchRequest, lang: str) -> SearchResult:
    named = facetwords.find(request.q)
    text_q = facetwords.without(request.q, named) if named else request.q
    words, word_bits, text_bits, partial, first = _match(snap, parse_words(text_q))
    partial = partial and bool(text_bits)
    only_common = bool(text_q) and not words
    if only_common:
        text_bits = first = 0  # "og i for": nothing that says what the buyer looks for

    selected = {f.key: _known_values(snap, f, request.filters.get(f.key, [])) for f in FACETS}
    filters = {f.key: _filter_bits(snap, f, selected[f.key]) for f in FACETS}
    active = {k: bits for k, bits in filters.items() if bits is not None}
    final = reduce(and_, active.values(), text_bits)

    facets = _facets(snap, text_bits, selected, active, lang)

    total = final.bit_count()
    pages = max(1, math.ceil(total / request.per_page))
    page = min(request.page, pages)
    start = (page - 1) * request.per_page
    offers, boosts = _offers(snap, named, selected, final, lang)
    if words and request.sort == "relevans":
        ranked = _ranked(snap, words, final, start + request.per_page, first, boosts)
    else:
        ranked = _ordered(snap, "tilfeldig" if request.sort == "relevans" else request.sort, final,
                          start + request.per_page)
    marks = _marks(words)
    hits = [_hit(snap, docnum, score, marks, lang) for docnum, score in ranked[start:]]
    live_bits = [b & snap.live for b in word_bits]
    suggestion = _suggestion(snap, text_q, words, live_bits) if words and not all(live_bits) else None
    if suggestion and named:
        suggestion = " ".join([suggestion, *(request.q[f.span[0]:f.span[1]] for f in named)])
    limited = request.shortened or sum(1 for m in TOKEN_RE.finditer(text_q) if analyse_token(m.group())) > MAX_QUERY_WORDS
    return SearchResult(total, page, pages, hits, facets, suggestion, partial, replace(request, page=page),
                        offers, only_common, limited)


def _offers(snap: Snapshot, named: list, selected: dict[str, list[str]], final: int,
            lang: str) -> tuple[list[Offer], list[int]]:
    """The filters the query's facet words name (unless chosen already) and the services
    that have them (ranked a little higher, ``FACET_BOOST``)."""
    offers, boosts = [], []
    for found in named:
        facet = FACETS_BY_KEY.get(found.key)
        if facet is None or facet.term is None:
            continue
        bits = _filter_bits(snap, facet, list(found.values)) or 0
        boosts.append(bits)
        if set(found.values) <= set(selected.get(found.key, [])) or any(o.key == found.key for o in offers):
            continue
        labels = {c.value: c.label(lang) for c in facet.term.options}
        label = f"{facet.label(lang)}: {' / '.join(labels.get(v, v) for v in found.values)}"
        offers.append(Offer(found.key, list(found.values), label, (final & bits).bit_count()))
    return offers, boosts


def _marks(words: list[QueryWord]) -> Marks:
    return Marks(frozenset(alt.term for w in words for alt in w.alternatives),
                 frozenset(p for w in words for alt in w.alternatives for p in alt.parts))


def _add_word(snap: Snapshot, scores: np.ndarray, word: Word, factor: float, acronym: bool) -> None:
    if acronym and _acronym_bits(snap, word):
        snap.add_text_bm25(scores, acronym_term(word.surface), factor)
        return
    snap.add_text_bm25(scores, word.term, factor)
    leaves = _leaves(snap, word)
    if len(leaves) >= 2:
        # The parts count where every one of them is somewhere in the service's text.
        together = _parts_bits(snap, word)
        if together:
            parts = np.zeros(snap.size, dtype=np.float64)
            for leaf in leaves:
                for term in _part_terms(leaf):
                    snap.add_text_bm25(parts, term, factor * PARTS_BOOST)
            scores += np.where(snap.mask(together), parts, 0.0)


def _scores(snap: Snapshot, words: list[QueryWord]) -> np.ndarray:
    """BM25 per document, summed over the searched words, their alternatives and the text
    fields (with boosts); an alternative counts only where all of its words are."""
    scores = np.zeros(snap.size, dtype=np.float64)
    for word in words:
        for alt in word.alts:
            if len(alt.words) == 1:
                _add_word(snap, scores, alt.words[0], alt.weight, alt.acronym)
                continue
            together = _alt_bits(snap, alt)
            if not together:
                continue
            part = np.zeros(snap.size, dtype=np.float64)
            for w in alt.words:
                _add_word(snap, part, w, alt.weight, alt.acronym)
            scores += np.where(snap.mask(together), part, 0.0)
    return scores


def _ranked(snap: Snapshot, words: list[QueryWord], final: int, limit: int,
            first: int | None = None, boosts: list[int] = ()) -> list[tuple[int, float]]:
    """The best *limit* of *final*; those in *first* (every word found) before the rest."""
    if not final:
        return []
    scores = _scores(snap, words)
    for bits in boosts:
        scores *= np.where(snap.mask(bits), 1.0 + FACET_BOOST, 1.0)
    if first is None or not final & ~first:
        return snap.top(scores, final, limit)
    ranked = snap.top(scores, final & first, limit) if final & first else []
    if len(ranked) < limit:
        ranked += snap.top(scores, final & ~first, limit - len(ranked))
    return ranked


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
        unconfirmed=bool(snap.facet_masks(FACETS_BY_KEY[CONFIRMATION_PARAM]).get(NOT_CONFIRMED, 0) >> docnum & 1),
        terms=stored.get("terms") or {},
    )


def category_label(snap: Snapshot, slug: str, lang: str = "nb") -> str:
    info = snap.state.labels.get("categories", {}).get(slug) or {}
    return pick(info.get("nb"), info.get("en"), lang) or slug


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
        articles = snap.kind_bits("article")
        word_bits = [_word_bits(snap, w) for w in words]
        # A guidance article need not have every word: the words carrying most of the weight.
        bits = reduce(and_, word_bits) & articles or _should_match(snap, word_bits, articles)
        marks = Marks(frozenset(alt.term for w in words for alt in w.alternatives))
        out = []
        for docnum, score in _ranked(snap, words, bits, limit):
            stored = snap.reader.stored_fields(docnum)
            summary = stored.get("summary") or ""
            out.append(ArticleHit(int(stored.get("ref") or 0), stored.get("slug") or "", stored.get("name") or "",
                                  summary, best_snippet([summary, stored.get("description") or ""], marks), score))
        return out

    return index.run(work)
