"""Retention: orphaned uploads and partial files go after the grace period; documents in use stay;
``flask retention run`` sweeps logins, codes and files in one go (periods in docs/OPERATIONS.md)."""
from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from catalogue import documents
from catalogue.audit import Actor
from catalogue.models import LoginSession, Supplier, utcnow
from tests.login import login
from tests.pdf import make_pdf


def _aged(path: Path, hours: float) -> Path:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_orphaned_uploads_are_removed_after_the_grace_period_and_documents_in_use_stay(app):
    upload_dir = Path(app.config["UPLOAD_DIR"])
    with Session(app.extensions["db_engine"]) as s:
        supplier = s.exec(select(Supplier)).first()
        kept = documents.store(s, Actor.system("test"), upload_dir, supplier_id=supplier.id, kind="dpa",
                               filename="dpa.pdf", data=make_pdf())
        s.commit()
        kept_path = _aged(documents.path_of(upload_dir, kept.storage_key), 48)
    old_orphan = documents.path_of(upload_dir, secrets.token_hex(16))  # a refused form's file, a deleted draft's
    old_orphan.parent.mkdir(parents=True, exist_ok=True)
    old_orphan.write_bytes(b"%PDF-1.4 orphan")
    _aged(old_orphan, 48)
    partial = old_orphan.with_name(secrets.token_hex(16) + ".part")  # a write that failed half-way
    partial.write_bytes(b"half")
    _aged(partial, 48)
    fresh_orphan = documents.path_of(upload_dir, secrets.token_hex(16))
    fresh_orphan.parent.mkdir(parents=True, exist_ok=True)
    fresh_orphan.write_bytes(b"being committed right now")

    with Session(app.extensions["db_engine"]) as s:
        removed = documents.remove_orphans(s, upload_dir, grace_seconds=24 * 3600)
    assert removed == 2
    assert kept_path.exists() and fresh_orphan.exists()
    assert not old_orphan.exists() and not partial.exists()


def test_the_retention_command_sweeps_logins_and_files(app):
    client = app.test_client()
    viewer = login(client, "kommune-innkjoper")
    with Session(app.extensions["db_engine"]) as s:
        row = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
        row.created_at = row.last_seen_at = utcnow() - timedelta(days=40)
        row_id = row.id
        s.add(row)
        s.commit()
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "logins_ended=1" in result.output
    with Session(app.extensions["db_engine"]) as s:
        ended = s.get(LoginSession, row_id)
        assert ended.ended_at is not None and ended.id_token == ""
    assert not viewer_is_logged_in(client)


def viewer_is_logged_in(client) -> bool:
    return client.get("/min-innlogging").status_code == 200
