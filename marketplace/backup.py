"""``flask --app marketplace backup create|restore DIR``: the database and the uploads, restorable.

A backup directory holds:

``database.dump``  PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot, taken while the
                   site runs); SQLite: a consistent copy made with SQLite's online backup API
``uploads.tar``    the upload directory (documents are referred to by their storage key)
``manifest.json``  when, from which database kind, the migration revision, row counts

``restore`` loads the dump into the configured (empty) database – ``pg_restore --no-owner``,
or the SQLite file copied in place –, unpacks the uploads, checks the migration revision, and
rebuilds the search index from the restored database (the index is never backed up: it is
derived data). docs/OPERATIONS.md describes the routine.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore with argument lists, never a shell # nosec B404
import tarfile
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from catalogue.db import is_sqlite, normalise_url

backup_cli = AppGroup("backup", help="Sikkerhetskopi: database og opplastinger.")


def _pg_args(url: str) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL tools; the password goes in the environment."""
    parsed = make_url(normalise_url(url))
    args = ["--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres", "--dbname", parsed.database or ""]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # table names from the schema # nosec B608
                for name in sorted(inspect(conn).get_table_names())}


def _revision(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version")))


def create(target: Path) -> dict:
    cfg = current_app.config
    engine = current_app.extensions["db_engine"]
    target.mkdir(parents=True, exist_ok=True)
    dump = target / "database.dump"
    url = cfg["DATABASE_URL"]
    if is_sqlite(url):
        source = sqlite3.connect(make_url(url).database)
        copy = sqlite3.connect(dump)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        args, env = _pg_args(url)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args],  # the PostgreSQL tools, an argument list # nosec B603, B607
                       env=env, check=True, capture_output=True)
    uploads = Path(cfg["UPLOAD_DIR"])
    with tarfile.open(target / "uploads.tar", "w") as tar:
        if uploads.is_dir():
            tar.add(uploads, arcname="uploads")
    manifest = {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "database": "sqlite" if is_sqlite(url) else "postgresql",
                "revision": _revision(engine), "rows": _counts(engine)}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def restore(source: Path, *, rebuild_index: bool = True) -> dict:
    cfg = current_app.config
    engine = current_app.extensions["db_engine"]
    manifest = json.loads((source / "manifest.json").read_text())
    url = cfg["DATABASE_URL"]
    kind = "sqlite" if is_sqlite(url) else "postgresql"
    if manifest["database"] != kind:
        raise click.ClickException(f"Sikkerhetskopien er av en {manifest['database']}-database, ikke {kind}.")
    with engine.connect() as conn:
        if inspect(conn).get_table_names():
            raise click.ClickException("Databasen er ikke tom: gjenopprett bare til en ny, tom database.")
    engine.dispose()
    if kind == "sqlite":
        path = Path(make_url(url).database)
        for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)  # the empty database's journal must not be replayed onto the copy
        shutil.copyfile(source / "database.dump", path)
    else:
        args, env = _pg_args(url)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *args, str(source / "database.dump")],  # nosec B603, B607
                       env=env, check=True, capture_output=True)
    uploads = Path(cfg["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "uploads.tar") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("uploads/") and (m.isfile() or m.isdir())]
        for member in members:
            member.name = member.name[len("uploads/"):]
        tar.extractall(uploads, members=[m for m in members if m.name], filter="data")
    if _revision(engine) != manifest["revision"]:
        raise click.ClickException("Migreringsversjonen stemmer ikke med sikkerhetskopien.")
    counts = _counts(engine)
    if counts != manifest["rows"]:
        raise click.ClickException("Antall rader stemmer ikke med sikkerhetskopien.")
    if rebuild_index:
        from catalogue.search.indexer import rebuild
        from catalogue.search.store import IndexLocation

        rebuild(engine, IndexLocation(cfg["INDEX_DIR"]))
    return manifest


@backup_cli.command("create")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def create_command(target: Path) -> None:
    """Write a backup of the database and the uploads to TARGET (a new directory)."""
    manifest = create(target)
    click.echo(f"Sikkerhetskopi skrevet til {target} ({sum(manifest['rows'].values())} rader).")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-index", is_flag=True, help="Ikke bygg søkeindeksen (gjør det senere med «index rebuild»).")
def restore_command(source: Path, no_index: bool) -> None:
    """Restore SOURCE into the configured, empty database and upload directory; rebuild the index."""
    manifest = restore(source, rebuild_index=not no_index)
    click.echo(f"Gjenopprettet fra {source} (tatt {manifest['created']}); søkeindeksen er bygget på nytt.")
