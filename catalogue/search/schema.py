"""The Whoosh schema, generated from the terms registry, and the facets it serves.

Text fields carry the Norwegian analysis (``catalogue.search.analysis``); every filterable
term in ``TERMS`` becomes a facet, indexed as ``<key>=<value>`` terms (``term.facet_values``)
in the one keyword field ``facets``. Besides the terms, services are faceted by top category,
sub-category, DPS qualification and supplier. Sorting and the fair tie-break read
per-document columns, never stored fields.

The schema and the facet list are built once per process (``SCHEMA``, ``FACETS``).
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

from whoosh import columns, fields, formats
from whoosh.analysis import KeywordAnalyzer
from whoosh.system import pack_uint

from catalogue import confirmation
from catalogue.i18n import _l, text
from catalogue.search import analysis, words
from catalogue.terms import NSM_MATRIX, TERMS, Term

# Bump when the analysis changes in a way the word lists do not show.
ANALYSIS_VERSION = 6  # 6: documents store their shown terms (compact, as JSON) for the hit line

# Query-time boosts per text field: name > summary > features > category > description >
# supplier. Applied when the query is built, so tuning them needs no re-indexing. (The terms
# are found through the facets, not as text.)
FIELD_BOOSTS: dict[str, float] = {
    "name": 6.0,
    "summary": 3.0,
    "features": 2.0,
    "category": 4.0,   # the sub-category and category names: what the service *is*
    "description": 1.0,
    "supplier": 0.8,
}
TEXT_FIELDS: tuple[str, ...] = tuple(FIELD_BOOSTS)
SPELLING_FIELD = "spelling"

KIND_SERVICE = "service"
KIND_META = "meta"
META_ID = "meta:state"


class NorwegianText(fields.FieldType):
    """A scorable text field analysed as Norwegian, indexed through the fast word cache.

    ``index`` yields the same terms as the Whoosh analyzer chain (``analyzer``), but without
    building a token object per word, which is what makes a 50 000-service rebuild fast.
    Compound parts get a lower weight than whole words.
    """

    def __init__(self, stored: bool = False):
        super().__init__(formats.Frequency(), analysis.norwegian_analyzer(), scorable=True, stored=stored)

    def index(self, value, **kwargs):
        for term, weight in analysis.term_weights(value).items():
            freq = max(1, round(weight))
            yield term.encode("utf-8"), freq, weight, pack_uint(freq)


class FacetTerms(fields.FieldType):
    """``<facet key>=<value>`` terms: only presence matters (no frequencies, no weights)."""

    def __init__(self):
        # "scorable" only makes Whoosh keep a length column (see build_schema).
        super().__init__(formats.Existence(), KeywordAnalyzer(), scorable=True, stored=False)

    def index(self, value, **kwargs):
        for term in set(value):
            yield term.encode("utf-8"), 1, 1.0, b""


FACET_FIELD = "facets"


class SpellingWords(fields.FieldType):
    """The unstemmed vocabulary for "Mente du …?" suggestions: never scored, not stored."""

    def __init__(self):
        # "scorable" only makes Whoosh keep a length column (see build_schema).
        super().__init__(formats.Frequency(), analysis.spelling_analyzer(), scorable=True, stored=False)

    def index(self, value, **kwargs):
        # A list holds words already folded and chosen (see indexer.rebuild); text is analysed.
        words = value if isinstance(value, (list, tuple)) else analysis.spelling_words(value)
        for word in words:
            yield word.encode("utf-8"), 1, 1.0, pack_uint(1)


# ---------------------------------------------------------------------------
# facets


CATEGORY, SUBCATEGORY, SUPPLIER, DPS_FACET, TERM = "category", "subcategory", "supplier", "dps", "term"
CONFIRMATION = "confirmation"  # confirmed within 13 months or not (catalogue.confirmation)


@dataclass(frozen=True)
class FacetSpec:
    """One facet: its URL parameter (``key``), its index field and where its labels come from."""

    key: str
    source: str
    term: Term | None = None
    # Suppliers can number thousands: list the largest only (the rest are reachable by name).
    max_values: int | None = None
    # Index the values a service does NOT have: for the NSM principles most services cover
    # most of the 21, so the complement is a fraction of the postings (the reader inverts it).
    complement: bool = False

    @property
    def prefix(self) -> str:
        return f"{self.key}="

    def index_term(self, value: str) -> str:
        """The term in the ``facets`` field that stands for *value* of this facet."""
        return f"{self.key}={value}"

    def index_terms(self, values: list[str]) -> list[str]:
        """What a service with *values* puts into the ``facets`` field."""
        if self.complement:
            have = set(values)
            values = [c.value for c in self.term.options if c.value not in have]
        return [self.index_term(v) for v in values]

    def label(self, lang: str = "nb") -> str:
        if self.term is not None:
            return self.term.short_label(lang)
        return text(FACET_LABELS[self.source])


FACET_LABELS = {
    CATEGORY: _l("Kategori"),
    SUBCATEGORY: _l("Underkategori"),
    DPS_FACET: _l("Kvalifisert i innkjøpsordning"),
    SUPPLIER: _l("Leverandør"),
    CONFIRMATION: confirmation.FACET_LABEL,
}

# URL parameters of the non-term facets (Norwegian, as in the rest of the site).
CATEGORY_PARAM, SUBCATEGORY_PARAM, SUPPLIER_PARAM, DPS_PARAM = "kategori", "underkategori", "leverandor", "dps"
CONFIRMATION_PARAM = "bekreftelse"


def _facets() -> tuple[FacetSpec, ...]:
    specs = [FacetSpec(CATEGORY_PARAM, CATEGORY), FacetSpec(SUBCATEGORY_PARAM, SUBCATEGORY)]
    specs += [FacetSpec(term.key, TERM, term, complement=term.type == NSM_MATRIX) for term in TERMS.filterable()]
    specs += [FacetSpec(DPS_PARAM, DPS_FACET), FacetSpec(CONFIRMATION_PARAM, CONFIRMATION),
              FacetSpec(SUPPLIER_PARAM, SUPPLIER, max_values=20)]
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):  # pragma: no cover - a term key clashing with a parameter
        raise ValueError(f"facet keys clash: {keys}")
    return tuple(specs)


FACETS: tuple[FacetSpec, ...] = _facets()
FACETS_BY_KEY: dict[str, FacetSpec] = {f.key: f for f in FACETS}


# ---------------------------------------------------------------------------
# sort orders from the terms registry


def sort_column(term: Term) -> str:
    """The per-document column a sortable term's number is kept in (``inf`` when not stated)."""
    return f"sort_{term.key}"


# The search's ``sorter`` value → the column it orders by, lowest first (price: "pris").
SORT_COLUMNS: dict[str, str] = {term.sort.param: sort_column(term) for term in TERMS.sortable()}
NOT_STATED = math.inf   # sorts after every stated number


# ---------------------------------------------------------------------------
# the schema


# Terms every search hit shows (the price first, as buyers ask for it first), besides the ones filtered on.
HIT_TERMS = ("price_from", "pricing_model")


def shown_term_keys() -> tuple[str, ...]:
    """The terms a search hit can show: ``HIT_TERMS`` and every facet that is a term (a hit shows
    the terms the buyer filtered on). Their values are stored in each service's document."""
    return tuple(dict.fromkeys([*HIT_TERMS, *(f.key for f in FACETS if f.term is not None)]))


def build_schema() -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        ref=fields.STORED(),
        slug=fields.STORED(),
        supplier_slug=fields.STORED(),
        category_slug=fields.STORED(),
        published=fields.COLUMN(columns.NumericColumn("q")),
        name_key=fields.COLUMN(columns.VarBytesColumn()),
        tiebreak=fields.COLUMN(columns.NumericColumn("I")),
        meta=fields.STORED(),
        terms=fields.STORED(),  # the terms a hit shows (HIT_TERMS and the facets'), so no page reads the database
        **{SPELLING_FIELD: SpellingWords()},
    )
    for term in TERMS.sortable():
        schema.add(sort_column(term), fields.COLUMN(columns.NumericColumn("d", default=NOT_STATED)))
    for name in TEXT_FIELDS:
        schema.add(name, NorwegianText(stored=name in ("name", "summary", "description", "supplier")))
    schema.add(FACET_FIELD, FacetTerms())
    # Whoosh's segment writer looks up every posting's field length; for a field without a
    # length column that is a file-system check per posting, which made a 50 000-service
    # rebuild several times slower. Every indexed field therefore keeps lengths (a byte per
    # document), even those never scored.
    schema["id"].scorable = schema["kind"].scorable = True
    return schema


SCHEMA = build_schema()


def fingerprint() -> str:
    """Changes whenever documents would be indexed differently: then the index needs a rebuild."""
    description = {
        "version": ANALYSIS_VERSION,
        "fields": sorted((name, type(field).__name__, bool(field.stored)) for name, field in SCHEMA.items()),
        "facets": [(f.key, f.complement, [c.value for c in f.term.options] if f.term else None) for f in FACETS],
        "morphemes": words.MORPHEMES,
        "stems": sorted(words.STEM_EXCEPTIONS.items()),
        "stop": sorted(analysis.STOP_WORDS),
    }
    return hashlib.sha256(json.dumps(description, ensure_ascii=False).encode()).hexdigest()[:16]
