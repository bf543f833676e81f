"""The read side: one reusable handle on the index per process, reopened only when it changes.

Web processes never write the index. ``SearchIndex`` keeps one open *snapshot* (a Whoosh
reader of one index generation plus precomputed per-document data) and checks on each use
whether the indexer has committed a new generation or a rebuild has swapped in a new
directory; only then does it open a new snapshot.

Whoosh is the storage: postings, lexicon, stored fields and columns. Matching, filtering,
facet counts and ranking run on whole arrays instead of one document at a time, because
Whoosh's pure-Python matchers are far too slow for 50 000 services:

- sets of documents are **bitsets** (a Python ``int``, one bit per document number:
  ``&``, ``|`` and ``bit_count()`` run in C) – for filters, facet counts and totals;
- **ranking** is BM25 (Whoosh's formula and statistics) computed with numpy over the postings
  of the searched terms, then the best page is picked with ``argpartition``;
- per-document values (supplier, sort keys, tie-break) are numpy arrays.

Everything derived from postings is cached per index *segment* (segments never change;
deletions are applied with a per-generation "alive" mask), so a new generation only costs
its new, small segments.
"""
from __future__ import annotations

import bisect
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date
from typing import Iterator

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from catalogue.search.schema import (FACET_FIELD, FACETS_BY_KEY, FIELD_BOOSTS, KIND_SERVICE, NOT_STATED, SORT_COLUMNS,
                                     SPELLING_FIELD, SUPPLIER_PARAM, TEXT_FIELDS)
from catalogue.search.store import IndexLocation, IndexMissing, IndexState, read_state

TERM_CACHE_SIZE = 2048          # cached postings per segment
SCORED_CACHE_BYTES = 12_000_000  # the words' summed BM25 arrays kept per generation
# Postings of the most frequent text terms read at start, in all segments (8 bytes each: 20 MB at
# most, read once in gunicorn's master and shared by its workers; about 0.25 s per million). The
# largest lists are the dearest to read, so they go first. Bounded by the web workers' memory target
# (250 MB each, counted with the pages they share): 4 million took a busy worker from 232 to 277 MB.
PRELOAD_POSTINGS = 2_500_000
SUGGESTION_CACHE_SIZE = 4096    # cached spelling suggestions per generation
FACET_CACHE_SIZE = 256          # cached facet panels per generation
TIEBREAK_EPSILON = 1e-6         # far below any real score difference; orders exact ties only
BM25_B, BM25_K1 = 0.75, 1.2     # Whoosh's BM25F defaults
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_WEIGHTS = np.zeros(0, dtype=np.float32)


# ---------------------------------------------------------------------------
# bitsets


def bits_from_ids(ids, size: int) -> int:
    """A bitset with the bits of *ids* (document numbers below *size*) set."""
    flags = np.zeros(size, dtype=bool)
    flags[ids] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def mask_from_bits(bits: int, size: int) -> np.ndarray:
    """The bitset as a boolean array of *size* documents."""
    raw = np.frombuffer(bits.to_bytes((size + 7) >> 3, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").view(bool)


def day_salt(day: date | None = None) -> int:
    day = day or date.today()
    return (day.toordinal() * 2654435761) & 0xFFFFFFFF


def rotate(tiebreak, salt: int):
    """Today's position of a document among equals: a stable hash, reshuffled every day."""
    return ((np.asarray(tiebreak, dtype=np.uint64) ^ np.uint64(salt)) * np.uint64(2246822519)
            + np.uint64(3266489917)) & np.uint64(0xFFFFFFFF)


class SmallCache:
    """A small least-recently-used map."""

    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)


class ArrayCache(SmallCache):
    """A least-recently-used map of ``(ids, values)`` array pairs, bounded by their bytes: a frequent
    word's arrays are a thousand times a rare one's, so a count of entries bounds nothing."""

    def __init__(self, max_bytes: int):
        super().__init__(size=0)
        self._max_bytes = max_bytes
        self._bytes = 0

    def put(self, key, value) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= sum(a.nbytes for a in old)
        self._items[key] = value
        self._bytes += sum(a.nbytes for a in value)
        while self._bytes > self._max_bytes and len(self._items) > 1:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= sum(a.nbytes for a in dropped)


def _postings(reader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """``(document numbers, weights)`` of *term* in *field*, deleted documents included."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return _NO_IDS, _NO_WEIGHTS
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deletions are masked per generation instead
    ids: list = []
    weights: list = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # Whoosh's on-disk matcher decodes postings a block at a time: take whole blocks
        # instead of stepping through the generic one-posting-at-a-time interface.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:  # pragma: no cover - another codec
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


class SegmentData:
    """What the search computes once per index segment (segments never change; deletions do)."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self._postings = SmallCache(TERM_CACHE_SIZE)
        self._hot: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # preload(): kept for good
        self._hot_postings: int | None = None
        self._bits = SmallCache(TERM_CACHE_SIZE)
        self._lengths: dict[str, np.ndarray] = {}
        self.facets: dict[str, dict[str, int]] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._suppliers: tuple[list[str], np.ndarray] | None = None
        self._spelling: dict[str, tuple[str, ...]] | None = None
        self._text_terms: frozenset[str] | None = None
        self._words: list[str] | None = None

    def text_terms(self, reader) -> frozenset[str]:
        """Every term of the text fields in this segment: a term not in it is looked up in none of
        the fields (an unknown word costs a set look-up per segment, not one per field)."""
        if self._text_terms is None:
            terms: set[str] = set()
            indexed = set(reader.indexed_field_names())
            for name in TEXT_FIELDS:
                if name in indexed:
                    terms.update(raw.decode("utf-8") for raw in reader.lexicon(name))
            self._text_terms = frozenset(terms)
        return self._text_terms

    def words(self, reader) -> list[str]:
        """The words of the spelling field in this segment, sorted (prefix completion)."""
        if self._words is None:
            self._words = sorted({word for words in self.spelling(reader).values() for word in words})
        return self._words

    def spelling(self, reader) -> dict[str, tuple[str, ...]]:
        """This segment's suggestion dictionary (symmetric delete): every word of the spelling
        field and every form of it with one letter deleted → the words. Built once per segment."""
        if self._spelling is None:
            table: dict[str, list[str]] = {}
            if SPELLING_FIELD in reader.indexed_field_names():
                for raw in reader.lexicon(SPELLING_FIELD):
                    word = raw.decode("utf-8")
                    for key in deletes(word, 1):
                        table.setdefault(key, []).append(word)
            self._spelling = {key: tuple(words) for key, words in table.items()}
        return self._spelling

    def preload(self, reader, budget: int) -> int:
        """Read the postings of this segment's most frequent text terms into memory for good, up to
        *budget* postings, most frequent first: the words people search are mostly common ones,
        and a word's first search otherwise reads them from the files (issue 17: about half of a
        page's first-search time). Returns the number of postings held. Done once per segment: a
        forked worker warming up again keeps what its parent read (shared pages, not copies)."""
        if self._hot_postings is not None:
            return self._hot_postings
        indexed = set(reader.indexed_field_names())
        frequent = []
        for name in TEXT_FIELDS:
            if name in indexed:
                frequent += [(info.doc_frequency(), name, text if isinstance(text, str) else text.decode("utf-8"))
                             for text, info in reader.iter_field(name)]
        frequent.sort(key=lambda row: -row[0])
        read = 0
        for docs, name, term in frequent:
            if read + docs > budget:
                break
            self._hot[(name, term)] = _postings(reader, name, term)
            read += docs
        self._hot_postings = read
        return read

    def postings(self, reader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, term)
        found = self._hot.get(key)
        if found is not None:
            return found
        found = self._postings.get(key)
        if found is None:
            found = _postings(reader, field, term)
            self._postings.put(key, found)
        return found

    def term_bits(self, reader, field: str, term: str) -> int:
        key = (field, term)
        bits = self._bits.get(key)
        if bits is None:
            bits = bits_from_ids(self.postings(reader, field, term)[0], self.size)
            self._bits.put(key, bits)
        return bits

    def lengths(self, reader, field: str) -> np.ndarray:
        """Per document, the length of *field* (in words) as Whoosh stores it."""
        found = self._lengths.get(field)
        if found is None:
            try:
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            except AttributeError:  # pragma: no cover - another codec
                column = None
            if column is not None:
                found = _BYTE_TO_LENGTH[np.fromiter(column, dtype=np.uint8, count=self.size)]
            else:
                found = np.array([reader.doc_field_length(d, field, 0) for d in range(self.size)],
                                 dtype=np.float32)
            self._lengths[field] = found
        return found

    def facet(self, reader, facet) -> dict[str, int]:
        """``{value: documents}`` of one facet in this segment."""
        masks = self.facets.get(facet.key)
        if masks is None:
            masks = {term[len(facet.prefix):]: self.term_bits(reader, FACET_FIELD, term)
                     for term in _facet_terms(reader, facet)}
            self.facets[facet.key] = masks
        return masks

    def column(self, reader, name: str, dtype, default=0) -> np.ndarray:
        values = self._columns.get(name)
        if values is None:
            raw = list(reader.column_reader(name)) if reader.has_column(name) else [default] * self.size
            values = np.array(raw, dtype=dtype)
            self._columns[name] = values
        return values

    def supplier_ordinals(self, reader) -> tuple[list[str], np.ndarray]:
        """Per document, the position of its supplier's slug (suppliers are counted, not masked)."""
        if self._suppliers is None:
            facet = FACETS_BY_KEY[SUPPLIER_PARAM]
            slugs: list[str] = []
            ordinals = np.full(self.size, -1, dtype=np.int32)
            for term in _facet_terms(reader, facet):
                ordinals[_postings(reader, FACET_FIELD, term)[0]] = len(slugs)
                slugs.append(term[len(facet.prefix):])
            self._suppliers = (slugs, ordinals)
        return self._suppliers


def deletes(word: str, distance: int) -> set[str]:
    """*word* and every form of it with up to *distance* letters deleted."""
    found = {word}
    frontier = {word}
    for _ in range(distance):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w)) if len(w) > 1}
        found |= frontier
    return found


def _facet_terms(reader, facet) -> list[str]:
    if FACET_FIELD not in reader.indexed_field_names():
        return []
    return [t.decode("utf-8") for t in reader.expand_prefix(FACET_FIELD, facet.prefix)]


class Snapshot:
    """One generation of the index, open for reading, with its arrays and bitsets."""

    def __init__(self, ix, path, segments: dict[str, SegmentData]):
        self.ix = ix
        self.path = path
        self.reader = ix.reader()
        self.generation = self.reader.generation()
        self.size = self.reader.doc_count_all()
        self.leaves: list[tuple[SegmentData, object, int]] = []
        self.segment_ids: set[str] = set()
        for leaf, offset in self.reader.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is None:  # an index with no documents at all
                continue
            segid = segment.segment_id()
            data = segments.get(segid)
            if data is None or data.size != leaf.doc_count_all():
                data = segments[segid] = SegmentData(leaf)
            self.leaves.append((data, leaf, offset))
            self.segment_ids.add(segid)
        self.searcher = Searcher(self.reader, fromindex=ix)
        self.state: IndexState = read_state(self.searcher)
        self.alive = self._alive()
        self.live = self.kind_bits(KIND_SERVICE)  # the services: what a search finds by default
        self.doc_count = self.live.bit_count()
        self._facets: dict[str, dict[str, int]] = {}
        self._orders: dict[tuple[str, int], np.ndarray] = {}
        self._fairness: tuple[int, np.ndarray] | None = None
        self._suppliers: tuple[list[str], np.ndarray, dict[str, int]] | None = None  # slugs, ordinals, slug → position
        self._supplier_names: dict[str, str] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._scored = ArrayCache(SCORED_CACHE_BYTES)  # term → (document numbers, boosted BM25 over the fields)
        self.suggestions = SmallCache(SUGGESTION_CACHE_SIZE)  # word → suggestion ("" for none), this generation
        self.facet_cache = SmallCache(FACET_CACHE_SIZE)       # (services, filters, language) → facets
        self._avg_length: dict[str, float] = {}

    # What a snapshot derives from its generation alone (no open file in it): a process forked
    # from one that had the same generation open takes these over instead of computing them again.
    DERIVED = ("_facets", "_orders", "_fairness", "_suppliers", "_supplier_names", "_idf", "_scored", "suggestions",
               "facet_cache", "_avg_length")

    def adopt(self, derived: dict) -> None:
        """Take over *derived* (``Snapshot.derived()`` of the same generation in another process)."""
        for name in self.DERIVED:
            setattr(self, name, derived[name])

    def derived(self) -> dict:
        return {name: getattr(self, name) for name in self.DERIVED}

    def close(self) -> None:
        self.searcher.close()

    # -- bitsets -----------------------------------------------------------
    def _alive(self) -> int:
        """Every document that is not deleted."""
        alive = 0
        for data, leaf, offset in self.leaves:
            bits = (1 << data.size) - 1
            if leaf.has_deletions():
                bits &= ~bits_from_ids(np.fromiter(leaf.deleted_docs_set, dtype=np.int64), data.size)
            alive |= bits << offset
        return alive

    def term_bits(self, field: str, term: str) -> int:
        """Documents (of any kind, not deleted) with *term* in *field*."""
        bits = 0
        for data, leaf, offset in self.leaves:
            segment_bits = data.term_bits(leaf, field, term)
            if segment_bits:
                bits |= segment_bits << offset
        return bits & self.alive

    def text_bits(self, term: str) -> int:
        """Documents (of any kind, not deleted) with *term* in any of the text fields."""
        bits = 0
        for data, leaf, offset in self.leaves:
            if term not in data.text_terms(leaf):
                continue
            segment_bits = 0
            for name in TEXT_FIELDS:
                segment_bits |= data.term_bits(leaf, name, term)
            if segment_bits:
                bits |= segment_bits << offset
        return bits & self.alive

    def preload(self, budget: int) -> int:
        """``SegmentData.preload`` for every segment, *budget* postings in all (shared by size)."""
        return sum(data.preload(leaf, budget * data.size // max(self.size, 1)) for data, leaf, _ in self.leaves)

    def vocabulary(self) -> list[str]:
        """Every word of the texts people see in result lists (the spelling field), folded, in
        alphabetical order."""
        return sorted({word for data, leaf, _ in self.leaves for word in data.words(leaf)})

    def completions(self, prefix: str) -> list[str]:
        """The words of the texts (the spelling field) that start with *prefix*, in alphabetical
        order: a binary search in each segment's sorted words (no walk over the lexicon files)."""
        found: set[str] = set()
        for data, leaf, _ in self.leaves:
            words = data.words(leaf)
            at = bisect.bisect_left(words, prefix)
            while at < len(words) and words[at].startswith(prefix):
                found.add(words[at])
                at += 1
        return sorted(found)

    def kind_bits(self, kind: str) -> int:
        """The documents of one kind ("service", "article")."""
        return self.term_bits("kind", kind)

    def mask(self, bits: int) -> np.ndarray:
        return mask_from_bits(bits, self.size)

    def is_word(self, word: str) -> bool:
        """Is *word* (folded, unstemmed) one of the words the index's texts use (the spelling
        vocabulary)? A few dictionary look-ups."""
        return any(word in data.spelling(leaf).get(word, ()) for data, leaf, _ in self.leaves)

    def spelling_candidates(self, word: str, distance: int) -> set[str]:
        """Indexed words that may be within *distance* edits of *word*: the word's deletions
        (up to *distance*) looked up in each segment's one-deletion dictionary. A bounded
        number of dictionary look-ups (no walk over the terms), whatever the word."""
        keys = deletes(word, distance)
        found: set[str] = set()
        for data, leaf, _ in self.leaves:
            table = data.spelling(leaf)
            for key in keys:
                found.update(table.get(key, ()))
        found.discard(word)
        return found

    def facet_masks(self, facet) -> dict[str, int]:
        """``{value: live services with that value}`` for a facet (not the supplier one)."""
        masks = self._facets.get(facet.key)
        if masks is None:
            merged: dict[str, int] = {}
            for data, leaf, offset in self.leaves:
                for value, bits in data.facet(leaf, facet).items():
                    merged[value] = merged.get(value, 0) | (bits << offset)
            if facet.complement:  # the field holds the values a service does not have
                masks = {c.value: self.live & ~merged.get(c.value, 0) for c in facet.term.options}
            else:
                masks = {value: bits & self.live for value, bits in merged.items()}
            self._facets[facet.key] = masks
        return masks

    # -- suppliers ---------------------------------------------------------
    def supplier_ordinals(self) -> tuple[list[str], np.ndarray]:
        """All supplier slugs and, per document number, its supplier's position (-1: none)."""
        if self._suppliers is None:
            slugs: list[str] = []
            position: dict[str, int] = {}
            parts = []
            for data, leaf, _ in self.leaves:
                local_slugs, local = data.supplier_ordinals(leaf)
                mapping = np.empty(len(local_slugs) + 1, dtype=np.int32)
                mapping[-1] = -1
                for i, slug in enumerate(local_slugs):
                    if slug not in position:
                        position[slug] = len(slugs)
                        slugs.append(slug)
                    mapping[i] = position[slug]
                parts.append(mapping[local])
            ordinals = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            self._suppliers = (slugs, ordinals, position)
        return self._suppliers[:2]

    def supplier_counts(self, bits: int, limit: int | None, named=()) -> tuple[list[tuple[str, int]], int, dict[str, int]]:
        """Services per supplier among *bits*: ``(the *limit* largest as (slug, count), largest first and
        equal counts by slug; how many suppliers have any; the counts of the *named* slugs)``."""
        slugs, ordinals = self.supplier_ordinals()
        chosen = ordinals[self.mask(bits)]
        counts = np.bincount(chosen[chosen >= 0], minlength=len(slugs))
        found = np.flatnonzero(counts)
        total = len(found)
        if limit is not None and total > limit:
            # Only those at or above the limit-th largest count can be among the largest (ties by slug).
            kth = np.partition(counts[found], total - limit)[total - limit]
            found = found[counts[found] >= kth]
        ranked = sorted(((slugs[i], int(counts[i])) for i in found), key=lambda kv: (-kv[1], kv[0]))
        position = self._suppliers[2]
        return (ranked[:limit] if limit is not None else ranked, total,
                {slug: int(counts[position[slug]]) if slug in position else 0 for slug in named})

    def supplier_name(self, slug: str) -> str:
        """The supplier's name as indexed (from any of its documents)."""
        name = self._supplier_names.get(slug)
        if name is None:
            bits = self.term_bits(FACET_FIELD, FACETS_BY_KEY[SUPPLIER_PARAM].index_term(slug))
            name = slug
            if bits:
                first = (bits & -bits).bit_length() - 1
                name = self.reader.stored_fields(first).get("supplier") or slug
            self._supplier_names[slug] = name
        return name

    # -- ranking -----------------------------------------------------------
    def fairness(self) -> np.ndarray:
        """Per document, today's tie-break as a fraction in [0, 1)."""
        salt = day_salt()
        if self._fairness is None or self._fairness[0] != salt:
            parts = [data.column(leaf, "tiebreak", np.uint32) for data, leaf, _ in self.leaves]
            raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
            self._fairness = (salt, rotate(raw, salt).astype(np.float64) / 4294967296.0)
        return self._fairness[1]

    def _stats(self, field: str, term: str) -> tuple[float, float]:
        key = (field, term)
        idf = self._idf.get(key)
        if idf is None:
            idf = self._idf[key] = self.searcher.idf(field, term)
        avg = self._avg_length.get(field)
        if avg is None:
            avg = self._avg_length[field] = self.searcher.avg_field_length(field) or 1.0
        return idf, avg

    def add_text_bm25(self, scores: np.ndarray, term: str, factor: float) -> None:
        """Add *factor* × Σ over the text fields of the field's boost × BM25(*term* in it) (Whoosh's
        formula): one addition per word, the sum over the fields made once per generation and term."""
        found = self._scored.get(term)
        if found is None:
            found = self._text_bm25(term)
            self._scored.put(term, found)
        if len(found[0]):
            scores[found[0]] += factor * found[1]

    def _text_bm25(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """``(document numbers, Σ over the text fields of boost × BM25)`` of *term*, summed in a dense
        array (a field's documents are distinct; BM25 is never 0, so the documents are its non-zeros)."""
        leaves = [(data, leaf, offset) for data, leaf, offset in self.leaves if term in data.text_terms(leaf)]
        if not leaves:
            return _NO_IDS, _NO_WEIGHTS
        summed = np.zeros(self.size, dtype=np.float32)
        for field, boost in FIELD_BOOSTS.items():
            idf, avg = self._stats(field, term)
            for data, leaf, offset in leaves:
                ids, tf = data.postings(leaf, field, term)
                if len(ids):
                    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * data.lengths(leaf, field)[ids] / avg)
                    summed[ids + offset] += boost * idf * (tf * (BM25_K1 + 1)) / (tf + norm)
        ids = np.flatnonzero(summed).astype(np.int32)
        return ids, summed[ids]

    def top(self, scores: np.ndarray, bits: int, limit: int) -> list[tuple[int, float]]:
        """The *limit* best documents of *bits* by score, equal scores in today's fair order."""
        candidates = np.flatnonzero(self.mask(bits))
        if not len(candidates) or limit <= 0:
            return []
        keyed = scores[candidates] + TIEBREAK_EPSILON * self.fairness()[candidates]
        if len(candidates) > limit:
            best = np.argpartition(-keyed, limit - 1)[:limit]
        else:
            best = np.arange(len(candidates))
        best = best[np.argsort(-keyed[best], kind="stable")]
        return [(int(candidates[i]), float(scores[candidates[i]])) for i in best]

    def order(self, sort: str) -> np.ndarray:
        """Every document number in *sort* order ("navn", "nyeste", a term's order such as "pris" (lowest
        first, not stated last) or "tilfeldig"), ties fair."""
        salt = day_salt()
        key = (sort, salt)
        cached = self._orders.get(key)
        if cached is not None:
            return cached
        self._orders = {k: v for k, v in self._orders.items() if k[1] == salt}  # today's orders only
        fair = self.fairness()
        if sort == "navn":
            names = np.concatenate([np.array(data.column(leaf, "name_key", object).tolist(), dtype=bytes)
                                    for data, leaf, _ in self.leaves])
            order = np.lexsort((fair, names))
        elif sort == "nyeste":
            published = np.concatenate([data.column(leaf, "published", np.int64) for data, leaf, _ in self.leaves])
            order = np.lexsort((fair, -published))
        elif sort in SORT_COLUMNS:
            numbers = np.concatenate([data.column(leaf, SORT_COLUMNS[sort], np.float64, NOT_STATED)
                                      for data, leaf, _ in self.leaves])
            order = np.lexsort((fair, numbers))
        else:
            order = np.argsort(fair, kind="stable")
        self._orders[key] = order
        return order

    def first_in_order(self, sort: str, bits: int, limit: int) -> list[int]:
        order = self.order(sort)
        chosen = order[self.mask(bits)[order]]
        return [int(d) for d in chosen[:limit]]


class SearchIndex:
    """A process-wide, read-only handle on the index at ``INDEX_DIR``.

    ``snapshot()`` yields the current generation, opening a new one when the indexer has
    committed or a rebuild has swapped directories. Use is serialised with a lock: Whoosh
    readers share file positions, and web workers run one request at a time anyway.
    """

    def __init__(self, index_dir):
        self.location = IndexLocation(index_dir)
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._snapshot_target: str | None = None
        self._segments: dict[str, SegmentData] = {}
        self._inherited: tuple | None = None  # (path, generation, derived data) of the parent process

    def forked(self) -> "SearchIndex":
        """A handle for a forked process (a gunicorn worker): it opens its own files – Whoosh's file
        objects and locks must not be shared across a fork – but takes over everything this handle
        derived from the segments and from its open generation (postings, lengths, spelling
        dictionaries, facet masks and counts, sort orders), so its first search computes none of it."""
        with self._lock:
            child = SearchIndex(self.location.link)
            child._segments = dict(self._segments)
            snap = self._snapshot
            if snap is not None:
                child._inherited = (snap.path, snap.generation, snap.derived())
            return child

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.location.link)!r})"

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        with self._lock:
            yield self._current()

    def available(self) -> bool:
        """Is there an index to search? (Cheap when one is open and the link has not moved.)"""
        if self._snapshot is not None and self._link_target() == self._snapshot_target:
            return True
        return self.location.current() is not None

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.location.link)
        except OSError:
            return None

    def _current(self) -> Snapshot:
        snap = self._snapshot
        target = self._link_target()
        if snap is not None and target is not None and target == self._snapshot_target:
            path = snap.path  # the link still points where it did: skip the directory checks
        else:
            path = self.location.current()
        if path is None:
            raise IndexMissing(str(self.location.link))
        if snap is not None and snap.path == path:
            try:
                if snap.ix.latest_generation() == snap.generation:
                    return snap
            except OSError:
                pass  # the directory changed under us: open afresh below
        from whoosh import index as whoosh_index

        fresh = Snapshot(whoosh_index.open_dir(str(path)), path, self._segments)
        inherited, self._inherited = self._inherited, None
        if inherited is not None and inherited[:2] == (path, fresh.generation):
            fresh.adopt(inherited[2])
        self._snapshot_target = target
        # Forget the data of segments the new generation no longer has.
        for segid in [s for s in self._segments if s not in fresh.segment_ids]:
            del self._segments[segid]
        self._snapshot = fresh
        if snap is not None:
            snap.close()
        return fresh

    def reset(self) -> None:
        """Drop the open snapshot: the next use opens the current generation afresh."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    close = reset

    def run(self, work):
        """``work(snapshot)`` on the current generation. A reader of an old generation may find
        files of a segment the indexer has merged away since; then it runs once more, afresh."""
        try:
            with self.snapshot() as snap:
                return work(snap)
        except FileNotFoundError:
            self.reset()
            with self.snapshot() as snap:
                return work(snap)
