"""Dated evidence with a frozen clock: a certificate counts the day before it expires and not on the day
(service page, search facet after the day's index update, comparison requirements); reminders 28 and 14
days before, on the day and 28 days after, once each across restarts; the tax certificate's six months."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from catalogue import compare as cmp
from catalogue.certificates import REMINDER_OFFSETS, due_reminder
from catalogue.db import make_engine, session_scope
from catalogue.models import Service
from catalogue.notifications.models import NotificationEvent
from catalogue.notifications.schedule import JOBS
from catalogue.search.indexer import rebuild
from catalogue.search.query import SearchRequest, search
from catalogue.search.store import IndexLocation
from catalogue.terms import TERMS
from catalogue.validity import tax_certificate_too_old, valid_standards
from catalogue.workdays import OSLO
from marketplace.web import search_index
from tests.search_fixtures import catch_up, publish_service

EXPIRES = date(2026, 12, 10)
TERM = TERMS["certifications"]


def _terms_with(engine, rows) -> dict:
    """A complete set of terms (borrowed from a demo service) with these certificate rows."""
    with Session(engine) as session:
        demo = session.exec(select(Service).where(Service.status == "published").order_by(Service.id)).first()
        terms = dict(demo.terms)
    terms["certifications"] = rows
    return terms


def _certificate(expires: date = EXPIRES, standard: str = "iso27001") -> dict:
    return {"standard": standard, "issuer": "Nordisk Sertifisering AS", "scope": "Hele tjenesten",
            "issued": "2023-12-11", "expires": expires.isoformat(), "document": None}


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=OSLO)


def _run_job(engine, name: str, now: datetime) -> None:
    with session_scope(engine) as session:
        JOBS[name](session, now)


def _facet_count(app, standard: str) -> int:
    with app.app_context():
        result = search(search_index(), SearchRequest(q=""))
    facet = next(f for f in result.facets if f.key == "certifications")
    return next((v.count for v in facet.values if v.value == standard), 0)


def _found(app, service_id: int, standard: str) -> bool:
    with app.app_context():
        result = search(search_index(), SearchRequest(q="Datert sertifikattjeneste", per_page=100,
                                                      filters={"certifications": [standard]}))
    return any(h.service_id == service_id for h in result.hits)


def _oracle(engine, standard: str, day: date) -> int:
    """How many published services hold a certificate of *standard* that counts on *day*."""
    with Session(engine) as session:
        return sum(standard in valid_standards((s.terms or {}).get("certifications"), day)
                   for s in session.exec(select(Service).where(Service.status == "published")))


def test_a_certificate_counts_the_day_before_expiry_and_not_on_the_day(search_app, search_client):
    engine = search_app.extensions["db_engine"]
    service_id = publish_service(engine, "Datert sertifikattjeneste", "Tjeneste med et sertifikat som utløper",
                                 terms=_terms_with(engine, [_certificate(), _certificate(date(2028, 6, 1), "soc2")]))
    with Session(engine) as session:
        service = session.get(Service, service_id)
    the_day_before = EXPIRES - timedelta(days=1)

    with time_machine.travel(_at(the_day_before)):
        rebuild(engine, IndexLocation(search_app.config["INDEX_DIR"]))  # the index as it stands that day
        _run_job(engine, "certificates.index", _at(the_day_before))
        before = _facet_count(search_app, "iso27001")
        assert before == _oracle(engine, "iso27001", the_day_before)
        assert _found(search_app, service_id, "iso27001")
        page = search_client.get(f"/tjeneste/{service_id}").get_data(as_text=True)
        assert "ISO/IEC 27001 (Nordisk Sertifisering AS, gyldig til 10.12.2026)" in page and "Teller ikke" not in page
        entries, _ = cmp.live_entries(Session(engine), [service_id])
        verdict = cmp.compare(entries, {"certifications": ["iso27001"]}, include_buyer_only=False)
        assert not verdict.failed[0]

    with time_machine.travel(_at(EXPIRES, 0)):
        _run_job(engine, "certificates.index", _at(EXPIRES, 0))  # the day's job logs the services to re-read
        catch_up(search_app)
        after = _facet_count(search_app, "iso27001")
        expiring = before - _oracle(engine, "iso27001", EXPIRES)
        assert expiring >= 1 and after == before - expiring
        assert not _found(search_app, service_id, "iso27001") and _found(search_app, service_id, "soc2")
        page = search_client.get(f"/tjeneste/{service_id}").get_data(as_text=True)
        assert "ISO/IEC 27001 (Nordisk Sertifisering AS, utløpt 10.12.2026)" in page and "Teller ikke" in page
        entries, _ = cmp.live_entries(Session(engine), [service_id])
        verdict = cmp.compare(entries, {"certifications": ["iso27001"]}, include_buyer_only=False)
        assert TERM in verdict.failed[0]
        assert TERM.meets(service.terms["certifications"], ["soc2"]) is True


def test_the_day_job_runs_once_a_day_and_catches_up_missed_days(app):
    engine = app.extensions["db_engine"]
    service_id = publish_service(engine, "Datert sertifikattjeneste", terms=_terms_with(engine, [_certificate()]))

    def logged(now: datetime) -> int:
        from catalogue.models import SearchChange
        with Session(engine) as session:
            before = len(session.exec(select(SearchChange.seq).where(SearchChange.entity_id == service_id)).all())
        _run_job(engine, "certificates.index", now)
        with Session(engine) as session:
            return len(session.exec(select(SearchChange.seq).where(SearchChange.entity_id == service_id)).all()) - before

    assert logged(_at(EXPIRES - timedelta(days=3))) == 0
    assert logged(_at(EXPIRES + timedelta(days=2))) == 1  # the dispatcher was down on the day: caught up
    assert logged(_at(EXPIRES + timedelta(days=2), 15)) == 0  # a second run that day does nothing


def test_reminders_fire_once_each_on_their_days_across_restarts(app):
    engine = app.extensions["db_engine"]
    expires = date(2027, 3, 15)
    service_id = publish_service(engine, "Påminnelsestjeneste", terms=_terms_with(engine, [_certificate(expires)]))
    first_seen: dict[str, date] = {}
    # Around every milestone: the day before, the day and the day after (in calendar order).
    days = sorted({expires + timedelta(days=offset + shift) for offset in REMINDER_OFFSETS for shift in (-1, 0, 1)})
    for day in days:
        for hour in (6, 18):  # two runs a day, each by a freshly started dispatcher
            fresh = make_engine(app.config["DATABASE_URL"])
            try:
                _run_job(fresh, "certificates.reminders", _at(day, hour))
            finally:
                fresh.dispose()
        with Session(engine) as session:
            for key in session.exec(select(NotificationEvent.key).where(
                    NotificationEvent.key.like(f"certificate:{service_id}:%"))):
                first_seen.setdefault(key, day)
    assert first_seen == {f"certificate:{service_id}:iso27001:{expires.isoformat()}:{offset:+d}":
                          expires + timedelta(days=offset) for offset in REMINDER_OFFSETS}
    with Session(engine) as session:
        kinds = sorted(session.exec(select(NotificationEvent.kind).where(
            NotificationEvent.key.like(f"certificate:{service_id}:%"))))
    assert kinds == ["certificate.expired"] * 2 + ["certificate.expiring"] * 2


def test_a_missed_reminder_is_sent_late_until_the_next_one_is_due():
    expires = date(2027, 3, 15)
    assert due_reminder(expires, expires - timedelta(days=29)) is None
    assert due_reminder(expires, expires - timedelta(days=28)) == -28
    assert due_reminder(expires, expires - timedelta(days=22)) == -28   # within its grace days
    assert due_reminder(expires, expires - timedelta(days=21)) is None
    assert due_reminder(expires, expires - timedelta(days=8)) == -14
    assert due_reminder(expires, expires - timedelta(days=7)) is None
    assert due_reminder(expires, expires) == 0
    assert due_reminder(expires, expires + timedelta(days=7)) is None
    assert due_reminder(expires, expires + timedelta(days=28)) == 28


@pytest.mark.parametrize("issued, today, refused", [
    (date(2026, 6, 5), date(2026, 12, 5), False),   # exactly six months old
    (date(2026, 6, 5), date(2026, 12, 6), True),    # six months and a day
    (date(2026, 8, 31), date(2027, 2, 28), False),  # no 31 February: the month's last day
    (date(2026, 8, 31), date(2027, 3, 1), True),
    (date(2026, 12, 5), date(2026, 12, 5), False),
])
def test_a_tax_certificate_older_than_six_months_is_refused(issued, today, refused):
    assert tax_certificate_too_old(issued, today) is refused


def test_certificate_rows_are_validated():
    rows, error = TERM.clean([{**_certificate(), "expires": "2023-12-11"}])
    assert error is not None and "utløpsdatoen må være etter" in str(error)
    rows, error = TERM.clean([{**_certificate(), "issued": "31.02.2024"}])
    assert error is not None and "gyldig dato" in str(error)
    rows, error = TERM.clean([{**_certificate(), "standard": "iso99999"}])
    assert error is not None
    rows, error = TERM.clean([{**_certificate(), "issued": "11.12.2023", "document": "12"}])
    assert error is None and rows[0]["issued"] == "2023-12-11" and rows[0]["document"] == 12
    assert TERM.clean([{**_certificate(), "document": "../../x"}])[1] is not None


def test_a_certificate_pdf_is_uploaded_with_its_row_and_kept_to_the_supplier(app):
    from io import BytesIO

    from catalogue.models import Document
    from tests.login import login
    from tests.pdf import make_pdf
    from tests.test_listing_forms import demo_content, form_data

    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    with Session(engine) as session:
        content = demo_content(session)
    content["terms"]["certifications"] = [{}, _certificate(date(2029, 1, 31))]  # an empty row first: it is dropped
    data = form_data(content, action="save").to_dict(flat=False)
    data["terms-certifications-1-document-file"] = (BytesIO(make_pdf("ISO 27001-sertifikat")), "iso27001.pdf")
    response = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    service_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with Session(engine) as session:
        service = session.get(Service, service_id)
        row = service.terms["certifications"][0]
        doc = session.get(Document, row["document"])
    assert (doc.kind, doc.service_id, doc.supplier_id, doc.filename) == (
        "certificate", service_id, service.supplier_id, "iso27001.pdf")
    # A document id that is not the supplier's own certificate is refused, and so is a file that is no PDF.
    from catalogue import documents
    from catalogue.audit import Actor
    from catalogue.models import Supplier

    with session_scope(engine) as session:
        other = session.exec(select(Supplier).where(Supplier.id != service.supplier_id)).first()
        foreign = documents.store(session, Actor(name="Annen"), app.config["UPLOAD_DIR"], supplier_id=other.id,
                                  kind="certificate", filename="annen.pdf", data=make_pdf("Annen leverandør"))
        foreign_id = foreign.id
    content["terms"]["certifications"] = [{**_certificate(), "document": str(foreign_id)}]
    data = form_data(content, action="save").to_dict(flat=False)
    response = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "Ukjent sertifikat" in response.get_data(as_text=True)
    content["terms"]["certifications"] = [_certificate()]
    data = form_data(content, action="save").to_dict(flat=False)
    data["terms-certifications-0-document-file"] = (BytesIO(b"<html>ikke pdf</html>"), "x.pdf")
    response = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "ikke en PDF" in response.get_data(as_text=True)
