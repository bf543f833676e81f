"""The contract manager's pages: moderation queue and decisions, DPS creation, qualification decisions,
and the audit log with its filters."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from catalogue.listing import Listing
from catalogue.audit import Actor
from catalogue.models import DPS, AuditEvent, Category, DPSCategory, QualificationApplication, Service, Supplier
from catalogue.workdays import oslo_today
from tests.login import login
from tests.test_listing_forms import demo_content

SUPPLIER = Actor(name="Fjordsky-bruker", acting_for="0192:964330123", role="supplier")


@pytest.fixture
def manager(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, "avtaleforvalter")
    return client


def count(app, model, *where) -> int:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def submitted_service(app, **changes) -> Service:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        content = dict(demo_content(s, supplier_id=fjordsky.id), **changes)
        service = Listing.create(s, SUPPLIER, fjordsky.id, content).service
        Listing(s, service).submit(SUPPLIER)
        s.commit()
        return service


def test_rejecting_needs_a_reason_which_the_supplier_then_sees(app, manager):
    service = submitted_service(app, name="Tjeneste til vurdering")
    page = manager.get("/forvaltning/tjenester").get_data(as_text=True)
    assert "Tjeneste til vurdering" in page and "Ny tjeneste" in page
    before = count(app, AuditEvent)
    response = manager.post(f"/forvaltning/tjenester/{service.id}", data={"bekreftet": "ja", 
        "decision": "reject", "moderering-reason": "", "lock_version": str(service.lock_version)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#moderering-reason"' in html and "Skriv en begrunnelse" in html
    assert count(app, AuditEvent) == before
    response = manager.post(f"/forvaltning/tjenester/{service.id}", data={"bekreftet": "ja", 
        "decision": "reject", "moderering-reason": "Mangler beskrivelse av exit.", "lock_version": str(service.lock_version)})
    assert response.status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Service, service.id).status == "draft"
    supplier = app.test_client()
    login(supplier, "leverandor-fjordsky")
    page = supplier.get(f"/leverandor/tjenester/{service.id}").get_data(as_text=True)
    assert "Mangler beskrivelse av exit." in page and "Utkast" in page


def test_a_decision_on_a_stale_page_is_refused(app, manager):
    """The supplier withdrew and resubmitted after the reviewer opened the page: the decision conflicts."""
    service = submitted_service(app)
    page = manager.get(f"/forvaltning/tjenester/{service.id}").get_data(as_text=True)
    stale = re.search(r'name="lock_version" value="(\d+)"', page).group(1)
    supplier = app.test_client()
    login(supplier, "leverandor-fjordsky")
    assert supplier.post(f"/leverandor/tjenester/{service.id}/trekk-tilbake",
                         data={"lock_version": stale}).status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        lock = s.get(Service, service.id).lock_version
    assert supplier.post(f"/leverandor/tjenester/{service.id}/send", data={"bekreftet": "ja", "lock_version": lock}).status_code == 302
    before = count(app, AuditEvent)
    response = manager.post(f"/forvaltning/tjenester/{service.id}", data={"bekreftet": "ja", "decision": "approve", "lock_version": stale})
    assert response.status_code == 409
    assert "Noen andre har endret dette i mellomtiden" in response.get_data(as_text=True)
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Service, service.id).status == "submitted"
    assert count(app, AuditEvent) == before


def test_the_review_of_an_edit_shows_the_diff(app, manager):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        service = s.exec(select(Service).where(Service.supplier_id == fjordsky.id, Service.status == "published")
                         .order_by(Service.id)).first()
        terms = dict(service.terms, support_hours="24x7" if service.terms["support_hours"] != "24x7" else "kontortid")
        Listing(s, service).save(SUPPLIER, {"terms": terms, "summary": "Ny kortbeskrivelse."},
                      expected_lock=service.lock_version)
        Listing(s, service).submit(SUPPLIER)
        s.commit()
    html = manager.get("/forvaltning/tjenester").get_data(as_text=True)
    assert f"Endring av versjon {service.version}" in html
    html = manager.get(f"/forvaltning/tjenester/{service.id}").get_data(as_text=True)
    table = html.split('class="diff-table"')[1].split("</table>")[0]
    assert "Brukerstøtte – åpningstid" in table and "Ny kortbeskrivelse." in table
    assert table.count('<tr class="diff-') == 2


def test_creating_a_dps(app, manager):
    before = count(app, DPS)
    created = count(app, AuditEvent, AuditEvent.action == "dps.created")
    response = manager.post("/forvaltning/dps/ny", data={"bekreftet": "ja", "dps-name": "", "dps-valid_from": "2026-02-30",
                                                          "dps-valid_to": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field_id in ("dps-name", "dps-valid_from", "dps-valid_to", "dps-categories"):
        assert f'href="#{field_id}"' in html
    assert count(app, DPS) == before
    with Session(app.extensions["db_engine"]) as s:
        cats = s.exec(select(Category).where(Category.parent_id.is_(None))).all()[:2]
    today = oslo_today()
    response = manager.post("/forvaltning/dps/ny", data={"bekreftet": "ja", 
        "dps-name": "Ordning for SaaS", "dps-description": "For programvare som tjeneste.",
        "dps-valid_from": today.isoformat(), "dps-valid_to": (today + timedelta(days=365)).isoformat(),
        "dps-categories": [str(c.id) for c in cats]})
    assert response.status_code == 302
    assert count(app, DPS) == before + 1
    public = app.test_client().get(response.headers["Location"]).get_data(as_text=True)
    assert "Ordning for SaaS" in public and all(c.name_nb in public for c in cats)
    assert count(app, AuditEvent, AuditEvent.action == "dps.created") == created + 1


def test_qualification_decisions_need_reasons_for_rejections(app, manager):
    with Session(app.extensions["db_engine"]) as s:
        application = s.exec(select(QualificationApplication).where(
            QualificationApplication.status == "submitted")).first()
        pending_ids = [row for row in s.exec(select(DPSCategory.category_id)).all()]
    page = manager.get("/forvaltning/soknader").get_data(as_text=True)
    assert f"/forvaltning/soknader/{application.id}" in page
    detail = manager.get(f"/forvaltning/soknader/{application.id}").get_data(as_text=True)
    cat_id = int(re.search(r'name="decision-(\d+)"', detail).group(1))
    assert cat_id in pending_ids
    before = count(app, AuditEvent)
    response = manager.post(f"/forvaltning/soknader/{application.id}", data={"bekreftet": "ja", f"decision-{cat_id}": "rejected"})
    assert response.status_code == 422
    assert f'href="#reason-{cat_id}"' in response.get_data(as_text=True)
    assert count(app, AuditEvent) == before
    response = manager.post(f"/forvaltning/soknader/{application.id}", data={"bekreftet": "ja", 
        f"decision-{cat_id}": "rejected", f"reason-{cat_id}": "Referansene dekker ikke kategorien."})
    assert response.status_code == 302
    detail = manager.get(f"/forvaltning/soknader/{application.id}").get_data(as_text=True)
    assert "Referansene dekker ikke kategorien." in detail


def test_the_audit_log_filters_and_pages(app, manager):
    html = manager.get("/forvaltning/logg").get_data(as_text=True)
    total = int(re.search(r'class="log-summary">(\d+) hendelser', html.replace("\u00a0", "")).group(1))
    assert total == count(app, AuditEvent)
    assert 'rel="next"' in html and "Side 1 av" in html
    assert manager.get("/forvaltning/logg?side=2").status_code == 200

    with Session(app.extensions["db_engine"]) as s:
        nordlys = s.exec(select(Supplier).where(Supplier.orgnr == "935308291")).one()
        service_id = s.exec(select(Service.id).where(Service.supplier_id == nordlys.id)).first()
    html = manager.get(f"/forvaltning/logg?leverandor={nordlys.id}&handling=service.published").get_data(as_text=True)
    shown = int(re.search(r'class="log-summary">(\d+) hendelse', html).group(1))
    assert shown == count(app, AuditEvent, AuditEvent.supplier_id == nordlys.id,
                          AuditEvent.action == "service.published") > 0
    html = manager.get(f"/forvaltning/logg?tjeneste={service_id}").get_data(as_text=True)
    assert int(re.search(r'class="log-summary">(\d+) hendelse', html).group(1)) == count(
        app, AuditEvent, AuditEvent.service_id == service_id)

    # A time window: from the day of the first event to the day of the last, in Oslo (the demo's own
    # trail is written as the test database is made, which may be the evening before: not "today").
    with Session(app.extensions["db_engine"]) as s:
        first, last = s.exec(select(func.min(AuditEvent.at), func.max(AuditEvent.at))).one()
    first_day, last_day = oslo_today(first), oslo_today(last)
    html = manager.get(f"/forvaltning/logg?fra={first_day.isoformat()}&til={last_day.isoformat()}").get_data(as_text=True)
    assert int(re.search(r'class="log-summary">(\d+) hendelse', html.replace("\u00a0", "")).group(1)) == total
    html = manager.get(f"/forvaltning/logg?til={(first_day - timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert "Ingen hendelser passer filteret." in html

    response = manager.get("/forvaltning/logg?fra=31.02.2026&tjeneste=abc")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#logg-fra"' in html and 'href="#logg-tjeneste"' in html
