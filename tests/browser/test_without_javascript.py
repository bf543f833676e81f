"""Pages that claim to work without JavaScript, run with JavaScript switched off.

Front page, search with filters, service page, compare (tray + requirements) and the
supplier's listing form: every step is a plain link or form submission, and every page
reached is checked like any other (axe, CSP, no errors).
"""
from __future__ import annotations

import pytest

import re

from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_public_pages_work_without_javascript(pages):
    v = pages.open("uten-js", javascript=False)
    assert v.page.evaluate("() => 1") == 1  # evaluation from the test still works; the page's scripts do not
    v.visit("/")
    v.page.fill("#forside-sok", "lagring")
    v.submit(v.page.get_by_role("button", name="Søk", exact=True))
    assert v.path.startswith("/tjenester?q=lagring")
    assert v.page.locator(".search-hit").count() > 0
    # Filters: tick a box, then the no-JS "Bruk filtrene" button.
    group = v.page.locator("details.facet[data-facet='governing_law']")
    group.locator("summary").click()
    group.locator("input[type=checkbox]").first.check()
    v.submit(v.page.get_by_role("button", name="Bruk filtrene"))
    assert "governing_law=" in v.path and "q=lagring" in v.path
    hits = v.page.locator(".search-hit")
    assert hits.count() > 0
    # The service page, from a result.
    first_link = hits.first.locator("h3 a")
    name = first_link.inner_text()
    v.submit(first_link)
    assert re.match(r"/tjeneste/\d+$", v.path)
    expect(v.page.locator("h1")).to_contain_text(name)
    # Compare: "Legg til sammenligning" is a plain form post that comes back to the page.
    v.submit(v.page.locator("form.compare-button button").first)
    assert re.match(r"/tjeneste/\d+$", v.path)
    v.visit("/tjenester?q=database")
    v.submit(v.page.locator(".search-hit form.compare-button button").first)
    v.submit(v.page.locator("#sammenligningskurv a.button"))
    assert v.path.startswith("/sammenlign?")
    # Requirements: a GET form that puts them in the address.
    requirements = v.page.locator("form.requirements")
    requirements.locator("summary").click()
    requirements.locator("input[name='krav-governing_law'][value='norge']").check()
    v.submit(requirements.get_by_role("button", name="Oppdater sammenligningen"))
    assert "krav-" in v.path
    assert v.page.get_by_text(re.compile("Oppfyller")).count() > 0


def test_supplier_listing_form_works_without_javascript(pages):
    v = pages.open("leverandor-uten-js", javascript=False)
    v.visit("/")
    v.login("leverandor-fjordsky", "964330123")
    v.visit("/leverandor/tjenester/ny")
    # Sending it empty brings it back with an error summary linked to the fields.
    v.submit(v.page.locator("button[name=action][value=submit]"), expect_status=(200, 400, 422))
    summary = v.page.locator(".error-summary")
    expect(summary).to_be_visible()
    link = summary.locator("a").first
    target = link.get_attribute("href")
    assert target.startswith("#") and v.page.locator(target).count() == 1
    assert v.page.locator("[aria-invalid=true]").count() > 0
