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
    bad = client.post(f"{page}/signer", data={"csrf_token": csrf, "signert-dato": lc.today().isoformat(),
                                              "signert-pdf": (io.BytesIO(b"GIF89a not a pdf"), "avtale.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "ikke en PDF" in bad.get_data(as_text=True)
    db.refresh(contract)
    assert contract.status == ContractStatus.DRAFT
    good = client.post(f"{page}/signer", data={"csrf_token": csrf, "signert-dato": lc.today().isoformat(),
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
    client.post(f"{page}/avvik", data={"csrf_token": csrf, "avvik-emne": "Nedetid", "avvik-beskrivelse": "To dager."})
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
    response = client.post(f"{page}/si-opp", data={"csrf_token": csrf, "begrunnelse-oppsigelse": ""},
                           follow_redirects=True)
    assert "Skriv hvorfor avtalen sies opp" in response.get_data(as_text=True)
    client.post(f"{page}/si-opp", data={"csrf_token": csrf, "begrunnelse-oppsigelse": "Feil leveranse"})
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
    data = {"csrf_token": token(supplier_client, url), "dps": str(dps_id)}
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
