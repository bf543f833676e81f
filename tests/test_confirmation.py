"""Re-confirmation of listings with a frozen clock (issue 15, item 3).

"Sist bekreftet" is the day of the latest approval or confirmation; the supplier is reminded once when
12 months have passed and the listing is "Ikke bekreftet" from 13 months – in search (facet and hit, the
index updated that day) and on its page. The boundaries are tested at the second before and after Oslo
midnight, across daylight-saving changes, and the reminder fires once across restarts.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlmodel import Session, func, select

from catalogue.audit import Actor
from catalogue.confirmation import (CONFIRMED, NOT_CONFIRMED, REMIND_AFTER_MONTHS, UNCONFIRMED_AFTER_MONTHS,
                                    confirmation_of)
from catalogue.db import make_engine, session_scope
from catalogue.lifecycle import IllegalTransition
from catalogue.listing import Listing
from catalogue.models import AuditEvent, SearchChange, Service
from catalogue.notifications.models import NotificationEvent
from catalogue.notifications.schedule import JOBS
from catalogue.search.indexer import rebuild
from catalogue.search.query import SearchRequest, search
from catalogue.search.store import IndexLocation
from catalogue.workdays import OSLO
from marketplace.web import search_index
from tests.login import login
from tests.search_fixtures import catch_up, publish_service

UTC = timezone.utc
SUPPLIER = Actor(name="Leverandør", role="supplier")
JOB = "listings.confirmation"


class Row:
    """What the rule reads of a listing."""

    def __init__(self, confirmed_at=None, published_at=None):
        self.confirmed_at, self.published_at = confirmed_at, published_at


def _state_at(confirmed_at: datetime, instant: datetime):
    return confirmation_of(Row(confirmed_at), instant.astimezone(OSLO).date())


def test_the_rule_is_twelve_and_thirteen_months():
    assert (REMIND_AFTER_MONTHS, UNCONFIRMED_AFTER_MONTHS) == (12, 13)


@pytest.mark.parametrize("confirmed, boundary, attribute", [
    # Confirmed in winter time (CET); the 13-month day begins in summer time (CEST): 00:00 Oslo = 22:00 UTC.
    (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), datetime(2027, 4, 9, 22, 0, tzinfo=UTC), "is_unconfirmed"),
    # The reminder day (12 months) begins in winter time: 00:00 Oslo = 23:00 UTC.
    (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), datetime(2027, 3, 9, 23, 0, tzinfo=UTC), "is_due"),
    # Confirmed in summer time, 13 months later it is winter time.
    (datetime(2025, 10, 20, 12, 0, tzinfo=UTC), datetime(2026, 11, 19, 23, 0, tzinfo=UTC), "is_unconfirmed"),
    # Confirmed at 00:30 Oslo time (still the day before in UTC): the Oslo day counts.
    (datetime(2026, 3, 9, 23, 30, tzinfo=UTC), datetime(2027, 4, 9, 22, 0, tzinfo=UTC), "is_unconfirmed"),
    # The 31st: no 31 April, so the month's last day.
    (datetime(2026, 3, 31, 10, 0, tzinfo=UTC), datetime(2027, 4, 29, 22, 0, tzinfo=UTC), "is_unconfirmed"),
])
def test_the_boundaries_are_oslo_midnight_the_second_before_and_after(confirmed, boundary, attribute):
    assert getattr(_state_at(confirmed, boundary - timedelta(seconds=1)), attribute) is False
    assert getattr(_state_at(confirmed, boundary), attribute) is True
    # Counting in UTC days would have moved the boundary by the offset: one more hour is still past it.
    assert getattr(_state_at(confirmed, boundary + timedelta(hours=1)), attribute) is True


def test_last_confirmed_falls_back_to_publication_and_a_draft_has_none():
    published = datetime(2026, 1, 5, 12, tzinfo=UTC)
    assert confirmation_of(Row(None, published), date(2026, 6, 1)).last == date(2026, 1, 5)
    assert confirmation_of(Row(None, published), date(2027, 2, 5)).facet_value == NOT_CONFIRMED
    draft = confirmation_of(Row(), date(2026, 6, 1))
    assert draft.last is None and draft.facet_value is None and not draft.is_unconfirmed and not draft.is_due


# ---------------------------------------------------------------------------
# the listing's life cycle


def _published(engine, name: str = "Bekreftelsestjeneste") -> int:
    return publish_service(engine, name, "Tjeneste som bekreftes hvert år")


def test_approval_and_confirmation_set_last_confirmed_with_audit_and_change_log(app):
    engine = app.extensions["db_engine"]
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=UTC), tick=False):
        service_id = _published(engine)
    with Session(engine) as session:
        service = session.get(Service, service_id)
        assert confirmation_of(service).last == date(2026, 3, 10)
        version = service.version
        changes = session.exec(select(func.count()).select_from(SearchChange)
                               .where(SearchChange.entity_id == service_id)).one()
    at = datetime(2027, 3, 20, 8, tzinfo=UTC)
    with session_scope(engine) as session:
        Listing(session, session.get(Service, service_id)).confirm(SUPPLIER, version=version, now=at)
    with Session(engine) as session:
        service = session.get(Service, service_id)
        assert service.confirmed_at == at and service.version == version  # no new version, no review
        event = session.exec(select(AuditEvent).where(AuditEvent.service_id == service_id,
                                                      AuditEvent.action == "service.confirmed")).one()
        assert event.after == {"confirmed_at": at.isoformat(), "version": version}
        assert event.before["confirmed_at"].startswith("2026-03-10")
        assert session.exec(select(func.count()).select_from(SearchChange)
                            .where(SearchChange.entity_id == service_id)).one() == changes + 1


def test_confirming_a_version_that_was_replaced_writes_nothing(app):
    engine = app.extensions["db_engine"]
    service_id = _published(engine)
    with session_scope(engine) as session:
        service = session.get(Service, service_id)
        Listing(session, service).publish(SUPPLIER)  # a newer version went live meanwhile
    with Session(engine) as session:
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        listing = Listing(session, session.get(Service, service_id))
        before = listing.service.confirmed_at
        for stale in (listing.service.version - 1, "x", 2**40):
            with pytest.raises(IllegalTransition):
                listing.confirm(SUPPLIER, version=stale)
            session.rollback()
        assert session.get(Service, service_id).confirmed_at == before
        assert session.exec(select(func.count()).select_from(AuditEvent)).one() == events


def test_an_edit_awaiting_review_is_confirmed_by_its_approval(app):
    engine = app.extensions["db_engine"]
    with Session(engine) as session:  # a complete demo listing (an edit of it can be sent for review)
        service_id = session.exec(select(Service.id).where(Service.status == "published").order_by(Service.id)).first()
    with session_scope(engine) as session:
        listing = Listing(session, session.get(Service, service_id))
        listing.save(SUPPLIER, {"summary": "Ny kortbeskrivelse"}, expected_lock=listing.service.lock_version)
        assert listing.can_confirm  # an edit being written: the live version can still be vouched for
        listing.submit(SUPPLIER)
    with Session(engine) as session:
        listing = Listing(session, session.get(Service, service_id))
        assert not listing.can_confirm
        with pytest.raises(IllegalTransition) as refused:
            listing.confirm(SUPPLIER, version=listing.service.version)
        assert "godkjennes" in refused.value.message
    with time_machine.travel(datetime(2027, 1, 4, 23, 30, tzinfo=UTC), tick=False):  # 5 January in Oslo
        with session_scope(engine) as session:
            listing = Listing(session, session.get(Service, service_id))
            listing.approve(Actor(name="Forvalter", role="manager"), expected_lock=listing.service.lock_version)
    with Session(engine) as session:
        assert confirmation_of(session.get(Service, service_id)).last == date(2027, 1, 5)


# ---------------------------------------------------------------------------
# search and the service page on the day the listing passes 13 months


def _search(app, **filters):
    with app.app_context():
        return search(search_index(), SearchRequest(q="Bekreftelsestjeneste", per_page=100, filters=filters))


def _facet_count(app, value: str) -> int:
    with app.app_context():
        result = search(search_index(), SearchRequest())
    facet = result.facet("bekreftelse")
    return next((v.count for v in facet.values if v.value == value), 0)


def _oracle(engine, day: date) -> int:
    with Session(engine) as session:
        return sum(confirmation_of(s, day).is_unconfirmed
                   for s in session.exec(select(Service).where(Service.status == "published")))


def test_not_confirmed_from_the_day_in_search_facet_hit_and_page(search_app, search_client):
    engine = search_app.extensions["db_engine"]
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=UTC), tick=False):
        service_id = _published(engine)
    boundary = datetime(2027, 4, 9, 22, 0, tzinfo=UTC)  # 00:00 on 10 April 2027 in Oslo (summer time)

    with time_machine.travel(boundary - timedelta(seconds=1), tick=False):
        rebuild(engine, IndexLocation(search_app.config["INDEX_DIR"]))  # the index as it stands that day
        with session_scope(engine) as session:
            JOBS[JOB](session, boundary - timedelta(seconds=1))
        catch_up(search_app)
        before = _facet_count(search_app, NOT_CONFIRMED)
        assert before == _oracle(engine, date(2027, 4, 9))
        hit = next(h for h in _search(search_app).hits if h.service_id == service_id)
        assert not hit.unconfirmed
        assert any(h.service_id == service_id for h in _search(search_app, bekreftelse=[CONFIRMED]).hits)
        page = search_client.get(f"/tjeneste/{service_id}").get_data(as_text=True)
        assert "Sist bekreftet 10. mars 2026" in page and "Ikke bekreftet" not in page

    with time_machine.travel(boundary, tick=False):
        with session_scope(engine) as session:
            JOBS[JOB](session, boundary)  # the day's job logs the listings that pass 13 months today
        catch_up(search_app)
        after = _facet_count(search_app, NOT_CONFIRMED)
        assert after == _oracle(engine, date(2027, 4, 10)) and after > before
        hit = next(h for h in _search(search_app).hits if h.service_id == service_id)
        assert hit.unconfirmed
        assert not any(h.service_id == service_id for h in _search(search_app, bekreftelse=[CONFIRMED]).hits)
        assert any(h.service_id == service_id for h in _search(search_app, bekreftelse=[NOT_CONFIRMED]).hits)
        page = search_client.get(f"/tjeneste/{service_id}").get_data(as_text=True)
        assert "Ikke bekreftet" in page and "Sist bekreftet 10. mars 2026" in page
        results = search_client.get("/tjenester?q=Bekreftelsestjeneste").get_data(as_text=True)
        assert re.search(rf'data-service-id="{service_id}".*?badge-warn">Ikke bekreftet', results, re.S)


# ---------------------------------------------------------------------------
# the reminder: once, across restarts


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


def test_the_reminder_fires_once_on_its_day_across_restarts(app):
    engine = app.extensions["db_engine"]
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=UTC), tick=False):
        service_id = _published(engine)
    first_seen: dict[str, date] = {}
    days = [date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11), date(2027, 4, 9), date(2027, 4, 10)]
    for day in days:
        for hour in (0, 6, 18):  # three runs a day, each by a freshly started dispatcher
            fresh = make_engine(app.config["DATABASE_URL"])
            try:
                with session_scope(fresh) as session:
                    JOBS[JOB](session, _at(day, hour))
            finally:
                fresh.dispose()
        with Session(engine) as session:
            for key in session.exec(select(NotificationEvent.key).where(
                    NotificationEvent.key.like(f"service:{service_id}:confirm:%"))):
                first_seen.setdefault(key, day)
    assert first_seen == {f"service:{service_id}:confirm:2026-03-10": date(2027, 3, 10)}
    with Session(engine) as session:
        event = session.exec(select(NotificationEvent).where(NotificationEvent.key.like(
            f"service:{service_id}:confirm:%"))).one()
    assert event.kind == "listing.confirm_due" and event.context["until"] == "09.04.2027"

    # Confirmed again: a new year, a new reminder (and none before it is due).
    with session_scope(engine) as session:
        listing = Listing(session, session.get(Service, service_id))
        listing.confirm(SUPPLIER, version=listing.service.version, now=_at(date(2027, 4, 12), 10))
    for day in (date(2028, 4, 11), date(2028, 4, 12)):
        with session_scope(engine) as session:
            JOBS[JOB](session, _at(day, 6))
        with Session(engine) as session:
            keys = set(session.exec(select(NotificationEvent.key).where(
                NotificationEvent.key.like(f"service:{service_id}:confirm:%"))))
        assert (f"service:{service_id}:confirm:2027-04-12" in keys) is (day == date(2028, 4, 12))


# ---------------------------------------------------------------------------
# the supplier's action


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_supplier_confirms_after_a_check_step(app):
    engine = app.extensions["db_engine"]
    with time_machine.travel(datetime(2025, 9, 1, 9, tzinfo=UTC), tick=False):
        service_id = _published(engine)
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    page = client.get(f"/leverandor/tjenester/{service_id}").get_data(as_text=True)
    assert "Sist bekreftet" in page and "Ikke bekreftet" in page and "Bekreft at opplysningene stemmer" in page
    with Session(engine) as session:
        version = session.get(Service, service_id).version
    url = f"/leverandor/tjenester/{service_id}/bekreft"
    data = {"csrf_token": _token(page), "version": str(version)}
    check = client.post(url, data=data)
    assert check.status_code == 200 and "Sjekk før du sender" in check.get_data(as_text=True)
    with Session(engine) as session:
        assert confirmation_of(session.get(Service, service_id)).is_unconfirmed  # nothing written yet
    done = client.post(url, data={**data, "bekreftet": "ja"})
    assert done.status_code == 303
    with Session(engine) as session:
        assert confirmation_of(session.get(Service, service_id)).is_confirmed
    page = client.get(f"/leverandor/tjenester/{service_id}").get_data(as_text=True)
    assert "er bekreftet" in page and "badge-warn" not in page

    other = app.test_client()
    login(other, "leverandor-nordlys")
    token = _token(other.get("/leverandor/").get_data(as_text=True))
    assert other.post(url, data={"csrf_token": token, "version": str(version), "bekreftet": "ja"}).status_code == 404
