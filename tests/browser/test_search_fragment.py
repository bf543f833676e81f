"""The live search replaces the results and sends of the filter panel only what changed (issue 17,
item 4): new counts go into the panel in place (the checkboxes stay the same elements), a tick
replaces the panel with focus kept on the box, and a facet's "Vis alle" is a button of the form."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser



def test_counts_in_place_panel_on_a_tick_and_vis_alle(pages):
    v = pages.open("sok")
    v.visit("/tjenester?q=lagring")
    page = v.page
    group = page.locator("details.facet[data-facet='governing_law']")
    box = group.locator("input[type=checkbox]").first
    box_id = box.get_attribute("id")
    count = page.locator("#n" + box_id[1:])
    real = count.inner_text()
    handle = box.element_handle()

    # The page sends its panel's fingerprints: with stale numbers (as after another search with the
    # same values shown), the answer carries only the counts, and they are put in place.
    page.evaluate("""() => {
      document.getElementById('sokefiltre-kjennetegn').setAttribute('data-facet-counts', 'gammel');
    }""")
    count.evaluate("el => { el.textContent = '(999)'; }")
    with v.htmx_swap(lambda r: "/tjenester" in r.url and r.request.headers.get("mps-facet-counts") == "gammel"):
        page.fill("#q", "lagring ")
    assert count.inner_text() == real
    assert handle.evaluate("el => el.isConnected"), "the panel was replaced, not only its counts"
    assert page.locator("#sokefiltre-kjennetegn").get_attribute("data-facet-counts") != "gammel"
    # Nothing changed in the panel: the answer has none of it, and it stays as it is.
    with v.htmx_swap("/tjenester"):
        page.fill("#q", "lagring")
    assert handle.evaluate("el => el.isConnected") and count.inner_text() == real
    v.check(label="counts updated in place")

    # A tick changes the panel's shape: the whole panel is replaced, focus stays on the same box
    # and its group stays open.
    group.locator("summary").click()
    box.focus()
    with v.htmx_swap("/tjenester"):
        page.keyboard.press("Space")
    assert not handle.evaluate("el => el.isConnected")
    assert page.evaluate("() => document.activeElement.id") == box_id
    assert page.locator("#" + box_id).is_checked() and group.evaluate("d => d.open")
    assert "governing_law=" in v.path
    v.check(label="filter ticked, panel replaced")

    # "Vis alle" of the suppliers: a submit button of the search form, sent by htmx with the rest.
    v.visit("/tjenester")
    suppliers = page.locator("details.facet[data-facet='leverandor']")
    shown = suppliers.locator("input[type=checkbox]").count()
    suppliers.locator("summary").click()
    more = suppliers.locator("button[name=flere]")
    number = int(re.search(r"\d+", more.inner_text()).group())
    assert shown < number
    more.focus()
    with v.htmx_swap(lambda r: "flere=leverandor" in r.url):
        page.keyboard.press("Enter")
    assert suppliers.locator("input[type=checkbox]").count() == number
    assert suppliers.evaluate("d => d.open") and suppliers.locator("button[name=flere]").count() == 0
    focused = page.evaluate("() => document.activeElement.closest('#facet-leverandor') && document.activeElement.type")
    assert focused == "checkbox"  # the first value "Vis alle" revealed
    v.check(label="all suppliers shown")
    # The facet stays open as the search goes on.
    with v.htmx_swap("/tjenester"):
        page.fill("#q", "lagring")
    assert suppliers.locator("button[name=flere]").count() == 0 and suppliers.locator("input[type=checkbox]").count() > 5
