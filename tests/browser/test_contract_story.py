"""A contract in a real browser, with the real login, JavaScript on and off.

The buyer (Fjellvik kommune) opens a frozen shortlist and makes a direct call-off of a
Fjordsky service: above the threshold it is refused at the field, below it the draft contract
is made; the buyer downloads Bilag 10 (the test opens the ODT and finds every term of that
version with its value), and records the signature with the signed PDF. Fjordsky then has a
new version approved with governing law Ireland instead of Norway: the buyer gets the
notification in the inbox and by e-mail (a real SMTP server), with the flag, and the contract
page shows the difference. The buyer files a deviation report; Fjordsky answers it. Every page
is checked with axe (WCAG 2.1 A/AA) and for CSP problems.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from catalogue.listing import Listing
from catalogue import shortlists as sl
from catalogue.audit import Actor
from catalogue.contracts.models import Contract
from catalogue.models import ArchivedService, LoginSession, Service, ServiceStatus, Supplier
from catalogue.notifications.models import user_owner
from catalogue.terms import TERMS
from catalogue.viewer import BUYER, Viewer
from tests.notify_support import add_address, drain
from tests.pdf import make_pdf
from tests.test_contracts import odt_text

pytestmark = pytest.mark.browser

KOMMUNE, FJORDSKY = "976240391", "964330123"


def _norwegian_service(session: Session) -> Service:
    supplier = session.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()
    return session.exec(select(Service).where(Service.supplier_id == supplier.id, Service.status == ServiceStatus.PUBLISHED)
                        .order_by(Service.id)).all()[0]


def _frozen_list(app, tag: str) -> tuple[int, int, int]:
    """The logged-in buyer's frozen shortlist with a Fjordsky service governed by Norwegian law (as it stands)."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        login = s.exec(select(LoginSession).where(LoginSession.acting_for == f"0192:{KOMMUNE}")
                       .order_by(LoginSession.id.desc())).first()
        viewer = Viewer(role=BUYER, user_id=login.user_id, name="Innkjøper", orgnr=KOMMUNE,
                        org_name="Fjellvik kommune")
        service = _norwegian_service(s)
        if service.terms.get("governing_law") != "norge":   # the story starts from Norwegian law
            service.terms = {**service.terms, "governing_law": "norge"}
            Listing(s, service).publish(Actor(name="Fjordsky", acting_for=f"0192:{FJORDSKY}", role="supplier"))
            s.commit()
        shortlist, _ = sl.save_search(s, viewer, f"Avropsliste {tag}", [("q", service.name)])
        assert sl.freeze(s, shortlist, viewer.actor(), [service.id], 1) is None
        s.commit()
        return shortlist.id, service.id, login.user_id


def _buyer_address(app, user_id: int) -> str:
    """The buyer's verified address for Fjellvik kommune (added once per test session)."""
    from catalogue.notifications.models import MailAddress

    with Session(app.extensions["db_engine"]) as s:
        known = s.exec(select(MailAddress.email).where(MailAddress.owner == user_owner(user_id),
                                                       MailAddress.org == f"0192:{KOMMUNE}")).first()
    if known:
        return known
    add_address(app, user_owner(user_id), f"0192:{KOMMUNE}", "innkjoper@fjellvik.test", user_id=user_id)
    return "innkjoper@fjellvik.test"


def _publish_ireland(app, service_id: int) -> None:
    """Fjordsky's edit (governing law Ireland) submitted and approved, as the supplier and the manager do it."""
    supplier_actor = Actor(name="Fjordsky", acting_for=f"0192:{FJORDSKY}", role="supplier")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        service = s.get(Service, service_id)
        terms = {**service.terms, "governing_law": "irland"}
        Listing(s, service).save(supplier_actor, {"terms": terms}, expected_lock=service.lock_version)
        s.commit()
        s.refresh(service)
        Listing(s, service).submit(supplier_actor, expected_lock=service.lock_version)
        s.commit()
        s.refresh(service)
        Listing(s, service).approve(Actor(name="Forvalter", role="manager"), expected_lock=service.lock_version)
        s.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_direct_call_off_bilag10_drift_and_deviation(pages, site_server, mail, javascript):
    app = site_server.app
    tag = "js" if javascript else "nojs"
    buyer = pages.open(f"innkjoper-{tag}", javascript=javascript)
    buyer.login("kommune-innkjoper")
    shortlist_id, service_id, user_id = _frozen_list(app, tag)
    email = _buyer_address(app, user_id)
    p = buyer.page

    # --- from the frozen list to the call-off form; above the threshold refused -----------------------
    buyer.visit(f"/innkjop/lister/{shortlist_id}")
    with p.expect_navigation(wait_until="load"):
        p.get_by_role("link", name=re.compile("Direkte avrop")).first.click()
    buyer.check()
    title = f"Lagring for arkivet ({tag})"
    start = date.today() + timedelta(days=1)
    p.fill("#tittel", title)
    p.fill("#verdi", "450000")
    p.fill("#start", start.isoformat())
    p.fill("#slutt", (start + timedelta(days=730)).isoformat())
    p.locator("input[name='avtaleform'][value='ssa-l']").check()
    p.fill("#begrunnelse", "Eneste tjeneste i listen med norsk lovvalg og datalokasjon i Norge.")
    buyer.submit(p.get_by_role("button", name="Lag avtaleutkast"), expect_status=422)
    expect(p.locator(".error-summary")).to_contain_text("Direkte avrop er bare tillatt under 300")
    expect(p.locator("#tittel")).to_have_value(title)          # nothing the buyer wrote is lost
    p.fill("#verdi", "250000")
    buyer.submit(p.get_by_role("button", name="Lag avtaleutkast"))
    expect(p.locator("h1")).to_have_text(title)
    contract_path = buyer.path
    with Session(app.extensions["db_engine"]) as s:
        contract = s.exec(select(Contract).where(Contract.title == title)).one()
        terms = s.get(ArchivedService, contract.archived_id).content["terms"]

    # --- Bilag 10: the print page and the editable document --------------------------------------------
    buyer.visit(f"{contract_path}/bilag-10")
    buyer.visit(contract_path)
    with p.expect_download() as download:
        p.get_by_role("link", name=re.compile("Last ned Bilag 10")).click()
    text = odt_text(open(download.value.path(), "rb").read())
    for term in TERMS:
        assert term.label("nb") in text and term.display(terms.get(term.key), "nb") in text, term.key

    # --- signing: date and the signed PDF ------------------------------------------------------------
    p.fill("#signert-dato", date.today().isoformat())
    p.set_input_files("#signert-pdf", files=[{"name": "signert.pdf", "mimeType": "application/pdf",
                                              "buffer": make_pdf("Signert avtale")}])
    buyer.submit(p.get_by_role("button", name="Registrer signeringen"))
    expect(p.locator(".check-lines")).to_contain_text("signert.pdf")   # the PDF is kept while asking
    buyer.confirm()
    expect(p.locator(".flash-success")).to_contain_text("signert")

    # --- the supplier publishes new terms: governing law Norway → Ireland ------------------------------
    _publish_ireland(app, service_id)
    drain(app)
    mails = [m for m in mail.mailbox.messages() if m["To"].addresses[0].addr_spec == email]
    assert mails, "the buyer got no e-mail"
    bodies = [m.get_body(("plain",)).get_content() for m in mails]
    assert any("[Dårligere] Lovvalg: Norsk rett → Irsk rett" in body for body in bodies), bodies
    buyer.visit("/varsler")
    expect(p.locator("main")).to_contain_text("Leverandøren har endret vilkårene")
    buyer.visit(contract_path)
    expect(p.locator("#vilkarsendringer ~ .notice, .notice").first).to_contain_text(
        re.compile(r"avviker fra avtalen din på \d+ punkt"))
    row = p.locator("tr", has_text="Lovvalg").first
    expect(row).to_contain_text("Norsk rett")
    expect(row).to_contain_text("Irsk rett")
    expect(row).to_contain_text("Dårligere for kunden")

    # --- a deviation report, filed and answered ----------------------------------------------------------
    p.fill("#avvik-emne", f"Nedetid ({tag})")
    p.fill("#avvik-beskrivelse", "Tjenesten var utilgjengelig i to dager.")
    buyer.submit(p.get_by_role("button", name="Send avviksmeldingen"))
    buyer.confirm()
    expect(p.locator(".deviation").first).to_contain_text(f"Nedetid ({tag})")
    supplier = pages.open(f"fjordsky-{tag}", javascript=javascript)
    supplier.login("leverandor-fjordsky", FJORDSKY)
    supplier.visit(contract_path)
    s_page = supplier.page
    s_page.locator(".deviation", has_text=f"Nedetid ({tag})").locator("textarea").fill("Feilen er rettet.")
    supplier.submit(s_page.get_by_role("button", name="Send svaret").first)
    buyer.visit(contract_path)
    expect(p.locator(".deviation", has_text=f"Nedetid ({tag})")).to_contain_text("Feilen er rettet.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_contract_after_an_awarded_competition(pages, site_server, javascript):
    from catalogue.models import utcnow
    from tests.competition_support import ready_for_contract

    app = site_server.app
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        competition = ready_for_contract(s, app.config["UPLOAD_DIR"], app.config["SECRET_KEY"], utcnow())
        s.commit()
    buyer = pages.open(f"innkjoper-konkurranse-{javascript}", javascript=javascript)
    buyer.login("kommune-innkjoper")
    buyer.visit("/innkjop/avtaler/")
    p = buyer.page
    with p.expect_navigation(wait_until="load"):
        p.get_by_role("link", name=f"Lag avtale etter «{competition.title}»").first.click()
    buyer.check()
    expect(p.locator("#tittel")).to_have_value(competition.title)
    p.locator("input[name='tjeneste']").first.check()
    start = date.today() + timedelta(days=1)
    p.fill("#start", start.isoformat())
    p.fill("#slutt", (start + timedelta(days=730)).isoformat())
    p.locator("input[name='avtaleform'][value='ssa-sky']").check()
    buyer.submit(p.get_by_role("button", name="Lag avtaleutkast"))
    expect(p.locator("main")).to_contain_text("Tildelt etter konkurranse")
    expect(p.locator("main")).to_contain_text("Lovvalg: Norsk rett")
