"""Service listings as plain Python: drafts, submission, moderation, versions, diff, removal, locking."""
from __future__ import annotations

import copy

import pytest
from sqlmodel import Session, func, select

from catalogue import diff as diffs
from catalogue import listings, moderation
from catalogue.audit import Actor
from catalogue.lifecycle import Incomplete
from catalogue.listing import Conflict, Listing
from catalogue.models import (DPS, ArchivedService, AuditEvent, Category, Qualification, SearchChange, Service,
                              ServiceRevision, Supplier)
from catalogue.terms import TERMS
from tests.test_listing_forms import demo_content

SUPPLIER = Actor(user_id=None, name="Leverandørbruker", acting_for="0192:964330123", role="supplier")
MANAGER = Actor(user_id=None, name="Avtaleforvalter", acting_for="0192:925792403", role="manager")


def counts(s: Session) -> dict[str, int]:
    return {model.__name__: s.exec(select(func.count()).select_from(model)).one()
            for model in (Service, ServiceRevision, ArchivedService, AuditEvent, SearchChange)}


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def fjordsky(db):
    return db.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()


def test_a_draft_needs_only_a_name_and_a_sub_category(db, fjordsky):
    sub = db.exec(select(Category).where(Category.parent_id.is_not(None))).first()
    content, errors = listings.validate(db, fjordsky.id, {"name": "Skisse", "category_id": str(sub.id)},
                                        complete=False)
    assert errors == {}
    service = Listing.create(db, SUPPLIER, fjordsky.id, content).service
    db.commit()
    assert service.status == "draft" and service.version == 0 and service.lock_version == 1
    _, errors = listings.validate(db, fjordsky.id, {"name": "", "category_id": ""}, complete=False)
    assert set(errors) == {listings.NAME.field_name, listings.CATEGORY_FIELD}
    top = db.exec(select(Category).where(Category.parent_id.is_(None))).first()
    _, errors = listings.validate(db, fjordsky.id, {"name": "X", "category_id": str(top.id)}, complete=False)
    assert "underkategori" in str(errors[listings.CATEGORY_FIELD])


def test_submitting_an_incomplete_draft_names_every_missing_term_and_writes_nothing(db, fjordsky):
    sub = db.exec(select(Category).where(Category.parent_id.is_not(None))).first()
    service = Listing.create(db, SUPPLIER, fjordsky.id, {"name": "Halvferdig", "category_id": sub.id}).service
    db.commit()
    before = counts(db)
    with pytest.raises(Incomplete) as err:
        Listing(db, service).submit(SUPPLIER)
    errors = err.value.errors
    db.rollback()
    required = {t.field_name for t in TERMS if t.required}
    assert required <= set(errors)
    assert listings.SUMMARY.field_name in errors and listings.DESCRIPTION.field_name in errors
    assert counts(db) == before
    assert db.get(Service, service.id).status == "draft"


@pytest.mark.parametrize("field, value, expected", [
    ("name", "<script>alert(1)</script>", "HTML"),
    ("summary", "x" * 301, "høyst 300"),
    ("description", "Se <a href='javascript:alert(1)'>her</a>", "HTML"),
    ("features", "\n".join(f"Funksjon {n}" for n in range(25)), "høyst 20"),
])
def test_bad_text_is_refused_at_the_field(db, fjordsky, field, value, expected):
    content = demo_content(db, supplier_id=fjordsky.id)
    raw = {**content, field: value}
    _, errors = listings.validate(db, fjordsky.id, raw, complete=True)
    field_id = {"name": listings.NAME, "summary": listings.SUMMARY, "description": listings.DESCRIPTION,
                "features": listings.FEATURES}[field].field_name
    assert expected in str(errors[field_id])


def test_bad_terms_are_refused_at_their_fields(db, fjordsky):
    content = demo_content(db, supplier_id=fjordsky.id)
    terms = copy.deepcopy(content["terms"])
    terms["other_terms"] = "<img src=x onerror=alert(1)>"
    terms["terms_document"] = "A" * 161
    terms["governing_law"] = "mars"
    terms["availability_sla"] = "120"
    terms["subprocessors"] = [{"name": "Ok AS", "country": "Norge", "purpose": "<b>drift</b>"}]
    _, errors = listings.validate(db, fjordsky.id, {**content, "terms": terms}, complete=True)
    assert {TERMS[k].field_name for k in ("other_terms", "terms_document", "governing_law", "availability_sla",
                                          "subprocessors")} == set(errors)
    assert "Rad 1" in str(errors[TERMS["subprocessors"].field_name])


def test_a_service_under_the_dps_needs_a_qualification_in_its_category(db):
    dps = db.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
    nordlys = db.exec(select(Supplier).where(Supplier.orgnr == "935308291")).one()
    qualified_tops = set(db.exec(select(Qualification.category_id).where(
        Qualification.supplier_id == nordlys.id, Qualification.status == "qualified")).all())
    subs = db.exec(select(Category).where(Category.parent_id.is_not(None))).all()
    inside = next(c for c in subs if c.parent_id in qualified_tops)
    dps_tops = set(db.exec(select(Category.id).where(Category.parent_id.is_(None))).all())
    outside = next(c for c in subs if c.parent_id not in qualified_tops and c.parent_id in dps_tops)
    content = demo_content(db, supplier_id=nordlys.id)
    ok, errors = listings.validate(db, nordlys.id, {**content, "category_id": inside.id, "dps_id": dps.id},
                                   complete=True)
    assert errors == {} and ok["dps_id"] == dps.id
    _, errors = listings.validate(db, nordlys.id, {**content, "category_id": outside.id, "dps_id": dps.id},
                                  complete=True)
    assert listings.DPS_FIELD in errors


def _published_service(db, supplier):
    content = demo_content(db, supplier_id=supplier.id)
    service = Listing.create(db, SUPPLIER, supplier.id, content).service
    Listing(db, service).submit(SUPPLIER)
    db.commit()
    assert Listing(db, service).approve(MANAGER, expected_lock=service.lock_version) == 1
    db.commit()
    return service, content


def test_the_life_of_a_listing(db, fjordsky):
    service, content = _published_service(db, fjordsky)
    assert service.status == "published" and service.version == 1
    snapshot = db.exec(select(ArchivedService).where(ArchivedService.service_id == service.id)).one()
    assert snapshot.content["name"] == content["name"] and snapshot.content["documents"] == {}

    # Editing the live service makes a revision; the live version stays as it was.
    edited = copy.deepcopy(content)
    edited["name"] = content["name"] + " Pluss"
    edited["terms"]["governing_law"] = "norge" if content["terms"]["governing_law"] != "norge" else "sverige"
    nsm = edited["terms"]["nsm_principles"]
    nsm["2.7"] = {"responsibility": "shared", "how": "Kryptering med kundens egne nøkler."}
    edited["terms"]["subprocessors"] = list(content["terms"].get("subprocessors") or []) + [
        {"name": "Nordisk Drift AS", "country": "Norge", "purpose": "Drift av datasenter"}]
    partial, errors = listings.validate(db, fjordsky.id, edited, complete=True)
    assert errors == {}
    live_lock = service.lock_version
    revision = Listing(db, service).save(SUPPLIER, partial, expected_lock=live_lock)
    db.commit()
    assert revision.status == "draft" and revision.base_version == 1
    db.refresh(service)
    assert service.name == content["name"] and service.status == "published" and service.version == 1

    # The diff names exactly what changed, the NSM principle and the new sub-processor row by row.
    changes = {c.key: c for c in diffs.diff(listings.listing_content(service), revision.content)}
    assert set(changes) == {"name", "terms.governing_law", "terms.nsm_principles", "terms.subprocessors"}
    assert [r.label.split()[0] for r in changes["terms.nsm_principles"].rows] == ["2.7"]
    assert [r.kind for r in changes["terms.subprocessors"].rows] == ["added"]
    assert "Nordisk Drift AS" in changes["terms.subprocessors"].rows[0].new

    Listing(db, service).submit(SUPPLIER)
    db.commit()
    queue = moderation.queue(db)
    assert any(item.kind == "edit" and item.service.id == service.id for item in queue)
    assert Listing(db, service).approve(MANAGER, expected_lock=service.lock_version) == 2
    db.commit()
    db.refresh(service)
    assert service.name == edited["name"] and service.version == 2
    assert db.get(ServiceRevision, revision.id).status == "approved"
    versions = db.exec(select(ArchivedService.version).where(ArchivedService.service_id == service.id)
                       .order_by(ArchivedService.version)).all()
    assert versions == [1, 2]

    # Removal: gone, with the open edit closed.
    Listing(db, service).remove(SUPPLIER, expected_lock=service.lock_version, reason="Avviklet")
    db.commit()
    assert db.get(Service, service.id).status == "removed"


def test_a_stale_lock_is_a_conflict_and_nothing_is_overwritten(db, fjordsky):
    sub = db.exec(select(Category).where(Category.parent_id.is_not(None))).first()
    service = Listing.create(db, SUPPLIER, fjordsky.id, {"name": "Delt utkast", "category_id": sub.id}).service
    db.commit()
    lock = service.lock_version
    Listing(db, service).save(SUPPLIER, {"name": "Første lagring"}, expected_lock=lock)
    db.commit()
    before = counts(db)
    with pytest.raises(Conflict):
        Listing(db, service).save(SUPPLIER, {"name": "Andre lagring"}, expected_lock=lock)
    db.rollback()
    assert db.get(Service, service.id).name == "Første lagring"
    assert counts(db) == before


def test_rejection_sends_the_service_back_with_the_reason(db, fjordsky):
    content = demo_content(db, supplier_id=fjordsky.id)
    service = Listing.create(db, SUPPLIER, fjordsky.id, content).service
    Listing(db, service).submit(SUPPLIER)
    db.commit()
    Listing(db, service).reject(MANAGER, expected_lock=service.lock_version, reason="Beskrivelsen er for tynn.")
    db.commit()
    db.refresh(service)
    assert service.status == "draft"
    assert Listing(db, service).rejection_reason == "Beskrivelsen er for tynn."


def test_approval_refuses_what_is_no_longer_complete(db, fjordsky):
    sub = db.exec(select(Category).where(Category.parent_id.is_not(None))).first()
    service = Listing.create(db, SUPPLIER, fjordsky.id, {"name": "Ufullstendig", "category_id": sub.id}).service
    service.status = "submitted"  # as if submitted by an older version of the form
    db.add(service)
    db.commit()
    with pytest.raises(Incomplete) as err:
        Listing(db, service).approve(MANAGER, expected_lock=service.lock_version)
    assert TERMS["governing_law"].field_name in err.value.errors
    db.rollback()
    assert db.get(Service, service.id).status == "submitted"


def test_saving_one_section_keeps_the_others(db, fjordsky):
    content = demo_content(db, supplier_id=fjordsky.id)
    service = Listing.create(db, SUPPLIER, fjordsky.id, content).service
    db.commit()
    terms = dict(content["terms"], other_terms="Nye andre vilkår.")
    partial, errors = listings.validate(db, fjordsky.id, {"terms": terms}, complete=False, only=["andre"])
    assert errors == {} and set(partial) == {"terms"}
    Listing(db, service).save(SUPPLIER, partial, expected_lock=service.lock_version)
    db.commit()
    db.refresh(service)
    assert service.terms["other_terms"] == "Nye andre vilkår."
    assert service.terms["governing_law"] == content["terms"]["governing_law"]
    assert service.name == content["name"]
