"""Open data: awarded contracts as Open Contracting Data Standard (OCDS 1.1) releases.

Only what is public: the buyer, the supplier, the category, the value and the dates. No
justification, requirements, contact persons or documents leave the marketplace.

The identifiers follow the standard's identifier guidance: an ``ocid`` is a registered-style
prefix ("ocds-" and six characters) and our own process identifier; organisations are
identified in the org-id.guide scheme ``NO-BRC`` (Brønnøysundregistrene, organisation number).
Each contract is one contracting process: a direct call-off or a competition's award.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.contracts.lifecycle import ContractLife
from catalogue.contracts.models import Contract, ContractOrigin, ContractStatus
from catalogue.models import Category, Supplier, utcnow

OCID_PREFIX = "ocds-mpsno1"
ORG_SCHEME = "NO-BRC"
CURRENCY = "NOK"
VERSION = "1.1"
PUBLISHER = "Markedsplassen for skytjenester"
LICENSE = "https://data.norge.no/nlod/no/2.0"

# Our states → the OCDS contractStatus codelist (closed): a signed contract is in force.
CONTRACT_STATUS = {
    ContractStatus.SIGNED: "active",
    ContractStatus.ACTIVE: "active",
    ContractStatus.ENDED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}
# How the supplier was chosen → the procurementMethod codelist (closed).
METHOD = {
    ContractOrigin.DIRECT: ("direct", "Direkte avrop fra dynamisk innkjøpsordning under terskelverdien"),
    ContractOrigin.COMPETITION: ("selective", "Konkurranse blant kvalifiserte leverandører i dynamisk innkjøpsordning"),
}


def ocid(contract: Contract) -> str:
    return f"{OCID_PREFIX}-avtale-{contract.id}"


def org_id(orgnr: str) -> str:
    return f"{ORG_SCHEME}-{orgnr}"


def _when(value: Any) -> Optional[str]:
    """An ISO 8601 date-time with time zone (dates become midnight UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0), tzinfo=timezone.utc)
    else:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def awarded(session: Session) -> list[tuple[Contract, Supplier, Optional[Category]]]:
    """Every awarded (signed or later) contract, newest first, with supplier and category."""
    statuses = [s.value for s in ContractLife.AWARDED]
    rows = session.exec(select(Contract, Supplier, Category).join(Supplier, Supplier.id == Contract.supplier_id)
                        .join(Category, Category.id == Contract.category_id, isouter=True)
                        .where(Contract.status.in_(statuses))
                        .order_by(Contract.awarded_at.desc(), Contract.id.desc())).all()
    return list(rows)


def release(contract: Contract, supplier: Supplier, category: Optional[Category], base_url: str = "") -> dict[str, Any]:
    """One OCDS release describing *contract* as it stands."""
    process = ocid(contract)
    buyer = {"id": org_id(contract.buyer_orgnr), "name": contract.buyer_name or contract.buyer_orgnr}
    seller = {"id": org_id(supplier.orgnr), "name": supplier.name}
    value = {"amount": contract.value_nok, "currency": CURRENCY}
    method, details = METHOD[ContractOrigin(contract.origin)]
    status = CONTRACT_STATUS[ContractStatus(contract.status)]
    tags = ["award", "contract"] + (["contractTermination"] if status == "terminated" else [])
    award_id = f"{process}-tildeling"
    tender: dict[str, Any] = {"id": f"{process}-anskaffelse", "title": contract.title, "status": "complete",
                              "procurementMethod": method, "procurementMethodDetails": details,
                              "mainProcurementCategory": "services"}
    if category is not None:
        tender["items"] = [{"id": "1", "description": category.name_nb,
                            "classification": {"scheme": "x-MPS-kategori", "id": category.slug,
                                               "description": category.name_nb}}]
    changed = contract.updated_at or contract.awarded_at or utcnow()
    out = {
        "ocid": process,
        "id": f"{process}-{_when(changed).replace(':', '').replace('-', '')}",
        "date": _when(changed),
        "tag": tags,
        "initiationType": "tender",
        "language": "nb",
        "parties": [
            {**buyer, "identifier": {"scheme": ORG_SCHEME, "id": contract.buyer_orgnr, "legalName": buyer["name"]},
             "roles": ["buyer", "procuringEntity"]},
            {**seller, "identifier": {"scheme": ORG_SCHEME, "id": supplier.orgnr, "legalName": supplier.name},
             "roles": ["supplier"]},
        ],
        "buyer": buyer,
        "tender": tender,
        "awards": [{"id": award_id, "title": contract.title, "status": "active", "date": _when(contract.awarded_at),
                    "value": value, "suppliers": [seller]}],
        "contracts": [{"id": f"{process}-kontrakt", "awardID": award_id, "title": contract.title, "status": status,
                       "period": {"startDate": _when(contract.start_date), "endDate": _when(contract.end_date)},
                       "value": value, "dateSigned": _when(contract.signed_on)}],
    }
    if base_url:
        out["contracts"][0]["documents"] = []
    return out


def release_package(session: Session, base_url: str, now: datetime | None = None) -> dict[str, Any]:
    """Every awarded contract as one OCDS 1.1 release package (the bulk download)."""
    releases = [release(c, s, cat) for c, s, cat in awarded(session)]
    published = max((r["date"] for r in releases), default=_when(now or utcnow()))
    return {
        "uri": f"{base_url.rstrip('/')}/api/v1/contracts/ocds.json",
        "version": VERSION,
        "publishedDate": published,
        "publisher": {"name": PUBLISHER, "uri": base_url or None},
        "license": LICENSE,
        "releases": releases,
    }


def public_document(contract: Contract, supplier: Supplier, category: Optional[Category], base_url: str) -> dict:
    """A contract in the site's own JSON API (the same public fields as the release)."""
    return {
        "id": contract.id, "ocid": ocid(contract), "title": contract.title,
        "buyer": {"orgnr": contract.buyer_orgnr, "name": contract.buyer_name},
        "supplier": {"orgnr": supplier.orgnr, "name": supplier.name},
        "category": category.slug if category else None, "value_nok": contract.value_nok,
        "status": CONTRACT_STATUS[ContractStatus(contract.status)],
        "awarded": _when(contract.awarded_at), "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(), "procedure": METHOD[ContractOrigin(contract.origin)][0],
    }
