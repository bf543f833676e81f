"""Company registration by a supplier user: organisation number, Enhetsregisteret, membership.

The person must act for the organisation number (it is among the organisations their login
lists, and the one chosen now). Name, organisational form and address come from
Enhetsregisteret, never from the form. A company is registered once; a second attempt is
told which supplier already exists and may join it instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from babel.support import LazyProxy
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.enhetsregisteret import Entity, RegistryUnavailable
from catalogue.i18n import _l
from catalogue.models import Membership, Supplier
from catalogue import company
from catalogue.company import DESCRIPTION, WEBSITE
from catalogue.suppliers import InvalidOrgnr, by_orgnr, clean_orgnr, create_supplier, ensure_membership

ORGNR_FIELD = "company-orgnr"

Lookup = Callable[[str], Optional[Entity]]


@dataclass
class CompanyCheck:
    """The outcome of checking an organisation number before registering it."""

    orgnr: str = ""
    entity: Optional[Entity] = None
    existing: Optional[Supplier] = None
    errors: dict[str, Any] = field(default_factory=dict)

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
        return CompanyCheck(orgnr, errors={ORGNR_FIELD: _l("Fant ikke organisasjonsnummeret i Enhetsregisteret. Kontroller nummeret.")})
    if orgnr != acting_orgnr:
        return CompanyCheck(orgnr, entity, errors={ORGNR_FIELD: _l("Du handler ikke på vegne av dette organisasjonsnummeret. Velg organisasjonen når du logger inn "
            "(eller bytt organisasjon), og prøv igjen.")})
    if entity.is_public_body:
        return CompanyCheck(orgnr, entity, errors={ORGNR_FIELD: _l(
            "«%(name)s» er en offentlig virksomhet og kan ikke registreres som leverandør.", name=entity.name)})
    return CompanyCheck(orgnr, entity)


def already_registered(existing: Supplier) -> LazyProxy:
    return _l("Selskapet er allerede registrert som «%(name)s». Du kan bli med i den eksisterende registreringen "
              "i stedet.", name=existing.name)


def clean_details(raw: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
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
