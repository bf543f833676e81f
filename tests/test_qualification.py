"""DPS and qualification as plain Python: creating a DPS, applying, due dates, decisions per category."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, func, select

from catalogue import qualification as q
from catalogue.audit import Actor
from catalogue.lifecycle import DomainError, Incomplete
from catalogue.models import (DPS, AuditEvent, Category, Qualification, QualificationApplication, SearchChange, Service,
                              Supplier)
from catalogue.workdays import add_working_days, oslo_today
from tests.pdf import make_pdf

MANAGER = Actor(name="Avtaleforvalter", role="manager")
SUPPLIER = Actor(name="Leverandørbruker", role="supplier")

ANSWERS = {"no_exclusion_grounds": "ja", "exclusion_note": "", "hms_confirmed": "ja",
           "hms_description": "Vi følger forskrift om lønns- og arbeidsvilkår.", "financial_confirmed": "ja",
           "financial_description": "Positiv egenkapital, kredittvurdering A."}


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def tops(db) -> dict[str, Category]:
    return {c.slug: c for c in db.exec(select(Category).where(Category.parent_id.is_(None))).all()}


def new_dps(db, *, start: date, end: date, slugs=("beregning", "lagring")) -> DPS:
    cats = tops(db)
    clean, errors = q.validate_dps(db, {"name": "Testordning for skytjenester", "description": "",
                                        "valid_from": start.isoformat(), "valid_to": end.isoformat(),
                                        "categories": [str(cats[s].id) for s in slugs]}, today=start)
    assert errors == {}
    dps = q.create_dps(db, MANAGER, clean)
    db.commit()
    return dps


def new_supplier(db) -> Supplier:
    supplier = Supplier(orgnr="999906087", name="Havbris Teknologi AS", slug="havbris-teknologi-as")
    db.add(supplier)
    db.commit()
    return supplier


def test_dps_validation(db):
    cats = tops(db)
    today = date(2026, 6, 1)
    _, errors = q.validate_dps(db, {"name": "", "valid_from": "2026-13-01", "valid_to": "", "categories": []},
                               today=today)
    assert set(errors) == {q.DPS_NAME.field_name, q.DPS_FROM, q.DPS_TO, q.DPS_CATEGORIES}
    _, errors = q.validate_dps(db, {"name": "<b>DPS</b>", "valid_from": "01.07.2026", "valid_to": "30.06.2026",
                                    "categories": [str(cats["lagring"].id)]}, today=today)
    assert set(errors) == {q.DPS_NAME.field_name, q.DPS_TO}
    clean, errors = q.validate_dps(db, {"name": "Ny DPS", "valid_from": "01.07.2026", "valid_to": "2027-06-30",
                                        "categories": [str(cats["lagring"].id), "99999"]}, today=today)
    assert set(errors) == {q.DPS_CATEGORIES}


def test_slugs_are_unique(db):
    first = new_dps(db, start=date(2026, 1, 1), end=date(2030, 1, 1))
    second = new_dps(db, start=date(2026, 1, 1), end=date(2030, 1, 1))
    assert first.slug != second.slug and second.slug.startswith(first.slug)


def decide(db, app, decisions) -> dict:
    """The field errors of a decision ({} when it was recorded)."""
    try:
        app.decide(db, MANAGER, decisions)
    except Incomplete as err:
        return err.errors
    return {}


def test_applying_outside_the_period_is_refused_and_writes_nothing(db):
    today = oslo_today()
    future = new_dps(db, start=today + timedelta(days=10), end=today + timedelta(days=400))
    past = new_dps(db, start=today - timedelta(days=400), end=today - timedelta(days=1))
    supplier = new_supplier(db)
    before = db.exec(select(func.count()).select_from(QualificationApplication)).one()
    for dps in (future, past):
        clean, errors = q.validate_application(db, dps, supplier.id, {"categories": [], "answers": ANSWERS},
                                               complete=False, has_tax_certificate=False)
        assert q.PERIOD_FIELD in errors
        with pytest.raises(DomainError) as err:
            q.Application.save(db, SUPPLIER, dps, supplier.id, clean, application=None, upload=None, upload_dir="")
        assert ("åpner" if dps is future else "var gyldig til") in str(err.value.message)
        db.rollback()
    assert db.exec(select(func.count()).select_from(QualificationApplication)).one() == before


def test_the_life_of_an_application(db, tmp_path):
    today = oslo_today()
    dps = new_dps(db, start=today - timedelta(days=30), end=today + timedelta(days=365))
    supplier = new_supplier(db)
    cats = tops(db)
    raw = {"categories": [str(cats["beregning"].id), str(cats["lagring"].id)], "answers": ANSWERS,
           "tax_certificate_issued": today.isoformat()}
    # A draft may be incomplete; submitting it may not.
    clean, errors = q.validate_application(db, dps, supplier.id, {"categories": [], "answers": {}}, complete=False,
                                           has_tax_certificate=False)
    assert errors == {}
    _, errors = q.validate_application(db, dps, supplier.id, {"categories": [], "answers": {}}, complete=True,
                                       has_tax_certificate=False)
    assert {q.CATEGORIES_FIELD, q.TAX_CERTIFICATE_FIELD, "decl-no_exclusion_grounds", "decl-hms_description",
            q.TAX_ISSUED.field_name} <= set(errors)
    # A tax certificate six months and a day old is refused (anskaffelsesforskriften § 7-2); six months is not.
    from catalogue.validity import add_months

    for issued, refused in ((add_months(today, -6) - timedelta(days=1), True), (add_months(today, -6), False)):
        _, errors = q.validate_application(db, dps, supplier.id, {**raw, "tax_certificate_issued": issued.isoformat()},
                                           complete=True, has_tax_certificate=True, today=today)
        assert (q.TAX_ISSUED.field_name in errors) is refused, issued

    clean, errors = q.validate_application(db, dps, supplier.id, raw, complete=True, has_tax_certificate=True)
    assert errors == {}
    app = q.Application.save(db, SUPPLIER, dps, supplier.id, clean, application=None,
                             upload=("skatteattest.pdf", make_pdf("Skatteattest")), upload_dir=str(tmp_path))
    db.commit()
    assert q.tax_certificate(db, app).filename == "skatteattest.pdf"
    now = datetime.now(timezone.utc)
    app.apply(db, SUPPLIER, now=now)
    db.commit()
    assert app.status == "submitted"
    assert app.due_date == add_working_days(oslo_today(now), 10)
    row = next(r for r in q.queue(db) if r.application.id == app.id)
    assert row.pending == 2 and not row.overdue

    # Deciding: a rejection needs a reason; nothing is written while anything is wrong.
    events = db.exec(select(func.count()).select_from(AuditEvent)).one()
    errors = decide(db, app, {cats["beregning"].id: ("qualified", ""), cats["lagring"].id: ("rejected", "")})
    assert f"reason-{cats['lagring'].id}" in errors
    db.rollback()
    assert db.exec(select(func.count()).select_from(AuditEvent)).one() == events
    assert {x.status for x, _ in q.qualifications_of(db, app.id)} == {"pending"}

    assert decide(db, app, {cats["beregning"].id: ("qualified", "")}) == {}
    db.commit()
    assert app.status == "submitted"  # one category still pending
    assert decide(db, app, {cats["lagring"].id: ("rejected", "Mangler dokumentasjon av kapasitet.")}) == {}
    db.commit()
    assert app.status == "decided"
    outcome = {c.slug: x for x, c in q.qualifications_of(db, app.id)}
    assert outcome["beregning"].status == "qualified" and outcome["lagring"].reason.startswith("Mangler")

    # A top-level qualification covers its sub-categories.
    sub = db.exec(select(Category).where(Category.parent_id == cats["beregning"].id)).first()
    assert q.is_qualified(db, supplier.id, dps.id, sub.id)
    assert not q.is_qualified(db, supplier.id, dps.id,
                              db.exec(select(Category).where(Category.parent_id == cats["lagring"].id)).first().id)
    public = {c.slug: [s.name for s in suppliers] for c, suppliers in q.qualified_by_category(db, dps)}
    assert public == {"beregning": ["Havbris Teknologi AS"], "lagring": []}

    # The rejected category may be applied for again; the qualified one may not.
    states = {s.category.slug: s for s in q.category_states(db, dps.id, supplier.id)}
    assert states["lagring"].can_apply and not states["beregning"].can_apply
    _, errors = q.validate_application(db, dps, supplier.id, {"categories": [str(cats["beregning"].id)], "answers": ANSWERS},
                                       complete=True, has_tax_certificate=True)
    assert q.CATEGORIES_FIELD in errors


def test_a_qualification_tells_the_search_index_about_the_suppliers_services(db, tmp_path):
    today = oslo_today()
    dps = new_dps(db, start=today - timedelta(days=1), end=today + timedelta(days=30), slugs=("beregning",))
    fjordsky = db.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
    cats = tops(db)
    clean, _ = q.validate_application(db, dps, fjordsky.id, {"categories": [str(cats["beregning"].id)], "answers": ANSWERS,
                                                             "tax_certificate_issued": today.isoformat()},
                                      complete=True, has_tax_certificate=True)
    app = q.Application.save(db, SUPPLIER, dps, fjordsky.id, clean, application=None,
                             upload=("attest.pdf", make_pdf()), upload_dir=str(tmp_path))
    db.flush()
    app.apply(db, SUPPLIER)
    db.commit()
    subs = db.exec(select(Category.id).where(Category.parent_id == cats["beregning"].id)).all()
    published = set(db.exec(select(Service.id).where(Service.supplier_id == fjordsky.id, Service.status == "published",
                                                     Service.category_id.in_(subs))).all())
    assert published
    last = db.exec(select(func.max(SearchChange.seq))).one() or 0
    assert decide(db, app, {cats["beregning"].id: ("qualified", "")}) == {}
    db.commit()
    logged = set(db.exec(select(SearchChange.entity_id).where(SearchChange.seq > last)).all())
    assert logged == published


def test_an_overdue_application_is_marked(db):
    supplier = db.exec(select(Supplier).where(Supplier.orgnr == "935308291")).one()
    dps = db.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
    app = QualificationApplication(dps_id=dps.id, supplier_id=supplier.id, status="submitted", declarations={},
                                   due_date=oslo_today() - timedelta(days=1))
    db.add(app)
    db.flush()
    db.add(Qualification(application_id=app.id, dps_id=dps.id, supplier_id=supplier.id,
                         category_id=tops(db)["databaser"].id))
    db.commit()
    row = next(r for r in q.queue(db) if r.application.id == app.id)
    assert row.overdue and row.pending == 1
