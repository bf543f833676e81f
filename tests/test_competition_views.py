"""The competition pages through the real login: draft → impact → publish → tender → opening →
evaluation → award, and who sees what. Deadlines in the past are made through the domain with
an explicit clock, so no test waits or travels in time."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import Competition, Invitation, Tender, TenderStatus
from catalogue.competitions import rules
from catalogue.notifications.models import NotificationEvent
from tests.competition_support import BUYER as BUYER_FOR_TESTS
from tests.competition_support import ORGNR_A, ORGNR_B, make_published, submit_tender
from tests.login import login, prepare
from tests.pdf import make_pdf

_TOKEN = re.compile(r'"X-CSRFToken":\s*"([^"]+)"|name="csrf_token" value="([^"]+)"')


def token(client) -> str:
    found = _TOKEN.search(client.get("/").get_data(as_text=True))
    return found.group(1) or found.group(2)


def post(client, url, data=None, **kw):
    """Post as the person does: a formal action's check step confirmed (tests/test_check_steps.py asks)."""
    return client.post(url, data={**(data or {}), "csrf_token": token(client), "bekreftet": "ja"}, **kw)


@pytest.fixture
def people(app):
    prepare(app)
    clients = {}
    for who, person, orgnr in (("buyer", "kommune-innkjoper", None), ("a", "leverandor-fjordsky", ORGNR_A),
                               ("b", "leverandor-nordlys", ORGNR_B), ("manager", "avtaleforvalter", None),
                               ("other_buyer", "stat-innkjoper", None)):
        clients[who] = app.test_client()
        login(clients[who], person, orgnr)
    clients["anonymous"] = app.test_client()
    return clients


def db(app) -> Session:
    return Session(app.extensions["db_engine"], expire_on_commit=False)


def _category_value(page: str, slug_label: str) -> str:
    return re.search(r'<option value="(\d+:\d+)">[^<]*– ' + slug_label, page).group(1)


def draft_form(category: str, deadline: datetime) -> dict:
    local = rules.local(deadline)
    question = rules.local(deadline - timedelta(days=3))
    return {"kategori": category, "tittel": "Sikkerhetskopi for skolene", "behov": "Sikkerhetskopi av 200 PC-er.",
            "verdi": "450 000", "periode": "2 år", "prisskjema": "Pris for to år.",
            "tilbudsfrist-dato": f"{local:%Y-%m-%d}", "tilbudsfrist-tid": f"{local:%H:%M}",
            "sporsmalsfrist-dato": f"{question:%Y-%m-%d}", "sporsmalsfrist-tid": f"{question:%H:%M}",
            "pris-vekt": "70", "kvalitet-1-navn": "Gjenoppretting", "kvalitet-1-vekt": "30",
            "krav-governing_law": "norge", "fritekstkrav": "Norsk brukerstøtte.",
            "karens-dager": "10", "karens-begrunnelse": "Frivillig karensperiode."}


def test_buyer_drafts_sees_the_impact_and_publishes_to_every_qualified_supplier(app, people):
    buyer = people["buyer"]
    page = buyer.get("/konkurranser/ny").get_data(as_text=True)
    deadline = datetime.now(timezone.utc) + timedelta(days=14)
    form = draft_form(_category_value(page, "Lagring"), deadline)
    bad = post(buyer, "/konkurranser/ny", {**form, "pris-vekt": "60"})
    assert bad.status_code == 201 or bad.status_code == 302 or bad.status_code == 303  # a draft may be unbalanced
    with db(app) as s:
        comp = s.exec(select(Competition)).one()
    edit = buyer.get(f"/konkurranser/{comp.id}/rediger").get_data(as_text=True)
    assert "Virkningen av kravene" in edit and "Lovvalg: Norsk rett" in edit
    refused = post(buyer, f"/konkurranser/{comp.id}/kunngjor", follow_redirects=True).get_data(as_text=True)
    assert "Vektene må til sammen bli 100 (nå 90)" in refused
    assert post(buyer, f"/konkurranser/{comp.id}/rediger", form).status_code == 303
    published = post(buyer, f"/konkurranser/{comp.id}/kunngjor", follow_redirects=True).get_data(as_text=True)
    assert "Konkurransen er kunngjort" in published
    with db(app) as s:
        invited = s.exec(select(Invitation).where(Invitation.competition_id == comp.id)).all()
        assert len(invited) >= 2
        assert s.exec(select(NotificationEvent).where(NotificationEvent.kind == "competition.invited")).one()
    notice = people["anonymous"].get(f"/konkurranser/{comp.id}").get_data(as_text=True)
    assert "Sikkerhetskopi for skolene" in notice and "Fjellvik kommune" in notice


def test_deadline_under_ten_days_is_refused_on_publish(app, people):
    buyer = people["buyer"]
    page = buyer.get("/konkurranser/ny").get_data(as_text=True)
    form = draft_form(_category_value(page, "Lagring"), datetime.now(timezone.utc) + timedelta(days=9))
    post(buyer, "/konkurranser/ny", form)
    with db(app) as s:
        comp = s.exec(select(Competition)).one()
    page = post(buyer, f"/konkurranser/{comp.id}/kunngjor", follow_redirects=True).get_data(as_text=True)
    assert "minst 10 hele dager" in page
    with db(app) as s:
        assert not s.exec(select(Invitation)).all()


def test_unqualified_supplier_sees_neither_documents_nor_a_tender_form(app, people):
    now = datetime.now(timezone.utc)
    with db(app) as s:
        comp = make_published(s, now=now - timedelta(hours=1), category="databaser",
                              tender_deadline=rules.earliest_tender_deadline(now) + timedelta(hours=12),
                              question_deadline=now + timedelta(days=3))
        s.commit()
    buyer = people["buyer"]
    pdf = make_pdf("Kravspesifikasjon")
    from io import BytesIO

    upload = buyer.post(f"/konkurranser/{comp.id}/dokumenter",
                        data={"csrf_token": token(buyer), "dokument": (BytesIO(pdf), "krav.pdf")},
                        content_type="multipart/form-data")
    assert upload.status_code == 303
    with db(app) as s:
        from catalogue.competitions.models import CompetitionDocument

        doc = s.exec(select(CompetitionDocument)).one()
    # Nordlys is not qualified in "databaser": no documents, no tender form, and the page says why.
    nordlys = people["b"]
    assert nordlys.get(f"/konkurranser/{comp.id}/tilbud").status_code == 404
    assert nordlys.get(f"/konkurranser/{comp.id}/dokumenter/{doc.id}").status_code == 404
    assert post(nordlys, f"/konkurranser/{comp.id}/tilbud", {"pris": "1"}).status_code == 404
    notice = nordlys.get(f"/konkurranser/{comp.id}").get_data(as_text=True)
    assert "ikke invitert" in notice and "krav.pdf" not in notice
    assert people["anonymous"].get(f"/konkurranser/{comp.id}/dokumenter/{doc.id}").status_code in (302, 303)
    # Fjordsky is invited: the document and the form.
    fjordsky = people["a"]
    assert fjordsky.get(f"/konkurranser/{comp.id}/dokumenter/{doc.id}").data.startswith(b"%PDF-")
    assert 'name="pris"' in fjordsky.get(f"/konkurranser/{comp.id}/tilbud").get_data(as_text=True)


def test_supplier_submits_withdraws_and_resubmits_through_the_pages(app, people):
    now = datetime.now(timezone.utc)
    with db(app) as s:
        comp = make_published(s, now=now - timedelta(hours=1),
                              tender_deadline=rules.earliest_tender_deadline(now) + timedelta(hours=12),
                              question_deadline=now + timedelta(days=3))
        s.commit()
    a = people["a"]
    form = {"pris": "812 500,50", "svar-t-governing_law": "Norsk rett.", "svar-f1": "Ja.", "kvalitet-k1": "God.",
            "handling": "lever"}
    assert post(a, f"/konkurranser/{comp.id}/tilbud", form).status_code == 303
    page = a.get(f"/konkurranser/{comp.id}/tilbud").get_data(as_text=True)
    assert "Kvitteringskode" in page
    assert post(a, f"/konkurranser/{comp.id}/tilbud/trekk").status_code == 303
    assert post(a, f"/konkurranser/{comp.id}/tilbud", form).status_code == 303
    with db(app) as s:
        rows = s.exec(select(Tender).where(Tender.competition_id == comp.id)).all()
        assert sorted(t.status for t in rows) == sorted([TenderStatus.WITHDRAWN, TenderStatus.SUBMITTED])
        assert all("812500" not in t.sealed for t in rows)
    # Sealed: the buyer cannot open before the deadline, the evaluation does not exist yet.
    buyer = people["buyer"]
    assert buyer.get(f"/konkurranser/{comp.id}/evaluering").status_code == 404
    refused = post(buyer, f"/konkurranser/{comp.id}/apne", follow_redirects=True).get_data(as_text=True)
    assert "når tilbudsfristen er passert" in refused


def test_opening_evaluation_award_and_record(app, people, tmp_path):
    past = datetime.now(timezone.utc) - timedelta(days=30)
    upload_dir = app.config["UPLOAD_DIR"]
    with db(app) as s:
        comp = make_published(s, now=past, tender_deadline=rules.earliest_tender_deadline(past),
                              question_deadline=past + timedelta(days=2))
        deadline = comp.tender_deadline
        submit_tender(s, comp, ORGNR_A, "800000", now=deadline - timedelta(hours=2), upload_dir=upload_dir,
                      upload=("losning.pdf", make_pdf("Løsningsbeskrivelse")))
        submit_tender(s, comp, ORGNR_B, "1000000", now=deadline - timedelta(hours=1), upload_dir=upload_dir)
        s.commit()
    buyer = people["buyer"]
    assert post(buyer, f"/konkurranser/{comp.id}/apne").status_code == 303
    page = buyer.get(f"/konkurranser/{comp.id}/evaluering").get_data(as_text=True)
    assert "800000" in page and "1000000" in page and "losning.pdf" in page
    assert people["other_buyer"].get(f"/konkurranser/{comp.id}/evaluering").status_code == 404
    assert people["a"].get(f"/konkurranser/{comp.id}/evaluering").status_code == 403
    with db(app) as s:
        tenders = {t.opened["price"]: t for t in s.exec(select(Tender).where(Tender.status == TenderStatus.SUBMITTED))}
    for price, score in (("800000", "6"), ("1000000", "9")):
        tid = tenders[price].id
        response = post(buyer, f"/konkurranser/{comp.id}/evaluering/{tid}", {
            "oppfylt-t-governing_law": "ja", "oppfylt-f1": "ja", "poeng-k1": score, "poeng-k1-begrunnelse": "OK"})
        assert response.status_code == 303
    page = buyer.get(f"/konkurranser/{comp.id}/evaluering").get_data(as_text=True)
    assert "60 % × 10,00 + 40 % × 6,00 = 8,40" in page
    assert post(buyer, f"/konkurranser/{comp.id}/tildel", {"tilbud": tenders["800000"].id}).status_code == 422
    awarded = post(buyer, f"/konkurranser/{comp.id}/tildel",
                   {"tilbud": tenders["800000"].id, "begrunnelse": "Lavest pris."})
    assert awarded.status_code == 303
    with db(app) as s:
        letters = s.exec(select(NotificationEvent).where(NotificationEvent.kind == "competition.awarded")).all()
        assert len(letters) == 2
        assert CompetitionLife(s.get(Competition, comp.id)).in_standstill
    record = buyer.get(f"/konkurranser/{comp.id}/protokoll").get_data(as_text=True)
    assert "competition.publish" in record and "tender.opened" in record and "competition.award" in record
    export = buyer.get(f"/konkurranser/{comp.id}/protokoll.ods")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert people["manager"].get("/konkurranser/oversikt").status_code == 200
    assert "Lagring av arkivkopier" in people["manager"].get("/konkurranser/oversikt").get_data(as_text=True)


def test_market_overview_counts_competitions_and_the_sme_share_from_the_register(app):
    from catalogue.competitions.evaluation import assess, award
    from catalogue.competitions.tendering import of_supplier
    from catalogue.market import compute
    from catalogue.models import Supplier

    past = datetime.now(timezone.utc) - timedelta(days=30)
    with db(app) as s:
        assert compute(s).figure("konkurranser") is None   # nothing to show before the first competition
        # The register's headcount: Fjordsky (A) small, Nordlys (B) large.
        for orgnr, employees in ((ORGNR_A, 30), (ORGNR_B, 400)):
            supplier = s.exec(select(Supplier).where(Supplier.orgnr == orgnr)).one()
            supplier.employees = employees
            s.add(supplier)
        comp = make_published(s, now=past, tender_deadline=rules.earliest_tender_deadline(past),
                              question_deadline=past + timedelta(days=2))
        for orgnr in (ORGNR_A, ORGNR_B):
            submit_tender(s, comp, orgnr, "500000", now=past + timedelta(days=1), upload_dir=app.config["UPLOAD_DIR"])
        CompetitionLife(comp, comp.tender_deadline).open(s, BUYER_FOR_TESTS, comp.tender_deadline, "test-secret-key")
        s.commit()
        figure = compute(s).figure("konkurranser")
        values = {row.key: row.values[0] for row in figure.rows}
        assert values == {"kunngjort": 1, "apnet": 1, "tilbud": 2, "tilbud-smb": 1, "tildelt": 0, "tildelt-smb": 0}
        assert "2,0 tilbud per åpnet konkurranse" in str(figure.description)
        assert "Ingen konkurranser er tildelt ennå" in str(figure.description)
        with app.test_request_context("/?lang=en"):
            assert "2.0 tenders per opened competition" in str(figure.description)

        # Awarded to the small supplier: all of one awarded competition (100 %) went to an SME.
        when = comp.tender_deadline + timedelta(hours=1)
        tenders = {orgnr: of_supplier(s, comp, s.exec(select(Supplier.id).where(Supplier.orgnr == orgnr)).one(),
                                      TenderStatus.SUBMITTED) for orgnr in (ORGNR_A, ORGNR_B)}
        for orgnr, score in ((ORGNR_A, "9"), (ORGNR_B, "6")):
            assess(s, BUYER_FOR_TESTS, comp, tenders[orgnr],
                   {r["key"]: {"met": True, "reason": ""} for r in comp.requirements},
                   {"k1": {"score": score, "reason": "Begrunnet."}}, when)
        award(s, BUYER_FOR_TESTS, comp, tenders[ORGNR_A].id, "Beste tilbud.", when)
        s.commit()
        figure = compute(s).figure("konkurranser")
        values = {row.key: row.values[0] for row in figure.rows}
        assert (values["tildelt"], values["tildelt-smb"]) == (1, 1)
        assert "vant 100\u00a0% av de tildelte konkurransene" in str(figure.description)
        with app.test_request_context("/?lang=en"):
            assert "won 100% of the competitions awarded" in str(figure.description)

        # The register stops stating the winner's headcount: counted apart, never guessed.
        supplier = s.exec(select(Supplier).where(Supplier.orgnr == ORGNR_A)).one()
        supplier.employees = None
        s.add(supplier)
        s.commit()
        figure = compute(s).figure("konkurranser")
        values = {row.key: row.values[0] for row in figure.rows}
        assert (values["tildelt"], values["tildelt-smb"], values["tilbud-smb"]) == (1, 0, 0)
        assert "vant 0\u00a0%" in str(figure.description)
        assert "oppgir ikke antall ansatte for 1 vinner." in str(figure.description)


def test_a_competition_can_start_from_a_frozen_shortlist(app, people):
    from catalogue import shortlists
    from catalogue.models import Category, Service
    from tests.login import viewer_of

    buyer = people["buyer"]
    viewer = viewer_of(buyer)
    with db(app) as s:
        lagring = s.exec(select(Category).where(Category.slug == "lagring")).one()
        inside = [lagring.id] + list(s.exec(select(Category.id).where(Category.parent_id == lagring.id)))
        ids = list(s.exec(select(Service.id).where(Service.category_id.in_(inside), Service.status == "published")
                          .limit(3)))
        shortlist, errors = shortlists.save_search(s, viewer, "Lagring for arkivet", [("q", "lagring")])
        assert not errors
        assert shortlists.freeze(s, shortlist, viewer.actor(), ids, len(ids)) is None
        s.commit()
    page = buyer.get(f"/innkjop/lister/{shortlist.id}").get_data(as_text=True)
    assert f"/konkurranser/ny?liste={shortlist.id}" in page
    form = buyer.get(f"/konkurranser/ny?liste={shortlist.id}").get_data(as_text=True)
    assert 'value="Lagring for arkivet"' in form
    assert re.search(r'<option value="\d+:%d" selected>' % lagring.id, form)
    other = people["other_buyer"].get(f"/konkurranser/ny?liste={shortlist.id}")
    assert other.status_code == 200 and "Lagring for arkivet" not in other.get_data(as_text=True)  # not theirs
