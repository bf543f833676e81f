"""The real-browser suite: Playwright driving Debian's chromium against a real server.

* ``site_server`` serves one app (its own copy of the seeded database) with a real
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

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from marketplace.config import PROJECT_ROOT
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, Visitor
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import LiveServer, live_app_config, share_signing_key
from tests.search_fixtures import install_index

ARTEFACTS = PROJECT_ROOT / "artefacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def site_server(template_db, search_template, tmp_path_factory):
    """The seeded app (own database copy, own search index) over real HTTP, with its indexer.

    The web server is ``tests.login.LiveServer`` (a threaded werkzeug server on a free
    port); the indexer is the real ``flask index follow`` process, so a service approved in
    a journey becomes searchable the way it does in production.
    """
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # one line per request is noise here
    tmp = tmp_path_factory.mktemp("live")
    url = new_database(tmp, template=template_db)
    instance = tmp / "instance"
    server = LiveServer(lambda base: make_app(url, instance, **live_app_config(base)))
    share_signing_key(server.app)
    install_index(search_template, server.app.config["INDEX_DIR"])
    # The demo documents (real small PDFs) as `make run` has them, in this site's own upload folder.
    from sqlmodel import Session

    from seed.documents import attach_demo_documents

    with Session(server.app.extensions["db_engine"]) as session:
        attach_demo_documents(session, server.app.config["UPLOAD_DIR"])
        session.commit()
    env = {**os.environ, "DATABASE_URL": url, "MARKETPLACE_INSTANCE": str(instance),
           "INDEX_DIR": server.app.config["INDEX_DIR"], "SECRET_KEY": "browser-indexer", "PYTHONUNBUFFERED": "1"}
    log = open(tmp / "indexer.log", "w")
    indexer = subprocess.Popen([str(PROJECT_ROOT / ".venv" / "bin" / "flask"), "--app", "marketplace", "index",
                                "follow", "--no-build", "--interval", "0.2", "--gap-grace", "2"],
                               cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server.indexer_log = tmp / "indexer.log"
    yield server
    indexer.terminate()
    try:
        indexer.wait(timeout=15)
    except subprocess.TimeoutExpired:
        indexer.kill()
    log.close()
    server.stop()
    server.app.extensions["db_engine"].dispose()
    drop_database(url)
    werkzeug_log.setLevel(werkzeug_level)


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

    def __init__(self, browser, server):
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


def keep_evidence(request, opened: Pages) -> None:
    """After a failed test: a screenshot and the HTML of every page it had open, in artefacts/<test>/."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = _artefact_dir(request.node)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        for n, visitor in enumerate(opened.visitors, 1):
            visitor.save_artefacts(folder, f"{n:02d}-{visitor.name}")


@pytest.fixture
def pages(request, browser, site_server):
    opened = Pages(browser, site_server)
    yield opened
    keep_evidence(request, opened)
    opened.close()


HAVBRIS = "999906087"  # Havbris Teknologi AS: in the test IdP and the register, not in the demo data


def free_orgnr(site, orgnr: str) -> None:
    """Make *orgnr* unregistered on the shared site again: a supplier holding it moves to a number of its own.

    Rows that refer to it (services, applications, audit events) stay valid; only the organisation
    number (and slug) change, so a test that registers the company starts as if nobody had.
    """
    from sqlmodel import Session, select

    from catalogue.models import Supplier

    with Session(site.app.extensions["db_engine"]) as s:
        for supplier in s.exec(select(Supplier).where(Supplier.orgnr == orgnr)).all():
            supplier.orgnr, supplier.slug = f"{supplier.id:09d}", f"{supplier.slug}-{supplier.id}"
            s.add(supplier)
        s.commit()


@pytest.fixture
def havbris_unregistered(site_server) -> str:
    """Havbris Teknologi AS not registered on the live site, whatever an earlier test did."""
    free_orgnr(site_server, HAVBRIS)
    return HAVBRIS


@pytest.fixture
def mail(site_server):
    """A real SMTP server (the development mail catcher) for the live site's dispatcher."""
    from marketplace.mailcatcher import Catcher

    app = site_server.app
    saved = {k: app.config.get(k) for k in ("SMTP_URL", "NOTIFY_RETRY_SECONDS")}
    with Catcher() as catcher:
        app.config.update(SMTP_URL=catcher.url, NOTIFY_RETRY_SECONDS=0.0)
        yield catcher
    app.config.update(saved)
