"""Keyboard only: search → filter → compare with Tab, Space and Enter; focus always visible."""
from __future__ import annotations

import pytest

import re

pytestmark = pytest.mark.browser


def test_search_filter_compare_with_the_keyboard_alone(pages):
    v = pages.open("tastatur")
    v.visit("/tjenester")
    page = v.page
    # The first stop is the skip link, and it leads into the main content.
    first = v.tab_until(lambda f: True)
    assert first["href"] == "#innhold", first
    v.tab_until(lambda f: f["id"] == "q")
    page.keyboard.type("lagring")
    with v.htmx_swap("/tjenester"):
        page.keyboard.press("Enter")
    v.check(label="results after Enter in the search field")
    assert "q=lagring" in v.path

    # Open the "governing law" filter group and tick its first value with Space.
    summary = v.tab_until(lambda f: f["tag"] == "summary" and "Lovvalg" in f["text"])
    page.keyboard.press("Enter")
    box = v.tab_until(lambda f: f["tag"] == "input" and f["name"] == "governing_law")
    with v.htmx_swap("/tjenester"):
        page.keyboard.press("Space")
    v.check(label="results after ticking a filter")
    assert "governing_law=" in v.path
    # Focus stays on the box that was ticked (the region was replaced around it).
    now = v.focused()
    assert now is not None and now["id"] == box["id"], (now, box, summary)

    # Add two services to the comparison with Enter on their buttons.
    added = 0
    while added < 2:
        v.tab_until(lambda f: f["tag"] == "button" and f["text"].startswith("Legg til sammenligning"))
        with v.htmx_swap("/sammenlign/kurv"):
            page.keyboard.press("Enter")
        added += 1
    v.check(label="compare tray after two additions")
    link = v.tab_until(lambda f: f["tag"] == "a" and re.match(r"Sammenlign \d+ tjenester", f["text"] or ""))
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    v.check(label="compare page reached by keyboard")
    assert v.path.startswith("/sammenlign?"), (v.path, link)
