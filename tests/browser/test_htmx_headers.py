"""What the server tells htmx after a swap (Flask-HTMX's response headers), seen in a real browser.

A section of the listing form saved on its own with a bad value comes back into its section
(``HX-Retarget``/``HX-Reswap``) and its error summary takes the focus (``HX-Trigger: mps-focus``,
handled by static/js/app.js). The live search pushes the address of the search it ran
(``HX-Push-Url``) and reads out the count (``HX-Trigger: mps-announce``).
The draft is made through the domain by the test itself.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.listing import Listing
from catalogue.models import Supplier
from tests.test_listing_forms import demo_content

pytestmark = pytest.mark.browser

NORDLYS = "935308291"


@pytest.fixture
def draft_id(site_server) -> int:
    with Session(site_server.app.extensions["db_engine"], expire_on_commit=False) as s:
        nordlys = s.exec(select(Supplier).where(Supplier.orgnr == NORDLYS)).one()
        content = demo_content(s)
        content["name"] = "Nordlys utkast for delvis lagring"
        listing = Listing.create(s, Actor(name="Nordlys", acting_for=f"0192:{NORDLYS}", role="supplier"),
                                 nordlys.id, content)
        s.commit()
        return listing.service.id


def test_a_failed_section_save_focuses_its_error_summary(pages, draft_id):
    v = pages.open("leverandor")
    v.visit("/")
    v.login("leverandor-nordlys", NORDLYS)
    v.visit(f"/leverandor/tjenester/{draft_id}/rediger")
    field = v.page.locator("#terms-availability_sla")
    with v.htmx_swap("/tjenester/felt/availability_sla"):
        field.fill("hundre")
        field.press("Tab")  # as a person leaves the field (blur() alone would leave focus on <body>)
    section = v.page.locator("#seksjon-andre")
    with v.page.expect_response(lambda r: "/seksjon/andre" in r.url) as info:
        section.get_by_role("button", name="Lagre denne delen").click()
    assert info.value.headers["hx-retarget"] == "#seksjon-andre"
    v.page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    summary = v.page.locator("#seksjon-andre .error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    v.check(label="the section with its error summary")


def test_the_address_bar_shows_the_search_that_ran(pages):
    v = pages.open("sok")
    v.visit("/tjenester?q=lagring&sorter=relevans")
    with v.htmx_swap("/tjenester"):
        v.page.fill("#q", "database")
    expect(v.page.locator("#sok-status")).to_contain_text("funnet")
    assert v.path.startswith("/tjenester?q=database"), v.path
    assert "side=" not in v.path and "sorter=" not in v.path
