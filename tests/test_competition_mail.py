"""Competition notifications reach a real SMTP server (aiosmtpd in the test process) through the
real dispatcher: the invitation to every supplier qualified at publication, the award letters to
every tenderer at once, in the recipient's language."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from catalogue.competitions.evaluation import assess, award
from catalogue.competitions.lifecycle import CompetitionLife, invited_ids
from catalogue.competitions.tendering import of_supplier
from catalogue.competitions.models import TenderStatus
from catalogue import qualification
from catalogue.models import DPS, Category, Supplier
from catalogue.notifications.models import supplier_owner
from tests.competition_support import BUYER, CATEGORY, DEADLINE, ORGNR_A, ORGNR_B, SECRET, make_published, submit_tender, \
    supplier_actor
from tests.notify_support import add_address, drain, mail_app, smtp  # noqa: F401  (fixtures)


def _addresses(app, session, ids):
    by_email = {}
    for sid in ids:
        orgnr = session.get(Supplier, sid).orgnr
        email = f"anbud-{orgnr}@leverandor.test"
        add_address(app, supplier_owner(sid), f"0192:{orgnr}", email, supplier_id=sid,
                    lang="en" if orgnr == ORGNR_B else "nb")
        by_email[email] = sid
    return by_email


def _mails(smtp):
    return {m["To"].addresses[0].addr_spec: m for m in smtp.mailbox.messages()}


def test_invitations_and_award_letters_arrive_at_the_smtp_server(mail_app, smtp, tmp_path):
    app = mail_app
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as s:
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        category = s.exec(select(Category).where(Category.slug == CATEGORY)).one()
        expected = _addresses(app, s, qualification.qualified_supplier_ids(s, dps.id, category.id))
    with Session(engine, expire_on_commit=False) as s:
        comp = make_published(s)
        s.commit()
        assert sorted(invited_ids(s, comp)) == sorted(expected.values())
    assert drain(app) == len(expected)
    mails = _mails(smtp)
    assert set(mails) == set(expected)
    norwegian = mails[f"anbud-{ORGNR_A}@leverandor.test"]
    assert norwegian["Subject"] == "Invitasjon til konkurranse: Lagring av arkivkopier"
    assert "Fjellvik kommune inviterer dere" in norwegian.get_body(("plain",)).get_content()
    english = mails[f"anbud-{ORGNR_B}@leverandor.test"]
    assert english["Subject"] == "Invitation to tender: Lagring av arkivkopier"
    assert f"/konkurranser/{comp.id}" in english.get_body(("plain",)).get_content()

    # Two tenders, the opening, the evaluation and the award: a letter to each tenderer.
    upload_dir = str(tmp_path / "uploads")
    with Session(engine, expire_on_commit=False) as s:
        comp = s.merge(comp)
        for orgnr, price in ((ORGNR_A, "800000"), (ORGNR_B, "1000000")):
            submit_tender(s, comp, orgnr, price, now=DEADLINE - timedelta(hours=1), upload_dir=upload_dir)
        CompetitionLife(comp, DEADLINE).open(s, BUYER, DEADLINE, SECRET)
        for orgnr, score in ((ORGNR_A, "6"), (ORGNR_B, "9")):
            tender = of_supplier(s, comp, supplier_actor(s, orgnr)[1], TenderStatus.SUBMITTED)
            assess(s, BUYER, comp, tender, {r["key"]: {"met": True, "reason": ""} for r in comp.requirements},
                   {"k1": {"score": score, "reason": "Begrunnet."}}, DEADLINE + timedelta(hours=1))
        winner = of_supplier(s, comp, supplier_actor(s, ORGNR_A)[1], TenderStatus.SUBMITTED)
        award(s, BUYER, comp, winner.id, "Lavest pris og god kvalitet.", DEADLINE + timedelta(hours=2))
        s.commit()
    smtp.mailbox.received.clear()
    drain(app)
    letters = {to: m for to, m in _mails(smtp).items() if "tildeling" in m["Subject"] or "award" in m["Subject"]}
    assert set(letters) == {f"anbud-{ORGNR_A}@leverandor.test", f"anbud-{ORGNR_B}@leverandor.test"}
    loser = letters[f"anbud-{ORGNR_B}@leverandor.test"].get_body(("plain",)).get_content()
    assert "not the tender from Nordlys Datasenter AS" in loser
    assert "60 % × 7,50 + 40 % × 9,00 = 8,10" in loser and "8,40" in loser
    assert "The standstill period ends" in loser
