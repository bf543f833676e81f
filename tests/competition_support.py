"""Building competitions for tests and benchmarks, through the domain (never by writing rows).

The clock is passed explicitly: ``PUBLISHED`` is a fixed moment, deadlines follow from it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.competitions import drafting, rules, tendering
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import Competition
from catalogue.models import DPS, Category, Supplier

BUYER_ORGNR = "976240391"      # Fjellvik kommune (test person kommune-innkjoper)
BUYER = Actor(name="Ingrid Haugland", acting_for=f"0192:{BUYER_ORGNR}", role="buyer")
ORGNR_A, ORGNR_B = "964330123", "935308291"   # Fjordsky AS, Nordlys Datasenter AS: qualified in "lagring"
CATEGORY = "lagring"
SECRET = "test-secret-key"
PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DEADLINE = rules.earliest_tender_deadline(PUBLISHED) + timedelta(hours=12)   # 13 March 12:00 Oslo
QUESTIONS_CLOSE = PUBLISHED + timedelta(days=5)


def supplier_actor(session: Session, orgnr: str) -> tuple[Actor, int]:
    supplier = session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).one()
    return Actor(name=f"Tester {supplier.name}", acting_for=f"0192:{orgnr}", role="supplier"), supplier.id


def draft_values(**overrides) -> dict:
    values = dict(
        title="Lagring av arkivkopier", need="Objektlagring for 40 TB arkivkopier med versjonering.",
        estimated_value=900_000, contract_period="2 år med opsjon på 1 + 1 år",
        price_form="Samlet pris for to år, 40 TB, inkludert uthenting.", tender_deadline=DEADLINE,
        question_deadline=QUESTIONS_CLOSE, standstill_days=10,
        standstill_reason="Frivillig karensperiode for å sikre tildelingen.",
        criteria=[{"key": "pris", "kind": "price", "name": "Pris", "weight": 60},
                  {"key": "k1", "kind": "quality", "name": "Løsningens kvalitet", "weight": 40}],
        requirements=[{"key": "t-governing_law", "term": "governing_law", "values": ["norge"], "text": ""},
                      {"key": "f1", "term": None, "values": [], "text": "Norsk brukerstøtte på hverdager."}],
    )
    values.update(overrides)
    return values


def make_draft(session: Session, now: datetime = PUBLISHED - timedelta(days=1), category: str = CATEGORY,
               **overrides) -> Competition:
    dps = session.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
    cat = session.exec(select(Category).where(Category.slug == category)).one()
    return drafting.create(session, BUYER, dps, cat, "Fjellvik kommune", draft_values(**overrides), now)


def make_published(session: Session, now: datetime = PUBLISHED, **overrides) -> Competition:
    comp = make_draft(session, **overrides)
    CompetitionLife(comp, now).publish(session, BUYER, now)
    return comp


def submit_tender(session: Session, comp: Competition, orgnr: str, price: str, *, now: datetime,
                  upload_dir: str, quality: str = "Godt beskrevet løsning.", extra: str = "",
                  upload: Optional[tuple[str, bytes]] = None, secret: str = SECRET):
    actor, supplier_id = supplier_actor(session, orgnr)
    data = tendering.TenderInput(
        price=price, price_note=extra,
        answers={r["key"]: f"Oppfylt. {extra}" for r in comp.requirements}, quality={"k1": quality})
    tendering.save_draft(session, actor, comp, supplier_id, data, secret=secret, upload_dir=upload_dir, now=now,
                         upload=upload)
    return tendering.submit(session, actor, comp, supplier_id, secret=secret, now=now)


# --- objects for the security tests (authorization matrix, sealing, form fuzzers) -----------------

# Text only the sealed tenders hold: it must never leave the application before the opening.
SEAL_MARKERS = ("SEGL-A-PRIS-MERKNAD-7731", "SEGL-B-UTKAST-4412", "SEGL-C-LUKKET-9920")


def world_objects(session: Session, upload_dir: str, secret: str) -> dict:
    """A competition in every state, through the domain, with the clock set relative to now.

    * ``competition_draft`` – the buyer's draft;
    * ``competition`` – published, open for tenders: A has submitted a tender (sealed), B a draft,
      A has asked a question; it has a document;
    * ``competition_closed`` – the deadline has passed, not opened yet (a sealed tender from A);
    * ``competition_opened`` – opened, under evaluation (tenders from A and B, A's with a document);
    * ``competition_awarded`` – awarded, the standstill over.
    """
    from catalogue.competitions import questions
    from catalogue.competitions.evaluation import assess, award
    from catalogue.competitions.store import store_competition_document
    from catalogue.models import utcnow
    from tests.pdf import make_pdf

    now = utcnow()
    objects: dict = {}
    objects["competition_draft"] = make_draft(session, now=now).id

    def published(at, **kw):
        deadline = kw.pop("deadline", None) or rules.earliest_tender_deadline(at)
        return make_published(session, now=at, tender_deadline=deadline, question_deadline=at + timedelta(days=2),
                              **kw)

    open_comp = published(now - timedelta(hours=1), deadline=rules.earliest_tender_deadline(now) + timedelta(days=1))
    submit_tender(session, open_comp, ORGNR_A, "712345", now=now, upload_dir=upload_dir, extra=SEAL_MARKERS[0],
                  secret=secret, upload=(f"{SEAL_MARKERS[0]}.pdf", make_pdf(SEAL_MARKERS[0])))
    actor_b, supplier_b = supplier_actor(session, ORGNR_B)
    tendering.save_draft(session, actor_b, open_comp, supplier_b,
                         tendering.TenderInput(price="654321", price_note=SEAL_MARKERS[1]), secret=secret,
                         upload_dir=upload_dir, now=now)
    actor_a, supplier_a = supplier_actor(session, ORGNR_A)
    objects["question"] = questions.ask(session, actor_a, open_comp, supplier_a, "Gjelder kravet for alle data?",
                                        now).id
    objects["competition_doc"] = store_competition_document(session, BUYER, upload_dir, open_comp, "krav.pdf",
                                                            make_pdf("Kravspesifikasjon"), now).id
    objects["competition"] = open_comp.id

    closed_at = now - timedelta(days=20)
    closed = published(closed_at)
    submit_tender(session, closed, ORGNR_A, "777777", now=closed_at + timedelta(days=1), upload_dir=upload_dir,
                  extra=SEAL_MARKERS[2], secret=secret)
    objects["competition_closed"] = closed.id

    def opened(at):
        comp = published(at)
        when = at + timedelta(days=1)
        submit_tender(session, comp, ORGNR_A, "800000", now=when, upload_dir=upload_dir, secret=secret,
                      upload=("losning.pdf", make_pdf("Løsningsbeskrivelse")))
        submit_tender(session, comp, ORGNR_B, "1000000", now=when, upload_dir=upload_dir, secret=secret)
        CompetitionLife(comp, comp.tender_deadline).open(session, BUYER, comp.tender_deadline, secret)
        return comp

    evaluating = opened(now - timedelta(days=25))
    tender_a = tendering.of_supplier(session, evaluating, supplier_a, tendering.TenderStatus.SUBMITTED)
    objects.update(competition_opened=evaluating.id, tender_opened_a=tender_a.id,
                   tender_doc_a=tender_a.opened["documents"][0]["id"])

    done = opened(now - timedelta(days=45))
    when = done.tender_deadline + timedelta(hours=1)
    for orgnr, score in ((ORGNR_A, "6"), (ORGNR_B, "9")):
        tender = tendering.of_supplier(session, done, supplier_actor(session, orgnr)[1],
                                       tendering.TenderStatus.SUBMITTED)
        assess(session, BUYER, done, tender, {r["key"]: {"met": True, "reason": ""} for r in done.requirements},
               {"k1": {"score": score, "reason": "Begrunnet."}}, when)
    award(session, BUYER, done, tendering.of_supplier(session, done, supplier_a, tendering.TenderStatus.SUBMITTED).id,
          "Lavest pris.", when)
    objects["competition_awarded"] = done.id
    return objects


def ready_for_contract(session: Session, upload_dir: str, secret: str, now: datetime) -> Competition:
    """A competition awarded to Fjordsky AS (A), its standstill concluded: ready for a contract (issue 14)."""
    from catalogue.competitions.evaluation import assess, award

    at = now - timedelta(days=60)
    comp = make_published(session, now=at, tender_deadline=rules.earliest_tender_deadline(at),
                          question_deadline=at + timedelta(days=2))
    submit_tender(session, comp, ORGNR_A, "800000", now=at + timedelta(days=1), upload_dir=upload_dir, secret=secret)
    CompetitionLife(comp, comp.tender_deadline).open(session, BUYER, comp.tender_deadline, secret)
    tender = tendering.of_supplier(session, comp, supplier_actor(session, ORGNR_A)[1], tendering.TenderStatus.SUBMITTED)
    when = comp.tender_deadline + timedelta(hours=1)
    assess(session, BUYER, comp, tender, {r["key"]: {"met": True, "reason": ""} for r in comp.requirements},
           {"k1": {"score": "7", "reason": "Begrunnet."}}, when)
    award(session, BUYER, comp, tender.id, "Eneste tilbud, oppfyller kravene.", when)
    CompetitionLife(comp).conclude_standstill(session, BUYER, comp.standstill_ends_at)
    return comp
