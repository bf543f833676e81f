"""A supplier's company details, kept by its members: contact, website, presentation, and its size.

Name, organisational form, address and the number of employees come from Enhetsregisteret (and
the register follower keeps them current); the members keep the rest. The size (small, medium,
large) follows from the register's number of employees.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from babel.support import LazyProxy
from sqlmodel import Session

from catalogue.audit import Actor, record
from catalogue.i18n import _l
from catalogue.models import Supplier, utcnow
from catalogue.qualification import FieldTerm
from catalogue.terms import LONGTEXT, TEXT


class DetailsField(FieldTerm):
    prefix = "company"


WEBSITE = DetailsField("website", "firma", TEXT, "Nettsted", "Website", "For eksempel havbris.no eller https://www.havbris.no.",
                       "For example havbris.no or https://www.havbris.no.", max_length=200, required=False)
DESCRIPTION = DetailsField("description", "firma", LONGTEXT, "Om selskapet", "About the company",
                           "Kort presentasjon som vises på leverandørsiden.", "A short presentation for the supplier page.",
                           max_length=2000, required=False)
CONTACT_NAME = DetailsField("contact_name", "firma", TEXT, "Kontaktperson", "Contact person",
                            "Den innkjøpere kan spørre om selskapet og tjenestene.",
                            "Whom buyers can ask about the company and its services.", max_length=120, required=False)
CONTACT_EMAIL = DetailsField("contact_email", "firma", TEXT, "E-post for henvendelser", "E-mail for enquiries",
                             "Vises på leverandørsiden, for eksempel salg@havbris.no.",
                             "Shown on the supplier page, e.g. sales@havbris.no.", max_length=200, required=False)
CONTACT_PHONE = DetailsField("contact_phone", "firma", TEXT, "Telefon", "Phone", "For eksempel 51 23 45 67.",
                             "For example +47 51 23 45 67.", max_length=30, required=False)
DETAILS = (CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE, WEBSITE, DESCRIPTION)

_HOST = re.compile(r"(?=.{4,253}$)([a-z0-9æøå](?:[a-z0-9æøå-]{0,61}[a-z0-9æøå])?\.)+[a-z]{2,63}", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@([a-z0-9æøå-]+\.)+[a-z]{2,63}", re.IGNORECASE)
_PHONE = re.compile(r"\+?[0-9][0-9 ]{4,20}")


def clean_website(text: str) -> tuple[str, Optional[LazyProxy]]:
    """``havbris.no`` → ``https://havbris.no``; an address with http(s) is kept. Anything else is refused."""
    text = (text or "").strip()
    if not text:
        return "", None
    candidate = text if re.match(r"https?://", text, re.IGNORECASE) else f"https://{text}"
    refused = _l("Skriv nettstedet som en adresse, for eksempel havbris.no eller https://www.havbris.no.")
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed "[" (IPv6 literal)
        return "", refused
    if " " in text or not _HOST.fullmatch(hostname or "") or parts.username or parts.password or (
            "://" in text and not re.match(r"https?://", text, re.IGNORECASE)):
        return "", refused
    return candidate, None


def clean_details(raw: Mapping[str, Any], fields=DETAILS) -> tuple[dict[str, str], dict[str, Any]]:
    """The company details from a form, checked field by field (errors keyed by field id)."""
    clean: dict[str, str] = {}
    errors: dict[str, Any] = {}
    for f in fields:
        value, error = f.clean(raw.get(f.key))
        if error:
            errors[f.field_name] = error
            continue
        value = value or ""
        if f is WEBSITE:
            value, error = clean_website(value)
        elif f is CONTACT_EMAIL and value and not _EMAIL.fullmatch(value):
            error = _l("Skriv en gyldig e-postadresse, for eksempel salg@havbris.no.")
        elif f is CONTACT_PHONE and value and not _PHONE.fullmatch(value):
            error = _l("Skriv telefonnummeret med sifre, gjerne med landskode (+47).")
        if error:
            errors[f.field_name] = error
        else:
            clean[f.key] = value
    return clean, errors


def read_form(form) -> dict[str, str]:
    return {f.key: form.get(f.field_name, "") for f in DETAILS}


def save_details(session: Session, actor: Actor, supplier: Supplier, clean: Mapping[str, str]) -> list[str]:
    """Store the checked details with an audit event of what changed; the names of the changed fields."""
    changed = [k for k, v in clean.items() if getattr(supplier, k) != v]
    if not changed:
        return []
    before = {k: getattr(supplier, k) for k in changed}
    for key in changed:
        setattr(supplier, key, clean[key])
    supplier.updated_at = utcnow()
    session.add(supplier)
    record(session, actor, "supplier.details_updated", "supplier", supplier.id, supplier_id=supplier.id,
           before=before, after={k: clean[k] for k in changed})
    return changed


# ---------------------------------------------------------------------------
# size


class CompanySize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


SIZE_LABELS = {
    CompanySize.SMALL: _l("Liten (under 50 ansatte)"),
    CompanySize.MEDIUM: _l("Mellomstor (50–249 ansatte)"),
    CompanySize.LARGE: _l("Stor (250 ansatte eller flere)"),
}


def company_size(employees: Optional[int]) -> Optional[CompanySize]:
    """The size by headcount as in the EU's SME definition (Commission Recommendation 2003/361/EC, art. 2):
    small below 50, medium below 250, large from 250. ``None`` when the register states no number."""
    if employees is None or employees < 0:
        return None
    if employees < 50:
        return CompanySize.SMALL
    if employees < 250:
        return CompanySize.MEDIUM
    return CompanySize.LARGE
