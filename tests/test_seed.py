"""The demo catalogue (seed.demo) and the synthetic benchmark catalogue (seed.synthetic).

Each test database is built here with ``SQLModel.metadata.create_all`` (independent of the
migrations and of the shared app fixtures). Every test runs on SQLite and, when
``TEST_DATABASE_URL`` names a PostgreSQL server (e.g. postgresql://postgres@127.0.0.1:5432/postgres),
on a scratch PostgreSQL database created and dropped here.
"""
from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select
from stdnum.no import orgnr as stdnum_orgnr

import catalogue.models  # noqa: F401  (registers the tables)
from catalogue import nsm
from catalogue.db import make_engine, normalise_url
from catalogue.models import (
    DPS, ArchivedService, AuditEvent, Category, DPSCategory, Qualification, QualificationApplication, SearchChange,
    Service, Supplier,
)
from catalogue.services import content_of
from catalogue.terms import TERMS
from seed.data import builders
from seed.demo import load_demo
from seed.synthetic import generate

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"))]
REAL_TRADEMARKS = ("aws", "amazon", "microsoft", "azure", "google", "oracle", "alibaba", "ibm")
SEARCH_WORDS = ("overvåkning", "sikkerhetsovervåkning", "sikkerhetskopi", "lagring", "database", "kommune", "helse",
                "arkiv", "maskinlæring", "språkmodell")


# ---------------------------------------------------------------------------
# scratch databases


@contextmanager
def scratch_engine(backend: str, tmp_path):
    """An engine on a new, empty database with every table; the database is removed afterwards."""
    if backend == "sqlite":
        url, drop = f"sqlite:///{tmp_path / f'seed-{uuid.uuid4().hex[:8]}.db'}", None
    else:
        admin = make_url(normalise_url(os.environ["TEST_DATABASE_URL"]))
        name = f"seedtest_{uuid.uuid4().hex[:10]}"
        _admin(admin, f'CREATE DATABASE "{name}"')
        url, drop = admin.set(database=name).render_as_string(hide_password=False), (admin, name)
    engine = make_engine(url)
    try:
        SQLModel.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        if drop:
            _admin(drop[0], f'DROP DATABASE IF EXISTS "{drop[1]}"')


def _admin(url, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def load(engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as session:
        counts = load_demo(session)
        session.commit()
    return counts


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table: conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in inspect(engine).get_table_names()}


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    """A database with the demo catalogue loaded once (tests only read it)."""
    with scratch_engine(request.param, tmp_path_factory.mktemp("demo")) as engine:
        counts = load(engine)
        with Session(engine) as session:
            yield session, counts


def live_services(session) -> list[Service]:
    return list(session.exec(select(Service).where(Service.status == "published")))


def is_filled(value) -> bool:
    return value not in (None, "", [], {})


# ---------------------------------------------------------------------------
# the demo catalogue


def test_demo_counts_meet_the_minimums(demo):
    session, counts = demo
    suppliers = list(session.exec(select(Supplier)))
    assert counts["suppliers"] == len(suppliers)
    assert sum(not s.is_demo for s in suppliers) >= 34
    assert 4 <= sum(s.is_demo for s in suppliers) <= 6
    assert len(live_services(session)) >= 160
    assert counts["services"] == counts["published"] + counts["not_published"] + counts["removed"]


def test_every_sub_category_has_at_least_two_live_services(demo):
    session, _ = demo
    subs = list(session.exec(select(Category).where(Category.parent_id.is_not(None))))
    assert len(subs) == 47
    per_category = Counter(s.category_id for s in live_services(session))
    assert {c.slug: per_category[c.id] for c in subs if per_category[c.id] < 2} == {}


def test_every_service_states_every_term_validly(demo):
    session, _ = demo
    for service in session.exec(select(Service)):
        clean, errors = TERMS.validate(service.terms)
        assert errors == {}, (service.name, {k: m.nb for k, m in errors.items()})
        assert clean == service.terms, service.name
        # A service without certificates has no certificate rows (there is no "none" to state).
        assert [t.key for t in TERMS if t.key != "certifications" and not is_filled(service.terms.get(t.key))] == [], \
            service.name
        matrix = service.terms["nsm_principles"]
        assert sorted(matrix) == sorted(p.code for p in nsm.PRINCIPLES)
        assert all(entry["how"] for entry in matrix.values()), service.name
        assert 1 <= len(service.terms["subprocessors"]) <= 5


def test_service_texts_are_complete_and_distinct(demo):
    session, _ = demo
    services = list(session.exec(select(Service)))
    for s in services:
        assert s.name and s.summary and len(s.summary) <= 500, s.name
        assert len(re.findall(r"[.!?](\s|$)", s.description)) >= 3, s.name
        assert 3 <= len(s.features) <= 6 and len(set(s.features)) == len(s.features), s.name
    assert len({s.description for s in services}) == len(services)
    assert len({s.summary for s in services}) == len(services)
    assert len({(s.supplier_id, s.name) for s in services}) == len(services)


def test_demo_text_has_the_search_words_and_no_stray_bil(demo):
    session, _ = demo
    text_of = [f"{s.name} {s.summary} {s.description} {' '.join(s.features)}".lower()
               for s in session.exec(select(Service))]
    assert [w for w in SEARCH_WORDS if not any(w in t for t in text_of)] == []
    assert [t for t in text_of if re.search(r"\bbil", t)] == []


def test_organisation_numbers_are_valid_and_unique(demo):
    session, _ = demo
    suppliers = list(session.exec(select(Supplier)))
    assert all(stdnum_orgnr.is_valid(s.orgnr) for s in suppliers)
    assert len({s.orgnr for s in suppliers}) == len(suppliers)
    by_name = {s.name: s.orgnr for s in suppliers}
    assert by_name["Fjordsky AS"] == "964330123"
    assert by_name["Nordlys Datasenter AS"] == "935308291"
    for s in suppliers:
        assert s.address and s.postal_code and s.city and s.website and s.description, s.name
        assert s.org_form in ("AS", "ASA", "NUF", "SA"), s.name


def test_international_demo_entries_are_labelled_and_have_their_typical_terms(demo):
    session, _ = demo
    entries = list(session.exec(select(Supplier).where(Supplier.is_demo == True)))  # noqa: E712
    for supplier in entries:
        assert supplier.name.startswith("Demo: ") and "modellert på" in supplier.name
        assert supplier.org_form == "NUF"
        assert not any(mark in supplier.name.lower() for mark in REAL_TRADEMARKS)
        services = list(session.exec(select(Service).where(Service.supplier_id == supplier.id)))
        assert services, supplier.name
        for t in (s.terms for s in services):
            assert t["governing_law"] in ("irland", "luxembourg") and t["venue"] in ("dublin", "luxembourg")
            assert {"usa", "india"} <= set(t["data_locations"])
            assert {"2", "3"} <= set(t["scc_modules"]) and t["scc_clause9_option"] == "generell"
            assert t["own_purpose_processing"] in ("begrenset", "ja")
            assert t["liability_cap"] in ("12-mnd-vederlag", "ubegrenset-risiko")


def test_norwegian_suppliers_offer_norwegian_terms(demo):
    session, _ = demo
    fjordsky = session.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
    services = list(session.exec(select(Service).where(Service.supplier_id == fjordsky.id)))
    assert len(services) >= 3
    for t in (s.terms for s in services):
        assert t["governing_law"] == "norge" and t["eea_only_option"] is True
        assert set(t["data_locations"]) <= {"norge", "eos"} and t["own_purpose_processing"] == "nei"
        assert "2" in t["scc_modules"]


def test_published_services_have_snapshot_audit_and_search_entry(demo):
    session, _ = demo
    services = list(session.exec(select(Service).where(Service.status.in_(["published", "removed"]))))
    snapshots = {a.service_id: a for a in session.exec(select(ArchivedService))}
    published_events = Counter(e.service_id for e in session.exec(
        select(AuditEvent).where(AuditEvent.action == "service.published")))
    logged = {c.entity_id for c in session.exec(select(SearchChange))}
    earliest = builders.ANCHOR - timedelta(days=18 * 31)
    for s in services:
        snapshot = snapshots[s.id]
        assert snapshot.version == s.version == 1 and snapshot.content == content_of(s)
        assert published_events[s.id] == 1 and s.id in logged
        assert earliest <= _utc(s.published_at) <= builders.ANCHOR
        assert s.created_at <= s.submitted_at <= s.published_at


def test_the_history_is_in_order(demo):
    session, _ = demo
    registered = {s.id: s.created_at for s in session.exec(select(Supplier))}
    assert all(registered[s.supplier_id] < s.created_at for s in session.exec(select(Service)))
    for application in session.exec(select(QualificationApplication)):
        assert registered[application.supplier_id] < application.created_at < application.submitted_at
        assert application.decided_at is None or application.decided_at.date() <= application.due_date


def test_removed_and_unpublished_services(demo):
    session, _ = demo
    removed = list(session.exec(select(Service).where(Service.status == "removed")))
    assert len(removed) >= 2
    for s in removed:
        assert s.removal_reason and s.removed_at is not None and s.removed_at > s.published_at
    waiting = list(session.exec(select(Service).where(Service.status.in_(["draft", "submitted"]))))
    assert len(waiting) >= 3 and {s.status for s in waiting} == {"draft", "submitted"}
    snapshots = {a.service_id for a in session.exec(select(ArchivedService))}
    assert all(s.version == 0 and s.published_at is None and s.id not in snapshots for s in waiting)


def test_the_dps_with_its_qualifications(demo):
    session, _ = demo
    dps = session.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
    assert dps.name == "Dynamisk innkjøpsordning for skytjenester (demo)"
    assert (dps.valid_from.isoformat(), dps.valid_to.isoformat()) == ("2025-01-01", "2029-12-31")
    covered = [session.get(Category, dc.category_id) for dc in session.exec(
        select(DPSCategory).where(DPSCategory.dps_id == dps.id))]
    assert 6 <= len(covered) <= 8 and all(c.parent_id is None for c in covered)

    qualifications = list(session.exec(select(Qualification).where(Qualification.dps_id == dps.id)))
    assert len({q.supplier_id for q in qualifications if q.status == "qualified"}) >= 10
    rejected = [q for q in qualifications if q.status == "rejected"]
    assert len(rejected) >= 1 and all(q.reason for q in rejected)
    applications = {a.id: a for a in session.exec(select(QualificationApplication))}
    pending = [a for a in applications.values() if a.status == "submitted"]
    assert len(pending) == 1
    assert {q.status for q in qualifications if q.application_id == pending[0].id} == {"pending"}
    for application in applications.values():
        answers = application.declarations["answers"]
        assert answers["no_exclusion_grounds"] and answers["hms_confirmed"] and answers["financial_confirmed"]
        assert application.declarations["tax_certificate_reference"]
        assert application.submitted_at and application.due_date
        assert (application.decided_at is not None) == (application.status == "decided")

    qualified = {(q.supplier_id, q.category_id) for q in qualifications if q.status == "qualified"}
    parent = {c.id: c.parent_id for c in session.exec(select(Category))}
    offered = [s for s in live_services(session) if s.dps_id == dps.id]
    assert len(offered) >= 8
    assert all((s.supplier_id, parent[s.category_id]) in qualified for s in offered)


@pytest.mark.parametrize("backend", BACKENDS)
def test_loading_twice_changes_nothing_and_is_deterministic(backend, tmp_path):
    with scratch_engine(backend, tmp_path) as first, scratch_engine(backend, tmp_path) as second:
        load(first)
        before = row_counts(first)
        again = load(first)
        assert set(again.values()) == {0}
        assert row_counts(first) == before
        load(second)
        assert _catalogue(first) == _catalogue(second)


def _catalogue(engine) -> list[tuple]:
    with Session(engine) as session:
        return sorted((s.name, s.status, s.summary, s.description, tuple(s.features), repr(sorted(s.terms.items())),
                       _utc(s.published_at)) for s in session.exec(select(Service)))


def _utc(moment):
    """Compare times whatever the backend returns (naive UTC or aware UTC)."""
    return moment if moment is None or moment.tzinfo is not None or builders.TZ is None \
        else moment.replace(tzinfo=builders.TZ)


# ---------------------------------------------------------------------------
# the synthetic catalogue


def test_orgnr_check_digit():
    assert builders.orgnr_from_base(12345678) == "123456785"
    assert builders.orgnr_from_base(98807791) == "988077917"
    made = [builders.orgnr_from_base(b) for b in range(89_000_000, 89_000_200)]
    assert all(stdnum_orgnr.is_valid(n) for n in made if n)
    assert None in made  # bases whose check digit would be 10 are skipped


def _synthetic(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(Service, Supplier, Category).join(Supplier).join(Category).order_by(Service.id))
        return [(sv.name, sv.summary, sv.description, tuple(sv.features), repr(sorted(sv.terms.items())), c.slug,
                 su.name, su.orgnr) for sv, su, c in rows]


@pytest.mark.parametrize("backend", BACKENDS)
def test_synthetic_catalogue_is_deterministic_and_valid(backend, tmp_path):
    with scratch_engine(backend, tmp_path) as first, scratch_engine(backend, tmp_path) as second:
        reported = []
        made = generate(first, services=500, seed=7, progress=reported.append)
        assert made == {"services": 500, "suppliers": 20} and sum(reported) == 500
        generate(second, services=500, seed=7)
        catalogue = _synthetic(first)
        assert catalogue == _synthetic(second)
        assert len(catalogue) == 500
        counts = row_counts(first)
        assert counts["archived_service"] == counts["search_change"] == 500
        with Session(first) as session:
            for service in session.exec(select(Service)):
                clean, errors = TERMS.validate(service.terms)
                assert errors == {} and clean == service.terms
                assert [t.key for t in TERMS if t.key != "certifications"
                        and not is_filled(service.terms.get(t.key))] == []
                assert service.status == "published" and service.version == 1 and len(service.summary) <= 500
                assert 3 <= len(service.features) <= 6
            orgnrs = list(session.exec(select(Supplier.orgnr)))
            assert all(stdnum_orgnr.is_valid(n) for n in orgnrs) and len(set(orgnrs)) == len(orgnrs)
            subs = session.exec(select(func.count(func.distinct(Service.category_id)))).one()
            assert subs >= 30  # spread over the taxonomy, with a skew
        assert _synthetic(first) != []


@pytest.mark.parametrize("backend", BACKENDS)
def test_synthetic_adds_to_the_demo_without_collisions(backend, tmp_path):
    with scratch_engine(backend, tmp_path) as engine:
        load(engine)
        demo_suppliers = row_counts(engine)["supplier"]
        generate(engine, services=100, seed=1)
        generate(engine, services=100, seed=1)  # same seed again: new numbers, no clash
        with Session(engine) as session:
            suppliers = list(session.exec(select(Supplier)))
            assert len(suppliers) == demo_suppliers + 8
            assert len({s.orgnr for s in suppliers}) == len({s.slug for s in suppliers}) == len(suppliers)
            assert all(stdnum_orgnr.is_valid(s.orgnr) for s in suppliers)
            events = Counter(e.action for e in session.exec(select(AuditEvent)))
            assert events["synthetic.services_generated"] == 2 and events["synthetic.suppliers_generated"] == 2
