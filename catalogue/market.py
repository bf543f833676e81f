"""The market overview (markedsoversikt): figures about the published catalogue.

The term figures are counts over a compact set of *facts* per published service (governing
law, EEA-only option, data locations, SCC modules, the 21 NSM responsibilities), read in one
query that parses each service's terms JSON once (``json_extract`` with many paths on SQLite,
``jsonb`` on PostgreSQL). The counts are stored in the database (``catalogue.market_snapshot``) and kept current by
following the search change log – the same log the search indexes follow – so a page view at
50 000 services, also the first in a new process, costs a few small queries, and a change costs
re-reading the changed services.
Qualified suppliers per DPS category and the history (from the audit log) are small SQL
aggregates, rebuilt whenever the audit log has grown.
"""
from __future__ import annotations

import json
import threading
import time
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

from babel.support import LazyProxy
from sqlalchemy import bindparam, distinct, func, text
from sqlmodel import Session, select

from catalogue import nsm
from catalogue.i18n import _l, lazy_pick
from catalogue.models import (DPS, AuditEvent, Category, DPSCategory, Qualification, QualificationStatus, Service,
                              ServiceStatus, Supplier)
from catalogue.terms import TERMS

OSLO = ZoneInfo("Europe/Oslo")
PUBLISHED = ServiceStatus.PUBLISHED
NOT_STATED = _l("Ikke oppgitt")
MONTHS = (("jan.", "Jan"), ("feb.", "Feb"), ("mars", "Mar"), ("apr.", "Apr"), ("mai", "May"), ("juni", "Jun"),
          ("juli", "Jul"), ("aug.", "Aug"), ("sep.", "Sep"), ("okt.", "Oct"), ("nov.", "Nov"), ("des.", "Dec"))

# Chart kinds (see catalogue.charts).
BARS, SHARE, STACKED, TIMESERIES = "bars", "share", "stacked", "timeseries"


@dataclass(frozen=True)
class Row:
    key: str
    label: LazyProxy
    values: tuple[int, ...]


@dataclass(frozen=True)
class Figure:
    """One figure: a table of counts (rows × value columns) and how to draw it."""

    key: str                   # its address: /marked/<key>.csv
    kind: str
    title: LazyProxy
    description: LazyProxy           # what is counted, shown above the chart and used in its text alternative
    columns: tuple[LazyProxy, ...]   # the value columns
    rows: tuple[Row, ...]
    total: int                 # what shares are shares of (e.g. published services)
    show_share: bool = True    # add a "share of total" column (first value / total)

    def share(self, row: Row, column: int = 0) -> float:
        return row.values[column] / self.total if self.total else 0.0


@dataclass(frozen=True)
class Overview:
    services: int
    suppliers: int
    figures: tuple[Figure, ...]
    computed_at: datetime

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


# ---------------------------------------------------------------------------
# per-service facts and their tally


class _Codes(dict):
    def __missing__(self, _key):
        return "-"


# One letter per NSM responsibility, so a service's 21 answers are one short string ("-": not stated).
RESPONSIBILITY_CODES = _Codes(supplier="l", shared="d", customer="k")
_TERM_PATHS = ("governing_law", "eea_only_option", "data_locations", "scc_modules")


@dataclass(frozen=True)
class Facts:
    """What the figures need from one published service: a few term values, no free text."""

    category_id: int
    supplier_id: int
    law: str
    eea: str                      # "ja" / "nei" / ""
    locations: tuple[str, ...]
    scc: tuple[str, ...]
    nsm: str                      # one RESPONSIBILITY_CODES letter per principle, "-" when not stated

    def keys(self):
        yield ("category", self.category_id)
        yield ("supplier", self.supplier_id)
        yield ("law", self.law)
        yield ("eea", self.eea)
        for value in self.locations:
            yield ("location", value)
        for value in self.scc or ("",):  # "" counts the services that offer no module
            yield ("scc", value)
        for index, code in enumerate(self.nsm):
            yield ("nsm", index, code)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _normalise(raw) -> str:
    """JSON booleans come back as true/1 or false/0 depending on the database: make them 'ja'/'nei'."""
    if raw is None or raw == "":
        return ""
    text_value = str(raw).lower()
    if text_value in ("true", "1"):
        return "ja"
    if text_value in ("false", "0"):
        return "nei"
    return str(raw)


def _projection_sql(dialect: str, where: str):
    """One row per service with its facts as a JSON array: the terms JSON is parsed once per row."""
    if dialect == "postgresql":
        values = [f"t->'{key}'" for key in _TERM_PATHS]
        values += [f"t->'nsm_principles'->'{p.code}'->>'responsibility'" for p in nsm.PRINCIPLES]
        # MATERIALIZED: otherwise PostgreSQL inlines the subquery and parses the JSON once per value.
        return (f"WITH s AS MATERIALIZED (SELECT id, status, category_id, supplier_id, terms::jsonb AS t "  # where is a fixed clause from code # nosec B608
                f"FROM service WHERE {where}) "
                f"SELECT id, status, category_id, supplier_id, json_build_array({', '.join(values)}) FROM s")
    paths = [f"'$.\"{key}\"'" for key in _TERM_PATHS]
    paths += [f"'$.nsm_principles.\"{p.code}\".responsibility'" for p in nsm.PRINCIPLES]
    return f"SELECT id, status, category_id, supplier_id, json_extract(terms, {', '.join(paths)}) FROM service WHERE {where}"  # where is a fixed clause from code # nosec B608


def _facts(status: str, category_id: int, supplier_id: int, values) -> Facts | None:
    if status != PUBLISHED:
        return None
    if isinstance(values, str):
        values = json.loads(values)
    values = values or [None] * (len(_TERM_PATHS) + len(nsm.PRINCIPLES))
    law, eea, locations, scc = values[:4]
    return Facts(category_id, supplier_id, law or "", _normalise(eea), tuple(locations or ()), tuple(scc or ()),
                 "".join(map(RESPONSIBILITY_CODES.__getitem__, values[4:])))


def project(session: Session, ids: Iterable[int] | None = None) -> dict[int, Facts | None]:
    """Facts of every published service (*ids* None), or of the given services (None when not published)."""
    dialect = _dialect(session)
    if ids is None:
        sql, params = text(_projection_sql(dialect, "status = :status")), {"status": PUBLISHED}
        return {row[0]: _facts(*row[1:]) for row in session.execute(sql, params)}
    ids = sorted(set(ids))
    sql = text(_projection_sql(dialect, "id IN :ids")).bindparams(bindparam("ids", expanding=True))
    found: dict[int, Facts | None] = dict.fromkeys(ids)  # rows that are gone count as not published
    for start in range(0, len(ids), 1000):  # stay well below the databases' bound-parameter limits
        for row in session.execute(sql, {"ids": ids[start:start + 1000]}):
            found[row[0]] = _facts(*row[1:])
    return found


class Tally:
    """Counts over the facts of all published services, kept up to date one service at a time."""

    def __init__(self):
        self.facts: dict[int, Facts] = {}
        self.counts: Counter = Counter()

    @classmethod
    def of(cls, facts: dict[int, Facts | None]) -> "Tally":
        """The tally of many services at once: the same counts as ``apply`` one by one, much faster,
        because services share values (count the distinct values, then expand them)."""
        tally = cls()
        tally.facts = {service_id: item for service_id, item in facts.items() if item is not None}
        live = tally.facts.values()
        counts = tally.counts
        for attribute, dimension in (("category_id", "category"), ("supplier_id", "supplier"), ("law", "law"),
                                     ("eea", "eea")):
            for value, n in Counter(getattr(item, attribute) for item in live).items():
                counts[(dimension, value)] += n
        for values, n in Counter(item.locations for item in live).items():
            for value in values:
                counts[("location", value)] += n
        for values, n in Counter(item.scc for item in live).items():
            for value in values or ("",):
                counts[("scc", value)] += n
        for pattern, n in Counter(item.nsm for item in live).items():
            for index, code in enumerate(pattern):
                counts[("nsm", index, code)] += n
        return tally

    def apply(self, service_id: int, facts: Facts | None) -> bool:
        """Put the service's current facts in (None: it is not published). True when anything changed."""
        old = self.facts.pop(service_id, None)
        if facts is not None:
            self.facts[service_id] = facts
        if old == facts:
            return False
        if old is not None:
            self.counts.subtract(old.keys())
        if facts is not None:
            self.counts.update(facts.keys())
        return True

    @property
    def services(self) -> int:
        return len(self.facts)

    def get(self, *key) -> int:
        return self.counts.get(key, 0)

    def values(self, dimension: str) -> Counter:
        return Counter({key[1]: n for key, n in self.counts.items() if key[0] == dimension and n})


def _audit_hours(session: Session) -> list[tuple[str, str, str, int]]:
    """``(UTC hour 'YYYY-MM-DD HH', action, status before, count)`` of service publications and removals.

    The audit log says *what* happened (first publication, new version, removal); the month is that
    of the business date: a publication counts at its version's ``published_at`` (the approval), a
    service's last removal at its ``removed_at``. They are the time of the event in the service,
    but not for data loaded with a history (the demo catalogue is seeded today with publication
    dates spread over the past 18 months); the audit time is the fallback.

    Grouped by hour in SQL (few rows); turned into Norwegian months in Python, because
    daylight saving time makes the month boundary an hour that moves.
    """
    if _dialect(session) == "postgresql":
        hour, status, version = ("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')", "e.before ->> 'status'",
                                 "(e.after ->> 'version')::int")
    else:
        hour, status, version = ("strftime('%Y-%m-%d %H', {})", "json_extract(e.before, '$.status')",
                                 "json_extract(e.after, '$.version')")
    when = ("CASE WHEN e.action = 'service.published' THEN coalesce(a.published_at, e.at) "
            "ELSE coalesce(s.removed_at, e.at) END")
    sql = text(
        f"SELECT {hour.format(when)}, e.action, {status}, count(*) FROM audit_event e "  # fixed clauses from code # nosec B608
        "LEFT JOIN archived_service a ON e.action = 'service.published' AND a.service_id = e.service_id "
        f"AND a.version = {version} "
        "LEFT JOIN service s ON e.action = 'service.removed' AND s.id = e.service_id AND s.status = :removed "
        "AND e.id = (SELECT max(r.id) FROM audit_event r WHERE r.service_id = e.service_id "
        "AND r.action = 'service.removed') "
        "WHERE e.action IN ('service.published', 'service.removed') GROUP BY 1, 2, 3"
    ).bindparams(removed=str(ServiceStatus.REMOVED))
    return [(h, a, s or "", n) for h, a, s, n in session.execute(sql).all()]


# ---------------------------------------------------------------------------
# the figures


def _choice_rows(term_key: str, counts: Counter) -> tuple[Row, ...]:
    term = TERMS[term_key]
    rows = [Row(c.value, lazy_pick(c.nb, c.en), (counts.get(c.value, 0),)) for c in term.options]
    known = {c.value for c in term.options}
    missing = sum(n for v, n in counts.items() if v not in known)
    if missing:
        rows.append(Row("ikke-oppgitt", NOT_STATED, (missing,)))
    return tuple(rows)


def categories_figure(session: Session, tally: Tally) -> Figure:
    cats = session.exec(select(Category).order_by(Category.position, Category.name_nb)).all()
    top_of = {c.id: c.parent_id or c.id for c in cats}
    counts: Counter = Counter()
    for category_id, n in tally.values("category").items():
        counts[top_of.get(category_id, category_id)] += n
    rows = tuple(Row(c.slug, lazy_pick(c.name_nb, c.name_en), (counts.get(c.id, 0),)) for c in cats if c.parent_id is None)
    return Figure("kategorier", BARS, _l("Tjenester per kategori"),
                  _l("Antall publiserte tjenester i hver hovedkategori, med underkategoriene."),
                  (_l("Tjenester"),), rows, tally.services)


def governing_law_figure(tally: Tally) -> Figure:
    return Figure("lovvalg", SHARE, _l("Lovvalg"),
                  _l("Andel av de publiserte tjenestene etter hvilket lands rett avtalen er underlagt."),
                  (_l("Tjenester"),), _choice_rows("governing_law", tally.values("law")), tally.services)


def data_location_figure(tally: Tally) -> Figure:
    return Figure("datalokasjon", BARS, _l("Datalokasjon"),
                  _l("Andel av de publiserte tjenestene som kan lagre eller behandle data i hvert land eller område. "
                     "En tjeneste kan ha data flere steder, så andelene blir til sammen mer enn 100 %."),
                  (_l("Tjenester"),), _choice_rows("data_locations", tally.values("location")),
                  tally.services)


def eea_only_figure(tally: Tally) -> Figure:
    return Figure("kun-eos", SHARE, _l("Mulighet for kun EU/EØS"),
                  _l("Andel av de publiserte tjenestene der kunden kan kreve at data bare lagres og behandles i EU/EØS."),
                  (_l("Tjenester"),), _choice_rows("eea_only_option", tally.values("eea")), tally.services)


def scc_figure(tally: Tally) -> Figure:
    counts = tally.values("scc")
    none = counts.pop("", 0)
    rows = _choice_rows("scc_modules", counts)
    rows += (Row("ingen", _l("Ingen moduler oppgitt"), (none,)),)
    return Figure("scc-moduler", BARS, _l("SCC-moduler"),
                  _l("Andel av de publiserte tjenestene der leverandøren tilbyr hver modul av EUs standard "
                     "personvernbestemmelser (SCC). En tjeneste kan tilby flere moduler."),
                  (_l("Tjenester"),), rows, tally.services)


RESPONSIBILITY_ORDER = ("supplier", "shared", "customer")


def nsm_figure(tally: Tally) -> Figure:
    labels = {key: lazy_pick(nb, en) for key, nb, en in nsm.RESPONSIBILITIES}
    rows = tuple(
        Row(p.code, lazy_pick(f"{p.code} {p.nb}", f"{p.code} {p.en}"),
            tuple(tally.get("nsm", index, RESPONSIBILITY_CODES[r]) for r in RESPONSIBILITY_ORDER))
        for index, p in enumerate(nsm.PRINCIPLES)
    )
    return Figure("nsm", STACKED, _l("Ansvar for NSMs grunnprinsipper"),
                  _l("For hvert grunnprinsipp for IKT-sikkerhet: hvor mange publiserte tjenester der leverandøren har "
                     "ansvaret alene, der ansvaret er delt, og der kunden har ansvaret. Dekning er andelen der "
                     "leverandøren har ansvar alene eller delt."),
                  tuple(labels[r] for r in RESPONSIBILITY_ORDER), rows, tally.services, show_share=False)


def dps_figure(session: Session) -> Figure:
    qualified = dict(
        ((dps_id, cat_id), n) for dps_id, cat_id, n in session.exec(
            select(Qualification.dps_id, Qualification.category_id, func.count(distinct(Qualification.supplier_id)))
            .where(Qualification.status == QualificationStatus.QUALIFIED)
            .group_by(Qualification.dps_id, Qualification.category_id)).all()
    )
    pairs = session.exec(
        select(DPS, Category).join(DPSCategory, DPSCategory.dps_id == DPS.id)
        .join(Category, Category.id == DPSCategory.category_id)
        .order_by(DPS.valid_from, DPS.id, Category.position, Category.name_nb)).all()
    several = len({d.id for d, _ in pairs}) > 1
    rows = tuple(
        Row(f"{d.slug}/{c.slug}",
            lazy_pick(f"{d.name}: {c.name_nb}", f"{d.name}: {c.name_en}") if several else lazy_pick(c.name_nb, c.name_en),
            (qualified.get((d.id, c.id), 0),))
        for d, c in pairs
    )
    suppliers = session.exec(select(func.count(distinct(Qualification.supplier_id)))
                             .where(Qualification.status == QualificationStatus.QUALIFIED)).one()
    return Figure("dps", BARS, _l("Kvalifiserte leverandører per kategori i DPS"),
                  _l("Antall leverandører som er kvalifisert i hver kategori av den dynamiske innkjøpsordningen. "
                     "En leverandør kan være kvalifisert i flere kategorier."),
                  (_l("Kvalifiserte leverandører"),), rows, suppliers, show_share=False)


def size_figure(session: Session, tally: Tally) -> Figure:
    """Suppliers with published services by size (from the register's number of employees), and their services.

    The services per supplier come from *tally*; only the suppliers' sizes are read (no count over
    every service)."""
    from catalogue.company import SIZE_LABELS, CompanySize, company_size

    suppliers: Counter = Counter()
    services: Counter = Counter()
    per_supplier = tally.values("supplier")
    employees_of = dict(session.exec(select(Supplier.id, Supplier.employees)).all()) if per_supplier else {}
    for supplier_id, count in per_supplier.items():
        size = company_size(employees_of.get(supplier_id))
        suppliers[size] += 1
        services[size] += count
    order = list(CompanySize) + ([None] if suppliers[None] else [])
    rows = tuple(Row(str(size) if size else "ukjent", SIZE_LABELS[size] if size else _l("Ukjent størrelse"),
                     (suppliers[size], services[size])) for size in order)
    return Figure("storrelse", BARS, _l("Leverandører etter størrelse"),
                  _l("Leverandører med publiserte tjenester etter antall ansatte i Enhetsregisteret (liten under 50, "
                     "mellomstor under 250, stor fra 250), og hvor mange tjenester de har publisert."),
                  (_l("Leverandører"), _l("Publiserte tjenester")), rows,
                  sum(suppliers.values()))


def history_figure(session: Session, total: int) -> Figure:
    """Per month (Norwegian time): services entering the catalogue, new versions, removals, and the total after.

    The monthly events come from the audit log, each in the month of its publication or removal
    date (``_audit_hours``). The total at each month's end is counted back
    from today's *total*, so it always ends at the true number even when rows were loaded in
    bulk without per-service events (the synthetic benchmark catalogue).
    """
    months: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for hour, action, before_status, n in _audit_hours(session):
        moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=timezone.utc).astimezone(OSLO)
        bucket = months[(moment.year, moment.month)]
        if action == "service.removed":
            bucket[2] += n
        elif before_status == PUBLISHED:
            bucket[1] += n   # a new version of a service that was already published
        else:
            bucket[0] += n   # entered the catalogue (first publication, or back after removal)
    rows = []
    live = total
    for year, month in reversed(_month_range(months)):
        entered, versions, removed = months.get((year, month), (0, 0, 0))
        nb, en = MONTHS[month - 1]
        rows.append(Row(f"{year}-{month:02d}", lazy_pick(f"{nb} {year}", f"{en} {year}"), (entered, versions, removed, live)))
        live -= entered - removed
    rows.reverse()
    return Figure("utvikling", TIMESERIES, _l("Utvikling over tid"),
                  _l("Hver måned: tjenester som kom inn i katalogen, nye versjoner av publiserte tjenester, tjenester "
                     "som ble fjernet, og hvor mange som var publisert ved utgangen av måneden. Tallene kommer fra "
                     "hendelsesloggen."),
                  (_l("Nye tjenester"), _l("Nye versjoner"),
                   _l("Fjernet"), _l("Publisert ved månedsslutt")),
                  tuple(rows), total, show_share=False)


def _month_range(months) -> list[tuple[int, int]]:
    """Every month from the first to the last with events (months without events included)."""
    if not months:
        return []
    (year, month), last = min(months), max(months)
    out = []
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def contract_figures(session: Session) -> tuple[Figure, ...]:
    """Contracted value and reported turnover by category, once there are any (``catalogue.contracts``)."""
    from catalogue.contracts.followup import market_figures

    return tuple(f for f in market_figures(session) if f.rows)


def figures(session: Session, tally: Tally) -> Overview:
    """Every figure from *tally* (the services) and small SQL queries (categories, DPS, audit log)."""
    return Overview(
        services=tally.services,
        suppliers=len(tally.values("supplier")),
        figures=(
            categories_figure(session, tally),
            governing_law_figure(tally),
            data_location_figure(tally),
            eea_only_figure(tally),
            scc_figure(tally),
            nsm_figure(tally),
            dps_figure(session),
            size_figure(session, tally),
            history_figure(session, tally.services),
        ) + _competitions_figure(session) + contract_figures(session),
        computed_at=datetime.now(timezone.utc),
    )


def _competitions_figure(session: Session) -> tuple[Figure, ...]:
    """The competitions figure, once a competition has been published (catalogue.competitions)."""
    from catalogue.competitions.statistics import competitions_figure  # it imports this module

    figure = competitions_figure(session)
    return (figure,) if figure.total else ()


def compute(session: Session) -> Overview:
    """Every figure, freshly computed from the whole database (no cache)."""
    return figures(session, Tally.of(project(session)))


# ---------------------------------------------------------------------------
# keeping the figures current


@dataclass
class _State:
    """What this process last showed for one database: the snapshot position and audit id it
    reflects, and the figures made from them."""

    position: dict
    audit_high: int | None = None
    overview: Overview | None = None


# Per database engine; forgotten with the engine (tests make many).
_states: "weakref.WeakKeyDictionary[object, _State]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def overview(session: Session, *, clock=time.time) -> Overview:
    """The current figures, from the stored snapshot (``catalogue.market_snapshot``) brought up
    to date with the change log – never a count of every service in a new process. The figures
    are rebuilt (a few small queries) only when the snapshot or the audit log moved.
    """
    from catalogue.market_snapshot import current

    key = session.get_bind()
    with _lock:
        tally, position = current(key, clock=clock)
        # Every state change writes an audit event, so the newest event id tells whether the
        # categories, qualifications or history may have changed too.
        audit_high = session.exec(select(func.max(AuditEvent.id))).one()
        state = _states.get(key)
        if state is None or state.overview is None or state.position != position or state.audit_high != audit_high:
            state = _State(position, audit_high, figures(session, tally))
            _states[key] = state
        return state.overview


def clear_cache() -> None:
    """Forget every tally (tests; a process would otherwise keep its tally for its lifetime)."""
    with _lock:
        _states.clear()
