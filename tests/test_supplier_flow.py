"""The supplier flow of issue 16, through the web pages with the real login:

* the listing form offers only the DPSs the supplier is qualified in; one with an application awaiting a
  decision is shown disabled with why; none → a link to apply;
* a published service goes under a DPS the supplier has since been qualified in without a new review
  (a life-cycle transition: new version, audit events, search change log), after a check step;
* a submitted listing can be read in full without withdrawing it;
* the dashboard names what the supplier is qualified in, and pending and rejected categories with their state.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from catalogue import qualification as q
from catalogue.audit import Actor
from catalogue.listing import Listing
from catalogue.lifecycle import IllegalTransition
from catalogue.models import (DPS, ArchivedService, AuditEvent, Category, SearchChange, Service, ServiceRevision,
                              Supplier)
from catalogue.workdays import oslo_today
from tests.login import login
from tests.pdf import make_pdf
from tests.test_listing_forms import demo_content

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUPPLIER = Actor(name="Ingrid Haugen", acting_for="0192:964330123", role="supplier")
MANAGER = Actor(name="Forvalter", role="manager")


def html(response) -> str:
    return response.get_data(as_text=True)


def csrf(client, url: str) -> str:
    return CSRF.search(html(client.get(url))).group(1)


def fjordsky(s) -> Supplier:
    return s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()


def second_dps(s, upload_dir, *, reject: bool = False) -> DPS:
    """A second DPS (storage and backup) where Fjordsky has applied: storage pending, backup pending or rejected."""
    today = oslo_today()
    tops = {c.slug: c for c in s.exec(select(Category).where(Category.parent_id.is_(None))).all()}
    clean, errors = q.validate_dps(s, {"name": "Lagringsordningen", "description": "",
                                       "valid_from": today.isoformat(), "valid_to": (today + timedelta(days=400)).isoformat(),
                                       "categories": [str(tops["lagring"].id), str(tops["sikkerhetskopi"].id)]}, today=today)
    assert not errors, errors
    dps = q.create_dps(s, MANAGER, clean)
    supplier = fjordsky(s)
    answers = {"no_exclusion_grounds": True, "hms_confirmed": True, "hms_description": "ISO 45001.",
               "financial_confirmed": True, "financial_description": "Omsetning 40 MNOK."}
    application = q.Application.save(
        s, SUPPLIER, dps, supplier.id, q.ApplicationInput([tops["lagring"].id, tops["sikkerhetskopi"].id], answers,
                                                          today.isoformat()),
        application=None, upload=("attest.pdf", make_pdf("Skatteattest")), upload_dir=upload_dir)
    s.flush()
    application.apply(s, SUPPLIER)
    if reject:
        application.decide(s, MANAGER, {tops["sikkerhetskopi"].id: ("rejected", "Mangler geografisk adskilt kopi.")})
    s.commit()
    return dps


def published_without_dps(s, category_slug: str = "beregning") -> Service:
    """A published service of Fjordsky under no DPS, in a sub-category of *category_slug* (qualified there)."""
    top = s.exec(select(Category).where(Category.slug == category_slug)).one()
    sub = s.exec(select(Category).where(Category.parent_id == top.id).order_by(Category.position)).first()
    content = demo_content(s, supplier_id=fjordsky(s).id)
    content.update(name="Fjordsky Ordningsløs", category_id=sub.id, dps_id=None)
    listing = Listing.create(s, SUPPLIER, fjordsky(s).id, content)
    listing.submit(SUPPLIER)
    listing.publish(SUPPLIER)
    s.commit()
    return listing.service


def test_the_listing_form_offers_only_qualified_dps_and_explains_pending_ones(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        main = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        pending = second_dps(s, app.config["UPLOAD_DIR"])
        unrelated = q.create_dps(s, MANAGER, {"name": "Ordning uten søknad", "description": "",
                                              "valid_from": oslo_today(), "valid_to": oslo_today() + timedelta(days=30),
                                              "categories": [pending_cat.id for pending_cat in q.dps_categories(s, pending.id)]})
        s.commit()
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    page = html(client.get("/leverandor/tjenester/ny"))
    select_html = re.search(r'<select id="service-dps".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{main.id}">{re.escape(main.name)}</option>', select_html)
    assert re.search(rf'<option value="{pending.id}" disabled>Lagringsordningen – Søknaden din er til behandling</option>',
                     select_html)
    assert f'value="{unrelated.id}"' not in select_html
    assert "Søknaden din er til behandling" in page and "kvalifisert i" in page
    # English too.
    page = html(client.get("/leverandor/tjenester/ny?lang=en"))
    assert "Your application is being processed" in page


def test_a_supplier_qualified_nowhere_is_told_where_to_apply(app):
    client = app.test_client()
    login(client, "leverandor-fjordsky", "999906087")
    token = csrf(client, "/leverandor/registrer")
    assert client.post("/leverandor/registrer", data={"csrf_token": token, "company-orgnr": "999906087",
                                                      "action": "confirm", "company-website": "",
                                                      "company-description": ""}).status_code == 302
    page = html(client.get("/leverandor/tjenester/ny"))
    select_html = re.search(r'<select id="service-dps".*?</select>', page, re.S).group(0)
    assert select_html.count("<option") == 1  # «Ingen» only
    assert "Dere er ikke kvalifisert i noen ordning ennå." in page and 'href="/dps"' in page
    dashboard = html(client.get("/leverandor/"))
    assert "Dere er ikke kvalifisert i noen ordning ennå." in dashboard


def test_a_published_service_goes_under_a_dps_without_a_new_review(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        service = published_without_dps(s)
        main = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        version, lock = service.version, service.lock_version
        changes = s.exec(select(func.count()).select_from(SearchChange).where(SearchChange.entity_id == service.id)).one()
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    url = f"/leverandor/tjenester/{service.id}"
    page = html(client.get(url))
    assert "Tilby tjenesten under en innkjøpsordning" in page and f"Tilby under «{main.name}»" in page
    token = csrf(client, url)
    form = {"csrf_token": token, "lock_version": str(lock), "service-dps": str(main.id)}

    # The check step first: what will happen, nothing written.
    check = client.post(f"{url}/ordning", data=form)
    assert check.status_code == 200 and "Tilby tjenesten under innkjøpsordningen" in html(check)
    assert main.name in html(check) and 'name="bekreftet"' in html(check)
    with Session(engine) as s:
        assert s.get(Service, service.id).dps_id is None

    done = client.post(f"{url}/ordning", data={**form, "bekreftet": "ja"})
    assert done.status_code == 302
    with Session(engine) as s:
        after = s.get(Service, service.id)
        assert after.dps_id == main.id and after.status == "published" and after.version == version + 1
        assert s.exec(select(ServiceRevision).where(ServiceRevision.service_id == service.id)).first() is None
        snapshot = s.exec(select(ArchivedService).where(ArchivedService.service_id == service.id,
                                                        ArchivedService.version == version + 1)).one()
        assert snapshot.content["dps_id"] == main.id
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "service.dps_added",
                                                AuditEvent.service_id == service.id)).one()
        assert event.after == {"dps_id": main.id, "version": version + 1} and event.acting_for == "0192:964330123"
        assert s.exec(select(func.count()).select_from(SearchChange)
                      .where(SearchChange.entity_id == service.id)).one() > changes
    page = html(client.get(url))
    assert "Tilby tjenesten under en innkjøpsordning" not in page and main.name in page
    assert main.name in html(client.get(f"/tjeneste/{service.id}"))


def test_offering_under_a_dps_the_supplier_is_not_qualified_in_is_refused(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        pending = second_dps(s, app.config["UPLOAD_DIR"])
        service = published_without_dps(s, "lagring")
        version = service.version
        events = s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.service_id == service.id)).one()
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    url = f"/leverandor/tjenester/{service.id}"
    answer = client.post(f"{url}/ordning", data={"csrf_token": csrf(client, url), "bekreftet": "ja",
                                                 "lock_version": str(service.lock_version),
                                                 "service-dps": str(pending.id)}, follow_redirects=True)
    assert "Dere er ikke kvalifisert i tjenestens kategori i «Lagringsordningen»" in html(answer)
    with Session(engine) as s:
        assert s.get(Service, service.id).dps_id is None and s.get(Service, service.id).version == version
        assert s.exec(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.service_id == service.id)).one() == events


def test_an_edit_being_written_keeps_the_dps_when_approved(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        service = published_without_dps(s)
        main = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        listing = Listing(s, service)
        listing.save(SUPPLIER, {"summary": "Ny kortversjon."}, expected_lock=service.lock_version)
        s.commit()
        listing = Listing(s, service)
        listing.offer_under_dps(SUPPLIER, main, expected_lock=service.lock_version)
        s.commit()
        assert listing.revision.content["dps_id"] == main.id and listing.revision.content["summary"] == "Ny kortversjon."
        with pytest.raises(IllegalTransition):   # under a DPS now: not again
            Listing(s, service).offer_under_dps(SUPPLIER, main, expected_lock=service.lock_version)
        Listing(s, service).submit(SUPPLIER, expected_lock=service.lock_version)
        s.commit()
        with pytest.raises(IllegalTransition):   # an edit awaiting review: not now
            Listing(s, service).offer_under_dps(SUPPLIER, main, expected_lock=service.lock_version)
        s.rollback()
        Listing(s, service).approve(MANAGER, expected_lock=service.lock_version)
        s.commit()
        assert s.get(Service, service.id).dps_id == main.id


def test_a_submitted_listing_is_read_without_withdrawing_it(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        content = demo_content(s, supplier_id=fjordsky(s).id)
        content["name"] = "Fjordsky Til Vurdering"
        listing = Listing.create(s, SUPPLIER, fjordsky(s).id, content)
        listing.submit(SUPPLIER)
        s.commit()
        service = listing.service
        lock = service.lock_version
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    page = html(client.get(f"/leverandor/tjenester/{service.id}"))
    assert f'href="/leverandor/tjenester/{service.id}/visning"' in page
    page = client.get(f"/leverandor/tjenester/{service.id}/visning")
    text = html(page)
    assert page.status_code == 200
    assert "Til behandling." in text and "Fjordsky Til Vurdering" in text and content["summary"] in text
    from catalogue.terms import TERMS

    shown = [t for t in TERMS if content["terms"].get(t.key) not in (None, "", [], {})]
    assert shown and all(t.label("nb") in text for t in shown)  # every term given, buyer-only ones too
    with Session(engine) as s:
        after = s.get(Service, service.id)
        assert after.status == "submitted" and after.lock_version == lock
    assert "Under review." in html(client.get(f"/leverandor/tjenester/{service.id}/visning?lang=en"))
    other = app.test_client()
    login(other, "leverandor-nordlys")
    assert other.get(f"/leverandor/tjenester/{service.id}/visning").status_code == 404


def test_the_dashboard_names_the_qualifications(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        second_dps(s, app.config["UPLOAD_DIR"], reject=True)
        main = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        qualified = [st.category.name_nb for st in q.category_states(s, main.id, fjordsky(s).id) if st.is_qualified]
    assert qualified
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    page = html(client.get("/leverandor/"))
    section = page[page.index('id="kvalifiseringer"'):]
    assert "Avgjort" not in section
    assert main.name in section and all(f"<strong>{name}:</strong> Kvalifisert" in section for name in qualified)
    assert "Lagringsordningen" in section and "Til behandling" in section
    assert "Avvist" in section and "Mangler geografisk adskilt kopi." in section
    english = html(client.get("/leverandor/?lang=en"))
    assert "Qualifications and applications" in english and "Qualified" in english


def test_a_published_service_outside_the_qualifications_points_to_applying(app):
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        service = published_without_dps(s, "nettverk")   # Fjordsky is qualified in no DPS for networking
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    page = html(client.get(f"/leverandor/tjenester/{service.id}"))
    assert "Tjenesten tilbys ikke under en innkjøpsordning." in page and 'href="/dps"' in page
    assert f"/leverandor/tjenester/{service.id}/ordning" not in page
