"""Addresses, verification links, preferences and one-click unsubscribe, through the web pages,
with the mails read from a real SMTP server; the development mail page."""
from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from catalogue.notifications.models import MailAddress, NotificationPreference, NotificationStatus
from tests.login import login
from tests.notify_support import call, drain, engine, mail_app, rows, smtp  # noqa: F401

LINK = re.compile(r"https://markedsplassen\.test(/varsler/adresser/bekreft/\S+)")


@pytest.fixture
def supplier(mail_app):
    mail_app.config["WTF_CSRF_ENABLED"] = False
    client = mail_app.test_client()
    client.viewer = login(client, "leverandor-fjordsky")
    return client


def address(app, email):
    with Session(engine(app)) as s:
        return s.exec(select(MailAddress).where(MailAddress.email == email)).first()


def verification_link(smtp, email) -> str:
    for message in reversed(smtp.mailbox.messages()):
        if message["To"].addresses[0].addr_spec == email:
            return LINK.search(message.get_body(("plain",)).get_content()).group(1)
    raise AssertionError(f"no mail to {email}")


def test_add_verify_once_then_reuse_and_forgery_are_refused(mail_app, smtp, supplier):
    page = supplier.get("/varsler/adresser").get_data(as_text=True)
    assert "Din adresse for" in page and "Funksjonsadresse" in page
    bad = supplier.post("/varsler/adresser/personal", data={"email": "ola@@fjordsky", "lang": "nb"})
    assert bad.status_code == 422 and "E-postadressen er ugyldig" in bad.get_data(as_text=True)
    assert address(mail_app, "ola@@fjordsky") is None
    assert supplier.post("/varsler/adresser/personal", data={"email": " Ola@Fjordsky.no ", "lang": "en"}).status_code == 303
    assert not address(mail_app, "Ola@fjordsky.no").is_verified  # the domain is normalised, the local part kept
    drain(mail_app)
    (message,) = smtp.mailbox.messages()
    assert message["Subject"] == "Confirm your e-mail address at the Cloud Services Marketplace"
    link = verification_link(smtp, "Ola@fjordsky.no")
    anonymous = mail_app.test_client()
    assert "Bekreft adressen" in anonymous.get(link).get_data(as_text=True)  # GET changes nothing
    assert not address(mail_app, "Ola@fjordsky.no").is_verified
    assert anonymous.post(link).status_code == 200
    assert address(mail_app, "Ola@fjordsky.no").is_verified
    reused = anonymous.post(link)
    assert reused.status_code == 400 and "allerede brukt" in reused.get_data(as_text=True)
    forged = anonymous.post(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert forged.status_code == 400 and "ugyldig" in forged.get_data(as_text=True)


def test_expired_and_stale_links_change_nothing(mail_app, smtp, supplier, monkeypatch):
    supplier.post("/varsler/adresser/personal", data={"email": "forst@fjordsky.no", "lang": "nb"})
    drain(mail_app)
    first = verification_link(smtp, "forst@fjordsky.no")
    monkeypatch.setattr("catalogue.notifications.links.VERIFY_MAX_AGE", -1)
    expired = mail_app.test_client().post(first)
    assert expired.status_code == 400 and "utløpt" in expired.get_data(as_text=True)
    monkeypatch.undo()
    supplier.post("/varsler/adresser/personal", data={"email": "andre@fjordsky.no", "lang": "nb"})
    stale = mail_app.test_client().post(first)
    assert stale.status_code == 400 and "endret" in stale.get_data(as_text=True)
    assert not address(mail_app, "andre@fjordsky.no").is_verified


def test_functional_address_is_for_members_and_resend_and_remove(mail_app, smtp, supplier):
    supplier.post("/varsler/adresser/functional", data={"functional-email": "anbud@fjordsky.no", "functional-lang": "nb"})
    saved = address(mail_app, "anbud@fjordsky.no")
    assert saved.owner.startswith("supplier:") and saved.supplier_id == supplier.viewer.supplier_id
    buyer = mail_app.test_client()
    login(buyer, "kommune-innkjoper")
    assert buyer.post("/varsler/adresser/functional", data={"functional-email": "x@kommune.no"}).status_code == 404
    assert buyer.post(f"/varsler/adresser/{saved.id}/fjern").status_code == 404
    assert supplier.post(f"/varsler/adresser/{saved.id}/bekreft-igjen").status_code == 303
    drain(mail_app)
    assert len([m for m in smtp.mailbox.messages() if m["To"].addresses[0].addr_spec == "anbud@fjordsky.no"]) == 2
    assert supplier.post(f"/varsler/adresser/{saved.id}/fjern").status_code == 303
    assert address(mail_app, "anbud@fjordsky.no") is None


def test_preferences_page_says_which_kinds_are_mandatory(mail_app, supplier):
    page = supplier.get("/varsler/innstillinger").get_data(as_text=True)
    from catalogue.notifications.addresses import choosable_kinds

    assert page.count("Obligatorisk: kan ikke slås av.") == sum(k.mandatory for k in choosable_kinds()) >= 3
    refused = supplier.post("/varsler/innstillinger", data={"kind-listing-rejected": "off", "kind-listing-approved": "off"})
    assert refused.status_code == 422 and "obligatorisk" in refused.get_data(as_text=True)
    with Session(engine(mail_app)) as s:
        assert s.exec(select(NotificationPreference)).all() == []  # nothing half-saved
    assert supplier.post("/varsler/innstillinger", data={"kind-listing-approved": "off",
                                                          "kind-shortlist-terms_changed": "daily"}).status_code == 303
    with Session(engine(mail_app)) as s:
        assert {(p.kind, p.delivery) for p in s.exec(select(NotificationPreference))} == {
            ("listing.approved", "off"), ("shortlist.terms_changed", "daily")}


def test_one_click_unsubscribe_works_once(mail_app, smtp, supplier):
    from tests.notify_support import person

    person(mail_app, supplier.viewer.user_id, "0192:964330123", "ola@fjordsky.no")
    call(mail_app, "listing.approved", users=[supplier.viewer.user_id], context={"service": "X"}, url="/", key="u1")
    drain(mail_app)
    url = smtp.mailbox.messages()[0]["List-Unsubscribe"].strip("<>").replace("https://markedsplassen.test", "")
    mail_app.config["WTF_CSRF_ENABLED"] = True
    client = mail_app.test_client()  # a mail client: no session, no CSRF token (RFC 8058)
    assert "Meld meg av" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Du får ikke lenger e-post" in done.get_data(as_text=True)
    again = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 400 and "allerede brukt" in again.get_data(as_text=True)
    assert client.post(url + "x").status_code == 400
    call(mail_app, "listing.approved", users=[supplier.viewer.user_id], context={"service": "Y"}, url="/", key="u2")
    drain(mail_app)
    assert len(smtp.mailbox.received) == 1  # switched off now
    assert rows(mail_app)[-1].status == NotificationStatus.INBOX


def test_dev_mail_page_lists_the_catchers_mails_and_is_refused_in_production(app, tmp_path):
    from marketplace.mailcatcher import Catcher
    from tests.notify_support import make_user, person

    with Catcher(directory=tmp_path / "mail") as catcher:
        app.config.update(SMTP_URL=catcher.url, MAIL_DIR=str(tmp_path / "mail"))
        user = make_user(app, "Åse")
        person(app, user, "0192:964330123", "ase@fjordsky.no")
        call(app, "listing.approved", users=[user], context={"service": "Skylagring"}, url="/", key="dev")
        drain(app)
    client = app.test_client()
    page = client.get("/utvikling/e-post").get_data(as_text=True)
    assert "Tjenesten Skylagring er godkjent" in page and "ase@fjordsky.no" in page
    app.config["PRODUCTION"] = True
    assert client.get("/utvikling/e-post").status_code == 404
