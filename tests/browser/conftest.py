"""The real-browser suite: Playwright driving Debian's chromium against a real server.

* ``live_server`` serves one app (its own copy of the seeded database) with a real
  threaded WSGI server on 127.0.0.1:<free port>; PUBLIC_BASE_URL and OIDC_ISSUER point at
  it, so logging in is the real OpenID Connect round trip against the built-in provider.
* ``browser`` is /usr/bin/chromium (installed by ``make browser-deps``; Playwright never
  downloads a browser here).
* ``pages`` opens pages in fresh contexts (one cookie jar per person, JavaScript on or
  off); every page is watched for CSP violations, script errors and requests leaving the
  machine, and ``Visitor.visit`` runs axe-core (WCAG 2.1 A + AA) on each page it opens.
* When a test fails, a screenshot and the HTML of every page it had open are kept in
  ``artefacts/<test name>/``.
"""
from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest

from marketplace.config import PROJECT_ROOT
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, Visitor
from tests.conftest import make_app
from tests.databases import drop_database, new_database

ARTEFACTS = PROJECT_ROOT / "artefacts"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class LiveServer:
    """A real threaded WSGI server for *app*, created once the port is known."""

    def __init__(self, make):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code="-", size="-"):  # only errors are worth a line
                if str(code).startswith("5"):
                    super().log_request(code, size)

        self.app = None
        # Bind first (port 0 = any free port), then build the app with its own address in
        # its configuration: the OIDC issuer and redirect URIs must name the real port.
        self._server = make_server("127.0.0.1", 0, self._dispatch, threaded=True,
                                   request_handler=QuietHandler)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = make(self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@pytest.fixture(scope="session")
def live_server(template_db, tmp_path_factory):
    """The app over its own copy of the seeded database, served over real HTTP."""
    tmp = tmp_path_factory.mktemp("live")
    url = new_database(tmp, template=template_db)
    instance = tmp / "instance"

    def make(base_url: str):
        return make_app(url, instance, PUBLIC_BASE_URL=base_url, OIDC_ISSUER=f"{base_url}/testid",
                        PREFERRED_URL_SCHEME="http")

    server = LiveServer(make).start()
    yield server
    server.stop()
    server.app.extensions["db_engine"].dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    # launch() gives every run a fresh temporary profile (user-data-dir) of its own.
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


class Pages:
    """Opens visitors (a page in a fresh context) and remembers them for the artefacts."""

    def __init__(self, browser, server: LiveServer):
        self._browser = browser
        self.server = server
        self.visitors: list[Visitor] = []

    def open(self, name: str = "anonym", javascript: bool = True) -> Visitor:
        context = self._browser.new_context(java_script_enabled=javascript, locale="nb-NO",
                                            viewport={"width": 1280, "height": 900})
        visitor = Visitor(context, self.server.url, name=name, javascript=javascript)
        self.visitors.append(visitor)
        return visitor

    def close(self) -> None:
        for visitor in self.visitors:
            visitor.close()


def _artefact_dir(item) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    return ARTEFACTS / name


@pytest.fixture
def pages(request, browser, live_server):
    opened = Pages(browser, live_server)
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = _artefact_dir(request.node)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        for n, visitor in enumerate(opened.visitors, 1):
            visitor.save_artefacts(folder, f"{n:02d}-{visitor.name}")
    opened.close()
