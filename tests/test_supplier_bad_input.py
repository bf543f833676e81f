"""Bad input gets a clear message at the field and writes nothing; two people saving at once conflict.

Each case compares the database before and after (rows and audit events).
"""
from __future__ import annotations

import copy
import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from catalogue import documents
from catalogue.listing import Listing
from catalogue.audit import Actor
from catalogue.models import (DPS, AuditEvent, Category, Document, Membership, QualificationApplication, Service,
                              ServiceRevision, Supplier)
from catalogue.terms import TERMS
from catalogue.workdays import oslo_today
from tests.login import login
from tests.pdf import make_pdf
from tests.test_listing_forms import demo_content, form_data

LOCK = re.compile(r'id="lock_version" name="lock_version" value="(\d+)"')


def state(app) -> dict:
    with Session(app.extensions["db_engine"]) as s:
        return {model.__name__: s.exec(select(func.count()).select_from(model)).one()
                for model in (Supplier, Membership, Service, ServiceRevision, Document, QualificationApplication,
                              AuditEvent)} | {
            "services": sorted((x.id, x.lock_version, x.status, x.name) for x in s.exec(select(Service)).all())}


def field_error(html: str, field_id: str) -> str:
    """The message shown at the field (and linked from the error summary)."""
    assert f'href="#{field_id}"' in html, f"no error summary link to {field_id}"
    found = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found, f"no message at {field_id}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Feil:", "").strip()


@pytest.fixture
def supplier(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, "leverandor-fjordsky", "999906087")  # Havbris Teknologi AS, not registered yet
    return client


@pytest.fixture
def fjordsky(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    return client


# --- company registration ---------------------------------------------------------------

@pytest.mark.parametrize("orgnr, message", [
    ("999906088", "kontrollsifferet"),        # wrong check digit
    ("99990608", "9 sifre"),
    ("abc", "9 sifre"),
    ("", "Skriv inn organisasjonsnummeret"),
    ("123456785", "Fant ikke organisasjonsnummeret i Enhetsregisteret"),   # valid, unknown
    ("976240391", "handler ikke på vegne av"),                             # Fjellvik kommune: not acted for
    ("964330123", "allerede registrert som «Fjordsky AS»"),                # registered already
])
def test_registration_refuses_bad_numbers(app, supplier, orgnr, message):
    before = state(app)
    response = supplier.post("/leverandor/registrer", data={"company-orgnr": orgnr, "action": "confirm"})
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "company-orgnr")
    assert state(app) == before


def test_a_number_the_person_does_not_act_for_is_refused(app):
    """Checked against the offline register: Havbris exists, but this person acts for Fjordsky."""
    from catalogue import registration
    from marketplace.registry import register_lookup

    with Session(app.extensions["db_engine"]) as s:
        check = registration.check_company(s, "999906087", acting_orgnr="964330123",
                                           lookup=register_lookup(app.config))
    assert not check.ok and "handler ikke på vegne av" in str(check.errors[registration.ORGNR_FIELD])


def test_a_second_registration_names_the_existing_one_and_offers_to_join(app, supplier):
    # Someone else registers Havbris while our person is at the confirmation step.
    with Session(app.extensions["db_engine"]) as s:
        s.add(Supplier(orgnr="999906087", name="Havbris Teknologi AS", slug="havbris"))
        s.commit()
    before = state(app)
    response = supplier.get("/leverandor/registrer")
    html = response.get_data(as_text=True)
    assert "allerede registrert som «Havbris Teknologi AS»" in html
    assert 'action="/leverandor/registrer/bli-med"' in html
    assert state(app) == before
    response = supplier.post("/leverandor/registrer/bli-med")
    assert response.status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        havbris = s.exec(select(Supplier).where(Supplier.orgnr == "999906087")).one()
        assert s.exec(select(func.count()).select_from(Membership).where(Membership.supplier_id == havbris.id)).one() == 1


def test_registration_details_are_checked(app, supplier):
    before = state(app)
    response = supplier.post("/leverandor/registrer", data={
        "company-orgnr": "999906087", "action": "confirm", "company-website": "ftp://havbris.example",
        "company-description": "<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "https://" in field_error(html, "company-website")
    assert "HTML" in field_error(html, "company-description")
    assert state(app) == before


# --- DPS applications --------------------------------------------------------------------

def test_an_application_outside_the_dps_period_is_refused(app, fjordsky):
    with Session(app.extensions["db_engine"]) as s:
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        dps.valid_to = oslo_today() - timedelta(days=1)
        s.add(dps)
        s.commit()
        cat = s.exec(select(Category).where(Category.slug == "sikkerhetsovervakning")).one()
    before = state(app)
    page = fjordsky.get("/leverandor/dps/dps-skytjenester/soknad")
    assert "ikke lenger mulig å søke" in page.get_data(as_text=True)
    response = fjordsky.post("/leverandor/dps/dps-skytjenester/soknad", data={
        "application-categories": str(cat.id), "decl-no_exclusion_grounds": "ja", "action": "save"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#application-period"' in html and "ikke lenger mulig å søke" in html
    assert state(app) == before


def test_an_application_with_a_fake_pdf_is_refused(app, fjordsky):
    with Session(app.extensions["db_engine"]) as s:
        cat = s.exec(select(Category).where(Category.slug == "sikkerhetsovervakning")).one()
    before = state(app)
    response = fjordsky.post("/leverandor/dps/dps-skytjenester/soknad", data={
        "application-categories": str(cat.id), "action": "save",
        "decl-tax_certificate": (BytesIO(b"<html>skatteattest</html>"), "skatteattest.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ikke en PDF" in field_error(response.get_data(as_text=True), "decl-tax_certificate")
    assert state(app) == before


# --- service listings ----------------------------------------------------------------------

def test_missing_required_terms_are_named_at_their_fields(app, fjordsky):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    for key in ("governing_law", "scc_clause9_option", "nsm_principles", "availability_sla"):
        content["terms"].pop(key)
    before = state(app)
    response = fjordsky.post("/leverandor/tjenester/ny", data=form_data(content, action="submit"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for key in ("governing_law", "scc_clause9_option", "nsm_principles", "availability_sla"):
        assert field_error(html, TERMS[key].field_name)
    assert "Lovvalg" in field_error(html, "terms-governing_law")
    assert re.search(r'id="terms-governing_law"[^>]*aria-invalid="true"', html)
    # What was typed is kept.
    assert content["name"].replace("&", "&amp;") in html
    assert state(app) == before


@pytest.mark.parametrize("change, field_id, message", [
    ({"name": "<script>alert('x')</script>"}, "service-name", "HTML eller skript"),
    ({"description": "Les mer: <a href=https://x.example>her</a>"}, "service-description", "HTML eller skript"),
    ({"summary": "S" * 301}, "service-summary", "høyst 300 tegn"),
    ({"name": "N" * 151}, "service-name", "høyst 150 tegn"),
    ({"terms": {"other_terms": "x" * 3001}}, "terms-other_terms", "høyst 3000 tegn"),
    ({"terms": {"pentest_summary": "<iframe src=//x>"}}, "terms-pentest_summary", "HTML eller skript"),
    ({"terms": {"availability_sla": "hundre"}}, "terms-availability_sla", "må være et tall"),
    ({"terms": {"scc_clause9_notice_days": "400"}}, "terms-scc_clause9_notice_days", "høyst 365"),
])
def test_bad_text_is_refused_at_the_field(app, fjordsky, change, field_id, message):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    terms = change.pop("terms", {})
    content.update(change)
    content["terms"].update(terms)
    before = state(app)
    response = fjordsky.post("/leverandor/tjenester/ny", data=form_data(content, action="save"))
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)
    assert state(app) == before


@pytest.mark.parametrize("data, message", [
    (b"<html><body>Dette er ikke en PDF</body></html>", "ikke en PDF"),
    (b"\x89PNG\r\n\x1a\n fake image", "ikke en PDF"),
    (make_pdf(min_size=documents.MAX_BYTES + 10_000), "for stor"),
])
def test_bad_uploads_are_refused_at_the_field(app, fjordsky, data, message):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    before = state(app)
    post = form_data(content, action="save")
    post["service-doc-dpa"] = (BytesIO(data), "databehandleravtale.pdf")
    response = fjordsky.post("/leverandor/tjenester/ny", data=post, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "service-doc-dpa")
    assert state(app) == before
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*"))


def test_a_request_over_the_upload_limit_gets_the_norwegian_413_page(app, fjordsky):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    before = state(app)
    post = form_data(content, action="save")
    post["service-doc-terms"] = (BytesIO(make_pdf(min_size=11 * 1024 * 1024)), "vilkar.pdf")
    response = fjordsky.post("/leverandor/tjenester/ny", data=post, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Filen er for stor" in response.get_data(as_text=True)
    assert state(app) == before


def test_a_dps_service_needs_the_qualification(app, fjordsky):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        security = s.exec(select(Category).where(Category.slug == "sikkerhetsovervakning")).one()
        sub = s.exec(select(Category).where(Category.parent_id == security.id)).first()
    content.update(category_id=sub.id, dps_id=dps.id)
    before = state(app)
    response = fjordsky.post("/leverandor/tjenester/ny", data=form_data(content, action="submit"))
    assert response.status_code == 422
    assert "ikke kvalifisert" in field_error(response.get_data(as_text=True), "service-dps")
    assert state(app) == before


def test_two_people_saving_the_same_service_conflict(app):
    app.config["WTF_CSRF_ENABLED"] = False
    first, second = app.test_client(), app.test_client()
    login(first, "leverandor-fjordsky")
    login(second, "leverandor-fjordsky")
    with Session(app.extensions["db_engine"]) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        service = s.exec(select(Service).where(Service.supplier_id == fjordsky.id, Service.status == "published")
                         .order_by(Service.id)).first()
        content = demo_content(s, supplier_id=fjordsky.id)
    url = f"/leverandor/tjenester/{service.id}/rediger"
    lock_first = LOCK.search(first.get(url).get_data(as_text=True)).group(1)
    lock_second = LOCK.search(second.get(url).get_data(as_text=True)).group(1)
    assert lock_first == lock_second
    mine = dict(copy.deepcopy(content), name="Første persons navn", category_id=service.category_id)
    theirs = dict(copy.deepcopy(content), name="Andre persons navn", category_id=service.category_id)
    assert first.post(url, data=form_data(mine, action="save", lock_version=lock_first)).status_code == 302
    before = state(app)
    response = second.post(url, data=form_data(theirs, action="save", lock_version=lock_second))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Noen andre har lagret tjenesten etter at du åpnet den" in html
    assert "Andre persons navn" in html  # what they typed is still in the form
    assert state(app) == before
    with Session(app.extensions["db_engine"]) as s:
        revision = s.exec(select(ServiceRevision).where(ServiceRevision.service_id == service.id)).one()
        assert revision.content["name"] == "Første persons navn"
        assert s.get(Service, service.id).name == service.name  # the live version is untouched


def test_two_people_saving_a_draft_conflict(app):
    app.config["WTF_CSRF_ENABLED"] = False
    first, second = app.test_client(), app.test_client()
    login(first, "leverandor-fjordsky")
    login(second, "leverandor-fjordsky")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        sub = s.exec(select(Category).where(Category.parent_id.is_not(None))).first()
        draft = Listing.create(s, Actor(name="x"), fjordsky.id, {"name": "Felles utkast", "category_id": sub.id}).service
        s.commit()
    url = f"/leverandor/tjenester/{draft.id}/rediger"
    lock = LOCK.search(first.get(url).get_data(as_text=True)).group(1)
    assert LOCK.search(second.get(url).get_data(as_text=True)).group(1) == lock
    data = {"service-name": "Fra første", "service-category": str(sub.id), "action": "save", "lock_version": lock}
    assert first.post(url, data=data).status_code == 302
    before = state(app)
    response = second.post(url, data=dict(data, **{"service-name": "Fra andre"}))
    assert response.status_code == 409
    assert state(app) == before
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Service, draft.id).name == "Fra første"
