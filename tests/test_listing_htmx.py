"""htmx conveniences on the listing form – and the same things without JavaScript.

Inline validation of one field, one more sub-processor row, saving one section. Each htmx
answer is a fragment (no page around it); the no-JS paths answer full pages.
"""
from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session, func, select

from catalogue import listings
from catalogue.listing import Listing
from catalogue.audit import Actor
from catalogue.models import AuditEvent, Service, Supplier
from tests.login import login
from tests.test_listing_forms import demo_content, form_data

HX = {"HX-Request": "true"}


@pytest.fixture
def client(app):
    app.config["WTF_CSRF_ENABLED"] = False
    browser = app.test_client()
    login(browser, "leverandor-fjordsky")
    return browser


@pytest.fixture
def draft(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        content = demo_content(s, supplier_id=fjordsky.id)
        service = Listing.create(s, Actor(name="Test"), fjordsky.id, content).service
        s.commit()
        return service


def events(app) -> int:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(func.count()).select_from(AuditEvent)).one()


def test_one_field_is_checked_inline(client):
    response = client.post("/leverandor/tjenester/felt/availability_sla", data={"terms-availability_sla": "hundre"},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="terms-availability_sla-wrap"' in html and 'aria-invalid="true"' in html
    assert "må være et tall" in html
    assert 'id="form-status"' in html and 'hx-swap-oob="true"' in html
    fine = client.post("/leverandor/tjenester/felt/availability_sla", data={"terms-availability_sla": "99,95"},
                       headers=HX).get_data(as_text=True)
    assert "aria-invalid" not in fine and 'value="99,95"' in fine
    markup = client.post("/leverandor/tjenester/felt/name", data={"service-name": "<b>Fet</b>"},
                         headers=HX).get_data(as_text=True)
    assert "HTML eller skript" in markup and 'id="service-name"' in markup


def test_unknown_fields_are_not_found(client):
    assert client.post("/leverandor/tjenester/felt/finnes_ikke", headers=HX).status_code == 404
    assert client.post("/leverandor/tjenester/felt/nsm_principles", headers=HX).status_code == 404


def test_tables_of_rows_are_not_checked_field_by_field(client):
    """A table swapped back while the person types its next row would lose what they typed: checked on save."""
    assert client.post("/leverandor/tjenester/felt/certifications", headers=HX).status_code == 404
    assert client.post("/leverandor/tjenester/felt/subprocessors", headers=HX).status_code == 404
    form = client.get("/leverandor/tjenester/ny").get_data(as_text=True)
    assert 'id="terms-certifications-wrap" hx-post' not in form
    assert 'id="terms-subprocessors-wrap" hx-post' not in form
    assert 'id="terms-availability_sla-wrap" hx-post' in form  # a single field still is


def test_one_more_row_with_htmx(client):
    response = client.get("/leverandor/tjenester/rad/subprocessors?terms-subprocessors-count=3", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="terms-subprocessors-3-name"' in html and "Navn, rad 4" in html
    assert re.search(r'id="terms-subprocessors-count"[^>]*value="4"[^>]*hx-swap-oob="true"', html)
    assert client.get("/leverandor/tjenester/rad/nsm_principles", headers=HX).status_code == 404


def test_one_more_row_without_javascript_keeps_what_was_typed(app, client):
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    content["terms"]["subprocessors"] = [{"name": "Drift AS", "country": "Norge", "purpose": "Drift"}]
    content["name"] = "Skrevet, ikke lagret"
    before = events(app)
    response = client.post("/leverandor/tjenester/ny", data=form_data(content, action="add-row:subprocessors"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'value="Drift AS"' in html and 'value="Skrevet, ikke lagret"' in html
    assert 'id="terms-subprocessors-1-name"' in html and 'id="terms-subprocessors-2-name"' not in html
    assert 'name="terms-subprocessors-count" value="2"' in html
    assert events(app) == before


def test_saving_one_section(app, client, draft):
    url = f"/leverandor/tjenester/{draft.id}/seksjon/andre"
    terms = dict(draft.terms, other_terms="Endret i én del.", availability_sla=99.5)
    data = form_data(dict(listings.listing_content(draft), terms=terms), lock_version=str(draft.lock_version))
    data["service-name"] = "Dette feltet hører til en annen del"
    response = client.post(url, data=data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="seksjon-andre"' in html and "Delen er lagret" in html
    assert re.search(rf'id="lock_version" name="lock_version" value="{draft.lock_version + 1}" hx-swap-oob="true"', html)
    with Session(app.extensions["db_engine"]) as s:
        saved = s.get(Service, draft.id)
        assert saved.terms["other_terms"] == "Endret i én del." and saved.terms["availability_sla"] == 99.5
        assert saved.name == draft.name  # the other sections are left as they are

    # The same (now stale) lock again: nothing is saved, and the section says why.
    before = events(app)
    data["terms-other_terms"] = "Overskriver ikke"
    html = client.post(url, data=data, headers=HX).get_data(as_text=True)
    assert "Noen andre har lagret tjenesten" in html
    assert events(app) == before
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Service, draft.id).terms["other_terms"] == "Endret i én del."


def test_a_section_with_errors_is_not_saved(app, client, draft):
    url = f"/leverandor/tjenester/{draft.id}/seksjon/vilkar"
    data = form_data(listings.listing_content(draft), lock_version=str(draft.lock_version))
    data["terms-governing_law"] = "atlantis"
    before = events(app)
    html = client.post(url, data=data, headers=HX).get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#terms-governing_law"' in html
    assert "Delen er lagret" not in html.split('id="form-status"')[0]
    assert events(app) == before


def test_a_failed_section_goes_to_its_error_summary_through_htmx_headers(client, draft):
    """Flask-HTMX's headers: the fragment replaces the section, and its error summary takes the focus."""
    url = f"/leverandor/tjenester/{draft.id}/seksjon/vilkar"
    data = form_data(listings.listing_content(draft), lock_version=str(draft.lock_version))
    data["terms-governing_law"] = "atlantis"
    failed = client.post(url, data=data, headers=HX)
    assert failed.headers["HX-Retarget"] == "#seksjon-vilkar" and failed.headers["HX-Reswap"] == "outerHTML"
    assert json.loads(failed.headers["HX-Trigger"]) == {"mps-focus": {"selector": "#seksjon-vilkar .error-summary"}}
    assert 'id="seksjon-vilkar"' in failed.get_data(as_text=True)

    data["terms-governing_law"] = "norge"
    saved = client.post(url, data=data, headers=HX)
    assert "Delen er lagret" in saved.get_data(as_text=True)
    assert not {"HX-Retarget", "HX-Reswap", "HX-Trigger"} & set(saved.headers.keys())


def test_without_htmx_the_section_button_saves_the_whole_form(app, client, draft):
    url = f"/leverandor/tjenester/{draft.id}/rediger"
    page = client.get(url).get_data(as_text=True)
    assert 'hx-post="/leverandor/tjenester/%d/seksjon/vilkar"' % draft.id in page
    assert re.search(r'<button type="submit" name="action" value="save"[^>]*\n?[^>]*hx-post', page)
    data = form_data(dict(listings.listing_content(draft), name="Lagret uten JavaScript"),
                     action="save", lock_version=str(draft.lock_version))
    assert client.post(url, data=data).status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Service, draft.id).name == "Lagret uten JavaScript"


def test_fragment_endpoints_send_browsers_without_htmx_to_full_pages(client, draft):
    assert client.post("/leverandor/tjenester/felt/name", data={"service-name": "x"}).status_code == 302
    assert client.get("/leverandor/tjenester/rad/subprocessors").status_code == 302
    response = client.post(f"/leverandor/tjenester/{draft.id}/seksjon/andre", data={"lock_version": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tjenester/{draft.id}/rediger")


def test_the_form_page_has_no_inline_code_and_every_input_a_label(client):
    html = client.get("/leverandor/tjenester/ny").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html))
    hidden = set(re.findall(r'<input type="hidden"[^>]*\sid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html))
    assert ids - hidden - labelled == set()
    assert len(ids) > 100
    with_sub = re.findall(r'<select id="service-category"', html)
    assert with_sub
