"""Issue 16's supplier flow in a real browser, with and without JavaScript: a chosen PDF survives a
failed listing form («Allerede lastet opp: …»), focus on the error summary; the dashboard's
qualifications, the DPS choice and the read-only view of a listing reflow at 320 px and pass axe
(every ``visit``/``check``/``submit`` checks 320 and 1280 px – tests/browser/support.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pdf import make_pdf

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_chosen_pdf_survives_a_failed_listing_form(pages, javascript, tmp_path):
    pdf = tmp_path / "vilkar.pdf"
    pdf.write_bytes(make_pdf("Standardvilkår Nordlys"))
    v = pages.open("opplasting", javascript=javascript)
    v.visit("/")
    v.login("leverandor-nordlys")
    v.visit("/leverandor/tjenester/ny")
    v.page.locator("[name='service-name']").fill("Nordlys Behold")
    v.page.locator("#service-doc-terms").set_input_files(str(pdf))
    v.submit(v.page.locator("button[name=action][value=submit]"), expect_status=(422,))
    v.assert_error_summary_focused()
    expect(v.page.locator("#service-doc-terms-kept")).to_contain_text("Allerede lastet opp: vilkar.pdf")
    expect(v.page.locator("#service-dps")).to_be_visible()


def test_the_supplier_pages_of_the_flow(pages):
    v = pages.open("leverandorflyt")
    v.visit("/")
    v.login("leverandor-nordlys")
    v.visit("/leverandor/")
    expect(v.page.locator("#kvalifiseringer")).to_be_visible()
    service = v.page.locator("#tjenester ~ .table-scroll tbody a").first.get_attribute("href")
    v.visit(service)
    v.visit(service + "/visning")
    expect(v.page.locator("h1")).to_have_count(1)
    v.screenshot("leverandor-visning")
