"""Journeys (b)–(e) in a real browser, one story in order on one live site.

(b) A supplier's person logs in for an unregistered company, registers it, applies for
    qualification in the DPS; (c) the contract manager qualifies it; (b) the supplier creates
    a service under the DPS and submits it; (c) the manager approves it and reads the audit
    log; (d) the supplier sees it published and a buyer finds it by search (the real indexer
    process picks the change up); (e) the buyer compares, saves and freezes a shortlist and
    downloads the exports, whose content is checked.
Every page on the way is checked by ``Visitor`` (axe WCAG 2.1 A/AA, CSP, script errors).
"""
from __future__ import annotations

import csv
import io
import re
import time

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from catalogue.models import DPS, AuditEvent, Category, QualificationApplication, Service, Supplier
from catalogue.workdays import oslo_today
from tests.pdf import make_pdf
from tests.test_listing_forms import demo_content, form_data

pytestmark = pytest.mark.browser

HAVBRIS = "999906087"
SERVICE_NAME = "Havbris Skyservere Nettleser"
STORY: dict = {}


def _db(site):
    return Session(site.app.extensions["db_engine"])


def _needs(*keys):
    missing = [k for k in keys if k not in STORY]
    if missing:
        pytest.fail(f"an earlier step of the story did not finish: {missing}")


def fill(page, pairs) -> None:
    """Fill a generated form from (name, value) pairs the way a person would, field by field."""
    for name, value in pairs:
        if name.endswith("-count"):
            continue  # kept by the form itself as rows are added
        row = re.match(r"(.+)-(\d+)-[a-z_]+$", name)
        if row:
            while page.locator(f'[name="{name}"]').count() == 0:
                group = row.group(1)
                with page.expect_response(lambda r: "/leverandor/tjenester/rad/" in r.url):
                    page.locator(f'button[hx-get*="/rad/"][hx-include="#{group}-count"]').click()
        field = page.locator(f'[name="{name}"]')
        if field.count() == 0:
            raise AssertionError(f"the form has no field {name}")
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.getAttribute('type') || '')")
        if kind in ("input:radio", "input:checkbox"):
            if value not in ("", None):
                page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind.startswith("select"):
            field.select_option(str(value))
        elif kind == "input:hidden":
            continue
        else:
            field.fill(str(value))


def test_b1_supplier_registers_the_company_and_applies(pages, site_server):
    with _db(site_server) as s:
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        compute = s.exec(select(Category).where(Category.slug == "beregning")).one()
        sub = s.exec(select(Category).where(Category.parent_id == compute.id).order_by(Category.position)).first()
    STORY.update(dps_id=dps.id, dps_slug=dps.slug, compute_id=compute.id, sub_id=sub.id)

    v = pages.open("leverandor")
    v.visit("/")
    v.login("leverandor-fjordsky", HAVBRIS)
    v.visit("/leverandor/")
    v.submit(v.page.get_by_role("link", name=re.compile("Registrer selskapet")).first)
    expect(v.page.locator("#company-orgnr")).to_have_value(HAVBRIS)
    v.submit(v.page.get_by_role("button", name="Hent opplysninger"))
    expect(v.page.locator("main")).to_contain_text("Havbris Teknologi AS")
    v.page.locator("[name='company-website']").fill("https://havbris.example")
    v.submit(v.page.get_by_role("button", name=re.compile("Registrer Havbris")))
    expect(v.page.locator("main")).to_contain_text("Havbris Teknologi AS")

    v.visit(f"/leverandor/dps/{dps.slug}/soknad")
    page = v.page
    page.locator(f"input[name='application-categories'][value='{compute.id}']").check()
    fill(page, [("decl-no_exclusion_grounds", "ja"), ("decl-hms_confirmed", "ja"),
                ("decl-hms_description", "HMS-system etter ISO 45001."), ("decl-financial_confirmed", "ja"),
                ("decl-financial_description", "Omsetning 40 MNOK, egenkapitalandel 35 %."),
                ("decl-tax_certificate_issued", oslo_today().isoformat())])
    page.locator("#decl-tax_certificate").set_input_files(
        {"name": "skatteattest.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Skatteattest Havbris")})
    v.submit(page.get_by_role("button", name="Send søknaden"))
    expect(page.locator("main")).to_contain_text("Til behandling")
    with _db(site_server) as s:
        havbris = s.exec(select(Supplier).where(Supplier.orgnr == HAVBRIS)).one()
        application = s.exec(select(QualificationApplication).where(
            QualificationApplication.supplier_id == havbris.id)).one()
        assert application.status == "submitted"
    STORY.update(supplier_id=havbris.id, application_id=application.id)


def test_c1_manager_qualifies_the_supplier(pages):
    _needs("application_id")
    m = pages.open("avtaleforvalter")
    m.visit("/")
    m.login("avtaleforvalter")
    m.visit("/forvaltning/soknader")
    m.submit(m.page.get_by_role("link", name=re.compile("Havbris Teknologi AS")).first)
    m.page.locator(f"input[name='decision-{STORY['compute_id']}'][value='qualified']").check()
    m.page.locator(f"[name='reason-{STORY['compute_id']}']").fill("Oppfyller kravene.")
    m.submit(m.page.get_by_role("button", name="Registrer vedtak"))
    # The check step before the formal decision (issue 16), then the decision itself.
    expect(m.page.locator("h1")).to_have_text("Sjekk før du sender")
    assert m.page.title().startswith("Sjekk før du sender")
    m.submit(m.page.get_by_role("button", name="Registrer vedtak"))
    m.visit(f"/dps/{STORY['dps_slug']}")
    expect(m.page.locator("main")).to_contain_text("Havbris Teknologi AS")
    STORY["qualified"] = True


def test_b2_supplier_creates_and_submits_a_service(pages, site_server):
    _needs("qualified")
    with _db(site_server) as s:
        content = demo_content(s)
    content.update(name=SERVICE_NAME, category_id=STORY["sub_id"], dps_id=STORY["dps_id"])
    v = pages.open("leverandor")
    v.visit("/")
    v.login("leverandor-fjordsky", HAVBRIS)
    v.visit("/leverandor/")
    v.submit(v.page.get_by_role("link", name=re.compile("Ny tjeneste")).first)
    assert v.path == "/leverandor/tjenester/ny"
    fill(v.page, list(form_data(content).items(multi=True)))
    v.page.locator("[name='service-doc-terms']").set_input_files(
        {"name": "vilkar.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Standardvilkår Havbris")})
    v.check(label="the filled listing form")
    v.screenshot("leverandorskjema")
    v.submit(v.page.locator("button[name=action][value=submit]"))
    with _db(site_server) as s:
        service = s.exec(select(Service).where(Service.supplier_id == STORY["supplier_id"])).one()
        assert service.status == "submitted" and service.name == SERVICE_NAME
    STORY["service_id"] = service.id
    expect(v.page.locator("main")).to_contain_text(SERVICE_NAME)


def test_c2_manager_approves_the_service_and_reads_the_audit_log(pages, site_server):
    _needs("service_id")
    m = pages.open("avtaleforvalter")
    m.visit("/")
    m.login("avtaleforvalter")
    m.visit("/forvaltning/tjenester")
    m.submit(m.page.get_by_role("link", name=re.compile(SERVICE_NAME)).first)
    m.submit(m.page.get_by_role("button", name="Godkjenn og publiser"))
    expect(m.page.locator("main")).to_contain_text("Sjekk før du sender")
    m.submit(m.page.get_by_role("button", name="Bekreft og send"))
    m.visit(f"/forvaltning/logg?leverandor={STORY['supplier_id']}")
    log = m.page.locator("main")
    for action in ("supplier.registered", "service.published"):
        with _db(site_server) as s:
            assert s.exec(select(AuditEvent).where(AuditEvent.supplier_id == STORY["supplier_id"],
                                                   AuditEvent.action == action)).first() is not None, action
    expect(log).to_contain_text("Havbris Teknologi AS")
    assert m.page.locator("main .audit-event").count() >= 5
    # In words, with organisations by name (issue 16).
    expect(log).to_contain_text("Tjeneste godkjent og publisert")
    assert "0192:" not in log.inner_text()
    m.screenshot("revisjonslogg")
    STORY["published"] = True


def test_d_supplier_sees_it_published_and_a_buyer_finds_it(pages, site_server):
    _needs("published")
    v = pages.open("leverandor")
    v.visit("/")
    v.login("leverandor-fjordsky", HAVBRIS)
    v.visit("/leverandor/")
    row = v.page.locator("main tr", has_text=SERVICE_NAME)
    expect(row).to_contain_text("Publisert")
    v.visit(f"/tjeneste/{STORY['service_id']}")
    expect(v.page.locator("h1")).to_contain_text(SERVICE_NAME)

    b = pages.open("innkjoper")
    b.visit("/")
    b.login("kommune-innkjoper")
    # The indexer process follows the change log; the new service shows up within seconds.
    deadline = time.monotonic() + 20
    while True:
        b.visit("/tjenester?q=Havbris")
        if b.page.locator(".search-hit", has_text=SERVICE_NAME).count():
            break
        assert time.monotonic() < deadline, f"not searchable in time; indexer log:\n" \
                                            f"{site_server.indexer_log.read_text()[-2000:]}"
        time.sleep(0.5)
    hit = b.page.locator(".search-hit", has_text=SERVICE_NAME)
    b.submit(hit.locator("h3 a"))
    assert b.path == f"/tjeneste/{STORY['service_id']}"
    STORY["found"] = True


def _download(visitor, link) -> tuple[str, bytes, dict]:
    with visitor.page.expect_download() as info:
        link.click()
    download = info.value
    body = open(download.path(), "rb").read()
    return download.suggested_filename, body, {}


def test_e_buyer_compares_saves_freezes_and_exports(pages, site_server):
    _needs("found")
    b = pages.open("innkjoper")
    b.visit("/")
    b.login("kommune-innkjoper")
    b.visit("/tjenester?q=Havbris")
    hits = b.page.locator(".search-hit")
    assert hits.count() >= 1
    # Compare the new service with another one from a second search.
    with b.htmx_swap("/sammenlign/kurv"):
        b.page.locator(".search-hit", has_text=SERVICE_NAME).locator("form.compare-button button").click()
    b.visit("/tjenester?q=objektlagring")
    with b.htmx_swap("/sammenlign/kurv"):
        b.page.locator(".search-hit form.compare-button button").first.click()
    b.submit(b.page.locator("#sammenligningskurv a.button"))
    expect(b.page.locator("main table").first).to_contain_text(SERVICE_NAME)
    name, body, _ = _download(b, b.page.get_by_role("link", name=re.compile("CSV")).first)
    assert name.endswith(".csv")
    text = body.decode("utf-8-sig")
    assert SERVICE_NAME in text and "Havbris Teknologi AS" in text

    # Save the search in a shortlist, freeze it, export it.
    b.visit("/innkjop/lagre?q=Havbris")
    b.page.locator("#navn").fill("Skyservere til sak 2026/42")
    b.submit(b.page.get_by_role("button", name="Lagre søket"))
    expect(b.page.locator("h1")).to_contain_text("Skyservere til sak 2026/42")
    b.submit(b.page.get_by_role("button", name="Frys listen nå"))
    expect(b.page.locator("h1")).to_have_text("Sjekk før du sender")
    b.submit(b.page.get_by_role("button", name="Frys listen nå"))
    expect(b.page.locator("main")).to_contain_text("Frosset")
    name, body, _ = _download(b, b.page.get_by_role("link", name="Last ned som CSV"))
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    flat = "\n".join(";".join(r) for r in rows)
    assert SERVICE_NAME in flat and HAVBRIS in flat.replace(" ", "")
    assert "Havbris" in flat  # the query is in the header rows
    name, body, _ = _download(b, b.page.get_by_role("link", name=re.compile("ODS")))
    assert name.endswith(".ods") and body[:2] == b"PK"
    from odf.opendocument import load
    from odf.table import Table
    from odf import teletype
    from odf.text import P

    doc = load(io.BytesIO(body))
    cells = " ".join(teletype.extractText(p) for t in doc.spreadsheet.getElementsByType(Table)
                     for p in t.getElementsByType(P))
    assert SERVICE_NAME in cells
    with _db(site_server) as s:
        exports = s.exec(select(AuditEvent).where(AuditEvent.action.in_(["shortlist.exported",
                                                                        "comparison.exported"]))).all()
        assert len(exports) >= 3
