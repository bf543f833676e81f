"""Terms drift: risk flags from the registry's declarations, and the watch on publication."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.contracts import drift
from catalogue.contracts import lifecycle as lc
from catalogue.notifications.models import NotificationEvent
from catalogue.listing import Listing
from catalogue.terms import (BOOLEAN, CERTIFICATES, CHOICE, DECIMAL, INTEGER, MULTICHOICE, NSM_MATRIX, ROWS, TERMS,
                             WORSE_ADDED, WORSE_LOWER, WORSE_ORDER, WORSE_REMOVED)
from tests.contract_support import buyer_viewer, frozen_list, make_contract, make_user, published
from tests.pdf import make_pdf


# --- risk flags for every term that declares a direction ---------------------------------------

def _pair(term):
    """A (better, worse) pair of values for *term*, built from its own declaration."""
    worse = term.worse
    if worse.direction == WORSE_ORDER:
        offered = {c.value for c in term.choices}
        ranked = [v for tier in worse.tiers for v in tier if term.type == BOOLEAN or v in offered]
        return ranked[0], ranked[-1]
    if worse.direction == WORSE_LOWER:
        high = term.max_value if term.max_value is not None else 100
        low = term.min_value if term.min_value is not None else 0
        return (float(high) if term.type == DECIMAL else int(high)), (float(low) if term.type == DECIMAL else int(low))
    if term.type == CERTIFICATES:  # rows of dated certificates: the standards that count today
        one, two = ({"standard": standard, "issuer": "Sertifisør AS", "issued": "2020-01-01", "expires": "2099-01-01"}
                    for standard in ("iso27001", "soc2"))
        small, large = [one], [one, two]
    elif term.type == ROWS:
        one = {c.key: f"{c.key}-a" for c in term.columns}
        two = {c.key: f"{c.key}-b" for c in term.columns}
        small, large = [one], [one, two]
    elif term.type == NSM_MATRIX:
        from catalogue import nsm

        small = {p.code: {"responsibility": "customer", "how": ""} for p in nsm.PRINCIPLES}
        large = {p.code: {"responsibility": "supplier", "how": "x"} for p in nsm.PRINCIPLES}
    else:
        values = [c.value for c in term.choices if c.value not in worse.harmless]
        small, large = values[:1], values[:2]
    return (small, large) if worse.direction == WORSE_ADDED else (large, small)


DIRECTED = [t for t in TERMS if t.worse is not None]


def test_the_registry_declares_directions_for_the_terms_buyers_fear():
    keys = {t.key for t in DIRECTED}
    assert {"governing_law", "data_locations", "scc_clause9_notice_days", "subprocessors", "liability_cap"} <= keys


@pytest.mark.parametrize("term", DIRECTED, ids=lambda t: t.key)
def test_risk_flag_for_every_declared_term(term):
    better, worse = _pair(term)
    assert term.clean(better)[1] is None and term.clean(worse)[1] is None, "test values must be valid"
    assert drift.is_worse(term, better, worse) is True
    assert drift.is_worse(term, worse, better) is False
    assert drift.is_worse(term, better, better) is False


@pytest.mark.parametrize("term", DIRECTED, ids=lambda t: t.key)
def test_declared_orders_name_real_choices(term):
    if term.worse.direction != WORSE_ORDER:
        return
    ranked = [v for tier in term.worse.tiers for v in tier]
    assert len(ranked) == len(set(ranked)), term.key         # no value in two tiers
    if term.type == BOOLEAN:
        assert set(ranked) == {True, False}, term.key
    if term.type == CHOICE:   # every choice is ranked (a shared order may rank more than one term offers)
        ranked = {v for tier in term.worse.tiers for v in tier}
        assert {c.value for c in term.choices} <= ranked, term.key


def test_undirected_terms_are_changes_without_a_flag():
    term = TERMS["terms_version"]
    assert term.worse is None and drift.is_worse(term, "1", "2") is None


def test_the_flags_the_issue_names():
    assert drift.is_worse(TERMS["governing_law"], "norge", "irland")
    assert drift.is_worse(TERMS["data_locations"], ["norge", "eos"], ["norge", "eos", "usa"])
    assert not drift.is_worse(TERMS["data_locations"], ["norge"], ["norge", "eos"])
    assert drift.is_worse(TERMS["scc_clause9_notice_days"], 30, 14)
    assert drift.is_worse(TERMS["subprocessors"], [{"name": "A", "country": "Irland", "purpose": "x"}],
                          [{"name": "A", "country": "Irland", "purpose": "x"}, {"name": "B", "country": "USA", "purpose": "y"}])
    assert drift.is_worse(TERMS["liability_cap"], "24-mnd-vederlag", "12-mnd-vederlag")
    assert TERMS["scc_modules"].type == MULTICHOICE and TERMS["exit_period_days"].type == INTEGER


# --- the watch -----------------------------------------------------------------------------------

@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def _norwegian_service(db):
    return next(s for s in published(db, 60) if s.terms.get("governing_law") == "norge")


def test_publication_notifies_owners_once_with_flags(db, app):
    from catalogue.notifications import hooks

    viewer = buyer_viewer(make_user(db, "Kari"))
    service = _norwegian_service(db)
    shortlist = frozen_list(db, viewer, [service])
    other = buyer_viewer(make_user(db, "Ola"), orgnr="922152799")
    other_list = frozen_list(db, other, [service], "Annen etats liste")
    contract = make_contract(db, viewer, shortlist, service)
    life = lc.ContractLife(contract)
    life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(), filename="a.pdf", data=make_pdf("x"))
    db.commit()
    draft = make_contract(db, viewer, shortlist, service, tittel="Bare et utkast")
    service.terms = {**service.terms, "governing_law": "irland"}
    Listing(db, service).publish(Actor(name="Leverandør"))
    hooks.terms_published(db, service)       # what moderation does after publishing
    db.commit()
    events = db.exec(select(NotificationEvent).where(NotificationEvent.kind == drift.DRIFT_KIND)).all()
    assert len(events) == 1
    event = events[0]
    assert event.context["contracts"] == [contract.id] and draft.id not in event.context["contracts"]
    assert "governing_law" in event.context["flags"] and event.context["worse"] >= 1
    # Frozen lists: the organisation with the contract was told above, so only the other one's list is.
    lists = db.exec(select(NotificationEvent).where(NotificationEvent.kind == drift.SHORTLIST_KIND)).all()
    assert [e.url.split("/")[3] for e in lists] == [str(other_list.id)]
    assert lists[0].context["flags"] == event.context["flags"] and lists[0].context["diff"] == event.context["diff"]
    # The same publication seen again notifies nobody twice.
    snapshot = drift.live_version(db, service.id)
    assert drift.watch(db, snapshot) == 0
    # The contract page's drift: the governing-law change, flagged.
    current, drifts = drift.contract_drift(db, contract)
    assert current.version == contract.version + 1
    flagged = [d for d in drifts if d.worse]
    assert [d.term.key for d in flagged] == ["governing_law"]


def test_no_notification_when_terms_are_unchanged(db, app):
    viewer = buyer_viewer(make_user(db, "Kari"))
    service = _norwegian_service(db)
    shortlist = frozen_list(db, viewer, [service])
    contract = make_contract(db, viewer, shortlist, service)
    lc.ContractLife(contract).sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(),
                                   filename="a.pdf", data=make_pdf("x"))
    db.commit()
    service.summary = service.summary + " Ny tekst."
    Listing(db, service).publish(Actor(name="Leverandør"))
    db.commit()
    assert db.exec(select(NotificationEvent).where(NotificationEvent.kind == drift.DRIFT_KIND)).all() == []


def test_the_drift_mail_carries_the_diff_and_the_flags(db, app):
    from types import SimpleNamespace

    from marketplace.mailer import make_renderer

    viewer = buyer_viewer(make_user(db, "Kari"))
    service = _norwegian_service(db)
    contract = make_contract(db, viewer, frozen_list(db, viewer, [service]), service)
    lc.ContractLife(contract).sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(),
                                   filename="a.pdf", data=make_pdf("x"))
    frozen_list(db, buyer_viewer(make_user(db, "Ola"), orgnr="922152799"), [service], "Annen etats liste")
    service.terms = {**service.terms, "governing_law": "irland"}
    Listing(db, service).publish(Actor(name="Leverandør"))
    from catalogue.notifications import hooks

    hooks.terms_published(db, service)
    db.commit()
    render = make_renderer(app)
    for kind in (drift.DRIFT_KIND, drift.SHORTLIST_KIND):
        event = db.exec(select(NotificationEvent).where(NotificationEvent.kind == kind)).one()
        row = SimpleNamespace(kind=kind)
        english = render("en", [(row, event)], digest=False, unsubscribe_url=None)
        norwegian = render("nb", [(row, event)], digest=False, unsubscribe_url=None)
        assert service.name in english.text and service.name in norwegian.text
        assert "Governing law: Norwegian law → Irish law" in english.text
        assert "Lovvalg: Norsk rett → Irsk rett" in norwegian.text
        assert "[Worse]" in english.text and "[Dårligere]" in norwegian.html


@pytest.mark.parametrize("kind, context", [
    ("contract.deviation_filed", {"buyer": "Fjellvik kommune", "contract": "Lagring", "subject": "Nedetid"}),
    ("contract.deviation_answered", {"contract": "Lagring", "subject": "Nedetid"}),
    ("contract.end_reminder", {"contract": "Lagring", "deadline": "01.03.2027", "days": 90}),
    ("contract.option_reminder", {"contract": "Lagring", "deadline": "01.03.2027", "days": 30, "option": "1 år"}),
    ("turnover.reminder", {"dps": "DPS Sky", "quarter": "3. kvartal 2026"}),
    ("turnover.missing", {"quarter": "3. kvartal 2026", "missing": ["Fjordsky AS (DPS Sky)"]}),
])
def test_contract_mails_render_in_both_languages(app, kind, context):
    from types import SimpleNamespace

    from marketplace.mailer import make_renderer

    event = SimpleNamespace(context=context, url="/innkjop/avtaler/1")
    for lang in ("nb", "en"):
        mail = make_renderer(app)(lang, [(SimpleNamespace(kind=kind), event)], digest=False, unsubscribe_url=None)
        assert mail.subject and mail.text.strip() and "<p>" in mail.html
        assert all(str(v) in mail.text for v in context.values() if isinstance(v, (str, int)) and v != "/")
