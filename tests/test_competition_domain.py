"""Competitions through the domain: publishing invites exactly the suppliers qualified then,
tenders lock at the deadline to the second, sealing, evaluation with exact arithmetic, award
letters to every tenderer, standstill, cancellation. The clock is passed in everywhere."""
from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from sqlmodel import Session, select

from catalogue import qualification
from catalogue.audit import Actor
from catalogue.competitions import evaluation, questions, sealing, tendering
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import CompetitionStatus, Invitation, Tender, TenderStatus
from catalogue.lifecycle import DomainError, IllegalTransition
from catalogue.models import Category, DPS, Qualification, QualificationApplication, Supplier
from catalogue.notifications.models import NotificationEvent
from tests.competition_support import (BUYER, DEADLINE, ORGNR_A, ORGNR_B, PUBLISHED, SECRET, make_draft,
                                       make_published, submit_tender, supplier_actor)


@pytest.fixture
def session(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        yield s


@pytest.fixture
def upload_dir(tmp_path):
    return str(tmp_path / "uploads")


def _events(session, kind):
    return session.exec(select(NotificationEvent).where(NotificationEvent.kind == kind)).all()


def test_publish_invites_every_supplier_qualified_at_that_moment_and_notifies_them(session):
    comp = make_published(session)
    session.commit()
    dps = session.exec(select(DPS)).first()
    expected = qualification.qualified_supplier_ids(session, dps.id, comp.category_id)
    invited = sorted(session.exec(select(Invitation.supplier_id).where(Invitation.competition_id == comp.id)))
    assert invited == expected and len(invited) >= 2
    assert all(i.invited_at == PUBLISHED for i in session.exec(select(Invitation)))
    event = _events(session, "competition.invited")[0]
    assert event.key == f"competition:{comp.id}:invited"
    assert comp.impact["qualified"] == len(expected)
    assert CompetitionLife(comp).status == CompetitionStatus.PUBLISHED


def test_a_supplier_qualified_after_publication_is_not_invited(session):
    comp = make_published(session)
    lagring = session.get(Category, comp.category_id)
    late = session.exec(select(Supplier).where(Supplier.id.not_in(
        select(Invitation.supplier_id).where(Invitation.competition_id == comp.id)))).first()
    application = QualificationApplication(dps_id=comp.dps_id, supplier_id=late.id, status="decided", declarations={})
    session.add(application)
    session.flush()
    session.add(Qualification(application_id=application.id, dps_id=comp.dps_id, supplier_id=late.id,
                              category_id=lagring.id, status="qualified"))
    session.flush()
    assert qualification.is_qualified(session, late.id, comp.dps_id, lagring.id)
    assert not tendering.is_invited(session, comp, late.id)
    with pytest.raises(DomainError):
        tendering.save_draft(session, Actor(name="sen"), comp, late.id, tendering.TenderInput(price="1"),
                             secret=SECRET, upload_dir="/tmp/none", now=PUBLISHED + timedelta(days=1))


@pytest.mark.parametrize("change, field", [
    ({"tender_deadline": PUBLISHED + timedelta(days=10)}, "tender_deadline"),
    ({"criteria": [{"key": "pris", "kind": "price", "name": "Pris", "weight": 70},
                   {"key": "k1", "kind": "quality", "name": "Kvalitet", "weight": 20}]}, "criteria"),
    ({"criteria": [{"key": "k1", "kind": "quality", "name": "Kvalitet", "weight": 100}]}, "criteria"),
])
def test_publish_is_refused_by_the_rules_and_writes_nothing(session, change, field):
    comp = make_draft(session, **change)
    session.commit()
    with pytest.raises(DomainError) as refused:
        CompetitionLife(comp, PUBLISHED).publish(session, BUYER, PUBLISHED)
    assert refused.value.field == field
    session.rollback()
    assert session.exec(select(Invitation)).first() is None
    assert not _events(session, "competition.invited")


def test_a_correction_keeps_the_ten_day_rule_and_is_notified_with_history(session):
    comp = make_published(session)
    life = CompetitionLife(comp, PUBLISHED + timedelta(days=1))
    with pytest.raises(DomainError):
        life.correct(session, BUYER, {"tender_deadline": PUBLISHED + timedelta(days=9)}, "Kortere frist",
                     PUBLISHED + timedelta(days=1))
    life.correct(session, BUYER, {"tender_deadline": DEADLINE + timedelta(days=3)}, "Fristen forlenges tre dager",
                 PUBLISHED + timedelta(days=1))
    assert comp.version == 2
    assert _events(session, "competition.changed")[0].context["summary"] == "Fristen forlenges tre dager"


def test_tenders_are_sealed_at_rest_and_lock_one_second_after_the_deadline(session, upload_dir):
    comp = make_published(session)
    submit_tender(session, comp, ORGNR_A, "800000", now=DEADLINE - timedelta(seconds=1), upload_dir=upload_dir,
                  extra="HEMMELIG-MERKE-A")
    tender = session.exec(select(Tender).where(Tender.status == TenderStatus.SUBMITTED)).one()
    assert "HEMMELIG-MERKE-A" not in tender.sealed and "800000" not in tender.sealed
    assert tender.opened is None
    assert sealing.unseal(SECRET, tender.sealed)["price_note"] == "HEMMELIG-MERKE-A"
    with pytest.raises(sealing.SealBroken):
        sealing.unseal("another key", tender.sealed)
    actor, supplier_id = supplier_actor(session, ORGNR_A)
    late = DEADLINE + timedelta(seconds=1)
    with pytest.raises(IllegalTransition):
        tendering.withdraw(session, actor, comp, supplier_id, late)
    with pytest.raises(IllegalTransition):
        submit_tender(session, comp, ORGNR_B, "700000", now=late, upload_dir=upload_dir)
    with pytest.raises(IllegalTransition):   # submitting an already saved draft at the deadline itself
        tendering.submit(session, actor, comp, supplier_id, secret=SECRET, now=DEADLINE)
    with pytest.raises(IllegalTransition):   # nor opened before the deadline
        CompetitionLife(comp, DEADLINE - timedelta(seconds=1)).open(session, BUYER, DEADLINE - timedelta(seconds=1),
                                                                    SECRET)


def test_withdraw_resubmit_and_replace_before_the_deadline(session, upload_dir):
    comp = make_published(session)
    now = PUBLISHED + timedelta(days=2)
    submit_tender(session, comp, ORGNR_A, "900000", now=now, upload_dir=upload_dir)
    actor, supplier_id = supplier_actor(session, ORGNR_A)
    tendering.withdraw(session, actor, comp, supplier_id, now)
    submit_tender(session, comp, ORGNR_A, "850000", now=now, upload_dir=upload_dir)
    submit_tender(session, comp, ORGNR_A, "820000", now=now, upload_dir=upload_dir)
    statuses = sorted(t.status for t in session.exec(select(Tender).where(Tender.supplier_id == supplier_id)))
    assert statuses == sorted([TenderStatus.WITHDRAWN, TenderStatus.REPLACED, TenderStatus.SUBMITTED])


def _opened(session, upload_dir, prices=("800000", "1000000")):
    comp = make_published(session)
    for orgnr, price in zip((ORGNR_A, ORGNR_B), prices):
        submit_tender(session, comp, orgnr, price, now=DEADLINE - timedelta(hours=1), upload_dir=upload_dir)
    CompetitionLife(comp, DEADLINE).open(session, BUYER, DEADLINE, SECRET)
    return comp


def _assess(session, comp, orgnr, met, score):
    _actor, supplier_id = supplier_actor(session, orgnr)
    tender = tendering.of_supplier(session, comp, supplier_id, TenderStatus.SUBMITTED)
    verdicts = {r["key"]: {"met": met, "reason": "" if met else "Oppgir irsk rett."} for r in comp.requirements}
    evaluation.assess(session, BUYER, comp, tender, verdicts, {"k1": {"score": score, "reason": "Begrunnet."}},
                      DEADLINE + timedelta(hours=1))
    return tender


def test_hand_calculated_example_comes_out_exactly(session, upload_dir):
    """60 % price (linear from the lowest), 40 % quality.

    A: 800 000 kr → price score 10; quality 6 → 0.6·10 + 0.4·6 = 8.4
    B: 1 000 000 kr → 10·(1 − 200 000/800 000) = 7.5; quality 9 → 0.6·7.5 + 0.4·9 = 8.1
    """
    comp = _opened(session, upload_dir)
    _assess(session, comp, ORGNR_A, True, "6")
    _assess(session, comp, ORGNR_B, True, "9")
    ev = evaluation.evaluate(session, comp)
    by_price = {c.content["price"]: c for c in ev.columns}
    a, b = by_price["800000"], by_price["1000000"]
    assert a.criterion_scores == {"pris": Fraction(10), "k1": Fraction(6)}
    assert b.criterion_scores == {"pris": Fraction(15, 2), "k1": Fraction(9)}
    assert a.total == Fraction(42, 5) and b.total == Fraction(81, 10)
    assert (a.rank, b.rank) == (1, 2)
    assert a.arithmetic == "60 % × 10,00 + 40 % × 6,00 = 8,40"
    assert ev.winner is a


def test_a_failed_requirement_rejects_the_tender_and_the_buyer_cannot_change_tender_content(session, upload_dir):
    comp = _opened(session, upload_dir)
    before = dict(tendering.of_supplier(session, comp, supplier_actor(session, ORGNR_B)[1],
                                        TenderStatus.SUBMITTED).opened)
    _assess(session, comp, ORGNR_A, True, "5")
    rejected = _assess(session, comp, ORGNR_B, False, "")
    ev = evaluation.evaluate(session, comp)
    column = ev.column(rejected.id)
    assert column.rejected and column.rank is None and "Oppgir irsk rett." in column.reasons
    assert rejected.opened == before  # assessing records verdicts beside the content, never in it
    # Only the price among tenders not rejected counts: A alone gets 10 for price.
    assert ev.column(ev.winner.tender.id).criterion_scores["pris"] == 10


def test_award_letters_reach_every_tenderer_and_the_standstill_leads_to_contract(session, upload_dir):
    comp = _opened(session, upload_dir)
    a = _assess(session, comp, ORGNR_A, True, "6")
    _assess(session, comp, ORGNR_B, True, "9")
    awarded_at = DEADLINE + timedelta(days=1)
    evaluation.award(session, BUYER, comp, a.id, "Lavest pris og god kvalitet.", awarded_at)
    letters = _events(session, "competition.awarded")
    assert sorted(e.context["supplier_id"] for e in letters) == sorted(
        [supplier_actor(session, ORGNR_A)[1], supplier_actor(session, ORGNR_B)[1]])
    assert {e.context["winner"] for e in letters} == {session.get(Supplier, a.supplier_id).name}
    life = CompetitionLife(comp, comp.standstill_ends_at - timedelta(seconds=1))
    assert life.in_standstill and not life.can_conclude_standstill and not life.can_make_contract
    with pytest.raises(IllegalTransition):
        life.conclude_standstill(session, BUYER, comp.standstill_ends_at - timedelta(seconds=1))
    CompetitionLife(comp).conclude_standstill(session, BUYER, comp.standstill_ends_at)
    life = CompetitionLife(comp)
    assert life.can_make_contract and life.awarded_tender(session).id == a.id


def test_questions_close_at_the_question_deadline_and_answers_go_to_all_invited(session):
    comp = make_published(session)
    actor, supplier_id = supplier_actor(session, ORGNR_A)
    question = questions.ask(session, actor, comp, supplier_id, "Gjelder kravet også sikkerhetskopier?",
                             PUBLISHED + timedelta(days=1))
    with pytest.raises(IllegalTransition):
        questions.ask(session, actor, comp, supplier_id, "For sent?", comp.question_deadline)
    questions.answer(session, BUYER, comp, question, "Ja.", PUBLISHED + timedelta(days=2))
    event = _events(session, "competition.answered")[0]
    assert event.context["question_id"] == question.id
    assert [q.answer for q in questions.published(session, comp)] == ["Ja."]


def test_cancel_notifies_everyone_invited_and_needs_a_reason(session):
    comp = make_published(session)
    with pytest.raises(DomainError):
        CompetitionLife(comp).cancel(session, BUYER, " ", PUBLISHED + timedelta(days=1))
    CompetitionLife(comp).cancel(session, BUYER, "Behovet er falt bort.", PUBLISHED + timedelta(days=1))
    assert CompetitionLife(comp).is_cancelled and not CompetitionLife(comp).can_cancel
    assert _events(session, "competition.cancelled")[0].context["reason"] == "Behovet er falt bort."


def test_the_scheduler_ends_the_standstill_and_tells_the_buyer(session, upload_dir):
    from catalogue.competitions.jobs import conclude_standstills

    comp = _opened(session, upload_dir)
    a = _assess(session, comp, ORGNR_A, True, "6")
    _assess(session, comp, ORGNR_B, True, "9")
    evaluation.award(session, BUYER, comp, a.id, "Lavest pris.", DEADLINE + timedelta(days=1))
    assert conclude_standstills(session, comp.standstill_ends_at - timedelta(seconds=1)) == 0
    assert conclude_standstills(session, comp.standstill_ends_at) == 1
    assert CompetitionLife(comp).can_make_contract
    assert _events(session, "competition.ready")[0].key == f"competition:{comp.id}:ready"
