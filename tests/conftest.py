"""Shared fixtures: ``app``, ``client`` and ``runner`` on a fresh copy of the seeded database.

``shared_app`` / ``shared_client`` use one seeded database for the whole run: only for
tests that read.
"""
from __future__ import annotations

import pytest

from catalogue.db import make_engine, session_scope
from marketplace.migrate import upgrade
from marketplace import create_app
from tests.databases import backend, drop_database, new_database
from tests.search_fixtures import *  # noqa: F401,F403  (search index fixtures)


@pytest.fixture(autouse=True)
def _restore_rate_limiter():
    """The limiter is one object shared by every app in the process: a test that switches it
    on must not leave it on for the next."""
    from marketplace.extensions import limiter

    saved = dict(vars(limiter))
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def pytest_report_header(config):
    return f"database backend: {backend()}"


def _seed(url: str) -> None:
    from seed.articles import load_articles
    from seed.demo import load_demo

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            load_demo(session)
            load_articles(session)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with the demo catalogue, built once per test run."""
    url = new_database(tmp_path_factory.mktemp("db"))
    upgrade(url)
    _seed(url)
    yield url
    drop_database(url)


def make_app(url: str, instance, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "INDEX_DIR": str(instance / "index"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "HEARTBEAT_DIR": str(instance / "heartbeats"),
        "SECRET_KEY": "test-secret-key",
        "PID_HMAC_KEY": "test-pid-key",
        "RATELIMIT_ENABLED": False,
        # The limiter object is shared by every app in the process; should a test leave it
        # switched on, the search limit (read per request) still never stops another test.
        "SEARCH_RATE_LIMIT": "100000/second",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(template_db, tmp_path):
    """The app on its own copy of the seeded database."""
    url = new_database(tmp_path, template=template_db)
    application = make_app(url, tmp_path / "instance")
    yield application
    application.extensions["db_engine"].dispose()
    drop_database(url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def shared_app(template_db, tmp_path_factory):
    """One app over a copy of the seeded template, for read-only tests.

    A copy, not the template itself: PostgreSQL refuses ``CREATE DATABASE … TEMPLATE`` while
    any connection to the template is open, and this app's pool keeps one.
    """
    instance = tmp_path_factory.mktemp("shared-instance")
    url = new_database(instance, template=template_db)
    application = make_app(url, instance)
    yield application
    application.extensions["db_engine"].dispose()
    drop_database(url)


@pytest.fixture
def shared_client(shared_app):
    return shared_app.test_client()
