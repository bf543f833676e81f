"""Company registration by a supplier user: organisation number, Enhetsregisteret, membership.

The person must act for the organisation number (it is among the organisations their login
lists, and the one chosen now). Name, organisational form and address come from
Enhetsregisteret, never from the form. A company is registered once; a second attempt is
told which supplier already exists and may join it instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.enhetsregisteret import Entity, RegistryUnavailable
from catalogue.models import Membership, Supplier
from catalogue import company
from catalogue.company import DESCRIPTION, WEBSITE
from catalogue.suppliers import InvalidOrgnr, by_orgnr, clean_orgnr, create_supplier, ensure_membership
from catalogue.text import Msg

ORGNR_FIELD = "company-orgnr"

Lookup = Callable[[str], Optional[Entity]]


@dataclass
class CompanyCheck:
    """The outcome of checking an organisation number before registering it."""

    orgnr: str = ""
    entity: Optional[Entity] = None
    existing: Optional[Supplier] = None
    errors: dict[str, Msg] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and self.entity is not None


def check_company(session: Session, raw_orgnr: str, *, acting_orgnr: str, lookup: Lookup) -> CompanyCheck:
    """Validate the number, check that it is new, fetch it from the register, check that the person acts for it.

    A company already registered is not looked up again: the answer names the existing
    registration instead (the view offers to join it when the person acts for it).
    """
    try:
        orgnr = clean_orgnr(raw_orgnr)
    except InvalidOrgnr as err:
        return CompanyCheck(errors={ORGNR_FIELD: err.message})
    existing = by_orgnr(session, orgnr)
    if existing is not None:
        return CompanyCheck(orgnr, existing=existing, errors={ORGNR_FIELD: already_registered(existing)})
    try:
        entity = lookup(orgnr)
    except RegistryUnavailable as err:
        return CompanyCheck(orgnr, errors={ORGNR_FIELD: err.message})
    if entity is None:
        return CompanyCheck(orgnr, errors={ORGNR_FIELD: Msg(
            "Fant ikke organisasjonsnummeret i Enhetsregisteret. Kontroller nummeret.",
            "The organisation number was not found in the Central Coordinating Register. Check the number.")})
    if orgnr != acting_orgnr:
        return CompanyCheck(orgnr, entity, errors={ORGNR_FIELD: Msg(
            "Du handler ikke på vegne av dette organisasjonsnummeret. Velg organisasjonen når du logger inn "
            "(eller bytt organisasjon), og prøv igjen.",
            "You are not acting for this organisation number. Choose the organisation when you log in "
            "(or switch organisation) and try again.")})
    if entity.is_public_body:
        return CompanyCheck(orgnr, entity, errors={ORGNR_FIELD: Msg(
            f"«{entity.name}» er en offentlig virksomhet og kan ikke registreres som leverandør.",
            f"“{entity.name}” is a public body and cannot be registered as a supplier.")})
    return CompanyCheck(orgnr, entity)


def already_registered(existing: Supplier) -> Msg:
    return Msg(f"Selskapet er allerede registrert som «{existing.name}». Du kan bli med i den eksisterende "
               f"registreringen i stedet.",
               f"The company is already registered as “{existing.name}”. You can join the existing registration "
               f"instead.")


def clean_details(raw: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Msg]]:
    """The optional details the person adds when registering (website, presentation)."""
    return company.clean_details(raw, (WEBSITE, DESCRIPTION))


def register(session: Session, actor: Actor, user_id: int, entity: Entity, details: Mapping[str, str]) -> Supplier:
    """Register the company from the register's data and make the person a member of it.

    The caller has checked the company (``check_company``); a concurrent registration of
    the same number fails on the unique organisation number when committing.
    """
    country = entity.country.upper() if len(entity.country) == 2 else "NO"
    supplier = create_supplier(session, actor, orgnr=entity.orgnr, name=entity.name[:200],
                               org_form=entity.org_form[:20], address=entity.address[:200],
                               postal_code=entity.postal_code[:10], city=entity.city[:100], country=country,
                               website=details.get("website", ""), description=details.get("description", ""),
                               employees=entity.employees)
    ensure_membership(session, user_id, supplier.id, actor)
    return supplier


def is_member(session: Session, user_id: Optional[int], supplier_id: int) -> bool:
    return user_id is not None and session.exec(select(Membership.id).where(
        Membership.user_id == user_id, Membership.supplier_id == supplier_id)).first() is not None


def join(session: Session, actor: Actor, user_id: int, supplier: Supplier, *, acting_orgnr: str) -> bool:
    """Join an existing registration of the company the person acts for. True when it was new."""
    if supplier.orgnr != acting_orgnr:
        raise PermissionError("not acting for this organisation")
    added = ensure_membership(session, user_id, supplier.id, actor)
    record(session, actor, "supplier.joined", "supplier", supplier.id, supplier_id=supplier.id,
           after={"user_id": user_id, "new_membership": added})
    return added
