"""The whole competition in a real browser, with the real login, JavaScript on and off.

A buyer drafts a competition in "Lagring" with a requirement from the terms registry (its
impact shown) and publishes it; the invitations arrive at a real SMTP server (the dispatcher
drains the outbox into aiosmtpd); Fjordsky asks a question and sees the published answer;
Fjordsky and Nordlys tender (Fjordsky withdraws and resubmits); Havbris – registered, not
qualified – is told it is not invited and gets no tender form; one second after the deadline
Nordlys's late submission is refused; the buyer opens, evaluates and awards; the award letters
reach both tenderers; after the standstill the competition is ready for a contract; the contract
manager sees it in the overview. Every page is checked with axe (WCAG 2.1 A/AA) and for CSP.

The clock is moved with time-machine (the server runs in this process), so the deadline and the
standstill really pass; people log in again after each jump (their sessions idle out, as in life).
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

import pytest
import time_machine
from playwright.sync_api import expect
from sqlmodel import Session, select

from catalogue.competitions import rules
from catalogue.competitions.models import Competition
from catalogue.models import DPS, Category, Supplier
from catalogue.notifications.models import MailAddress, supplier_owner
from tests.notify_support import add_address, drain

pytestmark = pytest.mark.browser

ORGNR_A, ORGNR_B, ORGNR_UNQUALIFIED = "964330123", "935308291", "999906087"


def _setup(app) -> dict:
    """Mail addresses for the two qualified suppliers."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        category = s.exec(select(Category).where(Category.slug == "lagring")).one()
        ids = {o: s.exec(select(Supplier.id).where(Supplier.orgnr == o)).one() for o in (ORGNR_A, ORGNR_B)}
        known = {a.org: a.email for a in s.exec(select(MailAddress).where(
            MailAddress.owner.in_([supplier_owner(sid) for sid in ids.values()])))}
    emails = {}
    for orgnr, sid in ids.items():
        emails[orgnr] = known.get(f"0192:{orgnr}") or f"konkurranse-{orgnr}@leverandor.test"
        if f"0192:{orgnr}" not in known:
            add_address(app, supplier_owner(sid), f"0192:{orgnr}", emails[orgnr], supplier_id=sid)
    return {"category": f"{dps.id}:{category.id}", "emails": emails}


def _recipients(catcher) -> dict[str, str]:
    return {m["To"].addresses[0].addr_spec: m["Subject"] for m in catcher.mailbox.messages()}


def _fill_tender(v, price: str) -> None:
    v.page.fill("#pris", price)
    for area in v.page.locator("textarea[id^='svar-'], textarea[id^='kvalitet-']").all():
        area.fill("Vi oppfyller dette med norsk rett, norsk brukerstøtte og god løsning.")


@pytest.fixture
def havbris_registered(site_server, havbris_unregistered):
    """Havbris registered but not qualified – for this story only: the shared site gets it back
    unregistered, as the supplier journey (tests/browser/test_journeys.py) registers it itself."""
    engine = site_server.app.extensions["db_engine"]
    with Session(engine) as s:
        supplier = Supplier(orgnr=ORGNR_UNQUALIFIED, name="Havbris Teknologi AS", slug="havbris-teknologi-as")
        s.add(supplier)
        s.commit()
        supplier_id = supplier.id
    yield supplier_id
    # Rows of the story refer to it, so it is not deleted: it moves off Havbris's organisation number.
    with Session(engine) as s:
        supplier = s.get(Supplier, supplier_id)
        supplier.orgnr, supplier.slug = f"{supplier_id:09d}", f"konkurransehistorie-{supplier_id}"
        s.add(supplier)
        s.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_whole_competition(pages, site_server, mail, havbris_registered, javascript):
    app = site_server.app
    tag = "js" if javascript else "nojs"
    setup = _setup(app)
    title = f"Objektlagring for arkivet ({tag})"
    today = rules.local(datetime.now(timezone.utc)).date()
    tender_deadline = datetime.combine(today + timedelta(days=12), time(12, 0), tzinfo=rules.OSLO)
    question_deadline = datetime.combine(today + timedelta(days=5), time(12, 0), tzinfo=rules.OSLO)

    # --- the buyer drafts, sees the impact, publishes ---------------------------------------------
    buyer = pages.open(f"innkjoper-{tag}", javascript=javascript)
    buyer.login("kommune-innkjoper")
    buyer.visit("/konkurranser/ny")
    p = buyer.page
    p.select_option("#kategori", setup["category"])
    p.fill("#tittel", title)
    p.fill("#behov", "Objektlagring for 40 TB arkivkopier med versjonering og sletting etter fem år.")
    p.fill("#verdi", "900000")
    p.fill("#prisskjema", "Samlet pris for to år, 40 TB, inkludert uthenting.")
    p.fill("#tilbudsfrist-dato", f"{tender_deadline:%Y-%m-%d}")
    p.fill("#tilbudsfrist-tid", "12:00")
    p.fill("#sporsmalsfrist-dato", f"{question_deadline:%Y-%m-%d}")
    p.fill("#sporsmalsfrist-tid", "12:00")
    p.fill("#pris-vekt", "60")
    p.fill("#kvalitet-1-navn", "Løsningens kvalitet")
    p.fill("#kvalitet-1-vekt", "40")
    p.locator("summary", has_text="Krav fra vilkårsregisteret").click()
    p.locator("input[name='krav-governing_law'][value='norge']").check()
    p.fill("#fritekstkrav", "Norsk brukerstøtte på hverdager.")
    p.fill("#karens-begrunnelse", "Frivillig karensperiode for å sikre tildelingen.")
    buyer.submit(p.get_by_role("button", name="Lagre utkastet"))
    competition_id = int(re.search(r"/konkurranser/(\d+)/rediger", buyer.path).group(1))
    impact = p.locator("#virkning")
    expect(impact).to_contain_text("Lovvalg: Norsk rett")
    expect(impact).to_contain_text(re.compile(r"\d+ av \d+"))
    buyer.submit(p.get_by_role("button", name="Kunngjør konkurransen"))
    buyer.confirm()
    expect(p.locator(".flash-success")).to_contain_text("Konkurransen er kunngjort")
    notice = f"/konkurranser/{competition_id}"

    # --- the invitations arrive at the mail server -----------------------------------------------
    drain(app)
    received = _recipients(mail)
    for orgnr in (ORGNR_A, ORGNR_B):
        assert received.get(setup["emails"][orgnr]) == f"Invitasjon til konkurranse: {title}"

    # --- a question and its published answer -------------------------------------------------------
    fjordsky = pages.open(f"fjordsky-{tag}", javascript=javascript)
    fjordsky.login("leverandor-fjordsky", ORGNR_A)
    fjordsky.visit(f"{notice}/sporsmal")
    fjordsky.page.fill("#sporsmal", "Skal prisen inkludere uthenting av alle data ved avslutning?")
    fjordsky.submit(fjordsky.page.get_by_role("button", name="Send spørsmålet"))
    buyer.visit(f"{notice}/sporsmal")
    buyer.page.locator("form.answer-form textarea").first.fill("Ja, uthenting ved avslutning skal være med.")
    buyer.submit(buyer.page.get_by_role("button", name="Publiser svaret").first)
    buyer.confirm()
    fjordsky.visit(f"{notice}/sporsmal")
    expect(fjordsky.page.locator("dl.qa")).to_contain_text("Ja, uthenting ved avslutning skal være med.")

    # --- two tenders; Fjordsky withdraws and resubmits ---------------------------------------------
    fjordsky.visit(f"{notice}/tilbud")
    _fill_tender(fjordsky, "800000")
    fjordsky.submit(fjordsky.page.get_by_role("button", name="Lever tilbudet"))
    fjordsky.confirm()
    expect(fjordsky.page.locator(".notice")).to_contain_text("Kvitteringskode")
    fjordsky.submit(fjordsky.page.get_by_role("button", name="Trekk tilbudet"))
    fjordsky.confirm()
    _fill_tender(fjordsky, "800000")
    fjordsky.submit(fjordsky.page.get_by_role("button", name="Lever tilbudet"))
    fjordsky.confirm()
    expect(fjordsky.page.locator(".notice")).to_contain_text("Kvitteringskode")
    nordlys = pages.open(f"nordlys-{tag}", javascript=javascript)
    nordlys.login("leverandor-nordlys", ORGNR_B)
    nordlys.visit(f"{notice}/tilbud")
    _fill_tender(nordlys, "1000000")
    nordlys.submit(nordlys.page.get_by_role("button", name="Lever tilbudet"))
    nordlys.confirm()

    # --- the unqualified supplier: not invited, no documents, no tender form --------------------------
    havbris = pages.open(f"havbris-{tag}", javascript=javascript)
    havbris.login("leverandor-fjordsky", ORGNR_UNQUALIFIED)
    havbris.visit(notice)
    expect(havbris.page.locator(".notice")).to_contain_text("ikke invitert")
    havbris.visit(f"{notice}/tilbud", status=404)

    # --- the deadline: a late tender is refused one second after it ---------------------------------
    deadline_utc = tender_deadline.astimezone(timezone.utc)
    # Five minutes before (the logins and the filling take a while on a loaded machine; the exact second
    # before and after is the rules' unit test, tests/test_competition_rules.py).
    with time_machine.travel(deadline_utc - timedelta(minutes=5), tick=True):
        nordlys.login("leverandor-nordlys", ORGNR_B)
        nordlys.visit(f"{notice}/tilbud")
        _fill_tender(nordlys, "950000")
        buyer.login("kommune-innkjoper")
        buyer.visit(notice)
        expect(buyer.page.get_by_role("button", name="Åpne tilbudene")).to_have_count(0)
    with time_machine.travel(deadline_utc + timedelta(seconds=1), tick=True):
        nordlys.submit(nordlys.page.get_by_role("button", name="Lever tilbudet"))
        nordlys.confirm(expect_status=(409, 422))
        expect(nordlys.page.locator(".error-summary")).to_contain_text("Tilbudsfristen er passert")

        # --- opening, evaluation, award --------------------------------------------------------------
        buyer.visit(notice)
        buyer.submit(buyer.page.get_by_role("button", name="Åpne tilbudene"))
        buyer.confirm()
        assert buyer.path.endswith("/evaluering")
        table = buyer.page.locator("table.compare-table")
        expect(table).to_contain_text("800000")
        expect(table).to_contain_text("1000000")
        for name, score in (("Fjordsky AS", "6"), ("Nordlys Datasenter AS", "9")):
            buyer.submit(buyer.page.get_by_role("link", name=f"Vurder tilbudet fra {name}"))
            for radio in buyer.page.locator("input[type=radio][value=ja]").all():
                radio.check()
            buyer.page.fill("#poeng-k1", score)
            buyer.page.fill("#poeng-k1-begrunnelse", "Godt beskrevet og etterprøvbart.")
            buyer.submit(buyer.page.get_by_role("button", name="Lagre vurderingen"))
            assert buyer.path.endswith("/evaluering")
        expect(table).to_contain_text("60 % × 10,00 + 40 % × 6,00 = 8,40")
        expect(table).to_contain_text("60 % × 7,50 + 40 % × 9,00 = 8,10")
        buyer.page.fill("#begrunnelse", "Lavest pris og god kvalitet; Nordlys hadde best kvalitet, men høyere pris.")
        buyer.submit(buyer.page.get_by_role("button", name="Tildel og send tildelingsbrev"))
        buyer.confirm()
        expect(buyer.page.locator(".flash-success")).to_contain_text("Tildelingen er meddelt")
        mail.mailbox.received.clear()
        drain(app)
        letters = {to: subject for to, subject in _recipients(mail).items() if "tildeling" in subject}
        assert set(letters) == {setup["emails"][ORGNR_A], setup["emails"][ORGNR_B]}
        buyer.visit(f"{notice}/protokoll")
        expect(buyer.page.locator("main")).to_contain_text("tender.opened")

    with Session(app.extensions["db_engine"]) as s:
        ends = s.get(Competition, competition_id).standstill_ends_at
    # --- the standstill ends: ready for contract; the manager sees it ------------------------------------
    with time_machine.travel(ends + timedelta(seconds=1), tick=True):
        buyer.login("kommune-innkjoper")
        buyer.visit(notice)
        buyer.submit(buyer.page.get_by_role("button", name="Avslutt karensperioden"))
        buyer.confirm()
        expect(buyer.page.locator(".meta")).to_contain_text("Klar for kontrakt")
        manager = pages.open(f"forvalter-{tag}", javascript=javascript)
        manager.login("avtaleforvalter")
        manager.visit("/konkurranser/oversikt")
        row = manager.page.locator("tr", has_text=title)
        expect(row).to_contain_text("Klar for kontrakt")
        expect(row).to_contain_text("Fjordsky AS")
