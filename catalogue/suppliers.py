"""Suppliers: organisation numbers and registration."""
from __future__ import annotations

from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.no import orgnr as stdnum_orgnr
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.i18n import _l
from catalogue.models import Membership, Supplier
from catalogue.text import slugify


class InvalidOrgnr(ValueError):
    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


def clean_orgnr(value: str) -> str:
    """Return the 9-digit organisation number, or raise ``InvalidOrgnr`` with a clear message.

    Accepts spaces and the common ``NO 123 456 785 MVA`` spelling.
    """
    raw = (value or "").strip()
    if not raw:
        raise InvalidOrgnr(_l("Skriv inn organisasjonsnummeret."))
    compact = stdnum_orgnr.compact(raw.upper().removesuffix("MVA").removeprefix("NO"))
    if not compact.isdigit() or len(compact) != 9:
        raise InvalidOrgnr(_l("Organisasjonsnummeret må ha 9 sifre."))
    try:
        return stdnum_orgnr.validate(compact)
    except ValidationError:
        raise InvalidOrgnr(_l("Organisasjonsnummeret er ikke gyldig (kontrollsifferet stemmer ikke).")) from None


def is_valid_orgnr(value: str) -> bool:
    try:
        clean_orgnr(value)
    except InvalidOrgnr:
        return False
    return True


def format_orgnr(orgnr: str) -> str:
    """``123 456 785``: how the number is written in Norway."""
    return stdnum_orgnr.format(orgnr)


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name, 100)
    slug, n = base, 2
    while session.exec(select(Supplier.id).where(Supplier.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def by_orgnr(session: Session, orgnr: str) -> Supplier | None:
    return session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).first()


def create_supplier(session: Session, actor: Actor, *, orgnr: str, name: str, **fields) -> Supplier:
    """Register a company. The caller checks it is not registered already (unique orgnr)."""
    supplier = Supplier(orgnr=clean_orgnr(orgnr), name=name, slug=unique_slug(session, name), **fields)
    session.add(supplier)
    session.flush()
    record(session, actor, "supplier.registered", "supplier", supplier.id, supplier_id=supplier.id,
           after={"orgnr": supplier.orgnr, "name": supplier.name})
    return supplier


def ensure_membership(db: Session, user_id: int, supplier_id: int, actor: Actor) -> bool:
    """Record that *user_id* acts for *supplier_id* (once); True when it was new."""
    exists = db.exec(select(Membership.id).where(Membership.user_id == user_id,
                                                 Membership.supplier_id == supplier_id)).first()
    if exists is not None:
        return False
    membership = Membership(user_id=user_id, supplier_id=supplier_id)
    db.add(membership)
    db.flush()
    record(db, actor, "membership.recorded", "membership", membership.id, supplier_id=supplier_id,
           after={"user_id": user_id, "supplier_id": supplier_id})
    return True
