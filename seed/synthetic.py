"""A large, deterministic, realistic synthetic catalogue for benchmarks (search, listing, comparison).

``generate(engine, services=50000)`` adds about one supplier per 25 services, each with a
contract profile (``seed.data.builders``), and services spread over the sub-categories with a
realistic skew: popular categories, suppliers with one to three specialities, a few large
suppliers and a long tail of small ones. Text comes from Norwegian word lists with Zipf-like
frequencies, invented product names and compounds, so a search index sees a natural
vocabulary with a long tail. Every service states every term, and every term is validated.

Determinism: one ``random.Random(seed)`` drives every choice, in a fixed order that does not
depend on the database, so the same seed gives the same suppliers and services on any
database. Only the organisation numbers depend on what is already there (a second run must
not collide with the first).

Speed: rows are written with SQLAlchemy Core ``insert()`` in executemany batches of 1000
(service, archived_service, search_change), one transaction per batch, with one summary
audit event per batch instead of one per service.
"""
from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Sequence

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.models import ArchivedService, Category, SearchChange, Service, ServiceStatus, Supplier, utcnow
from catalogue.services import CONTENT_FIELDS
from catalogue.text import slugify
from seed.data import builders, vocabulary as vocab
from seed.data.services import SUBCATEGORIES
from seed.data.suppliers import SUPPLIERS
from seed.taxonomy import load_taxonomy

ACTOR = Actor.system("synthetic-seed")
BATCH = 1000
SERVICES_PER_SUPPLIER = 25
# Synthetic organisation numbers start with 89: far from the demo suppliers' (all 9[1-9]…).
ORGNR_FIRST_BASE, ORGNR_LAST_BASE = 89_000_000, 89_999_999
# Synthetic companies never take a demo supplier's brand: searching "Fjordsky" finds the demo one.
DEMO_BRANDS = frozenset(s["brand"].lower() for s in SUPPLIERS)


def generate(engine: Engine, *, services: int = 50000, suppliers: int | None = None, seed: int = 2026,
             progress: Callable[[int], Any] | None = None) -> dict[str, int]:
    """Add *services* synthetic services (and *suppliers*, default one per 25 services) to the database.

    ``progress(k)`` is called after each committed batch with the number of services in it.
    """
    rng = random.Random(seed)  # deterministic synthetic data # nosec B311
    supplier_count = suppliers or max(1, round(services / SERVICES_PER_SUPPLIER))
    with Session(engine) as session:
        load_taxonomy(session)
        session.commit()
        subcategories = _subcategories(session)
        taken = set(session.exec(select(Supplier.orgnr).where(Supplier.orgnr.like("89%"))))
    words = Words(rng)
    names: set[str] = set()
    made = [_make_supplier(rng, words, subcategories, names) for _ in range(supplier_count)]
    ids = _insert_suppliers(engine, made, _orgnrs(taken), seed)
    # A few large suppliers and a long tail of small ones; which supplier is large is random.
    by_rank = list(range(supplier_count))
    rng.shuffle(by_rank)
    owner = Zipf(by_rank, s=0.5)
    for start in range(0, services, BATCH):
        size = min(BATCH, services - start)
        rows = [_make_service(rng, words, made[i], ids[i], subcategories) for i in (owner(rng) for _ in range(size))]
        _insert_services(engine, rows, seed, start // BATCH + 1)
        if progress:
            progress(size)
    return {"services": services, "suppliers": supplier_count}


# ---------------------------------------------------------------------------
# vocabulary with Zipf-like frequencies


class Zipf:
    """Draw from *items* with weight 1/rank^s: the first items are common, the rest a long tail."""

    def __init__(self, items: Sequence[Any], s: float = 1.05):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(len(self.items))))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


class Words:
    """The synthetic catalogue's word sources, built once per run from the run's random stream."""

    def __init__(self, rng: random.Random):
        self.noun = Zipf(vocab.NOUNS)
        self.adjective = Zipf(vocab.ADJECTIVES)
        self.verb = Zipf(vocab.VERBS)
        self.audience = Zipf(vocab.AUDIENCES)
        self.head = Zipf(vocab.COMPOUND_HEADS)
        self.tail = Zipf(vocab.COMPOUND_TAILS)
        self.edition = Zipf(vocab.EDITIONS, s=0.8)
        self.city = Zipf(vocab.CITIES, s=0.9)
        self.brand_head = Zipf(vocab.BRAND_HEADS, s=0.7)
        self.brand_tail = Zipf(vocab.BRAND_TAILS, s=0.7)
        self.descriptor = Zipf(vocab.COMPANY_DESCRIPTORS, s=0.6)
        self.invented = Zipf(_invented_names(rng, 6000), s=0.9)
        tops = list(vocab.TOP_POPULARITY)
        self.top = Zipf(sorted(tops, key=lambda t: -vocab.TOP_POPULARITY[t]), s=0.9)

    def compound(self, rng: random.Random) -> str:
        return self.head(rng) + self.tail(rng)


def _invented_names(rng: random.Random, count: int) -> list[str]:
    """*count* distinct invented, Norwegian-sounding product names ("Velkra", "Tindra", ...)."""
    names: dict[str, None] = {}  # insertion-ordered, so the result is deterministic
    while len(names) < count:
        # Open syllables with at most a final consonant read like names ("Solana", "Kilan"), not noise.
        onsets = [rng.choice(vocab.SYLLABLE_ONSETS)]
        onsets += [rng.choice(vocab.SYLLABLE_INNER_ONSETS) for _ in range(rng.choice((1, 1, 1, 2)))]
        word = "".join(onset + rng.choice(vocab.SYLLABLE_VOWELS) for onset in onsets) + rng.choice(vocab.SYLLABLE_CODAS)
        if len(word) >= 4 and not word.startswith(vocab.FORBIDDEN_NAME_STARTS):
            names[word.capitalize()] = None
    return list(names)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case a feature line for use inside a sentence, keeping acronyms ("SCIM og LDAP") and names."""
    if text[1:2].isupper() or text.split(" ", 1)[0].rstrip("-") in vocab.PROPER_NOUNS:
        return text
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------------------
# suppliers


@dataclass
class SyntheticSupplier:
    row: dict[str, Any]
    brand: str
    profile: builders.SupplierProfile
    speciality: list[dict]  # the sub-categories it mostly sells in


def _subcategories(session: Session) -> list[dict]:
    """Every sub-category with its top-level slug (the taxonomy's data, not its objects)."""
    categories = session.exec(select(Category)).all()
    top = {c.id: c.slug for c in categories if c.parent_id is None}
    subs = [dict(id=c.id, slug=c.slug, top=top[c.parent_id]) for c in categories if c.parent_id is not None]
    return sorted((s for s in subs if s["slug"] in SUBCATEGORIES), key=lambda s: s["slug"])


def _make_supplier(rng: random.Random, words: Words, subcategories: list[dict],
                   taken_names: set[str]) -> SyntheticSupplier:
    flavour = builders.weighted(rng, vocab.FLAVOURS)
    postal_code, city = words.city(rng)
    brand, descriptor, name = _company_name(rng, words, flavour, taken_names)
    if name in taken_names:  # every nice name is taken: add the city, as companies do
        name = f"{brand} {city} {vocab.ORG_FORM_SUFFIX.get(flavour, 'AS')}"
    taken_names.add(name)
    domain = f"{slugify(brand + descriptor, 40)}.example"
    tops = {words.top(rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))}
    speciality = [s for s in subcategories if s["top"] in tops]
    keywords = [rng.choice(SUBCATEGORIES[s["slug"]]["keywords"]) for s in rng.sample(speciality * 2, k=2)]
    description = rng.choice(vocab.SUPPLIER_DESCRIPTION_TEMPLATES).format(
        brand=brand, cadj=rng.choice(vocab.COMPANY_ADJECTIVES), place=city, kw=keywords[0], kw2=keywords[1],
        aud=words.audience(rng), year=rng.choice(vocab.YEARS), n=rng.randint(4, 400))
    row = dict(name=name, org_form=name.rsplit(" ", 1)[-1],
               address=f"{rng.choice(vocab.STREETS)} {rng.randint(1, 160)}",
               postal_code=postal_code, city=city, country="NO", website=f"https://www.{domain}",
               description=description, is_demo=False,
               created_at=builders.ANCHOR - timedelta(days=rng.randint(600, 3000)))  # before its services
    profile = builders.make_profile(rng, flavour=flavour, name=name, brand=brand, city=city, domain=domain)
    return SyntheticSupplier(row, brand, profile, speciality)


def _company_name(rng: random.Random, words: Words, flavour: str, taken_names: set[str]) -> tuple[str, str, str]:
    """``(brand, descriptor, name)``, trying a few times for a name and brand not already in use."""
    for _ in range(50):
        brand = words.brand_head(rng) + words.brand_tail(rng) if rng.random() < 0.7 else words.invented(rng)
        descriptor = words.descriptor(rng)
        name = " ".join(part for part in (brand, descriptor, vocab.ORG_FORM_SUFFIX.get(flavour, "AS")) if part)
        if flavour == "norsk" and rng.random() < 0.03:
            name = name.removesuffix(" AS") + " ASA"
        if name not in taken_names and brand.lower() not in DEMO_BRANDS:
            break
    return brand, descriptor, name


def _orgnrs(taken: set[str]):
    """Valid organisation numbers from the synthetic range, skipping those already registered."""
    for base in range(ORGNR_FIRST_BASE, ORGNR_LAST_BASE + 1):
        orgnr = builders.orgnr_from_base(base)
        if orgnr is not None and orgnr not in taken:
            yield orgnr
    raise RuntimeError("the synthetic organisation number range is used up")


def _insert_suppliers(engine: Engine, made: list[SyntheticSupplier], orgnrs, seed: int) -> list[int]:
    """Insert the suppliers (one transaction) and return their ids in order."""
    table = Supplier.__table__
    ids: list[int] = []
    with Session(engine) as session:
        for start in range(0, len(made), BATCH):
            rows = []
            for supplier in made[start:start + BATCH]:
                orgnr = next(orgnrs)
                # The orgnr makes the slug unique, and no demo slug ends in nine digits.
                rows.append(dict(supplier.row, orgnr=orgnr, slug=f"{slugify(supplier.row['name'], 100)}-{orgnr}"))
            ids += session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars()
        record(session, ACTOR, "synthetic.suppliers_generated", "supplier", None,
               after={"count": len(made), "first_id": ids[0], "last_id": ids[-1], "seed": seed},
               detail=f"{len(made)} syntetiske leverandører (frø {seed}).")
        session.commit()
    return ids


# ---------------------------------------------------------------------------
# services


def _make_service(rng: random.Random, words: Words, supplier: SyntheticSupplier, supplier_id: int,
                  subcategories: list[dict]) -> dict[str, Any]:
    category = rng.choice(supplier.speciality) if rng.random() < 0.85 else rng.choice(subcategories)
    block = SUBCATEGORIES[category["slug"]]
    terms = builders.validated(builders.service_terms(rng, supplier.profile, category["top"]), "synthetic service")
    name = _service_name(rng, words, supplier.brand, block["keywords"])
    slots = _slots(rng, words, supplier.brand, name, block)
    sentences = [template.format(**_slots(rng, words, supplier.brand, name, block))
                 for template in rng.sample(vocab.DESCRIPTION_TEMPLATES, k=rng.randint(1, 3))]
    if rng.random() < 0.6:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(block["sentences"]))
    description = " ".join(sentences + builders.terms_sentences(rng, supplier.brand, terms))
    created, submitted, published = builders.publication_dates(rng)
    return dict(supplier_id=supplier_id, category_id=category["id"], dps_id=None, status=ServiceStatus.PUBLISHED,
                version=1,
                lock_version=1, name=name, summary=rng.choice(vocab.SUMMARY_TEMPLATES).format(**slots)[:500],
                description=description, features=_features(rng, words, block, terms), terms=terms,
                created_at=created, updated_at=published, submitted_at=submitted, published_at=published,
                removed_at=None, removal_reason="")


def _service_name(rng: random.Random, words: Words, brand: str, keywords: Sequence[str]) -> str:
    keyword = _capitalise(rng.choice(keywords))
    pattern = rng.random()
    if pattern < 0.45:
        parts = (brand, keyword, words.edition(rng))
    elif pattern < 0.75:
        parts = (words.invented(rng), keyword, words.edition(rng))
    elif pattern < 0.9:
        parts = (_capitalise(words.compound(rng)), words.edition(rng) or keyword)
    else:
        parts = (words.invented(rng), "for", words.audience(rng))
    return " ".join(p for p in parts if p)[:200]


def _slots(rng: random.Random, words: Words, brand: str, name: str, block: dict) -> dict[str, Any]:
    """Values for every template slot (see seed.data.vocabulary), drawn afresh."""
    keyword = rng.choice(block["keywords"])
    f1, f2 = rng.sample(block["features"], 2)
    noun = words.noun(rng)
    return dict(brand=brand, product=name, kw=keyword, Kw=_capitalise(keyword), adj=words.adjective(rng),
                adj2=words.adjective(rng), Adj=_capitalise(words.adjective(rng)), noun=noun, Noun=_capitalise(noun),
                noun2=words.noun(rng), comp=words.compound(rng), comp2=words.compound(rng), verb=words.verb(rng),
                aud=words.audience(rng), place=words.city(rng)[1], f1=_lower_first(f1), f2=_lower_first(f2),
                year=rng.choice(vocab.YEARS), n=rng.randint(2, 120), duration=rng.choice(vocab.DURATIONS),
                price=rng.choice(vocab.PRICE_UNITS))


def _features(rng: random.Random, words: Words, block: dict, terms: dict[str, Any]) -> list[str]:
    """Three to six feature lines: the sub-category's own, invented ones, and one from the terms."""
    features = rng.sample(block["features"], k=rng.randint(1, 3))
    for _ in range(rng.randint(1, 2)):
        slots = dict(Adj=_capitalise(words.adjective(rng)), noun=words.noun(rng), Noun=_capitalise(words.noun(rng)),
                     comp=words.compound(rng), Comp=_capitalise(words.compound(rng)))
        line = rng.choice(vocab.FEATURE_TEMPLATES).format(**slots)
        if line not in features:
            features.append(line)
    return features + [builders.terms_feature(terms)]


def _insert_services(engine: Engine, rows: list[dict[str, Any]], seed: int, batch: int) -> None:
    """One batch in one transaction: services, their version-1 snapshots, search log, one audit event."""
    service, archive, changes = Service.__table__, ArchivedService.__table__, SearchChange.__table__
    with Session(engine) as session:
        ids = list(session.execute(insert(service).returning(service.c.id, sort_by_parameter_order=True),
                                   rows).scalars())
        session.execute(insert(archive), [
            dict(service_id=sid, version=1, content={k: row.get(k) for k in CONTENT_FIELDS},
                 published_at=row["published_at"], archived_at=row["published_at"])
            for sid, row in zip(ids, rows)])
        now = utcnow()
        session.execute(insert(changes), [dict(entity="service", entity_id=sid, created_at=now) for sid in ids])
        record(session, ACTOR, "synthetic.services_generated", "service", None,
               after={"count": len(ids), "first_id": ids[0], "last_id": ids[-1], "seed": seed, "batch": batch},
               detail=f"{len(ids)} syntetiske tjenester publisert (frø {seed}, parti {batch}).")
        session.commit()
