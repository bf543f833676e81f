"""Load the demo catalogue: suppliers, services with full terms, a DPS with qualifications.

``load_demo`` is idempotent: everything is keyed on a natural key (suppliers on orgnr,
services on (supplier, name), the DPS on its slug, applications on (DPS, supplier)) and an
existing row is left exactly as it is, so a second run writes nothing at all, not even audit
events or search changes. Texts are hand-written (``seed.data``); terms are derived from
per-supplier profiles with ``random.Random`` seeded by the natural key, so the same service
always gets the same terms no matter what else is in the database.

Services go through ``catalogue.listing.Listing.publish`` / ``remove`` so they get their version-1
snapshot, audit events and search change-log entries like any other service; their dates are
then moved back to a plausible history (the audit trail keeps the real time of seeding).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.listing import Listing
from catalogue.models import (
    DPS, ApplicationStatus, Category, DPSCategory, Qualification, QualificationApplication, QualificationStatus, Service,
    ServiceStatus, Supplier, utcnow,
)
from catalogue.qualification import DECLARATIONS, EVALUATION_WORKING_DAYS
from catalogue.suppliers import by_orgnr, create_supplier, format_orgnr
from catalogue.workdays import add_working_days
from seed.data import builders, dps as dps_data
from seed.data.services import REMOVED, SUBCATEGORIES, UNPUBLISHED
from seed.data.suppliers import SUPPLIERS
from seed.taxonomy import load_taxonomy

ACTOR = Actor.system("demo-seed")
SUPPLIER_FIELDS = ("org_form", "address", "postal_code", "city", "website", "description", "is_demo", "employees",
                   "contact_email")


def load_demo(session: Session) -> dict[str, int]:
    """Load the demo catalogue into *session* (the caller commits); returns what was created."""
    counts = {"categories": load_taxonomy(session)}
    categories = {c.slug: c for c in session.exec(select(Category)).all()}
    suppliers, counts["suppliers"] = _load_suppliers(session)
    dps, counts["dps"] = _load_dps(session, categories)
    counts["applications"], counts["qualifications"] = _load_applications(session, dps, suppliers, categories)
    counts.update(_load_services(session, suppliers, categories, dps))
    session.flush()
    return counts


# ---------------------------------------------------------------------------
# suppliers


def _load_suppliers(session: Session) -> tuple[dict[str, Supplier], int]:
    """``{data key: Supplier}`` for every demo supplier, creating the missing ones."""
    suppliers, created = {}, 0
    for number, data in enumerate(SUPPLIERS):
        supplier = by_orgnr(session, data["orgnr"])
        if supplier is None:
            # Registered before the DPS opened (January 2025) and before any service was written.
            registered = builders.ANCHOR - timedelta(days=680 + 2 * number, hours=number % 7)
            supplier = create_supplier(session, ACTOR, orgnr=data["orgnr"], name=data["name"], created_at=registered,
                                       **{f: data[f] for f in SUPPLIER_FIELDS})
            created += 1
        suppliers[data["key"]] = supplier
    session.flush()
    return suppliers, created


def _profile(data: dict) -> builders.SupplierProfile:
    """The supplier's contract papers; seeded by orgnr so they never depend on load order."""
    return builders.make_profile(random.Random(f"demo-profile:{data['orgnr']}"), flavour=data["flavour"],  # deterministic demo data # nosec B311
                                 name=data["name"], brand=data["brand"], city=data["city"],
                                 domain=data["domain"], overrides=data["overrides"])


# ---------------------------------------------------------------------------
# the DPS and qualifications


def _load_dps(session: Session, categories: dict[str, Category]) -> tuple[DPS, int]:
    spec = dps_data.DPS
    existing = session.exec(select(DPS).where(DPS.slug == spec["slug"])).first()
    if existing is not None:
        return existing, 0
    dps = DPS(slug=spec["slug"], name=spec["name"], description=spec["description"],
              valid_from=spec["valid_from"], valid_to=spec["valid_to"],
              created_at=builders.at(spec["valid_from"] - timedelta(days=45), 8))
    session.add(dps)
    session.flush()
    for slug in spec["categories"]:
        session.add(DPSCategory(dps_id=dps.id, category_id=categories[slug].id))
    record(session, ACTOR, "dps.created", "dps", dps.id,
           after={"slug": dps.slug, "categories": list(spec["categories"])})
    return dps, 1


def _load_applications(session: Session, dps: DPS, suppliers: dict[str, Supplier],
                       categories: dict[str, Category]) -> tuple[int, int]:
    applications = qualifications = 0
    for spec in dps_data.APPLICATIONS:
        supplier = suppliers[spec["supplier"]]
        exists = session.exec(select(QualificationApplication.id).where(
            QualificationApplication.dps_id == dps.id, QualificationApplication.supplier_id == supplier.id)).first()
        if exists is not None:
            continue
        qualifications += _create_application(session, dps, supplier, spec, categories)
        applications += 1
    return applications, qualifications


def _create_application(session: Session, dps: DPS, supplier: Supplier, spec: dict,
                        categories: dict[str, Category]) -> int:
    """One application with a Qualification row per category; returns the number of rows.

    Written directly rather than through catalogue.qualification (which needs an uploaded tax
    certificate and today's date inside the DPS period), in the same shape and with the same
    audit actions.
    """
    decided = spec["submitted"] is not None
    # A pending application is dated from today so that it is never past its deadline.
    submitted_on = spec["submitted"] or (utcnow().date() - timedelta(days=2))
    submitted_at = builders.at(submitted_on, 10, 15)
    decided_at = builders.at(add_working_days(submitted_on, 6), 14, 30) if decided else None
    category_ids = [categories[slug].id for slug in spec["categories"]]
    application = QualificationApplication(
        dps_id=dps.id, supplier_id=supplier.id, status=ApplicationStatus.DECIDED if decided else ApplicationStatus.SUBMITTED,
        declarations=declarations(supplier, spec["signer"], submitted_on, category_ids),
        created_at=submitted_at - timedelta(days=1), updated_at=decided_at or submitted_at,
        submitted_at=submitted_at, due_date=add_working_days(submitted_on, EVALUATION_WORKING_DAYS),
        decided_at=decided_at)
    session.add(application)
    session.flush()
    record(session, ACTOR, "application.submitted", "application", application.id, supplier_id=supplier.id,
           after={"status": str(ApplicationStatus.SUBMITTED), "due_date": application.due_date.isoformat(), "categories": category_ids})
    rejected = spec.get("rejected", {})
    for slug, category_id in zip(spec["categories"], category_ids):
        status = (QualificationStatus.PENDING if not decided else
                  QualificationStatus.REJECTED if slug in rejected else QualificationStatus.QUALIFIED)
        qualification = Qualification(application_id=application.id, dps_id=dps.id, supplier_id=supplier.id,
                                      category_id=category_id, status=status, reason=rejected.get(slug, ""),
                                      decided_at=decided_at)
        session.add(qualification)
        if decided:
            session.flush()
            record(session, ACTOR, f"qualification.{status}", "qualification", qualification.id,
                   supplier_id=supplier.id, after={"status": str(status), "category_id": category_id,
                                                   "application_id": application.id}, detail=qualification.reason)
    if decided:
        record(session, ACTOR, "application.decided", "application", application.id, supplier_id=supplier.id,
               before={"status": str(ApplicationStatus.SUBMITTED)}, after={"status": str(ApplicationStatus.DECIDED)})
    return len(category_ids)


def declarations(supplier: Supplier, signer: str, signed_on: date, category_ids: list[int]) -> dict[str, Any]:
    """The self-declarations in the shape catalogue.qualification stores them (checked against its fields).

    The demo has no uploaded tax certificate (``tax_certificate`` is a document id), so the
    certificate is referred to in text instead.
    """
    year = signed_on.year - 1
    issued = signed_on - timedelta(days=9)
    answers = {
        "no_exclusion_grounds": True,
        "exclusion_note": "",
        "hms_confirmed": True,
        "hms_description": "Leverandøren har et sertifisert system for helse, miljø og sikkerhet, følger forskrift om "
                           "lønns- og arbeidsvilkår i offentlige kontrakter og stiller de samme kravene til "
                           "underleverandører.",
        "financial_confirmed": True,
        "financial_description": f"Årsregnskapet for {year} viser positiv egenkapital og tilfredsstillende "
                                 "likviditet. Kredittvurdering: A.",
    }
    for field in DECLARATIONS:
        _, error = field.clean(answers.get(field.key))
        if error:
            raise ValueError(f"invalid demo declaration {field.key}: {error}")
    return {
        "categories": category_ids,
        "answers": answers,
        "tax_certificate": None,
        "signed_by": signer,
        "tax_certificate_reference": f"Skatteattest for org.nr. {format_orgnr(supplier.orgnr)}, utstedt av "
                                     f"Skatteetaten {issued.strftime('%d.%m.%Y')}: ingen restanser på skatt og "
                                     "merverdiavgift.",
    }


# ---------------------------------------------------------------------------
# services


def _load_services(session: Session, suppliers: dict[str, Supplier], categories: dict[str, Category],
                   dps: DPS) -> dict[str, int]:
    counts = {"services": 0, ServiceStatus.PUBLISHED: 0, "not_published": 0, ServiceStatus.REMOVED: 0}
    profiles = {data["key"]: _profile(data) for data in SUPPLIERS}
    brands = {data["key"]: data["brand"] for data in SUPPLIERS}
    by_id = {c.id: c for c in categories.values()}
    existing = {tuple(row) for row in session.exec(select(Service.supplier_id, Service.name))}
    qualified = {tuple(row) for row in session.exec(select(Qualification.supplier_id, Qualification.category_id)
                                                     .where(Qualification.dps_id == dps.id,
                                                            Qualification.status == QualificationStatus.QUALIFIED))}
    for slug, block in SUBCATEGORIES.items():
        category = categories[slug]
        for index, (key, name, summary, detail) in enumerate(block["services"]):
            supplier = suppliers[key]
            if (supplier.id, name) in existing:
                continue
            rng = random.Random(f"demo-service:{name}")  # deterministic demo data # nosec B311
            top_slug = by_id[category.parent_id].slug
            terms = builders.validated(builders.service_terms(rng, profiles[key], top_slug), name)
            pool = block["sentences"]
            text = [detail, pool[index % len(pool)], pool[(index + 1) % len(pool)],
                    *builders.terms_sentences(rng, brands[key], terms)]
            service = Service(
                supplier_id=supplier.id, category_id=category.id, name=name, summary=summary,
                description=" ".join(text), features=_features(rng, block["features"], terms), terms=terms,
                dps_id=dps.id if (supplier.id, category.parent_id) in qualified else None)
            counts[_store(session, service, rng)] += 1
            counts["services"] += 1
    return counts


def _features(rng: random.Random, pool: tuple[str, ...], terms: dict[str, Any]) -> list[str]:
    """Three to six features: some from the sub-category's pool, plus one that follows from the terms."""
    return rng.sample(pool, k=rng.randint(2, 5)) + [builders.terms_feature(terms)]


def _store(session: Session, service: Service, rng: random.Random) -> str | ServiceStatus:
    """Save *service* in its demo life-cycle state; returns that state's counter name."""
    created, submitted, published = builders.publication_dates(rng)
    status = UNPUBLISHED.get(service.name)
    service.status = status or ServiceStatus.SUBMITTED
    service.created_at = service.updated_at = created
    service.submitted_at = None if status == ServiceStatus.DRAFT else submitted
    session.add(service)
    session.flush()
    if status is not None:
        record(session, ACTOR, "service.created", "service", service.id, supplier_id=service.supplier_id,
               service_id=service.id, after={"status": str(status)})
        return "not_published"
    listing = Listing(session, service, None)
    snapshot = listing.publish(ACTOR, detail="Demodata")
    service.published_at = service.updated_at = snapshot.published_at = snapshot.archived_at = published
    service.confirmed_at = published  # approved then, not confirmed since (catalogue.confirmation)
    if service.name not in REMOVED:
        return ServiceStatus.PUBLISHED
    reason, after_days = REMOVED[service.name]
    listing.remove(ACTOR, expected_lock=service.lock_version, reason=reason)
    service.removed_at = service.updated_at = min(published + timedelta(days=after_days), builders.latest())
    return ServiceStatus.REMOVED
