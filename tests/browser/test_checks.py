"""The checks every journey relies on can fail: a page with a WCAG violation or a CSP breach is caught."""
from __future__ import annotations

import pytest

from tests.browser.support import BrowserCheckFailed

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html lang="nb"><head><title>Feil</title></head><body><main>
<h1>Skjema</h1><form><input type="text" name="uten-etikett"></form>
<script>document.title = "inline";</script></main></body></html>"""


def _serve_broken(visitor, path="/__broken__"):
    # Served from the site's own origin, with the site's real CSP header.
    csp = visitor.page.request.get(visitor.base_url + "/").headers["content-security-policy"]
    visitor.page.route(visitor.base_url + path, lambda route: route.fulfill(
        status=200, body=BROKEN, headers={"Content-Type": "text/html; charset=utf-8",
                                          "Content-Security-Policy": csp}))
    return path


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_finds_a_missing_label(pages, javascript):
    v = pages.open("kontroll", javascript=javascript)
    v.page.goto(v.url(_serve_broken(v)))
    v.problems.clear()  # only the WCAG part is under test here (the CSP part is below)
    with pytest.raises(BrowserCheckFailed) as err:
        v.check()
    assert "label" in str(err.value), str(err.value)


def test_inline_script_is_blocked_and_reported(pages):
    v = pages.open("kontroll")
    path = _serve_broken(v)
    v.page.goto(v.url(path))
    assert v.page.title() == "Feil"  # the inline script did not run
    with pytest.raises(BrowserCheckFailed) as err:
        v.check(axe=False)
    assert "CSP violation" in str(err.value)
