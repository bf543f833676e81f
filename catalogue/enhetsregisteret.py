"""Enhetsregisteret (Brønnøysundregistrene): who an organisation number belongs to.

``lookup(orgnr, base_url)`` asks Brønnøysundregistrene's open API
(``GET {base_url}/enhetsregisteret/api/enheter/{orgnr}``) when *base_url* is set
(configuration ``BRREG_BASE_URL``, e.g. ``https://data.brreg.no``). With an empty base URL
– the offline default for development and tests – it reads the same JSON shape from the
*offline* records it is given (``read_records`` reads a fixture file); which records those are
(the recorded fixture, the demo suppliers) is configuration, chosen by ``marketplace.registry``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Optional

import requests

from catalogue.i18n import _l
from catalogue.suppliers import clean_orgnr

TIMEOUT_SECONDS = 5.0

# Organisational forms of the public sector (organisasjonsform.kode).
PUBLIC_ORG_FORMS = frozenset({
    "STAT",  # staten
    "ORGL",  # organisasjonsledd (a state agency, directorate …)
    "SF",    # statsforetak
    "KOMM",  # kommune
    "FYLK",  # fylkeskommune
    "KF",    # kommunalt foretak
    "FKF",   # fylkeskommunalt foretak
    "IKS",   # interkommunalt selskap
    "SÆR",   # særlovsselskap (e.g. helseforetak)
    "ADOS",  # administrativ enhet – offentlig sektor
    "KTRF",  # kirkelig fellesråd
})
# Names of the forms the offline demo data uses without a description.
ORG_FORM_NAMES = {
    "AS": "Aksjeselskap", "ASA": "Allmennaksjeselskap", "NUF": "Norskregistrert utenlandsk foretak",
    "SA": "Samvirkeforetak", "ENK": "Enkeltpersonforetak", "ANS": "Ansvarlig selskap",
}
# Institutional sector codes of general government (statsforvaltningen, kommuneforvaltningen).
PUBLIC_SECTOR_CODES = frozenset({"6100", "6500"})


class RegistryUnavailable(RuntimeError):
    """The register could not be asked (network error, timeout, 5xx or a garbled answer)."""

    def __init__(self, message: Any = None):
        self.message = message or _l("Enhetsregisteret svarer ikke akkurat nå. Prøv igjen om litt.")
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Entity:
    """An organisation as Enhetsregisteret describes it."""

    orgnr: str
    name: str
    org_form: str
    org_form_name: str
    address: str
    postal_code: str
    city: str
    country: str
    is_public_body: bool
    employees: Optional[int] = None  # antallAnsatte, when the register states it


def lookup(orgnr: str, base_url: str = "", *, offline: Optional[Mapping[str, dict[str, Any]]] = None,
           http: Optional[requests.Session] = None, timeout: float = TIMEOUT_SECONDS) -> Entity | None:
    """The organisation with *orgnr*, or ``None`` when the register does not know it (or it is deleted).

    Raises ``catalogue.suppliers.InvalidOrgnr`` for a malformed number (nothing is asked) and
    ``RegistryUnavailable`` when the register cannot be reached.
    """
    orgnr = clean_orgnr(orgnr)
    if not base_url:
        data = (offline or {}).get(orgnr)
    else:
        data = _online(orgnr, base_url.rstrip("/"), http or requests, timeout)
    if data is None or data.get("slettedato"):
        return None
    return entity_from_json(orgnr, data)


def entity_from_json(orgnr: str, data: dict[str, Any]) -> Entity:
    form = data.get("organisasjonsform") or {}
    address = data.get("forretningsadresse") or data.get("postadresse") or {}
    sector = (data.get("institusjonellSektorkode") or {}).get("kode", "")
    org_form = str(form.get("kode", ""))
    return Entity(
        orgnr=orgnr,
        name=str(data.get("navn", "")).strip(),
        org_form=org_form,
        org_form_name=str(form.get("beskrivelse") or ORG_FORM_NAMES.get(org_form, "")),
        address=", ".join(line for line in address.get("adresse") or [] if line),
        postal_code=str(address.get("postnummer") or ""),
        city=str(address.get("poststed") or ""),
        country=str(address.get("landkode") or "NO"),
        is_public_body=org_form in PUBLIC_ORG_FORMS or sector in PUBLIC_SECTOR_CODES,
        employees=data["antallAnsatte"] if isinstance(data.get("antallAnsatte"), int) else None,
    )


def _online(orgnr: str, base_url: str, http, timeout: float) -> dict[str, Any] | None:
    url = f"{base_url}/enhetsregisteret/api/enheter/{orgnr}"
    try:
        response = http.get(url, headers={"Accept": "application/json"}, timeout=timeout)
    except requests.RequestException as error:
        raise RegistryUnavailable() from error
    # 404: never registered; 410: deleted; 400: the register refuses the number.
    if response.status_code in (400, 404, 410):
        return None
    return json_object(response)


def json_object(response) -> dict[str, Any]:
    """The JSON object of a 200 answer; ``RegistryUnavailable`` for any other status or a garbled body."""
    if response.status_code != 200:
        raise RegistryUnavailable()
    try:
        data = response.json()
    except ValueError as error:
        raise RegistryUnavailable() from error
    if not isinstance(data, dict):
        raise RegistryUnavailable()
    return data


@lru_cache(maxsize=4)
def read_records(path: str) -> dict[str, dict[str, Any]]:
    """The register's records by organisation number, from a JSON file in the API's shape."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
