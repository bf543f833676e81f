"""The dispatcher against a real SMTP server in the test process: each kind arrives with the right
recipient, language, subject and link; unverified and switched-off addresses get nothing; header
injection is impossible; temporary and permanent failures; digests."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from catalogue.models import utcnow
from catalogue.notifications.models import Delivery, NotificationPreference, NotificationStatus, user_owner
from tests.notify_support import (add_address, call, drain, engine, make_user, mail_app, person, rows,  # noqa: F401
                                  smtp, supplier_id)

FJORDSKY = "964330123"


def test_listing_rejected_reaches_members_in_their_language_with_reason_and_link(mail_app, smtp):
    ola, kari = make_user(mail_app, "Ola Nordmann"), make_user(mail_app, "Kari Nordmann")
    org = f"0192:{FJORDSKY}"
    person(mail_app, ola, org, "ola@fjordsky.no")
    person(mail_app, kari, org, "kari@fjordsky.no", lang="en")
    call(mail_app, "listing.rejected", users=[ola, kari], context={"service": "Skylagring Pluss", "reason": "Mangler exit-plan."},
         url="/leverandor/tjenester/7", key="listing:7:rejected:1")
    assert drain(mail_app) == 2
    mails = {m["To"].addresses[0].addr_spec: m for m in smtp.mailbox.messages()}
    assert set(mails) == {"ola@fjordsky.no", "kari@fjordsky.no"}
    nb, en = mails["ola@fjordsky.no"], mails["kari@fjordsky.no"]
    assert nb["Subject"] == "Tjenesten Skylagring Pluss er avvist"
    assert en["Subject"] == "The service Skylagring Pluss has been rejected"
    assert nb["To"].addresses[0].display_name == "Ola Nordmann"
    text = nb.get_body(("plain",)).get_content()
    assert "Mangler exit-plan." in text and "https://markedsplassen.test/leverandor/tjenester/7" in text
    assert "obligatorisk" in text and "List-Unsubscribe" not in nb  # mandatory: no unsubscribe
    html = en.get_body(("html",)).get_content()
    assert 'href="https://markedsplassen.test/leverandor/tjenester/7"' in html and "Reason" in html
    assert nb["Message-ID"] != en["Message-ID"]
    assert {r.status for r in rows(mail_app)} == {NotificationStatus.SENT}
    assert drain(mail_app) == 0  # nothing twice


def test_unverified_and_switched_off_get_nothing(mail_app, smtp):
    on, unverified, off = (make_user(mail_app, n) for n in ("På", "Ubekreftet", "Av"))
    org = f"0192:{FJORDSKY}"
    person(mail_app, on, org, "on@fjordsky.no")
    person(mail_app, unverified, org, "unverified@fjordsky.no", verified=False)
    person(mail_app, off, org, "off@fjordsky.no")
    with Session(engine(mail_app)) as s:
        s.add(NotificationPreference(owner=user_owner(off), kind="listing.approved", delivery=Delivery.OFF.value))
        s.commit()
    call(mail_app, "listing.approved", users=[on, unverified, off], context={"service": "X"}, url="/", key="k")
    drain(mail_app)
    assert [m["To"].addresses[0].addr_spec for m in smtp.mailbox.messages()] == ["on@fjordsky.no"]
    message = smtp.mailbox.messages()[0]
    assert message["List-Unsubscribe"].startswith("<https://markedsplassen.test/varsler/avmeld/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {r.status for r in rows(mail_app) if r.user_id != on} == {NotificationStatus.INBOX}


@pytest.mark.parametrize("hostile", ["Ny\r\nBcc: angriper@example.com", "Øl & «sky»\nX-Evil: 1", "名前\r\n\r\nbody"])
def test_names_and_subjects_never_inject_headers(mail_app, smtp, hostile):
    victim = make_user(mail_app, hostile)
    person(mail_app, victim, f"0192:{FJORDSKY}", "victim@fjordsky.no")
    call(mail_app, "listing.approved", users=[victim], context={"service": hostile}, url="/", key="inject")
    drain(mail_app)
    (recipients, raw), = smtp.mailbox.received
    assert recipients == ["victim@fjordsky.no"]
    head = raw.split(b"\r\n\r\n", 1)[0]
    starts = {line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if not line[:1].isspace()}
    assert not starts & {b"bcc", b"x-evil", b"body"}  # the hostile text never begins a header line
    message = smtp.mailbox.messages()[0]
    assert "Bcc" not in message and "X-Evil" not in message
    assert " ".join(hostile.split()) in message["Subject"]
    assert message["To"].addresses[0].display_name == " ".join(hostile.split())


def test_functional_and_team_addresses(mail_app, smtp):
    fjordsky = supplier_id(mail_app, FJORDSKY)
    add_address(mail_app, f"supplier:{fjordsky}", f"0192:{FJORDSKY}", "anbud@fjordsky.no", supplier_id=fjordsky)
    add_address(mail_app, "team", "managers", "forvaltning@dfo.example")
    call(mail_app, "application.received", suppliers=[fjordsky], context={"supplier": "Fjordsky AS", "dps": "Skytjenester"},
         url="/leverandor", key="app:1:received")
    call(mail_app, "manager.queue", managers=True, context={"item": "Søknad fra Fjordsky AS"}, url="/forvaltning",
         key="queue:app:1")
    drain(mail_app)
    received = {m["To"].addresses[0].addr_spec: m for m in smtp.mailbox.messages()}
    assert set(received) == {"anbud@fjordsky.no"}  # the team's mail waits for the daily digest
    assert received["anbud@fjordsky.no"]["To"].addresses[0].display_name == "Fjordsky AS"
    held = rows(mail_app, "manager.queue")[0]
    assert held.status == NotificationStatus.HELD
    with Session(engine(mail_app)) as s:  # it is 07:00 in Oslo: the digest is due
        row = s.get(type(held), held.id)
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        s.add(row)
        s.commit()
    call(mail_app, "manager.queue", managers=True, context={"item": "Tjeneste til godkjenning"}, url="/forvaltning",
         key="queue:service:2")
    drain(mail_app)
    assert len(smtp.mailbox.received) == 2
    digest = smtp.mailbox.messages()[1]
    assert digest["Subject"] == "Daglig oppsummering: 1 varsel"
    assert "Søknad fra Fjordsky AS" in digest.get_body(("plain",)).get_content()


def test_temporary_refusal_is_retried_then_failed_and_permanent_fails_at_once(mail_app, smtp):
    mail_app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    user = make_user(mail_app, "Per")
    person(mail_app, user, f"0192:{FJORDSKY}", "per@fjordsky.no")
    call(mail_app, "listing.approved", users=[user], context={"service": "X"}, url="/", key="temp")
    smtp.mailbox.refuse_with = "451 4.3.0 try again later"
    drain(mail_app)
    (row,) = rows(mail_app)
    assert row.status == NotificationStatus.FAILED and row.attempts == 3 and "451" in row.last_error
    call(mail_app, "listing.approved", users=[user], context={"service": "Y"}, url="/", key="perm")
    smtp.mailbox.refuse_with = "554 5.7.1 rejected"
    drain(mail_app)
    assert rows(mail_app)[1].status == NotificationStatus.FAILED and rows(mail_app)[1].attempts == 1
    smtp.mailbox.refuse_with = None
    call(mail_app, "listing.approved", users=[user], context={"service": "Z"}, url="/", key="ok")
    drain(mail_app)
    assert rows(mail_app)[2].status == NotificationStatus.SENT
