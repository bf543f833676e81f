"""Journey (a): anyone browses, searches, filters and compares – with JavaScript and without."""
from __future__ import annotations

import pytest

import re

from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _first_hits(visitor, count: int) -> list[str]:
    return visitor.page.locator(".search-hit").evaluate_all(
        f"els => els.slice(0, {count}).map(e => e.getAttribute('data-service-id'))")


def test_browse_search_filter_compare(pages):
    v = pages.open("anonym")
    v.visit("/")
    expect(v.page.locator("h1")).to_have_count(1)
    # Browse: a category from the front page, then a service in it.
    v.page.locator(".category-card h3 a").first.click()
    v.page.wait_for_load_state("load")
    v.check()
    v.page.locator("main a[href^='/tjeneste/']").first.click()
    v.page.wait_for_load_state("load")
    v.check()
    assert re.match(r"/tjeneste/\d+$", v.path)

    # Search from the front page; the live search narrows as the words are typed.
    v.visit("/")
    v.page.fill("#forside-sok", "lagring")
    v.submit(v.page.get_by_role("button", name="Søk", exact=True))
    assert v.path.startswith("/tjenester?q=lagring")
    total = int(re.search(r"\d+", v.page.locator("#treff-overskrift").inner_text()).group())
    assert total > 0
    with v.htmx_swap("/tjenester"):
        v.page.fill("#q", "objektlagring")
    v.check(label="search results after typing")
    expect(v.page.locator("#sok-status")).to_contain_text("funnet")
    assert "q=objektlagring" in v.path  # hx-push-url: the address holds the search

    # Filter: governing law, ticked in its facet group.
    v.page.fill("#q", "")
    with v.htmx_swap("/tjenester"):
        v.page.locator("#q").press("Enter")
    group = v.page.locator("details.facet[data-facet='governing_law']")
    group.locator("summary").click()
    box = group.locator("input[type=checkbox]").first
    with v.htmx_swap("/tjenester"):
        box.check()
    v.check(label="filtered results")
    assert "governing_law=" in v.path
    filtered = int(re.search(r"\d+", v.page.locator("#treff-overskrift").inner_text()).group())
    assert 0 < filtered

    # Compare: two results into the compare tray (htmx), then the comparison page.
    for form in v.page.locator(".search-hit form.compare-button").all()[:2]:
        with v.htmx_swap("/sammenlign/kurv"):
            form.get_by_role("button").click()
    v.check(label="compare tray with two services")
    v.submit(v.page.locator("#sammenligningskurv a.button"))
    assert v.path.startswith("/sammenlign?")
    tables = v.page.locator("main table")
    assert tables.count() >= 1
    assert v.page.locator("main table > caption").count() == tables.count(), "every table needs a caption"
    assert v.page.locator("main table th[scope]").count() > 0


def test_live_region_announces_the_result_count(pages):
    v = pages.open("skjermleser")
    v.visit("/tjenester")
    status = v.page.locator("#sok-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    with v.htmx_swap("/tjenester"):
        v.page.fill("#q", "database")
    announced = status.inner_text().strip()
    heading = v.page.locator("#treff-overskrift").inner_text()
    count = re.search(r"\d+", heading).group()
    assert re.fullmatch(rf"{count} tjenester? funnet", announced), (announced, heading)
    with v.htmx_swap("/tjenester"):
        v.page.fill("#q", "xqzxqzxqz")
    assert status.inner_text().strip() == "0 tjenester funnet"
