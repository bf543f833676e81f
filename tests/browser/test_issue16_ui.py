"""Issue 16 in a real browser: the statutory pages, the phone layout of the search page, the compare
tray (always in view, feedback at the pressed button, a few Tab presses away, the limit), focus
after failed forms, and screenshots at 320 and 1280 px for review (artefacts/screenshots/).

Every ``visit``/``check`` also checks the page at 320 and 1280 px for sideways scrolling and
axe (WCAG 2.2 A/AA + best practice) – see tests/browser/support.py.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INFO_PAGES = ["/tilgjengelighet", "/personvern", "/informasjonskapsler", "/kontakt", "/om",
              "/api-dokumentasjon", "/bli-leverandor", "/dps"]


def test_statutory_and_help_pages_from_the_footer(pages):
    v = pages.open("anonym")
    v.visit("/")
    footer = v.page.locator("footer")
    for path in INFO_PAGES[:-1]:
        assert footer.locator(f'a[href="{path}"]').count() + v.page.locator(f'header a[href="{path}"]').count(), path
    for path in INFO_PAGES:
        v.visit(path)
        expect(v.page.locator("h1")).to_have_count(1)
    v.visit("/finnes-ikke", status=404)
    assert v.page.title().startswith("Feil:")
    assert v.page.evaluate("() => document.activeElement.classList.contains('error-summary')")


def test_results_come_before_the_filters_on_a_phone(pages):
    v = pages.open("mobil")
    v.visit("/tjenester?q=lagring")
    v.page.set_viewport_size({"width": 320, "height": 700})
    first_hit = v.page.locator(".search-hit").first.bounding_box()
    assert first_hit and first_hit["y"] < 1400, first_hit  # was about 3 000 px down
    disclosure = v.page.locator("details.filter-disclosure")
    assert not disclosure.evaluate("d => d.open")
    expect(v.page.locator("details.facet").first).to_be_hidden()
    disclosure.locator("> summary").click()
    expect(v.page.locator("details.facet").first).to_be_visible()
    v.check(label="filters opened on a phone")
    # On a desktop the filters are shown beside the hits without opening anything.
    v.page.set_viewport_size({"width": 1280, "height": 900})
    v.visit("/tjenester?q=lagring")
    expect(v.page.locator("details.facet").first).to_be_visible()
    expect(v.page.locator("details.filter-disclosure > summary")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_disclosure_works_without_javascript(pages, javascript):
    v = pages.open("uten-js", javascript=javascript)
    v.visit("/tjenester?q=lagring")
    v.page.set_viewport_size({"width": 320, "height": 700})
    v.page.locator("details.filter-disclosure > summary").click()
    group = v.page.locator("details.facet[data-facet='governing_law']")
    group.locator("summary").click()
    group.locator("input[type=checkbox]").first.check()
    if javascript:
        v.page.wait_for_function("() => location.search.includes('governing_law=')")
    else:
        v.submit(v.page.get_by_role("button", name="Bruk filtrene"))
    assert "governing_law=" in v.path


def test_compare_tray_is_always_in_view_and_answers_at_the_button(pages):
    v = pages.open("sammenligner")
    v.visit("/tjenester?q=lagring")
    page = v.page
    buttons = page.locator(".search-hit form.compare-button button")
    assert buttons.count() >= 6
    for i in range(5):
        button = buttons.nth(i)
        button.focus()
        with v.htmx_swap("/sammenlign/kurv"):
            page.keyboard.press("Enter")
        # Focus stays on the (replaced) button; the outcome is written beside it.
        now = v.focused()
        assert now and now["id"] == f"{button.evaluate('b => b.id')}", now
        form = page.locator(f"#{now['id']}").locator("xpath=..")
        expect(form.locator(".compare-feedback")).to_contain_text("lagt til")
        expect(page.locator(".compare-count")).to_contain_text(f"{i + 1} av 5")
    v.check(label="tray with five services")
    # The sixth: a clear limit message at that button, nothing added.
    sixth = buttons.nth(5)
    sixth.focus()
    with v.htmx_swap("/sammenlign/kurv"):
        page.keyboard.press("Enter")
    feedback = sixth.locator("xpath=..").locator(".compare-feedback")
    expect(feedback).to_contain_text("høyst 5")
    expect(page.locator(".compare-count")).to_contain_text("5 av 5")
    # The comparison is one Tab press from the button that was pressed.
    v.tab_until(lambda f: f["tag"] == "a" and f["text"].startswith("Sammenlign 5"), limit=2)
    # Scrolled far down, the tray with its count and button is still on screen.
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 700})
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        box = page.locator("#sammenlign-na").bounding_box()
        assert box and 0 <= box["y"] < 700, (width, box)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_failed_form_focuses_the_error_summary(pages, javascript):
    v = pages.open("leverandor", javascript=javascript)
    v.visit("/")
    v.login("leverandor-nordlys")
    v.visit("/leverandor/tjenester/ny")
    v.page.locator("[name='service-name']").fill("")
    v.submit(v.page.locator("button[name=action][value=submit]"), expect_status=(200, 422))
    assert v.page.locator(".error-summary").count() == 1
    v.assert_error_summary_focused()


def test_screenshots_of_the_main_pages(pages):
    """Full-page screenshots at 320 and 1280 px in artefacts/screenshots/ (the supplier form and the
    audit log are taken in the journeys, where a supplier and a manager are logged in)."""
    v = pages.open("skjermbilder")
    v.visit("/")
    v.screenshot("forside")
    v.visit("/tjenester?q=lagring")
    v.screenshot("sok")
    ids = v.page.locator(".search-hit").evaluate_all("els => els.slice(0, 3).map(e => e.dataset.serviceId)")
    v.visit(f"/tjeneste/{ids[0]}")
    v.screenshot("tjeneste")
    v.visit("/sammenlign?" + "&".join(f"id={i}" for i in ids))
    v.screenshot("sammenligning")
