"""notify(): the outbox rows written in the caller's transaction, idempotency, audiences,
preferences, and the in-app inbox with its unread count in the header."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import Session, func, select

from catalogue.models import Supplier, utcnow
from catalogue.notifications import notify
from catalogue.notifications.models import (TEAM, Delivery, MailAddress, Notification, NotificationEvent,
                                            NotificationPreference, NotificationStatus, supplier_owner,
                                            user_owner)
from catalogue.notifications.outbox import next_digest_time
from tests.login import login

FJORDSKY = "964330123"


def engine(app):
    return app.extensions["db_engine"]


def add_address(app, owner: str, org: str, email: str, *, user_id=None, supplier_id=None, verified=True, lang="nb"):
    with Session(engine(app)) as s:
        s.add(MailAddress(owner=owner, org=org, email=email, user_id=user_id, supplier_id=supplier_id, lang=lang,
                          verified_at=utcnow() if verified else None))
        s.commit()


def fjordsky_id(app) -> int:
    with Session(engine(app)) as s:
        return s.exec(select(Supplier.id).where(Supplier.orgnr == FJORDSKY)).one()


def rows(app, **where) -> list[Notification]:
    with Session(engine(app)) as s:
        stmt = select(Notification)
        for name, value in where.items():
            stmt = stmt.where(getattr(Notification, name) == value)
        return list(s.exec(stmt.order_by(Notification.id)))


def call(app, kind="listing.approved", **kwargs):
    with Session(engine(app)) as s:
        kwargs.setdefault("context", {"service": "Skylagring"})
        kwargs.setdefault("url", "/tjenester/1")
        event = notify(s, kind, **kwargs)
        s.commit()
        return event


def test_supplier_members_and_functional_address_get_rows_by_verification(app):
    client = app.test_client()
    member = login(client, "leverandor-fjordsky")
    supplier_id = fjordsky_id(app)
    add_address(app, user_owner(member.user_id), f"0192:{FJORDSKY}", "ola@fjordsky.no", user_id=member.user_id, lang="en")
    add_address(app, supplier_owner(supplier_id), f"0192:{FJORDSKY}", "anbud@fjordsky.no", supplier_id=supplier_id,
                verified=False)
    assert call(app, suppliers=[supplier_id], key="t:1") is not None
    found = rows(app)
    assert [(r.recipient, r.email, r.lang, r.status) for r in found] == [
        (user_owner(member.user_id), "ola@fjordsky.no", "en", NotificationStatus.QUEUED)]
    # the unverified functional address got nothing


def test_same_key_twice_makes_one_notification(app):
    client = app.test_client()
    member = login(client, "leverandor-fjordsky")
    assert call(app, users=[member.user_id], key="same") is not None
    assert call(app, users=[member.user_id], key="same") is None
    with Session(engine(app)) as s:
        assert s.exec(select(func.count()).select_from(NotificationEvent)).one() == 1
    assert len(rows(app)) == 1


def test_rolled_back_transaction_leaves_nothing(app):
    client = app.test_client()
    member = login(client, "leverandor-fjordsky")
    with Session(engine(app)) as s:
        notify(s, "listing.approved", users=[member.user_id], context={}, key="rolled-back")
        s.rollback()
    assert rows(app) == []
    assert call(app, users=[member.user_id], key="rolled-back") is not None  # the key was never taken


def test_preferences_daily_off_and_mandatory(app):
    client = app.test_client()
    member = login(client, "leverandor-fjordsky")
    owner = user_owner(member.user_id)
    add_address(app, owner, f"0192:{FJORDSKY}", "ola@fjordsky.no", user_id=member.user_id)
    with Session(engine(app)) as s:
        s.add(NotificationPreference(owner=owner, kind="listing.approved", delivery=Delivery.OFF.value))
        s.add(NotificationPreference(owner=owner, kind="listing.rejected", delivery=Delivery.OFF.value))
        s.add(NotificationPreference(owner=owner, kind="shortlist.terms_changed", delivery=Delivery.DAILY.value))
        s.commit()
    call(app, "listing.approved", users=[member.user_id], key="a")
    call(app, "listing.rejected", users=[member.user_id], key="b")  # mandatory: off is ignored
    call(app, "shortlist.terms_changed", users=[member.user_id], key="c")
    by_kind = {r.kind: r for r in rows(app)}
    assert by_kind["listing.approved"].status == NotificationStatus.INBOX
    assert by_kind["listing.rejected"].status == NotificationStatus.QUEUED
    assert by_kind["shortlist.terms_changed"].status == NotificationStatus.HELD
    assert by_kind["shortlist.terms_changed"].next_attempt_at > utcnow()


def test_managers_and_team_address(app):
    client = app.test_client()
    manager = login(client, "avtaleforvalter")
    add_address(app, TEAM, "managers", "forvaltning@example.no")
    call(app, "manager.queue", managers=True, context={"item": "Søknad"}, key="q")
    found = {r.recipient: r for r in rows(app)}
    assert set(found) == {user_owner(manager.user_id), TEAM}
    assert found[TEAM].status == NotificationStatus.HELD  # daily digest by default
    assert found[user_owner(manager.user_id)].status == NotificationStatus.INBOX  # no verified address


@pytest.mark.parametrize("now, due", [
    (datetime(2026, 3, 28, 5, 59, tzinfo=timezone.utc), datetime(2026, 3, 28, 6, 0, tzinfo=timezone.utc)),
    (datetime(2026, 3, 28, 6, 0, tzinfo=timezone.utc), datetime(2026, 3, 29, 5, 0, tzinfo=timezone.utc)),  # DST starts
    (datetime(2026, 10, 24, 5, 0, tzinfo=timezone.utc), datetime(2026, 10, 25, 6, 0, tzinfo=timezone.utc)),  # DST ends
])
def test_digest_leaves_at_seven_oslo_time(now, due):
    assert next_digest_time(now) == due


def test_inbox_lists_counts_and_marks_read(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    member = login(client, "leverandor-fjordsky")
    call(app, users=[member.user_id], context={"service": "Skylagring <b>"}, key="inbox-1")
    call(app, users=[member.user_id], context={"service": "Backup"}, key="inbox-2")
    page = client.get("/varsler").get_data(as_text=True)
    assert "Tjenesten Skylagring &lt;b&gt; er godkjent" in page and "Tjenesten Backup er godkjent" in page
    assert '<span class="badge">2<span class="visually-hidden"> uleste' in page
    first = rows(app)[0]
    assert client.post(f"/varsler/{first.id}/lest").status_code == 303
    assert '<span class="badge">1<span' in client.get("/").get_data(as_text=True)
    client.post("/varsler/lest")
    assert 'class="badge">' not in client.get("/varsler").get_data(as_text=True).split("</header>")[0]
    other = app.test_client()
    login(other, "leverandor-nordlys")
    assert other.post(f"/varsler/{first.id}/lest").status_code == 404
    assert other.get("/varsler?lang=en").status_code == 200


def test_every_scheduled_job_is_loaded_by_the_dispatcher():
    """A module with ``@scheduled`` jobs that the dispatcher does not import would never run."""
    import re
    from pathlib import Path

    from catalogue.notifications import schedule

    root = Path(__file__).resolve().parent.parent
    declaring = {".".join(path.relative_to(root).with_suffix("").parts)
                 for path in (root / "catalogue").rglob("*.py") if re.search(r"^@scheduled\(", path.read_text(), re.M)}
    assert declaring <= set(schedule.JOB_MODULES), declaring - set(schedule.JOB_MODULES)
    schedule.load_jobs()
    assert "saved_searches" in schedule.JOBS
