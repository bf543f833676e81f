"""What every browser journey step uses: open a page, check it, keep evidence.

``Visitor.visit(path)`` opens a page and checks it: the HTTP status, axe-core's WCAG 2.1
A/AA rules, no Content-Security-Policy violation or script error in the console, and no
request leaving the machine. ``Visitor.check()`` does the same checks after an in-page
change (an htmx swap, a form coming back with errors). ``Visitor.submit`` asserts that a
form coming back with errors has focus on its error summary, ``Visitor.htmx_swap`` that focus
after the swap is on an element of the page, not dropped to <body>.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
# Headless comes from Playwright (headless=True); the rest keeps chromium quiet and local.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# Every page is checked at a phone's narrowest width (WCAG 1.4.10 reflow: 320 CSS px) and on a desktop.
WIDTHS = (320, 1280)
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artefacts" / "screenshots"
# True when the page scrolls sideways: the document is wider than the window.
_SIDEWAYS = r"""() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= window.innerWidth) { return null; }
  const wide = [...document.querySelectorAll("body *")].filter(el => {
    const r = el.getBoundingClientRect(); return r.right > window.innerWidth + 1 && r.width > 0;
  }).slice(-5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                     (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
                     " (" + Math.round(el.getBoundingClientRect().right) + "px)");
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, widest: wide};
}"""
# Where focus is: inside the error summary?
_FOCUS_IN_ERROR_SUMMARY = """() => {
  const summary = document.querySelector(".error-summary");
  return !!summary && (document.activeElement === summary || summary.contains(document.activeElement));
}"""
# What has focus, when it is a connected element other than <body> (else null).
_FOCUS_AFTER_SWAP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.isConnected) { return null; }
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
}"""
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_AXE = Axe()

# Focus is visible when the focused element has an outline or a focus ring (box-shadow).
_FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id || "", name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "", text: (el.innerText || el.value || "").trim().slice(0, 80),
    href: el.getAttribute("href") || "",
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
    shadow: s.boxShadow && s.boxShadow !== "none",
    visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length),
  };
}"""


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')} [{', '.join(v.get('tags', []))}]")
        for node in v.get("nodes", [])[:6]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"    {node.get('target')}: {summary}")
    return "\n".join(lines)


class BrowserCheckFailed(AssertionError):
    pass


class Visitor:
    """One person in one browser context (own cookies), JavaScript on or off."""

    def __init__(self, context, base_url: str, name: str = "anonym", javascript: bool = True):
        self.context = context
        self.base_url = base_url
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
        self.name = name
        self.javascript = javascript
        self.problems: list[str] = []
        self.checked: list[str] = []
        self._audit_context = None
        self._audit_page = None
        context.route("**/*", self._only_local)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.problems.append(f"script error: {err}"))

    # --- watchers ---------------------------------------------------------------------

    def _only_local(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.problems.append(f"request leaving the machine refused: {url}")
            route.abort()

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and "Failed to load resource" not in text:
            self.problems.append(f"console error: {text}")

    # --- navigation and checks ----------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/")) if not path.startswith("http") else path

    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def visit(self, path: str, status: int | tuple[int, ...] = 200, axe: bool = True):
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None, f"no response for {path}"
        wanted = status if isinstance(status, tuple) else (status,)
        assert response.status in wanted, f"{path}: HTTP {response.status}, expected {wanted}"
        self.check(axe=axe)
        return response

    def check(self, axe: bool = True, label: str = "") -> None:
        """The page as it is now, at 320 and at 1280 px: no CSP/script problems, no sideways
        scrolling, no axe violation (WCAG 2.2 A/AA and best practice)."""
        where = label or self.path
        if self.problems:
            found, self.problems = self.problems, []
            raise BrowserCheckFailed(f"{where} ({self.name}):\n" + "\n".join(found))
        if not axe:
            return
        # Narrowing the window can hide the focused element (a filter behind the phone's
        # disclosure), which moves focus to <body>; the check puts it back where it was.
        focused = self.page.evaluate_handle("() => document.activeElement")
        try:
            for width in WIDTHS:
                self.page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
                sideways = self.page.evaluate(_SIDEWAYS)
                if sideways:
                    raise BrowserCheckFailed(f"{where} scrolls sideways at {width} px ({self.name}): {sideways}")
                violations = self._axe_violations()
                if violations:
                    raise BrowserCheckFailed(
                        f"axe: {len(violations)} violation(s) on {where} at {width} px ({self.name}, "
                        f"JavaScript {'on' if self.javascript else 'off'}):\n{format_violations(violations)}")
            self.checked.append(where)
        finally:
            self.page.set_viewport_size(DESKTOP)
            self.page.evaluate("el => { if (el && el.isConnected && document.activeElement !== el) el.focus(); }",
                               focused)

    def assert_error_summary_focused(self) -> None:
        """After a failed form: focus is on the error summary and the title starts with "Feil:"."""
        assert self.page.evaluate(_FOCUS_IN_ERROR_SUMMARY), f"focus is not on the error summary on {self.path}"
        assert self.page.title().startswith(("Feil:", "Error:")), f"title without «Feil:»: {self.page.title()}"

    def screenshot(self, name: str) -> None:
        """Keep a full-page screenshot at each width in artefacts/screenshots/ for review."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            for width in WIDTHS:
                self.page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
                # caret="initial": hiding the caret would inject a style element, which the strict CSP reports.
                self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True, caret="initial")
        finally:
            self.page.set_viewport_size(DESKTOP)

    def _axe_violations(self) -> list[dict]:
        if self.javascript:
            return _AXE.run(self.page, options=AXE_OPTIONS).response["violations"]
        # With JavaScript off the page runs no timers, so axe (which needs them) cannot run
        # in it. Audit a faithful copy instead: the same DOM, same origin and stylesheets,
        # in a page whose own scripts are blocked (so it stays the no-JS page) and whose
        # <noscript> content is shown as it is to the person without JavaScript.
        html = self.page.content()
        html = re.sub(r"<noscript(\s[^>]*)?>", "<div data-was-noscript>", html, flags=re.I)
        html = re.sub(r"</noscript>", "</div>", html, flags=re.I)
        auditor = self._auditor()
        auditor.set_viewport_size(self.page.viewport_size)
        snapshot = self.origin + "/__axe-no-js-snapshot__"
        auditor.route(snapshot, lambda route: route.fulfill(status=200, body=html,
                                                          content_type="text/html; charset=utf-8"))
        try:
            auditor.goto(snapshot, wait_until="load")
            return _AXE.run(auditor, options=AXE_OPTIONS).response["violations"]
        finally:
            auditor.unroute(snapshot)

    def _auditor(self):
        if self._audit_page is None:
            context = self.context.browser.new_context(viewport=self.page.viewport_size, locale="nb-NO")

            def only_styles(route):
                request = route.request
                if request.resource_type == "script" or not request.url.startswith(self.origin + "/"):
                    route.abort()
                else:
                    route.continue_()

            context.route("**/*", only_styles)
            self._audit_context = context
            self._audit_page = context.new_page()
        return self._audit_page

    @contextmanager
    def htmx_swap(self, match: str | Callable = "") -> Iterator[None]:
        """Wait for the htmx request the block triggers, and for the swap to settle."""
        def is_htmx(response) -> bool:
            if response.request.headers.get("hx-request") != "true":
                return False
            return match(response) if callable(match) else match in response.url

        with self.page.expect_response(is_htmx) as info:
            yield
        assert info.value.status < 400, f"htmx request {info.value.url}: HTTP {info.value.status}"
        self.page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        # Focus after every swap lands on a sensible element (static/js/app.js), never on <body> (issue 16).
        focused = self.page.evaluate(_FOCUS_AFTER_SWAP)
        assert focused, f"focus dropped to <body> after the htmx swap of {info.value.url} on {self.path}"

    def submit(self, button, expect_status: int | tuple[int, ...] = (200,), axe: bool = True):
        """Click a submit button of a normal form and check the page it leads to."""
        with self.page.expect_navigation(wait_until="load") as nav:
            button.click()
        response = nav.value
        wanted = expect_status if isinstance(expect_status, tuple) else (expect_status,)
        if response is not None:
            assert response.status in wanted, f"{self.path}: HTTP {response.status}, expected {wanted}"
        if self.page.locator(".error-summary").count():
            self.assert_error_summary_focused()
        self.check(axe=axe)
        return response

    def confirm(self, expect_status: int | tuple[int, ...] = (200,), axe: bool = True):
        """The check step of a formal action ("Sjekk før du sender"): look, then press the confirm button."""
        heading = self.page.locator("h1")
        assert heading.inner_text().strip() == "Sjekk før du sender", f"{self.path}: no check step"
        return self.submit(self.page.locator(".check-step form button[type=submit]"), expect_status, axe=axe)

    # --- logging in, as a person does -----------------------------------------------------

    def login(self, person_key: str, orgnr: str | None = None, start: str = "/") -> None:
        """The real OIDC round trip: "Logg inn" → the provider's pick → back, logged in."""
        if self.path != start:
            self.visit(start)
        with self.page.expect_navigation(url="**/testid/authorize**", wait_until="load"):
            self.page.get_by_role("link", name="Logg inn").first.click()
        self.check(label="the provider's login page")
        self.page.locator(f'input[name="person"][value="{person_key}"]').check()
        if orgnr:
            self.page.locator(f'input[name="organisasjon"][value="{orgnr}"]').check()
        with self.page.expect_navigation(url=lambda u: "/testid/" not in u and "/login" not in u,
                                         wait_until="load"):
            self.page.locator('button[name="handling"][value="logg-inn"]').click()
        self.check(label=f"after login as {person_key}")
        assert self.page.locator(".account .who").count() == 1, "not logged in after the round trip"
        for cookie in self.context.cookies():
            # Every cookie of the site: out of reach of scripts, and not sent on cross-site posts.
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie["name"]

    # --- keyboard -----------------------------------------------------------------------

    def focused(self) -> dict | None:
        return self.page.evaluate(_FOCUS_STYLE)

    def tab_until(self, wanted: Callable[[dict], bool], limit: int = 250, key: str = "Tab") -> dict:
        """Press Tab until the focused element satisfies *wanted*; every stop must show focus."""
        for _ in range(limit):
            self.page.keyboard.press(key)
            now = self.focused()
            if now is None:
                continue
            assert now["visible"], f"focus on an invisible element: {now}"
            assert now["outline"] or now["shadow"], f"focus is not visible on {now}"
            if wanted(now):
                return now
        raise BrowserCheckFailed(f"{key} never reached the wanted element on {self.path}")

    # --- evidence -----------------------------------------------------------------------

    def save_artefacts(self, folder: Path, prefix: str) -> None:
        try:
            if self.page.is_closed():
                return
            self.page.screenshot(path=str(folder / f"{prefix}.png"), full_page=True)
            (folder / f"{prefix}.html").write_text(self.page.content(), encoding="utf-8")
            (folder / f"{prefix}.txt").write_text(
                json.dumps({"url": self.page.url, "javascript": self.javascript, "problems": self.problems,
                            "checked": self.checked}, indent=2, ensure_ascii=False), encoding="utf-8")
        except Exception as exc:  # evidence is best effort; never hide the real failure
            (folder / f"{prefix}.error.txt").write_text(repr(exc), encoding="utf-8")

    def close(self) -> None:
        for context in (self.context, self._audit_context):
            try:
                if context is not None:
                    context.close()
            except Exception:
                pass
