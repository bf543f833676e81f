"""Search fixtures: an index of the seeded template database, built once per run and copied.

``search_template`` builds the index of the template database once. ``shared_search_app`` is
``shared_app`` with that index installed; ``search_app`` / ``search_client`` are the per-test
``app`` / ``client`` (a copy of the template database) with a copy of the index – the copy is
exact, log position included, so a test can change the database and catch the index up.
"""
from __future__ import annotations

import random
import shutil
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.db import make_engine, session_scope
from catalogue.models import Category, Service, ServiceStatus, Supplier
from catalogue.search.indexer import Indexer, rebuild
from catalogue.search.store import IndexLocation
from catalogue.listing import Listing

__all__ = ["search_template", "shared_search_app", "shared_search_client", "search_app", "search_client",
           "install_index", "catch_up", "publish_service", "release_connections"]

ACTOR = Actor.system("search-test")


def install_index(template_dir: Path, index_dir: str) -> IndexLocation:
    """Put a copy of the index in *template_dir* at *index_dir* (a new directory, swapped in)."""
    location = IndexLocation(index_dir)
    target = location.new_directory()
    shutil.copytree(template_dir, target, dirs_exist_ok=True)
    location.swap(target)
    return location


def catch_up(app) -> int:
    """Apply the change log of *app*'s database to its index, as the indexer process would."""
    indexer = Indexer(app.extensions["db_engine"], IndexLocation(app.config["INDEX_DIR"]))
    return indexer.catch_up()


@pytest.fixture(scope="session")
def search_template(template_db, tmp_path_factory) -> Path:
    """The index of the seeded template database (its real directory)."""
    root = tmp_path_factory.mktemp("search-template")
    engine = make_engine(template_db)
    try:
        _, path = rebuild(engine, IndexLocation(root / "index"))
    finally:
        engine.dispose()
    return Path(path)


@pytest.fixture(scope="session")
def shared_search_app(shared_app, search_template):
    """``shared_app`` with the search index: for tests that only read."""
    install_index(search_template, shared_app.config["INDEX_DIR"])
    return shared_app


@pytest.fixture
def shared_search_client(shared_search_app):
    yield shared_search_app.test_client()
    release_connections(shared_search_app)


def release_connections(app) -> None:
    """Close pooled connections to the shared (template) database: on PostgreSQL an open one
    would stop the next test from copying the template (CREATE DATABASE … TEMPLATE)."""
    app.extensions["db_engine"].dispose()


@pytest.fixture
def search_app(app, search_template):
    """The per-test ``app`` with its own copy of the index."""
    install_index(search_template, app.config["INDEX_DIR"])
    return app


@pytest.fixture
def search_client(search_app):
    return search_app.test_client()


# ---------------------------------------------------------------------------
# writing services the way the supplier journey does (publish / remove, with the change log)


def publish_service(engine, name: str, summary: str = "", *, category: str = "drift", orgnr: str = "964330123",
                    terms: dict | None = None) -> int:
    """Create and publish a service of the supplier *orgnr*; returns its id."""
    with session_scope(engine) as session:
        supplier = session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).one()
        cat = session.exec(select(Category).where(Category.slug == category)).one()
        service = Service(supplier_id=supplier.id, category_id=cat.id, name=name, summary=summary,
                          description=summary, features=[], terms=terms or {}, status=ServiceStatus.SUBMITTED)
        session.add(service)
        session.flush()
        Listing(session, service).publish(ACTOR)
        return service.id


def _workload_step(session: Session, rng: random.Random, label: str, n: int) -> None:
    published = session.exec(select(Service.id).where(Service.status == ServiceStatus.PUBLISHED)).all()
    removed = session.exec(select(Service.id).where(Service.status == ServiceStatus.REMOVED)).all()
    roll = rng.random()
    if roll < 0.35 or not published:
        template = session.get(Service, rng.choice(published)) if published else None
        service = Service(supplier_id=template.supplier_id if template else 1,
                          category_id=template.category_id if template else 1,
                          name=f"Lasttest {label} nr {n}", summary=f"Tjeneste {n} fra skriver {label}",
                          description="", features=["samtidig publisering"],
                          terms=dict(template.terms or {}) if template else {}, status=ServiceStatus.SUBMITTED)
        session.add(service)
        session.flush()
        Listing(session, service).publish(ACTOR)
    elif roll < 0.7:
        service = session.get(Service, rng.choice(published))
        service.name = f"{service.name.split(' · ')[0]} · endret av {label} nr {n}"
        Listing(session, service).publish(ACTOR)
    elif roll < 0.9 or not removed:
        service = session.get(Service, rng.choice(published))
        Listing(session, service).remove(ACTOR, expected_lock=service.lock_version, reason="lasttest")
    else:
        # A removed service put back by the operator (not a step of the product): it goes through review again.
        service = session.get(Service, rng.choice(removed))
        service.status = ServiceStatus.SUBMITTED
        Listing(session, service).publish(ACTOR)


def workload(url: str, label: str, steps: int, seed: int, rollback_share: float = 0.1) -> None:
    """Change and publish services concurrently with other processes (see test_search_consistency).

    Some transactions roll back after writing their change-log row, leaving holes in the sequence.
    """
    rng = random.Random(seed)
    engine = make_engine(url)
    done = 0
    while done < steps:
        try:
            with Session(engine) as session:
                _workload_step(session, rng, label, done)
                if rng.random() < rollback_share:
                    session.flush()
                    session.rollback()
                else:
                    session.commit()
            done += 1
        except OperationalError:
            time.sleep(rng.random() / 10)  # a lock or deadlock: try another step
    engine.dispose()


if __name__ == "__main__":  # python -m tests.search_fixtures <url> <label> <steps> <seed>
    workload(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
