"""Issue 16's Done-when for the pages the journeys do not walk through: every page of the site, visited
as the person who uses it, checked at 320 and 1280 px for sideways scrolling and with axe (WCAG 2.2
A/AA and best practice), with JavaScript on – and the main public pages also with it off.

The sweep has a site of its own (its own database copy, search index and live server): the rows it
needs – competitions in every state, contracts, a frozen list, a declaration request, a register
alert, notifications – are made through the domain by ``tests.security_support.make_objects`` (the
authorization matrix's world), so nothing here depends on what another browser test did. Each test
collects every failing page before it fails, so one run lists all that is wrong.

Screenshots of the supplier form and the audit log at both widths go to artefacts/screenshots/.
"""
from __future__ import annotations

import logging
import re

import pytest
from sqlmodel import Session

from catalogue.terms import TERMS
from tests.browser.support import BrowserCheckFailed
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import LiveServer, live_app_config, login, prepare
from tests.search_fixtures import install_index
from tests.security_support import IDENTITIES, World, make_objects

pytestmark = pytest.mark.browser

INFO = ["/tilgjengelighet", "/personvern", "/informasjonskapsler", "/kontakt", "/om", "/api-dokumentasjon",
        "/bli-leverandor"]

# role → the pages that person uses ("@key" is an object of the sweep's world). (path, HTTP status)
PAGES: dict[str, list[str | tuple[str, int]]] = {
    "anonymous": [
        "/", "/kategorier/@category_slug", "/tjeneste/@published_a", "/leverandorer", "/leverandorer/@supplier_slug",
        "/tjenester?q=lagring", "/tjenester?q=lagring&sorter=pris", "/sammenlign?id=@published_a&id=@published_b",
        "/dps", "/dps/@dps_slug", "/dps/@dps_slug/kvalifiserte?dato=2025-06-30", *INFO,
        "/veiledning", "/veiledning/ordliste", "/veiledning/@article_slug", "/marked", "/avtaler",
        "/konkurranser/", "/konkurranser/@competition", "/konkurranser/@competition_closed",
        "/konkurranser/@competition_awarded", "/varsler/adresser/bekreft/ugyldig", "/varsler/avmeld/ugyldig",
        ("/tjeneste/@removed", 410), ("/finnes-ikke", 404),
    ],
    "buyer": [
        "/innkjop/", "/innkjop/lister/@shortlist", "/innkjop/lister/@frozen_shortlist", "/innkjop/lagre?q=lagring",
        "/innkjop/lister/@frozen_shortlist/tjenester/@published_a/velg-bort",
        "/innkjop/avtaler/", "/innkjop/avtaler/@contract", "/innkjop/avtaler/@contract_signed",
        "/innkjop/avtaler/@contract_active", "/innkjop/avtaler/@contract_signed/bilag-10",
        "/innkjop/avtaler/ny/@frozen_shortlist/@published_a", "/innkjop/avtaler/fra-konkurranse/@competition_ready",
        "/konkurranser/ny", "/konkurranser/@competition_draft", "/konkurranser/@competition_draft/rediger",
        "/konkurranser/@competition", "/konkurranser/@competition/endre", "/konkurranser/@competition/avlys",
        "/konkurranser/@competition/sporsmal", "/konkurranser/@competition_opened/evaluering",
        "/konkurranser/@competition_opened/evaluering/@tender_opened_a", "/konkurranser/@competition_opened/protokoll",
        "/konkurranser/@competition_awarded", "/varsler", "/varsler/adresser", "/varsler/innstillinger",
        "/min-innlogging",
    ],
    "supplier_a": [
        "/leverandor/", "/leverandor/firma", "/leverandor/egenerklaering", "/leverandor/omsetning",
        "/leverandor/dps/@dps_slug/soknad", "/leverandor/soknader/@application_a", "/leverandor/tjenester/ny",
        "/leverandor/tjenester/@draft_a", "/leverandor/tjenester/@draft_a/rediger",
        "/leverandor/tjenester/@submitted_a", "/leverandor/tjenester/@published_a",
        "/leverandor/tjenester/@published_a/versjoner",
        "/leverandor/tjenester/@published_a/fjern", "/konkurranser/@competition", "/konkurranser/@competition/tilbud",
        "/konkurranser/@competition/sporsmal", "/innkjop/avtaler/", "/innkjop/avtaler/@contract_signed",
        "/varsler", "/varsler/adresser", "/varsler/innstillinger",
    ],
    "manager": [
        "/forvaltning/", "/forvaltning/soknader", "/forvaltning/soknader/@application_a", "/forvaltning/tjenester",
        "/forvaltning/tjenester/@submitted_a", "/forvaltning/tjenester/@published_a/versjoner",
        "/forvaltning/dps/ny", "/forvaltning/dps/@dps_slug", "/forvaltning/egenerklaeringer",
        "/forvaltning/egenerklaeringer/@declaration_request", "/forvaltning/registervarsler/",
        "/forvaltning/registervarsler/@register_alert", "/forvaltning/oppfolging", "/forvaltning/logg",
        "/forvaltning/veiledning", "/forvaltning/veiledning/ny", "/forvaltning/veiledning/@article_slug/rediger",
        "/forvaltning/veiledning/@article_slug/versjoner", "/forvaltning/veiledning/@article_slug/versjoner/1",
        "/konkurranser/oversikt", "/konkurranser/@competition_opened/evaluering",
        "/konkurranser/@competition_opened/protokoll", "/innkjop/avtaler/", "/innkjop/avtaler/@contract_signed",
        "/innkjop/lister/@shortlist", "/varsler", "/varsler/feilet",
    ],
}
# Without JavaScript (filters, compare and forms work as plain HTML): the public pages and the forms.
NO_JS = {
    "anonymous": ["/", "/tjenester?q=lagring", "/tjeneste/@published_a", "/sammenlign?id=@published_a&id=@published_b",
                  "/marked", "/konkurranser/@competition", *INFO],
    "supplier_a": ["/leverandor/tjenester/@draft_a/rediger", "/leverandor/firma", "/leverandor/egenerklaering"],
    "manager": ["/forvaltning/logg", "/forvaltning/dps/@dps_slug"],
}


@pytest.fixture(scope="module")
def sweep_site(template_db, search_template, tmp_path_factory):
    """A live site of the sweep's own with the matrix world's objects (module-wide: it only reads)."""
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # one line per request is noise here
    tmp = tmp_path_factory.mktemp("sweep")
    url = new_database(tmp, template=template_db)
    server = LiveServer(lambda base: make_app(url, tmp / "instance", **live_app_config(base)))
    app = server.app
    prepare(app)
    install_index(search_template, app.config["INDEX_DIR"])
    from seed.documents import attach_demo_documents

    with Session(app.extensions["db_engine"]) as session:
        attach_demo_documents(session, app.config["UPLOAD_DIR"])
        session.commit()
    world = World(app=app, url=url)
    for identity, person in IDENTITIES.items():  # as the matrix: everyone has logged in once (members exist)
        client = app.test_client()
        if person is not None:
            login(client, *person)
        world.clients[identity] = client
    server.objects = make_objects(world)
    yield server
    server.stop()
    app.extensions["db_engine"].dispose()
    drop_database(url)
    werkzeug_log.setLevel(werkzeug_level)


@pytest.fixture
def sweep_pages(browser, sweep_site, request):
    from tests.browser.conftest import Pages, keep_evidence

    opened = Pages(browser, sweep_site)
    yield opened
    keep_evidence(request, opened)
    opened.close()


def _path(path: str, objects: dict) -> str:
    """*path* with each "@key" replaced by that object of the sweep's world."""
    def value(match: re.Match) -> str:
        found = objects[match.group(1)]
        assert found is not None, f"no object for {match.group()}"
        return str(found)

    return re.sub(r"@(\w+)", value, path)


def _sweep(pages, site, role: str, paths, javascript: bool = True) -> list[str]:
    """Visit every page as *role*; returns the problems found (empty when all pages pass)."""
    v = pages.open(f"{role}-{'js' if javascript else 'nojs'}", javascript=javascript)
    identity = IDENTITIES[role]
    if identity is not None:
        v.login(*identity)
    problems = []
    for entry in paths:
        path, status = (entry, 200) if isinstance(entry, str) else entry
        url = _path(path, site.objects)
        try:
            v.visit(url, status=status)
        except (BrowserCheckFailed, AssertionError) as failure:
            problems.append(f"{url}: {failure}")
    assert len(v.checked) + len(problems) >= len(paths)
    return problems


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_reflows_and_passes_axe(sweep_pages, sweep_site, role):
    problems = _sweep(sweep_pages, sweep_site, role, PAGES[role])
    assert not problems, f"{len(problems)} of {len(PAGES[role])} pages fail for {role}:\n\n" + "\n\n".join(problems)


@pytest.mark.parametrize("role", list(NO_JS))
def test_pages_without_javascript(sweep_pages, sweep_site, role):
    problems = _sweep(sweep_pages, sweep_site, role, NO_JS[role], javascript=False)
    assert not problems, f"{len(problems)} pages fail without JavaScript for {role}:\n\n" + "\n\n".join(problems)


# The smallest text of the charts as drawn on the screen (font size × the drawing's scale).
_SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll("svg.chart")].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => parseFloat(t.getAttribute("font-size") || "16") * scale);
}))"""


def test_the_smaller_items_of_the_issue(sweep_pages, sweep_site):
    """Issue 16's "Smaller" list, checked where a person meets it."""
    objects = sweep_site.objects
    v = sweep_pages.open("anonym")
    # Chart text stays readable on a phone (the chart scrolls in its own box instead of shrinking).
    v.visit("/marked")
    for width in (320, 1280):
        v.page.set_viewport_size({"width": width, "height": 800})
        assert v.page.evaluate(_SMALLEST_CHART_TEXT) >= 12, width
    v.page.set_viewport_size({"width": 1280, "height": 900})
    v.screenshot("markedsoversikt")
    # Search hits show the terms the buyer filtered on; the guidance comes after the services.
    v.visit("/tjenester?q=lagring&governing_law=norge")
    hits = v.page.locator(".search-hit")
    assert hits.count() > 0
    law = TERMS["governing_law"]
    wanted = f"{law.short_label()}: {law.choice_label('norge')}"
    for text in hits.locator(".hit-terms").all_inner_texts():
        assert wanted in text, text
    assert hits.count() == v.page.locator(".search-hit .hit-terms").count()
    assert v.page.evaluate("""() => { const a = document.querySelector('.article-hits');
        return !a || !!(document.querySelector('.search-hit-list').compareDocumentPosition(a)
                        & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    # Supplier text is marked as Norwegian on English pages.
    compare = _path("/sammenlign?id=@published_a&id=@published_b", objects)
    v.visit(compare + "&lang=en")
    assert v.page.locator("html").get_attribute("lang") == "en"
    names = v.page.locator("th.service-col > a[href^='/tjeneste/']")
    assert names.count() == 2 and all(lang == "nb" for lang in names.evaluate_all("els => els.map(e => e.lang)"))
    v.visit(_path("/tjeneste/@published_a", objects))
    assert v.page.locator("h1").get_attribute("lang") == "nb"
    v.visit(compare + "&lang=nb")
    # "Kopier lenken" is offered only where it works: with JavaScript, and it copies.
    copy = v.page.get_by_role("button", name="Kopier lenken")
    assert copy.is_visible()
    without = sweep_pages.open("uten-js", javascript=False)
    without.visit(compare)
    assert without.page.locator("[data-copy-target]").count() == 1
    assert not without.page.locator("[data-copy-target]").is_visible()
    assert without.page.locator("#delingslenke").is_visible()  # the link itself is there to copy by hand


def test_screenshots_of_the_supplier_form_and_the_audit_log(sweep_pages, sweep_site):
    """The two screenshots the issue asks for that need a login (artefacts/screenshots/)."""
    supplier = sweep_pages.open("leverandor")
    supplier.login(*IDENTITIES["supplier_a"])
    supplier.visit(_path("/leverandor/tjenester/@draft_a/rediger", sweep_site.objects))
    supplier.screenshot("leverandorskjema")
    manager = sweep_pages.open("forvalter")
    manager.login(*IDENTITIES["manager"])
    manager.visit("/forvaltning/logg")
    manager.screenshot("revisjonslogg")
    from tests.browser.support import SCREENSHOTS, WIDTHS

    for name in ("leverandorskjema", "revisjonslogg"):
        for width in WIDTHS:
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 10_000, (name, width)


def test_focus_after_the_supplier_forms_htmx_swaps(sweep_pages, sweep_site):
    """Each htmx swap of the listing form leaves focus where the person goes on (``Visitor.htmx_swap``
    asserts it is not <body>), and precisely: a new row's first cell, a section's error summary."""
    v = sweep_pages.open("leverandor")
    v.login(*IDENTITIES["supplier_a"])
    v.visit(_path("/leverandor/tjenester/@draft_a/rediger", sweep_site.objects))
    page = v.page
    # "Legg til rad": focus in the first cell of the row just added.
    rows = page.locator("#terms-unit_prices-rows tr")
    before = rows.count()
    page.locator("#terms-unit_prices-add").focus()
    with v.htmx_swap("/leverandor/tjenester/rad/"):
        page.keyboard.press("Enter")
    assert rows.count() == before + 1
    focused = v.focused()
    assert focused and focused["name"] == f"terms-unit_prices-{before}-item", focused
    v.check(label="a unit-price row added")
    # A field checked on change: the answer is swapped in, focus stays with the person.
    page.locator("#terms-price_from").fill("mange kroner")
    with v.htmx_swap("/leverandor/tjenester/felt/"):
        page.locator("#terms-price_from").press("Tab")
    assert page.locator("#terms-price_from-wrap .error-message, #terms-price_from-wrap .field-error").count()
    v.check(label="a field answered on change")
    # A section saved on its own with an error: focus on that section's error summary.
    name = page.locator("[name='service-name']")
    name.fill("")
    section = name.locator("xpath=ancestor::section[contains(@class, 'form-section')]")
    with v.htmx_swap("/seksjon/"):
        section.locator(".section-actions button").click()
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')"), v.focused()
    v.check(label="a section saved with an error")
