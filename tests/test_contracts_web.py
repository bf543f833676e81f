"""The contract pages through real logins: call-off form, signing, Bilag 10, deviations, turnover."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from catalogue.contracts import lifecycle as lc
from catalogue.contracts.models import Contract, ContractStatus, DeviationReport, TurnoverReport
from catalogue.models import Service, Supplier
from tests.contract_support import call_off_form, frozen_list
from tests.login import login
from tests.pdf import make_pdf
from tests.test_contracts import odt_text

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FJORDSKY = "964330123"


def token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def setup(app, db):
    buyer_client = app.test_client()
    buyer = login(buyer_client, "kommune-innkjoper")
    supplier = db.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()
    service = db.exec(select(Service).where(Service.supplier_id == supplier.id, Service.status == "published")
                      .order_by(Service.id)).first()
    shortlist = frozen_list(db, buyer, [service])
    return buyer_client, buyer, service, shortlist


def test_direct_call_off_through_the_form(app, db, setup):
    client, buyer, service, shortlist = setup
    url = f"/innkjop/avtaler/ny/{shortlist.id}/{service.id}"
    page = client.get(url)
    assert page.status_code == 200 and "300\u00a0000 kr" in page.get_data(as_text=True)
    # Above the threshold: refused at the field, the answers kept, nothing written.
    form = {**call_off_form(verdi="450000"), "csrf_token": token(client, url), "krav-governing_law": "norge"}
    refused = client.post(url, data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "konkurranse" in text and 'value="Lagring for arkivet"' in text
    assert db.exec(select(Contract)).all() == []
    form["verdi"] = "250000"
    made = client.post(url, data=form)
    assert made.status_code == 302
    contract = db.exec(select(Contract)).one()
    assert contract.requirements == {"governing_law": ["norge"]} and contract.value_nok == 250_000
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert contract.title in page and "Registrer signert avtale" in page


def test_sign_upload_rules_bilag_and_deviation(app, db, setup):
    client, buyer, service, shortlist = setup
    contract = lc.direct_call_off(db, buyer.actor(), buyer_orgnr=buyer.orgnr, buyer_name=buyer.org_name,
                                  shortlist=shortlist, service_id=service.id,
                                  call_off=lc.read_call_off(call_off_form()), requirements={}, user_id=buyer.user_id)
    db.commit()
    page = f"/innkjop/avtaler/{contract.id}"
    csrf = token(client, page)
    bad = client.post(f"{page}/signer", data={"csrf_token": csrf, "bekreftet": "ja", "signert-dato": lc.today().isoformat(),
                                              "signert-pdf": (io.BytesIO(b"GIF89a not a pdf"), "avtale.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "ikke en PDF" in bad.get_data(as_text=True)
    db.refresh(contract)
    assert contract.status == ContractStatus.DRAFT
    good = client.post(f"{page}/signer", data={"csrf_token": csrf, "bekreftet": "ja", "signert-dato": lc.today().isoformat(),
                                               "signert-pdf": (io.BytesIO(make_pdf("Signert")), "avtale.pdf")},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    db.refresh(contract)
    assert contract.status == ContractStatus.SIGNED
    assert client.get(f"{page}/signert.pdf").data.startswith(b"%PDF")
    odt = client.get(f"{page}/bilag-10.odt")
    assert odt.mimetype == "application/vnd.oasis.opendocument.text"
    assert service.name in odt_text(odt.data)
    assert "Bilag 10" in client.get(f"{page}/bilag-10").get_data(as_text=True)
    # A deviation report, answered by the supplier; the other supplier and the other buyer see nothing.
    client.post(f"{page}/avvik", data={"csrf_token": csrf, "bekreftet": "ja", "avvik-emne": "Nedetid", "avvik-beskrivelse": "To dager."})
    report = db.exec(select(DeviationReport)).one()
    supplier_client = app.test_client()
    login(supplier_client, "leverandor-fjordsky", FJORDSKY)
    answer = supplier_client.post(f"{page}/avvik/{report.id}/svar",
                                  data={"csrf_token": token(supplier_client, page), "svar": "Rettet."})
    assert answer.status_code == 302
    db.refresh(report)
    assert report.answer == "Rettet."
    other = app.test_client()
    login(other, "stat-innkjoper")
    assert other.get(page).status_code == 404
    assert contract.title not in other.get("/innkjop/avtaler/").get_data(as_text=True)
    register = client.get("/innkjop/avtaler/").get_data(as_text=True)
    assert contract.title in register


def test_terminate_needs_a_reason(app, db, setup):
    client, buyer, service, shortlist = setup
    contract = lc.direct_call_off(db, buyer.actor(), buyer_orgnr=buyer.orgnr, buyer_name=buyer.org_name,
                                  shortlist=shortlist, service_id=service.id,
                                  call_off=lc.read_call_off(call_off_form()), requirements={}, user_id=buyer.user_id)
    lc.ContractLife(contract).sign(db, buyer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(),
                                   filename="a.pdf", data=make_pdf("x"))
    db.commit()
    page = f"/innkjop/avtaler/{contract.id}"
    csrf = token(client, page)
    response = client.post(f"{page}/si-opp", data={"csrf_token": csrf, "bekreftet": "ja", "begrunnelse-oppsigelse": ""},
                           follow_redirects=True)
    assert "Skriv hvorfor avtalen sies opp" in response.get_data(as_text=True)
    client.post(f"{page}/si-opp", data={"csrf_token": csrf, "bekreftet": "ja", "begrunnelse-oppsigelse": "Feil leveranse"})
    db.refresh(contract)
    assert contract.status == ContractStatus.TERMINATED and contract.termination_reason == "Feil leveranse"


def test_turnover_report_and_the_managers_list(app, db):
    supplier_client = app.test_client()
    viewer = login(supplier_client, "leverandor-fjordsky", FJORDSKY)
    from catalogue.contracts import followup

    qualified = followup.qualified_categories(db, viewer.supplier_id)
    if not qualified:
        pytest.skip("the demo supplier is qualified in no DPS")
    dps_id, categories = next(iter(qualified.items()))
    year, quarter = followup.previous_quarter(lc.today())
    url = f"/leverandor/omsetning?kvartal={year}-{quarter}"
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    overview = manager.get(f"/forvaltning/oppfolging?kvartal={year}-{quarter}").get_data(as_text=True)
    assert "Fjordsky" in overview.split("Ikke rapportert", 1)[1].split("Rapportert", 1)[0]
    data = {"csrf_token": token(supplier_client, url), "bekreftet": "ja", "dps": str(dps_id)}
    data.update({f"omsetning-{c.id}": "" for c in categories})
    assert supplier_client.post(url, data=data).status_code == 422
    assert db.exec(select(TurnoverReport)).all() == []
    data.update({f"omsetning-{c.id}": "0" for c in categories})
    assert supplier_client.post(url, data=data).status_code == 302
    rows = db.exec(select(TurnoverReport)).all()
    assert len(rows) == len(categories) and all(r.amount_nok == 0 for r in rows)
    overview = manager.get(f"/forvaltning/oppfolging?kvartal={year}-{quarter}").get_data(as_text=True)
    assert "Fjordsky" not in overview.split("Ikke rapportert", 1)[1].split("<h3>", 1)[0]
    future = lc.today() + timedelta(days=120)
    y, q = followup.quarter_of(future)
    assert supplier_client.post(f"/leverandor/omsetning?kvartal={y}-{q}", data=data).status_code == 422


def test_contract_after_an_awarded_competition(app, db):
    from catalogue.competitions.lifecycle import CompetitionLife
    from catalogue.contracts.models import ContractOrigin
    from catalogue.lifecycle import IllegalTransition
    from tests.competition_support import ready_for_contract

    comp = ready_for_contract(db, app.config["UPLOAD_DIR"], app.config["SECRET_KEY"], lc.utcnow())
    db.commit()
    client = app.test_client()
    buyer = login(client, "kommune-innkjoper")
    register = client.get("/innkjop/avtaler/").get_data(as_text=True)
    url = f"/innkjop/avtaler/fra-konkurranse/{comp.id}"
    assert url in register
    page = client.get(url).get_data(as_text=True)
    offered = lc.offered_services(db, comp)
    assert offered and all(s.supplier_id == CompetitionLife(comp).awarded_tender(db).supplier_id for s in offered)
    form = {**call_off_form(tittel=comp.title, begrunnelse=""), "csrf_token": token(client, url)}
    refused = client.post(url, data={**form, "tjeneste": "999999"})
    assert refused.status_code == 422 and db.exec(select(Contract)).all() == []
    made = client.post(url, data={**form, "tjeneste": str(offered[0].id), "verdi": "900000"})
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    contract = db.exec(select(Contract)).one()
    assert contract.origin == ContractOrigin.COMPETITION and contract.competition_id == comp.id
    assert contract.value_nok == 900_000          # no direct-award threshold after a competition
    assert contract.requirements == {"governing_law": ["norge"]} and "governing_law" in contract.verdicts
    assert url not in client.get("/innkjop/avtaler/").get_data(as_text=True)
    with pytest.raises(IllegalTransition):       # one contract per competition
        lc.from_competition(db, buyer.actor(), competition=comp, buyer_orgnr=buyer.orgnr, service_id=offered[0].id,
                            call_off=lc.read_call_off(call_off_form()), user_id=buyer.user_id)
    other = app.test_client()
    login(other, "stat-innkjoper")
    assert other.get(url).status_code == 404


def test_no_contract_before_the_standstill_is_over(app, db):
    from datetime import timedelta as td

    from catalogue.competitions.evaluation import assess, award
    from catalogue.competitions.lifecycle import CompetitionLife
    from catalogue.competitions import rules, tendering
    from catalogue.lifecycle import IllegalTransition
    from tests.competition_support import BUYER, ORGNR_A, make_published, submit_tender, supplier_actor

    at = lc.utcnow() - td(days=15)
    comp = make_published(db, now=at, tender_deadline=rules.earliest_tender_deadline(at),
                          question_deadline=at + td(days=2))
    submit_tender(db, comp, ORGNR_A, "500000", now=at + td(days=1), upload_dir=app.config["UPLOAD_DIR"],
                  secret=app.config["SECRET_KEY"])
    CompetitionLife(comp, comp.tender_deadline).open(db, BUYER, comp.tender_deadline, app.config["SECRET_KEY"])
    tender = tendering.of_supplier(db, comp, supplier_actor(db, ORGNR_A)[1], tendering.TenderStatus.SUBMITTED)
    assess(db, BUYER, comp, tender, {r["key"]: {"met": True, "reason": ""} for r in comp.requirements},
           {"k1": {"score": "7", "reason": "x"}}, comp.tender_deadline + td(hours=1))
    award(db, BUYER, comp, tender.id, "Eneste.", lc.utcnow())
    db.commit()
    service = lc.offered_services(db, comp)[0]
    with pytest.raises(IllegalTransition):
        lc.from_competition(db, BUYER, competition=comp, buyer_orgnr="976240391", service_id=service.id,
                            call_off=lc.read_call_off(call_off_form()), user_id=None)


def test_manager_sets_the_threshold_per_dps(app, db):
    from catalogue.models import DPS

    dps = db.exec(select(DPS)).first()
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    csrf = token(manager, "/forvaltning/oppfolging")
    assert "300\u00a0000 kr" in manager.get("/forvaltning/oppfolging").get_data(as_text=True)
    bad = manager.post("/forvaltning/oppfolging/terskel", data={"csrf_token": csrf, "dps": str(dps.id),
                                                               "terskel": "mye"}, follow_redirects=True)
    assert "hele kroner" in bad.get_data(as_text=True) and lc.threshold_for(db, dps.id) == 300_000
    manager.post("/forvaltning/oppfolging/terskel", data={"csrf_token": csrf, "dps": str(dps.id), "terskel": "100 000"})
    db.expire_all()
    assert lc.threshold_for(db, dps.id) == 100_000
