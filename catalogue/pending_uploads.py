"""Uploads kept across a refused form: the supplier does not choose the same PDF twice.

When a form with file inputs comes back with errors (a field left empty, a wrong date), the
files that were fine are kept here for a short while (``KEEP_FOR``), tied to the person, the
company and the form (``form``: ``listing:new``, ``listing:<service id>``, ``application:<dps id>``).
The form shown again names them ("Allerede lastet opp: vilkar.pdf – erstatt") and carries a
random token per file in a hidden field (``token_field``); a later post of the same form by the
same person that carries the token gets the file back as if it had been chosen again, unless a
new file was chosen in its place.

Nothing of the form itself is written: a kept file is no document, belongs to no service or
application and cannot be downloaded. It becomes a document only through the form's own
successful save (the caller then ``release``-s the row in the same transaction). Rows and files
are deleted when they expire (``remove_expired``, run with every keep and by the retention job).
Files live under ``<upload dir>/kept/``, apart from the documents' files.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Mapping, Optional

from sqlalchemy import Column, Index, String
from sqlmodel import Field, Session, SQLModel, select

from catalogue.documents import check_pdf, clean_filename
from catalogue.models import utcnow

KEEP_FOR = timedelta(hours=1)
SUBDIR = "kept"
_TOKEN = re.compile(r"[0-9a-f]{32}")


class PendingUpload(SQLModel, table=True):
    """A checked PDF from a form that was refused, kept until the form is sent again (or it expires)."""

    __tablename__ = "pending_upload"
    __table_args__ = (Index("ix_pending_upload_owner_form", "user_id", "form"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    token: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    user_id: int = Field(foreign_key="user_account.id")
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    form: str = Field(max_length=80)
    field: str = Field(max_length=120)
    filename: str = Field(max_length=200)
    size: int = 0
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(default_factory=lambda: utcnow() + KEEP_FOR, index=True)


def token_field(field: str) -> str:
    """The hidden field that carries the token of the file kept for *field*."""
    return f"{field}-lastet-opp"


def path_of(upload_dir: str | os.PathLike, token: str) -> Path:
    if not _TOKEN.fullmatch(token):  # tokens are hex only (we make them): no path can be built from one
        raise ValueError("invalid token")
    return Path(upload_dir) / SUBDIR / token


def keep(session: Session, upload_dir: str | os.PathLike, *, user_id: int, supplier_id: int, form: str,
         files: Mapping[str, tuple[str, bytes]], now: datetime | None = None) -> dict[str, PendingUpload]:
    """Keep the acceptable PDFs among *files* (field → (name, bytes)); a file with its own problem is not kept.

    A file kept before for the same person, form and field is replaced. The rows join the
    caller's transaction; a file that cannot be written (full disk) is simply not kept.
    """
    now = now or utcnow()
    remove_expired(session, upload_dir, now=now)
    kept: dict[str, PendingUpload] = {}
    for field, (name, data) in files.items():
        if check_pdf(data) is not None:
            continue
        token = secrets.token_hex(16)
        target = path_of(upload_dir, token)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            with open(partial, "xb") as handle:
                handle.write(data)
            os.replace(partial, target)
        except OSError:
            target.with_suffix(".part").unlink(missing_ok=True)
            continue
        for old in session.exec(select(PendingUpload).where(PendingUpload.user_id == user_id,
                                                            PendingUpload.form == form,
                                                            PendingUpload.field == field)).all():
            _delete(session, upload_dir, old)
        row = PendingUpload(token=token, user_id=user_id, supplier_id=supplier_id, form=form, field=field,
                            filename=clean_filename(name, "dokument"), size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), created_at=now, expires_at=now + KEEP_FOR)
        session.add(row)
        kept[field] = row
    session.flush()
    return kept


def held(session: Session, *, user_id: int, supplier_id: int, form: str, posted: Mapping[str, str],
         fields: Iterable[str], now: datetime | None = None) -> dict[str, PendingUpload]:
    """The kept files the posted form still refers to (its hidden token fields), by field; expired ones are gone."""
    now = now or utcnow()
    wanted = {}
    for field in fields:
        token = (posted.get(token_field(field)) or "").strip()
        if _TOKEN.fullmatch(token):
            wanted[token] = field
    if not wanted:
        return {}
    found = {}
    for row in session.exec(select(PendingUpload).where(PendingUpload.token.in_(list(wanted)))).all():
        if (row.user_id == user_id and row.supplier_id == supplier_id and row.form == form
                and row.field == wanted[row.token] and _aware(row.expires_at) > now):
            found[row.field] = row
    return found


def read(upload_dir: str | os.PathLike, row: PendingUpload) -> tuple[str, bytes] | None:
    """The kept file as an upload ``(name, bytes)``; ``None`` when its file is gone (then it is chosen again)."""
    try:
        return row.filename, path_of(upload_dir, row.token).read_bytes()
    except OSError:
        return None


def release(session: Session, rows: Iterable[PendingUpload]) -> list[str]:
    """Drop the rows of kept files that became documents (caller's transaction); returns their tokens,
    whose files the caller removes with ``discard`` once the transaction is committed."""
    tokens = []
    for row in rows:
        tokens.append(row.token)
        session.delete(row)
    return tokens


def discard(upload_dir: str | os.PathLike, tokens: Iterable[str]) -> None:
    for token in tokens:
        path_of(upload_dir, token).unlink(missing_ok=True)


def remove_expired(session: Session, upload_dir: str | os.PathLike, *, now: datetime | None = None) -> int:
    """Delete expired rows with their files, and files no row refers to (older than ``KEEP_FOR``)."""
    now = now or utcnow()
    removed = 0
    for row in session.exec(select(PendingUpload).where(PendingUpload.expires_at <= now)).all():
        _delete(session, upload_dir, row)
        removed += 1
    root = Path(upload_dir) / SUBDIR
    if root.is_dir():
        cutoff = (now - KEEP_FOR).timestamp()
        stale = [p for p in root.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
        if stale:
            names = [p.name for p in stale]
            known = set(session.exec(select(PendingUpload.token).where(PendingUpload.token.in_(names))).all())
            for path in stale:
                if path.name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed


def _delete(session: Session, upload_dir: str | os.PathLike, row: PendingUpload) -> None:
    session.delete(row)
    path_of(upload_dir, row.token).unlink(missing_ok=True)


def _aware(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
