"""The read side: one reusable handle on the index per process, reopened only when it changes.

Web processes never write the index. ``SearchIndex`` keeps one open *snapshot* (a Whoosh
reader of one index generation plus precomputed per-document data) and checks on each use
whether the indexer has committed a new generation or a rebuild has swapped in a new
directory; only then does it open a new snapshot.

Filtering, facet counts and totals run on **bitsets**: a Python ``int`` per facet value or
term, one bit per document number (``int & int`` and ``int.bit_count()`` run in C). The sets
are built from the postings once per index *segment* and cached by segment id, so a new
generation only costs the new, small segments; deletions are applied with a per-generation
"live" mask. Scoring of the page of hits is left to Whoosh (BM25F).
"""
from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date
from typing import Iterable, Iterator

from whoosh.idsets import DocIdSet
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BaseScorer, BM25F
from whoosh.searching import Searcher

from catalogue.search.schema import FACET_FIELD, FACETS_BY_KEY, KIND_SERVICE, SUPPLIER_PARAM
from catalogue.search.store import IndexLocation, IndexMissing, IndexState, read_state

TERM_CACHE_SIZE = 4096          # cached term bitsets per segment (each ≤ one bit per document)
TIEBREAK_EPSILON = 1e-6         # far below any real score difference; orders exact ties only

_SET_BITS = tuple(tuple(j for j in range(8) if byte >> j & 1) for byte in range(256))


def bits_from_ids(ids: Iterable[int], size: int) -> int:
    """A bitset with the bits of *ids* set."""
    buf = bytearray((size >> 3) + 1)
    for docnum in ids:
        buf[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buf, "little")


def iter_bits(bits: int) -> Iterator[int]:
    """The document numbers set in *bits*, ascending."""
    raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    for index, byte in enumerate(raw):
        if byte:
            base = index << 3
            for j in _SET_BITS[byte]:
                yield base + j


class BitsFilter(DocIdSet):
    """A bitset seen as a read-only set of document numbers (for Whoosh's ``filter=``)."""

    def __init__(self, bits: int, size: int):
        self._bits = bits
        self._raw = bits.to_bytes((size >> 3) + 1, "little")

    def __contains__(self, docnum: int) -> bool:
        return bool(self._raw[docnum >> 3] >> (docnum & 7) & 1)

    def __len__(self) -> int:
        return self._bits.bit_count()

    def __bool__(self) -> bool:
        return True  # an empty filter still filters (everything out)

    def __iter__(self) -> Iterator[int]:
        return iter_bits(self._bits)


def _posting_ids(reader, field: str, term: str) -> list[int]:
    """Every document number with *term* in *field*, deleted ones included (masked later)."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return []
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # Whoosh's on-disk matcher decodes postings a block at a time: take whole blocks
        # instead of stepping through the generic one-id-at-a-time interface.
        ids: list[int] = []
        while matcher.is_active():
            matcher._read_ids()
            ids.extend(matcher._ids)
            matcher._next_block()
        return ids
    return list(matcher.all_ids())


def day_salt(day: date | None = None) -> int:
    day = day or date.today()
    return (day.toordinal() * 2654435761) & 0xFFFFFFFF


def rotate(tiebreak: int, salt: int) -> int:
    """Today's position of a document among equals: a stable hash, reshuffled every day."""
    return ((tiebreak ^ salt) * 2246822519 + 3266489917) & 0xFFFFFFFF


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


class SegmentData:
    """What the search computes once per index segment (segments never change; deletions do)."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self._terms = SmallCache(TERM_CACHE_SIZE)
        self.facets: dict[str, dict[str, int]] = {}
        self._columns: dict[str, list] = {}
        self._rotated: tuple[int, list[float]] | None = None
        self.suppliers: tuple[list[str], array] | None = None

    def term_bits(self, reader, field: str, term: str) -> int:
        key = (field, term)
        bits = self._terms.get(key)
        if bits is None:
            bits = bits_from_ids(_posting_ids(reader, field, term), self.size)
            self._terms.put(key, bits)
        return bits

    def facet(self, reader, facet) -> dict[str, int]:
        """``{value: documents}`` of one facet in this segment."""
        masks = self.facets.get(facet.key)
        if masks is None:
            masks = {term[len(facet.prefix):]: bits_from_ids(_posting_ids(reader, FACET_FIELD, term), self.size)
                     for term in _facet_terms(reader, facet)}
            self.facets[facet.key] = masks
        return masks

    def column(self, reader, name: str) -> list:
        values = self._columns.get(name)
        if values is None:
            if reader.has_column(name):
                values = list(reader.column_reader(name))
            else:
                values = [0] * self.size
            self._columns[name] = values
        return values

    def fairness(self, reader, salt: int) -> list[float]:
        """Per document, today's tie-break as a fraction in [0, 1)."""
        if self._rotated is None or self._rotated[0] != salt:
            scale = 1.0 / 4294967296.0
            self._rotated = (salt, [rotate(t, salt) * scale for t in self.column(reader, "tiebreak")])
        return self._rotated[1]

    def supplier_ordinals(self, reader, facet) -> tuple[list[str], array]:
        """Per document, the index of its supplier slug (suppliers are counted, not masked)."""
        if self.suppliers is None:
            slugs: list[str] = []
            ordinals = array("i", [-1]) * self.size
            for term in _facet_terms(reader, facet):
                number = len(slugs)
                slugs.append(term[len(facet.prefix):])
                for docnum in _posting_ids(reader, FACET_FIELD, term):
                    ordinals[docnum] = number
            self.suppliers = (slugs, ordinals)
        return self.suppliers


def _facet_terms(reader, facet) -> list[str]:
    if FACET_FIELD not in reader.indexed_field_names():
        return []
    return [t.decode("utf-8") for t in reader.expand_prefix(FACET_FIELD, facet.prefix)]


class FairBM25F(BM25F):
    """BM25F plus a tiny, daily-rotated per-document tie-break.

    Equal scores are common in a catalogue (many suppliers describe the same kind of service in
    the same words). Whoosh would order them by document number – the order they were indexed,
    so the same supplier would always come first. Adding an epsilon from a stable hash of the
    service, reshuffled each day, orders exact ties fairly and stays stable for paging.
    """

    def __init__(self, snapshot: "Snapshot"):
        super().__init__()
        self._snapshot = snapshot

    def scorer(self, searcher, fieldname, text, qf=1):
        base = super().scorer(searcher, fieldname, text, qf=qf)
        return _FairScorer(base, self._snapshot.fairness_for(searcher.reader()))


class _FairScorer(BaseScorer):
    def __init__(self, base, fairness: list[float]):
        self._base = base
        self._fairness = fairness

    def supports_block_quality(self):
        return self._base.supports_block_quality()

    def score(self, matcher):
        return self._base.score(matcher) + TIEBREAK_EPSILON * self._fairness[matcher.id()]

    def max_quality(self):
        return self._base.max_quality() + TIEBREAK_EPSILON

    def block_quality(self, matcher):
        return self._base.block_quality(matcher) + TIEBREAK_EPSILON


class Snapshot:
    """One generation of the index, open for reading, with its bitsets."""

    def __init__(self, ix, path, segments: dict[str, SegmentData]):
        self.ix = ix
        self.path = path
        self.reader = ix.reader()
        self.generation = self.reader.generation()
        self.size = self.reader.doc_count_all()
        self.leaves: list[tuple[SegmentData, object, int]] = []
        self._by_reader: dict[int, SegmentData] = {}
        for leaf, offset in self.reader.leaf_readers():
            segment = leaf.segment()
            segid = segment.segment_id() if segment is not None else f"anon-{id(leaf)}"
            data = segments.get(segid)
            if data is None or data.size != leaf.doc_count_all():
                data = segments[segid] = SegmentData(leaf)
            self.leaves.append((data, leaf, offset))
            self._by_reader[id(leaf)] = data
        self.segment_ids = {(leaf.segment().segment_id() if leaf.segment() is not None else None)
                            for _, leaf, _ in self.leaves}
        self.searcher = Searcher(self.reader, fromindex=ix, weighting=FairBM25F(self))
        self.state: IndexState = read_state(self.searcher)
        self.alive = self._alive()
        self.live = self.kind_bits(KIND_SERVICE)  # the services: what a search finds by default
        self.doc_count = self.live.bit_count()
        self._facets: dict[str, dict[str, int]] = {}
        self._orders: dict[tuple[str, int], list[int]] = {}
        self._suppliers: tuple[list[str], list[int]] | None = None
        self._supplier_names: dict[str, str] = {}
        self.supplier_counts = SmallCache(32)  # {set of documents: {supplier: count}}

    def close(self) -> None:
        self.searcher.close()

    # -- bitsets -----------------------------------------------------------
    def _alive(self) -> int:
        """Every document that is not deleted."""
        alive = 0
        for data, leaf, offset in self.leaves:
            bits = (1 << data.size) - 1
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
            if deleted:
                bits &= ~bits_from_ids(deleted, data.size)
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

    def kind_bits(self, kind: str) -> int:
        """The documents of one kind ("service", "article")."""
        return self.term_bits("kind", kind)

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

    def supplier_ordinals(self) -> tuple[list[str], list[int]]:
        """All supplier slugs and, per global document number, its supplier's position (-1: none)."""
        if self._suppliers is None:
            facet = FACETS_BY_KEY[SUPPLIER_PARAM]
            slugs: list[str] = []
            position: dict[str, int] = {}
            ordinals: list[int] = []
            for data, leaf, _ in self.leaves:
                local_slugs, local = data.supplier_ordinals(leaf, facet)
                mapping = []
                for slug in local_slugs:
                    if slug not in position:
                        position[slug] = len(slugs)
                        slugs.append(slug)
                    mapping.append(position[slug])
                ordinals.extend(mapping[o] if o >= 0 else -1 for o in local)
            self._suppliers = (slugs, ordinals)
        return self._suppliers

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

    # -- ordering ----------------------------------------------------------
    def fairness_for(self, leaf_reader) -> list[float]:
        data = self._by_reader.get(id(leaf_reader))
        if data is None:  # pragma: no cover - a reader Whoosh made on its own
            return [0.0] * leaf_reader.doc_count_all()
        return data.fairness(leaf_reader, day_salt())

    def order(self, sort: str) -> list[int]:
        """Every document number in *sort* order ("navn", "nyeste" or "tilfeldig"), ties fair."""
        salt = day_salt()
        key = (sort, salt)
        cached = self._orders.get(key)
        if cached is not None:
            return cached
        rows: list[tuple] = []
        for data, leaf, offset in self.leaves:
            fair = data.fairness(leaf, salt)
            if sort == "navn":
                names = data.column(leaf, "name_key")
                rows.extend((names[i], fair[i], offset + i) for i in range(data.size))
            elif sort == "nyeste":
                published = data.column(leaf, "published")
                rows.extend((-published[i], fair[i], offset + i) for i in range(data.size))
            else:
                rows.extend((fair[i], offset + i) for i in range(data.size))
        rows.sort()
        live = BitsFilter(self.live, self.size)
        order = [row[-1] for row in rows if row[-1] in live]
        self._orders = {key: order}  # one day's orders are enough
        return order


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
        self._segments: dict[str, SegmentData] = {}

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.location.link)!r})"

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        with self._lock:
            yield self._current()

    def _current(self) -> Snapshot:
        path = self.location.current()
        if path is None:
            raise IndexMissing(str(self.location.link))
        snap = self._snapshot
        if snap is not None and snap.path == path:
            try:
                if snap.ix.latest_generation() == snap.generation:
                    return snap
            except OSError:
                pass  # the directory changed under us: open afresh below
        from whoosh import index as whoosh_index

        fresh = Snapshot(whoosh_index.open_dir(str(path)), path, self._segments)
        # Forget the data of segments the new generation no longer has.
        for segid in [s for s in self._segments if s not in fresh.segment_ids]:
            del self._segments[segid]
        self._snapshot = fresh
        if snap is not None:
            snap.close()
        return fresh

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
