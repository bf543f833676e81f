"""Comparison of services side by side: rows from the registry, differences, requirements, tray, URL."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from flask_babel import force_locale
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from catalogue import compare as cmp
from catalogue.models import Service
from catalogue.terms import TERMS
from tests.login import login
from tests.test_i18n import compiled_translations  # noqa: F401  (a fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- helpers ----------------------------------------------------------------------------------

def published(app) -> list[Service]:
    with Session(app.extensions["db_engine"]) as session:
        return list(session.exec(select(Service).where(Service.status == "published").order_by(Service.id)).all())


def pick(app, *predicates) -> list[Service]:
    """One published service for each predicate on its terms, all different."""
    chosen: list[Service] = []
    services = published(app)
    for predicate in predicates:
        chosen.append(next(s for s in services if predicate(s.terms) and s not in chosen))
    return chosen


def norwegian(terms):
    return terms["governing_law"] == "norge"


def foreign(terms):
    return terms["governing_law"] != "norge"


def url(*services, **requirements) -> str:
    """The comparison URL of *services*, with requirements given as term key = wanted value(s)."""
    args = [("id", str(s.id)) for s in services]
    for key, wanted in requirements.items():
        args += [(f"krav-{key}", v) for v in (wanted if isinstance(wanted, list) else [wanted])]
    return "/sammenlign?" + urlencode(args)


def entries_of(app, *services):
    with Session(app.extensions["db_engine"]) as session:
        entries, missing = cmp.live_entries(session, [s.id for s in services])
    assert not missing
    return entries


# --- domain -----------------------------------------------------------------------------------

@pytest.mark.parametrize("values, count, ok", [
    (["1", "2"], 2, True), (["1", "2", "2", "3"], 3, True), (["5", "4", "3", "2", "1"], 5, True),
    ([], 0, False), (["7"], 1, False), (["1", "2", "3", "4", "5", "6"], 6, False), (["1", "x"], 0, False),
    (["1", "-2"], 0, False), (["1", "99999999999"], 0, False), (["", " 3 ", "4"], 2, True),
])
def test_parse_ids(app, compiled_translations, values, count, ok):
    ids, error = cmp.parse_ids(values)
    assert len(ids) == count
    assert (error is None) == ok
    if error:  # a message in both languages
        with app.app_context(), force_locale("nb"):
            norwegian = str(error)
        with app.app_context(), force_locale("en"):
            english = str(error)
        assert norwegian and english and norwegian != english


def test_rows_come_from_the_registry():
    public = cmp.flat_fields(include_buyer_only=False)
    buyer = cmp.flat_fields(include_buyer_only=True)
    keys = [f.term.key for f in public if f.principle is None]
    assert keys == [t.key for t in TERMS.comparable(include_buyer_only=False)]
    assert {f.term.key for f in buyer} - {f.term.key for f in public} == {
        t.key for t in TERMS.comparable(include_buyer_only=True) if t.buyer_only}
    # The NSM matrix is compared principle by principle.
    from catalogue import nsm
    assert len([f for f in public if f.principle]) == len(nsm.PRINCIPLES)


def test_requirements_are_validated():
    args = MultiDict([("krav-governing_law", "norge"), ("krav-governing_law", "sverige"), ("krav-scc_modules", "2"),
                      ("krav-availability_sla", "99,9"), ("krav-eea_only_option", "ja"), ("krav-venue", ""),
                      ("krav-pentest_summary", "x"), ("krav-unknown", "y")])
    wanted, errors = cmp.read_requirements(args)
    assert errors == {}
    assert wanted == {"governing_law": ["norge", "sverige"], "scc_modules": ["2"], "availability_sla": ["99.9"],
                      "eea_only_option": ["ja"]}
    wanted, errors = cmp.read_requirements(MultiDict([
        ("krav-governing_law", "mars"), ("krav-availability_sla", "mye"), ("krav-exit_period_days", "9999"),
        ("krav-eea_only_option", "ja"), ("krav-eea_only_option", "nei"), ("krav-scc_modules", "2")]))
    assert set(errors) == {"governing_law", "availability_sla", "exit_period_days", "eea_only_option"}
    assert wanted == {"scc_modules": ["2"]}  # a bad requirement never silently counts as met


def test_compare_marks_differences_and_verdicts(shared_app):
    a, b = pick(shared_app, norwegian, foreign)
    entries = entries_of(shared_app, a, b)
    result = cmp.compare(entries, {"governing_law": ["norge"], "scc_modules": ["2"]}, include_buyer_only=False)
    rows = {r.field.key: r for s in result.sections for r in s.rows}
    assert rows["governing_law"].differs
    assert rows["governing_law"].verdicts == [True, False]
    assert rows["venue"].verdicts == [None, None]
    for key, row in rows.items():
        assert row.differs == (row.field.comparable_value(a.terms) != row.field.comparable_value(b.terms))
    assert "pentest_summary" not in rows and "public_sector_contact" not in rows
    assert TERMS["governing_law"] not in result.failed[0]
    assert TERMS["governing_law"] in result.failed[1]
    assert result.verdict_text(1).startswith("Oppfyller ikke: Lovvalg")
    only = cmp.compare(entries, {}, include_buyer_only=True, only_differences=True)
    assert all(r.differs for s in only.sections for r in s.rows)
    assert any(r.field.key == "pentest_summary" for s in only.sections for r in s.rows) == (
        a.terms["pentest_summary"] != b.terms["pentest_summary"])


def test_same_service_twice_differs_nowhere(shared_app):
    a, = pick(shared_app, norwegian)
    entry = entries_of(shared_app, a)[0]
    result = cmp.compare([entry, entry], {}, include_buyer_only=True)
    assert result.differing == 0


def test_live_entries_skip_unpublished(shared_app):
    with Session(shared_app.extensions["db_engine"]) as session:
        hidden = session.exec(select(Service).where(Service.status != "published")).all()
        visible = session.exec(select(Service).where(Service.status == "published")).first()
        entries, missing = cmp.live_entries(session, [visible.id] + [s.id for s in hidden] + [10**8])
    assert [e.service_id for e in entries] == [visible.id]
    assert missing == [s.id for s in hidden] + [10**8]


# --- the page ---------------------------------------------------------------------------------

def test_compare_page_shows_every_term_side_by_side(shared_app, shared_client):
    a, b, c = pick(shared_app, norwegian, foreign, norwegian)
    page = shared_client.get(url(a, b, c))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for s in (a, b, c):
        assert s.name in html
    for term in TERMS.comparable(include_buyer_only=False):
        assert term.label("nb") in html
    assert "Siste inntrengningstest" not in html  # buyer-only: not for anonymous visitors
    assert "Enkelte vilkår vises bare for innloggede offentlige innkjøpere." in html
    result = cmp.compare(entries_of(shared_app, a, b, c), {}, include_buyer_only=False)
    # Every differing row carries the class and a visible text marker (not colour alone).
    assert html.count('class="differs') == result.differing
    assert html.count('<span class="diff-marker">Ulik</span>') == result.differing
    assert 'media="print"' in html and "compare-print.css" in html


def test_requirements_mark_each_service(shared_app, shared_client):
    a, b = pick(shared_app, lambda t: norwegian(t) and "2" in (t["scc_modules"] or []),
                lambda t: foreign(t) and t["own_purpose_processing"] != "nei")
    page = shared_client.get(url(a, b, governing_law="norge", scc_modules="2", own_purpose_processing="nei"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Oppfyller alle krav" in html
    verdict = re.search(r"Oppfyller ikke: ([^<]+)<", html)
    assert verdict and "Lovvalg" in verdict.group(1) and "Egne formål" in verdict.group(1)
    assert "1 av 2 oppfyller alle kravene." in html
    assert "Lovvalg: Norsk rett" in html  # the requirement as people read it


def test_shareable_url_holds_services_and_requirements(shared_app, shared_client):
    a, b = pick(shared_app, norwegian, foreign)
    html = shared_client.get(url(a, b, governing_law="norge")).get_data(as_text=True)
    share = re.search(r'id="delingslenke" type="text" readonly value="([^"]+)"', html).group(1)
    assert share == f"http://127.0.0.1:5000/sammenlign?id={a.id}&amp;id={b.id}&amp;krav-governing_law=norge"
    # The form sends its empty fields too: the browser is sent to the clean, shareable URL.
    messy = shared_client.get(f"/sammenlign?id={a.id}&id={b.id}&krav-governing_law=norge&krav-venue=&ulike=")
    assert messy.status_code == 302
    assert messy.headers["Location"] == f"/sammenlign?id={a.id}&id={b.id}&krav-governing_law=norge"


@pytest.mark.parametrize("query, status, text", [
    ("", 200, "Velg 2–5 tjenester"),
    ("id=1", 400, "Velg minst 2 tjenester"),
    ("id=1&id=2&id=3&id=4&id=5&id=6", 400, "høyst 5 tjenester"),
    ("id=1&id=abc", 400, "ikke et gyldig tjenestenummer"),
    ("id=99999998&id=99999999", 404, "finnes ikke eller er ikke lenger publisert: 99999998, 99999999"),
])
def test_wrong_number_of_services_gives_a_message(shared_client, query, status, text):
    page = shared_client.get(f"/sammenlign?{query}")
    assert page.status_code == status
    assert text in page.get_data(as_text=True)


def test_unpublished_service_is_named_and_the_rest_compared(shared_app, shared_client):
    with Session(shared_app.extensions["db_engine"]) as session:
        removed = session.exec(select(Service).where(Service.status == "removed")).first()
    a, b = pick(shared_app, norwegian, foreign)
    page = shared_client.get(url(a, b, removed))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"ikke lenger publisert: {removed.id}" in html
    assert a.name in html and b.name in html and "compare-table" in html


def test_bad_requirement_is_shown_at_the_field(shared_app, shared_client):
    a, b = pick(shared_app, norwegian, foreign)
    page = shared_client.get(url(a, b, availability_sla="mye", governing_law="norge"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="error-summary"' in html and '<a href="#krav-availability_sla">' in html
    assert re.search(r'id="krav-availability_sla"[^>]*aria-invalid="true"', html)
    assert "må være et tall" in html
    assert "Oppfyller ikke: Lovvalg" in html  # the valid requirement still applies


def test_htmx_request_gets_only_the_comparison(shared_app, shared_client):
    a, b = pick(shared_app, norwegian, foreign)
    page = shared_client.get(url(a, b), headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<html" not in html and "compare-table" in html
    assert "HX-Request" in page.headers.get("Vary", "")


def test_buyer_sees_buyer_only_terms(app, client):
    a, b = pick(app, norwegian, foreign)
    login(client, "kommune-innkjoper")
    html = client.get(url(a, b)).get_data(as_text=True)
    assert TERMS["pentest_summary"].label("nb") in html
    assert "Enkelte vilkår vises bare for innloggede" not in html
    assert TERMS["public_sector_contact"].label("nb") not in html  # not comparable at all


def test_supplier_does_not_see_buyer_only_terms(app, client):
    a, b = pick(app, norwegian, foreign)
    login(client, "leverandor-fjordsky")
    assert TERMS["pentest_summary"].label("nb") not in client.get(url(a, b)).get_data(as_text=True)


# --- the tray ---------------------------------------------------------------------------------

def _token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_tray_without_javascript(app, client):
    services = published(app)[:6]
    token = _token(client, f"/tjeneste/{services[0].id}")
    page = client.get(f"/tjeneste/{services[0].id}").get_data(as_text=True)
    assert "Legg til sammenligning" in page and 'id="sammenligningskurv"' in page
    for s in services[:5]:
        answer = client.post("/sammenlign/kurv", data={"csrf_token": token, "tjeneste": s.id, "handling": "legg-til",
                                                       "neste": f"/tjeneste/{s.id}"})
        assert answer.status_code == 302 and answer.headers["Location"] == f"/tjeneste/{s.id}"
    full = client.post("/sammenlign/kurv", data={"csrf_token": token, "tjeneste": services[5].id,
                                                 "handling": "legg-til", "neste": "//evil.example/"},
                       follow_redirects=True)
    html = full.get_data(as_text=True)
    assert "Du kan sammenligne høyst 5 tjenester" in html  # and the open redirect was refused
    with client.session_transaction() as session:
        assert session["compare_ids"] == [s.id for s in services[:5]]
    page = client.get(f"/tjeneste/{services[0].id}").get_data(as_text=True)
    assert "Fjern fra sammenligning" in page
    compare_link = re.search(r'href="(/sammenlign\?id=[^"]+)"', page).group(1).replace("&amp;", "&")
    assert compare_link == "/sammenlign?" + "&".join(f"id={s.id}" for s in services[:5])
    assert client.get(compare_link).status_code == 200
    client.post("/sammenlign/kurv", data={"csrf_token": token, "tjeneste": services[0].id, "handling": "fjern"})
    with client.session_transaction() as session:
        assert session["compare_ids"] == [s.id for s in services[1:5]]
    client.post("/sammenlign/kurv", data={"csrf_token": token, "handling": "tom"})
    with client.session_transaction() as session:
        assert session["compare_ids"] == []


def test_tray_with_htmx_returns_tray_and_button(app, client):
    service = published(app)[0]
    token = _token(client, f"/tjeneste/{service.id}")
    answer = client.post("/sammenlign/kurv", data={"csrf_token": token, "tjeneste": service.id,
                                                   "handling": "legg-til", "neste": f"/tjeneste/{service.id}"},
                         headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html
    assert "Tjenesten er lagt til sammenligningen." in html and service.name in html
    assert f'id="sammenlign-knapp-{service.id}"' in html and 'hx-swap-oob="true"' in html
    assert "Fjern fra sammenligning" in html
    assert f'name="neste" value="/tjeneste/{service.id}"' in html


def test_tray_refuses_unknown_and_unpublished_services(app, client):
    with Session(app.extensions["db_engine"]) as session:
        draft = session.exec(select(Service).where(Service.status == "draft")).first()
    token = _token(client, f"/tjeneste/{published(app)[0].id}")
    for value in (str(draft.id), "99999999", "abc"):
        client.post("/sammenlign/kurv", data={"csrf_token": token, "tjeneste": value, "handling": "legg-til"})
    with client.session_transaction() as session:
        assert session.get("compare_ids", []) == []


def test_tray_needs_csrf(app, client):
    service = published(app)[0]
    answer = client.post("/sammenlign/kurv", data={"tjeneste": service.id, "handling": "legg-til"})
    assert answer.status_code == 400
    with client.session_transaction() as session:
        assert session.get("compare_ids", []) == []


def test_english_comparison_uses_the_registry_labels(shared_app, shared_client):
    a, b = pick(shared_app, norwegian, foreign)
    html = shared_client.get(url(a, b, governing_law="norge") + "&lang=en").get_data(as_text=True)
    assert TERMS["governing_law"].label("en") in html and "Governing law: Norwegian law" in html
    assert TERMS["data_locations"].choice_label("norge", "en") in html
