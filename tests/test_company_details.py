"""Members keep their company's details; the register gives name, address and size."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from catalogue.company import CompanySize, clean_website, company_size
from catalogue.models import AuditEvent, Supplier
from tests.login import login
from tests.test_supplier_bad_input import field_error

FJORDSKY = "964330123"


@pytest.fixture
def member(app):
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested on every route in test_csrf.py
    client = app.test_client()
    login(client, "leverandor-fjordsky")  # acts for Fjordsky AS, a registered supplier
    return client


def _fjordsky(app) -> Supplier:
    with Session(app.extensions["db_engine"]) as session:
        return session.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()


@pytest.mark.parametrize("raw, stored", [
    ("havbris.no", "https://havbris.no"), ("www.havbris.no/om-oss", "https://www.havbris.no/om-oss"),
    ("https://havbris.no", "https://havbris.no"), ("http://havbris.no", "http://havbris.no"), ("", ""),
])
def test_a_website_without_scheme_is_accepted(raw, stored):
    assert clean_website(raw) == (stored, None)


@pytest.mark.parametrize("raw", ["havbris", "ftp://havbris.no", "javascript:alert(1)", "http://a b.no",
                                 "post@havbris.no", "https://user:pw@havbris.no",
                                 "[", "http://[::1"])  # urlsplit raises on these
def test_a_website_that_is_no_address_is_refused(raw):
    assert clean_website(raw)[1] is not None


def test_members_edit_contact_website_and_description(app, member):
    page = member.get("/leverandor/firma").get_data(as_text=True)
    assert "Fjordsky AS" in page and "Mellomstor (50–249 ansatte)" in page and "85 ansatte" in page
    response = member.post("/leverandor/firma", data={
        "company-contact_name": "Ingrid Haugen", "company-contact_email": "salg@fjordsky.no",
        "company-contact_phone": "+47 55 12 34 56", "company-website": "fjordsky.no",
        "company-description": "Norsk sky fra Bergen."})
    assert response.status_code == 302
    supplier = _fjordsky(app)
    assert (supplier.website, supplier.contact_email, supplier.description) == (
        "https://fjordsky.no", "salg@fjordsky.no", "Norsk sky fra Bergen.")
    with Session(app.extensions["db_engine"]) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "supplier.details_updated")).one()
    assert event.after["website"] == "https://fjordsky.no" and event.supplier_id == supplier.id
    public = app.test_client().get(f"/leverandorer/{supplier.slug}").get_data(as_text=True)
    assert 'href="https://fjordsky.no"' in public and "salg@fjordsky.no" in public and "Mellomstor" in public


def test_bad_details_are_refused_at_the_field_and_nothing_is_written(app, member):
    before = _fjordsky(app)
    response = member.post("/leverandor/firma", data={
        "company-contact_email": "ikke en adresse", "company-contact_phone": "ring meg",
        "company-website": "havbris", "company-description": "<script>x</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "salg@havbris.no" in field_error(html, "company-contact_email")
    assert "+47" in field_error(html, "company-contact_phone")
    assert "havbris.no" in field_error(html, "company-website")
    assert "HTML" in field_error(html, "company-description")
    after = _fjordsky(app)
    assert (after.website, after.contact_email, after.description) == (
        before.website, before.contact_email, before.description)


def test_size_follows_the_registers_number_of_employees():
    assert [company_size(n) for n in (None, 0, 49, 50, 249, 250)] == [
        None, CompanySize.SMALL, CompanySize.SMALL, CompanySize.MEDIUM, CompanySize.MEDIUM, CompanySize.LARGE]
