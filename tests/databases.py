"""Throw-away databases for tests: SQLite files, or real PostgreSQL databases.

The whole suite runs once on SQLite and, when ``TEST_DATABASE_URL`` is set, once more on
PostgreSQL (``MARKETPLACE_TEST_DB=postgresql``). A migrated and seeded *template* is built
once per run; each test that writes gets its own copy (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so tests never see each other's changes.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalogue.db import normalise_url


def backend() -> str:
    return "postgresql" if os.environ.get("MARKETPLACE_TEST_DB") == "postgresql" else "sqlite"


def admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        raise RuntimeError("MARKETPLACE_TEST_DB=postgresql needs TEST_DATABASE_URL")
    return normalise_url(url)


def _admin_exec(sql: str) -> None:
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def new_database(tmp_dir: Path, template: str | None = None) -> str:
    """Create an empty database (or a copy of *template*) and return its URL."""
    if backend() == "sqlite":
        path = Path(tmp_dir) / f"mp-{uuid.uuid4().hex[:10]}.db"
        if template:
            src = Path(make_url(template).database)
            shutil.copyfile(src, path)
        return f"sqlite:///{path}"
    name = f"mp_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    if template:
        _admin_exec(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
    else:
        _admin_exec(f'CREATE DATABASE "{name}"')
    return str(make_url(admin_url()).set(database=name).render_as_string(hide_password=False))


def drop_database(url: str) -> None:
    if backend() == "sqlite":
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    name = make_url(url).database
    _admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
