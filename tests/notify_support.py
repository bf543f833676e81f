"""Helpers for the notification tests: a real SMTP server (aiosmtpd) in the test process,
addresses, and the dispatcher of an app pointed at that server."""
from __future__ import annotations

from typing import Optional

import pytest
from sqlmodel import Session, select

from catalogue.models import Supplier, User, utcnow
from catalogue.notifications import notify
from catalogue.notifications.models import MailAddress, Notification, user_owner
from marketplace.mailcatcher import Catcher


@pytest.fixture
def smtp():
    with Catcher() as catcher:
        yield catcher


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(SMTP_URL=smtp.url, NOTIFY_RETRY_SECONDS=0.0, PUBLIC_BASE_URL="https://markedsplassen.test")
    return app


def engine(app):
    return app.extensions["db_engine"]


def supplier_id(app, orgnr: str) -> int:
    with Session(engine(app)) as s:
        return s.exec(select(Supplier.id).where(Supplier.orgnr == orgnr)).one()


def add_address(app, owner: str, org: str, email: str, *, user_id=None, supplier_id=None, verified=True,
                lang="nb") -> int:
    with Session(engine(app)) as s:
        address = MailAddress(owner=owner, org=org, email=email, user_id=user_id, supplier_id=supplier_id,
                              lang=lang, verified_at=utcnow() if verified else None)
        s.add(address)
        s.commit()
        return address.id


def person(app, user_id: int, org: str, email: str, **kw) -> int:
    return add_address(app, user_owner(user_id), org, email, user_id=user_id, **kw)


def make_user(app, name: str) -> int:
    import secrets

    with Session(engine(app)) as s:
        user = User(pid_hash=secrets.token_hex(32), name=name)
        s.add(user)
        s.commit()
        return user.id


def call(app, kind: str, **kwargs):
    with Session(engine(app)) as s:
        event = notify(s, kind, **kwargs)
        s.commit()
        return event


def drain(app, transport=None) -> int:
    from marketplace.mailer import dispatcher

    with app.app_context():
        d = dispatcher(app, transport)
        try:
            return d.drain()
        finally:
            d.transport.close()


def rows(app, kind: Optional[str] = None) -> list[Notification]:
    with Session(engine(app)) as s:
        stmt = select(Notification).order_by(Notification.id)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        return list(s.exec(stmt))
