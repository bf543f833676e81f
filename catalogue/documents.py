"""Uploaded documents (standard terms, DPA, price list, tax certificate): PDF only, checked by content.

Files are kept under the configured upload directory (never under ``static/``) with a
random storage key, so a name chosen by the uploader never becomes a path. Who may read a
document is decided here, in ``may_read``.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Optional

from babel.support import LazyProxy
from sqlmodel import Session

from catalogue.audit import Actor, record
from catalogue.i18n import _l, text
from catalogue.models import Document, Service, ServiceStatus

MAX_BYTES = 10 * 1024 * 1024
PDF_TYPE = "application/pdf"

# Document kinds and their names; a service version refers to its documents by kind.
KINDS = {
    "terms": _l("Standardvilkår"),
    "dpa": _l("Databehandleravtale"),
    "price_list": _l("Prisliste"),
    "tax_certificate": _l("Skatteattest (skatt og merverdiavgift)"),
    "signed_contract": _l("Signert avtale"),
    "certificate": _l("Sertifikat"),  # a row of the certifications term
    "dps_document": _l("Dokument i innkjøpsordningen"),  # uploaded by the contract manager; public
}
SERVICE_KINDS = ("terms", "dpa", "price_list")
# Documents that anyone may read once the service version that refers to them is published.
PUBLIC_KINDS = frozenset(SERVICE_KINDS)
CERTIFICATE_KIND = "certificate"
DPS_KIND = "dps_document"


class DocumentError(ValueError):
    def __init__(self, message: LazyProxy):
        super().__init__(text(message))
        self.message = message


class StorageFailed(DocumentError):
    """The file could not be written (disk full, quota, I/O error); nothing is kept of it."""

    def __init__(self, kind: str, error: OSError):
        super().__init__(_l("Dokumentet kunne ikke lagres fordi lagringsplassen hos oss er full eller utilgjengelig. Ingenting er "
            "lagret; det du har fylt inn står fortsatt i skjemaet. Prøv igjen senere, eller kontakt oss hvis "
            "feilen vedvarer."))
        self.kind = kind
        self.errno = error.errno


def check_pdf(data: bytes) -> LazyProxy | None:
    """Why *data* is not an acceptable PDF, or ``None``. The file name plays no part."""
    if not data:
        return _l("Filen er tom.")
    if len(data) > MAX_BYTES:
        size_mb = len(data) / (1024 * 1024)
        return _l("Filen er for stor (%(size)s MB). Største tillatte størrelse er 10 MB.", size=f"{size_mb:.1f}")
    # A PDF starts with its header and ends with the end-of-file marker (trailing
    # whitespace or a few bytes of padding after it are common, hence the window).
    if not re.match(rb"%PDF-\d\.\d", data[:16]) or b"%%EOF" not in data[-1024:]:
        return _l("Filen er ikke en PDF. Last opp dokumentet som PDF.")
    return None


def clean_filename(name: str | None, kind: str) -> str:
    """A safe display name for Content-Disposition: no path, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.replace('"', "").strip(" .")
    if not base:
        base = kind
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-120:]


def path_of(upload_dir: str | os.PathLike, storage_key: str) -> Path:
    # Keys are hex only (we make them), so they cannot climb out of the directory.
    if not re.fullmatch(r"[0-9a-f]{32}", storage_key):
        raise ValueError("invalid storage key")
    return Path(upload_dir) / storage_key[:2] / storage_key


def store(session: Session, actor: Actor, upload_dir: str | os.PathLike, *, supplier_id: Optional[int], kind: str,
          filename: str | None, data: bytes, service_id: Optional[int] = None,
          application_id: Optional[int] = None, dps_id: Optional[int] = None, title: str = "") -> Document:
    """Check and keep an uploaded PDF; the row joins the caller's transaction.

    Raises ``DocumentError`` (nothing written) when the file is not an acceptable PDF.
    The file is written before the row; should the transaction fail afterwards, the file
    is an orphan no row refers to, and nobody can reach it.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    problem = check_pdf(data)
    if problem:
        raise DocumentError(problem)
    key = secrets.token_hex(16)
    target = path_of(upload_dir, key)
    partial = target.with_suffix(".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk shows here, not after the row is committed
        os.replace(partial, target)
    except OSError as error:
        # Never leave a partial file: on a full disk it would keep every later upload failing.
        partial.unlink(missing_ok=True)
        raise StorageFailed(kind, error) from error
    doc = Document(supplier_id=supplier_id, service_id=service_id, application_id=application_id, dps_id=dps_id,
                   kind=kind, title=title, filename=clean_filename(filename, kind), content_type=PDF_TYPE,
                   size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_key=key, uploaded_by=actor.user_id)
    session.add(doc)
    session.flush()
    record(session, actor, "document.uploaded", "document", doc.id, supplier_id=supplier_id, service_id=service_id,
           after={"kind": kind, "filename": doc.filename, "size": doc.size, "sha256": doc.sha256,
                  "application_id": application_id, **({"dps_id": dps_id, "title": title} if dps_id else {})})
    return doc


def read_bytes(upload_dir: str | os.PathLike, doc: Document) -> bytes:
    return path_of(upload_dir, doc.storage_key).read_bytes()


def is_public(session: Session, doc: Document) -> bool:
    """A terms/DPA document or certificate is public while the live version of a published service refers to it;
    a DPS's own documents are public (they are listed on its page)."""
    if doc.kind == DPS_KIND:
        return doc.dps_id is not None
    if doc.kind not in PUBLIC_KINDS and doc.kind != CERTIFICATE_KIND or doc.service_id is None:
        return False
    service = session.get(Service, doc.service_id)
    if service is None or service.status != ServiceStatus.PUBLISHED:
        return False
    if doc.kind == CERTIFICATE_KIND:
        rows = (service.terms or {}).get("certifications") or []
        return any(isinstance(r, dict) and r.get("document") == doc.id for r in rows)
    return (service.documents or {}).get(doc.kind) == doc.id


def may_read(session: Session, doc: Document, *, is_manager: bool, supplier_id: Optional[int]) -> bool:
    """The owning supplier's users and the contract manager always; everyone else only public ones."""
    if is_manager:
        return True
    if supplier_id is not None and supplier_id == doc.supplier_id:
        return True
    return is_public(session, doc)


def remove_orphans(session: Session, upload_dir: str | os.PathLike, *, grace_seconds: float,
                   now: Optional[float] = None) -> int:
    """Delete stored files no document row refers to, once older than *grace_seconds*.

    Such files are uploads whose transaction never committed (a form refused after the file
    was written, a crash), files of drafts that were deleted, and partial files left by a
    failed write. The grace period keeps a file whose row is being committed right now.
    Returns the number of files removed.
    """
    import time

    from sqlmodel import select

    root = Path(upload_dir)
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - grace_seconds
    candidates = [p for p in root.glob("??/*") if p.is_file() and p.stat().st_mtime < cutoff]
    if not candidates:
        return 0
    keys = {p.name for p in candidates if re.fullmatch(r"[0-9a-f]{32}", p.name)}
    known: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        known |= set(session.exec(select(Document.storage_key).where(Document.storage_key.in_(chunk))).all())
    removed = 0
    for path in candidates:
        if path.name not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
