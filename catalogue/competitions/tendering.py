"""An invited supplier's tender: the draft, its documents, submission, replacement, withdrawal.

The content – the price in the buyer's price form, an answer per requirement and per
quality criterion, the documents' names – is sealed (``sealing``) as soon as it is saved.
The owning supplier may read back its own *draft* while writing it; a submitted tender is
not decrypted by anyone before the opening.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.competitions import sealing
from catalogue.competitions.lifecycle import CompetitionLife, TenderLife
from catalogue.competitions.models import Competition, Invitation, Tender, TenderDocument, TenderStatus
from catalogue.documents import check_pdf, clean_filename
from catalogue.lifecycle import N_, DomainError, IllegalTransition
from catalogue.text import reject_markup

MAX_DOCUMENTS = 10
MAX_PRICE = Decimal("100000000000")


def is_invited(session: Session, comp: Competition, supplier_id: Optional[int]) -> bool:
    if supplier_id is None:
        return False
    return session.exec(select(Invitation.id).where(Invitation.competition_id == comp.id,
                                                    Invitation.supplier_id == supplier_id)).first() is not None


def of_supplier(session: Session, comp: Competition, supplier_id: int, status: TenderStatus) -> Tender | None:
    return session.exec(select(Tender).where(Tender.competition_id == comp.id, Tender.supplier_id == supplier_id,
                                             Tender.status == status).order_by(Tender.id.desc())).first()


def history(session: Session, comp: Competition, supplier_id: int) -> list[Tender]:
    """The supplier's own submissions (status and times only, for its own page)."""
    return list(session.exec(select(Tender).where(Tender.competition_id == comp.id, Tender.supplier_id == supplier_id)
                             .order_by(Tender.id.desc())).all())


@dataclass
class TenderInput:
    price: str = ""
    price_note: str = ""
    answers: dict[str, str] = field(default_factory=dict)       # requirement key → answer
    quality: dict[str, str] = field(default_factory=dict)       # criterion key → answer
    documents: list[dict] = field(default_factory=list)


def read_form(form, comp: Competition) -> TenderInput:
    return TenderInput(
        price=(form.get("pris") or "").strip(), price_note=(form.get("pris-merknad") or "").strip(),
        answers={r["key"]: (form.get(f"svar-{r['key']}") or "").strip() for r in comp.requirements or []},
        quality={c["key"]: (form.get(f"kvalitet-{c['key']}") or "").strip()
                 for c in comp.criteria or [] if c["kind"] == "quality"})


def parse_price(raw: str) -> Optional[Decimal]:
    text = (raw or "").replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
        return None
    value = Decimal(text)
    return value if Decimal(0) < value < MAX_PRICE else None


def validate(data: TenderInput, comp: Competition, *, complete: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.price and parse_price(data.price) is None:
        errors["pris"] = N_("Oppgi prisen i kroner, med høyst to desimaler.")
    elif complete and not data.price:
        errors["pris"] = N_("Oppgi prisen.")
    texts = [("pris-merknad", data.price_note)] + [(f"svar-{k}", v) for k, v in data.answers.items()] + \
        [(f"kvalitet-{k}", v) for k, v in data.quality.items()]
    for fid, value in texts:
        if len(value) > 10000:
            errors[fid] = N_("Teksten er for lang.")
        elif value and reject_markup(value):
            errors[fid] = N_("Teksten kan ikke inneholde HTML, skript eller kontrolltegn.")
        elif complete and not value and fid != "pris-merknad":
            errors[fid] = N_("Svar på alle krav og kvalitetskriterier før du leverer.")
    return errors


def content_of(data: TenderInput) -> dict[str, Any]:
    return {"price": str(parse_price(data.price)) if data.price else "", "price_note": data.price_note,
            "answers": data.answers, "quality": data.quality, "documents": data.documents}


def own_draft_input(secret: str, tender: Tender | None) -> TenderInput:
    """The supplier's own draft, for its own form (never a submitted tender)."""
    if tender is None or tender.status != TenderStatus.DRAFT:
        return TenderInput()
    content = sealing.unseal(secret, tender.sealed)
    return TenderInput(price=content.get("price", ""), price_note=content.get("price_note", ""),
                       answers=content.get("answers", {}), quality=content.get("quality", {}),
                       documents=content.get("documents", []))


def save_draft(session: Session, actor: Actor, comp: Competition, supplier_id: int, data: TenderInput, *,
               secret: str, upload_dir: str | os.PathLike, now: datetime,
               upload: tuple[str, bytes] | None = None, remove: list[str] | None = None) -> Tender:
    """Create or update the supplier's draft; the content is sealed before it is stored."""
    _refuse_after_deadline(comp, now)
    if not is_invited(session, comp, supplier_id):
        raise DomainError(N_("Leverandøren er ikke invitert til konkurransen."))
    draft = of_supplier(session, comp, supplier_id, TenderStatus.DRAFT)
    creating = draft is None
    if creating:
        draft = Tender(competition_id=comp.id, supplier_id=supplier_id, created_at=now, updated_at=now)
        session.add(draft)
        session.flush()
        previous = []
    else:
        previous = own_draft_input(secret, draft).documents
    documents = [d for d in previous if str(d["id"]) not in set(remove or [])]
    if upload is not None:
        problem = check_pdf(upload[1])
        if problem:
            raise DomainError(N_("Dokumentet må være en PDF på høyst 10 MB."), field="dokument")
        if len(documents) >= MAX_DOCUMENTS:
            raise DomainError(N_("Høyst 10 dokumenter per tilbud."), field="dokument")
        key = sealing.store_file(secret, upload_dir, upload[1])
        doc = TenderDocument(tender_id=draft.id, storage_key=key, uploaded_at=now)
        session.add(doc)
        session.flush()
        documents.append({"id": doc.id, "filename": clean_filename(upload[0], "tilbud"), "size": len(upload[1]),
                          "sha256": hashlib.sha256(upload[1]).hexdigest()})
    data.documents = documents
    draft.sealed, draft.fingerprint = sealing.seal(secret, content_of(data))
    draft.updated_at = now
    session.add(draft)
    # The audit event says that the draft was saved, never what it says.
    record(session, actor, "tender.created" if creating else "tender.saved", "tender", draft.id,
           supplier_id=supplier_id, after={"competition_id": comp.id, "fingerprint": draft.fingerprint})
    return draft


def _refuse_after_deadline(comp: Competition, now: datetime) -> None:
    if not CompetitionLife(comp, now).is_open_for_tenders:
        raise IllegalTransition(N_("Tilbudsfristen er passert. Tilbud kan ikke leveres, endres eller trekkes."))


def submit(session: Session, actor: Actor, comp: Competition, supplier_id: int, *, secret: str,
           now: datetime) -> Tender:
    """Submit the draft (complete); an earlier submitted tender is replaced by it."""
    _refuse_after_deadline(comp, now)
    draft = of_supplier(session, comp, supplier_id, TenderStatus.DRAFT)
    if draft is None:
        raise DomainError(N_("Lagre tilbudet før du leverer det."))
    life = TenderLife(draft, comp, now)
    content = own_draft_input(secret, draft)
    errors = validate(content, comp, complete=True)
    if errors:
        fid, msg = next(iter(errors.items()))
        raise DomainError(msg, field=fid)
    previous = of_supplier(session, comp, supplier_id, TenderStatus.SUBMITTED)
    life.submit(session, actor, previous=previous)
    return draft


def withdraw(session: Session, actor: Actor, comp: Competition, supplier_id: int, now: datetime) -> Tender:
    _refuse_after_deadline(comp, now)
    tender = of_supplier(session, comp, supplier_id, TenderStatus.SUBMITTED)
    if tender is None:
        raise DomainError(N_("Dere har ikke levert noe tilbud som kan trekkes."))
    TenderLife(tender, comp, now).withdraw(session, actor)
    return tender


def opened_document(session: Session, comp: Competition, tender: Tender, document_id: int, *, secret: str,
                    upload_dir: str | os.PathLike) -> tuple[dict, bytes] | None:
    """A document of an *opened* tender (after the opening only), with its name from the content."""
    if not CompetitionLife(comp).is_opened or tender.opened is None:
        return None
    meta = next((d for d in tender.opened.get("documents", []) if d["id"] == document_id), None)
    doc = session.get(TenderDocument, document_id)
    if meta is None or doc is None or doc.tender_id != tender.id:
        return None
    return meta, sealing.read_file(secret, upload_dir, doc.storage_key)
