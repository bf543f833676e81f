"""The competition's own documents (requirements, contract draft): PDFs kept outside static/.

They are not secret from the invited suppliers, so they are stored as the service documents
are (checked by content, a random storage key); who may read them is decided by the view
(the buyer, the invited suppliers, the contract manager).
"""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.competitions.models import Competition, CompetitionDocument
from catalogue.documents import clean_filename, path_of


def store_competition_document(session: Session, actor: Actor, upload_dir: str | os.PathLike, comp: Competition,
                               filename: str | None, data: bytes, now: datetime) -> CompetitionDocument:
    """Keep a checked PDF (the caller has run ``documents.check_pdf``)."""
    key = secrets.token_hex(16)
    target = path_of(upload_dir, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, target)
    doc = CompetitionDocument(competition_id=comp.id, filename=clean_filename(filename, "konkurranse"),
                              size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                              uploaded_at=now)
    session.add(doc)
    session.flush()
    record(session, actor, "competition.document_added", "competition", comp.id,
           after={"document_id": doc.id, "filename": doc.filename, "sha256": doc.sha256, "size": doc.size})
    return doc


def competition_documents(session: Session, comp: Competition) -> list[CompetitionDocument]:
    return list(session.exec(select(CompetitionDocument).where(CompetitionDocument.competition_id == comp.id)
                             .order_by(CompetitionDocument.id)).all())


def read_competition_document(upload_dir: str | os.PathLike, doc: CompetitionDocument) -> bytes:
    return path_of(upload_dir, doc.storage_key).read_bytes()
