"""The self-declaration stored once per supplier, and the manager's request for an updated one:
five Norwegian working days (across Easter and a daylight-saving change), overdue from the first moment
of the next day, the managers told once, then a suspension with a reason."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.db import session_scope
from catalogue.declarations import criteria
from catalogue.declarations.models import DeclarationRequest, RequestStatus, SupplierDeclaration
from catalogue.declarations.requests import (due_date_for, give_declaration, overdue_from, request_update,
                                             surface_overdue_requests)
from catalogue.models import DPS, Qualification, QualificationStatus, Supplier
from catalogue.notifications.models import NotificationEvent
from catalogue.workdays import OSLO
from tests.login import login

FJORDSKY = "964330123"
MANAGER = Actor(name="Avtaleforvalter", role="manager")


def _ids(engine):
    with Session(engine) as session:
        supplier = session.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()
        dps = session.exec(select(DPS)).first()
        return supplier.id, dps.id


def _answers(**changes) -> dict:
    answers = {c.key: {"answer": not c.exclusion, "details": "" if c.exclusion else "Beskrevet."}
               for c in criteria.CRITERIA}
    answers.update(changes)
    return answers


def _form(answers: dict, confirm: bool = True) -> dict:
    data = {"bekreftet": "ja"}   # the check step confirmed
    for c in criteria.CRITERIA:
        entry = answers.get(c.key, {})
        data[c.question.field_name] = "ja" if entry.get("answer") else "nei"
        data[c.details.field_name] = entry.get("details", "")
    if confirm:
        data[criteria.CONFIRM_FIELD] = "ja"
    return data


def test_five_working_days_across_easter_and_the_daylight_saving_change():
    # Wednesday before Easter 2027: Maundy Thursday, Good Friday, Easter Monday are holidays, and the
    # clocks go forward on Easter Sunday (28 March). Working days: 30, 31 March, 1, 2 and 5 April.
    requested = datetime(2027, 3, 24, 15, 0, tzinfo=OSLO)
    assert due_date_for(requested).isoformat() == "2027-04-05"
    assert overdue_from(due_date_for(requested)) == datetime(2027, 4, 6, 0, 0, tzinfo=OSLO)
    # Late in the evening UTC is already the next day in Norway.
    assert due_date_for(datetime(2027, 3, 23, 23, 30, tzinfo=timezone.utc)).isoformat() == "2027-04-05"
    assert due_date_for(datetime(2027, 3, 23, 22, 30, tzinfo=timezone.utc)).isoformat() == "2027-04-02"


def test_an_unanswered_request_surfaces_after_exactly_five_working_days(app):
    engine = app.extensions["db_engine"]
    supplier_id, dps_id = _ids(engine)
    with session_scope(engine) as session:
        request = request_update(session, MANAGER, supplier_id, dps_id, "Årlig kontroll",
                                 now=datetime(2027, 3, 24, 15, 0, tzinfo=OSLO))
        request_id = request.id

    def run(now: datetime) -> str:
        with session_scope(engine) as session:
            surface_overdue_requests(session, now)
        with Session(engine) as session:
            return session.get(DeclarationRequest, request_id).status

    last_second = datetime(2027, 4, 5, 23, 59, 59, tzinfo=OSLO)
    assert run(last_second) == RequestStatus.OPEN
    assert run(last_second + timedelta(seconds=1)) == RequestStatus.OVERDUE
    assert run(last_second + timedelta(hours=5)) == RequestStatus.OVERDUE
    with Session(engine) as session:
        told = session.exec(select(NotificationEvent.kind).where(
            NotificationEvent.key.like(f"declaration_request:{request_id}:%"))).all()
    assert sorted(told) == ["declaration.overdue", "declaration.requested"]


def test_the_supplier_answers_with_its_stored_declaration_prefilled(app):
    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    supplier_id, dps_id = _ids(engine)
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    response = manager.post("/forvaltning/egenerklaeringer", data={"bekreftet": "ja", "target": f"{dps_id}:{supplier_id}",
                                                                  "message": "Oppdater, takk."})
    assert response.status_code == 302
    supplier = app.test_client()
    login(supplier, "leverandor-fjordsky")
    page = supplier.get("/leverandor/egenerklaering").get_data(as_text=True)
    assert "svar innen" in page and "Oppdater, takk." in page
    # Not confirmed, and a ground answered yes without details: refused at the fields, nothing stored.
    bad = _answers(fraud={"answer": True, "details": ""})
    response = supplier.post("/leverandor/egenerklaering", data=_form(bad, confirm=False))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#espd-fraud_details"' in html and f'href="#{criteria.CONFIRM_FIELD}"' in html
    with Session(engine) as session:
        assert session.exec(select(SupplierDeclaration)).all() == []
    answers = _answers(financial_standing={"answer": True, "details": "Omsetning 80 MNOK, egenkapital 40 %."})
    assert supplier.post("/leverandor/egenerklaering", data=_form(answers)).status_code == 302
    with Session(engine) as session:
        stored = session.exec(select(SupplierDeclaration)).one()
        request = session.exec(select(DeclarationRequest)).one()
    assert stored.answers["financial_standing"]["details"] == "Omsetning 80 MNOK, egenkapital 40 %."
    assert (request.status, request.declaration_id) == (RequestStatus.ANSWERED, stored.id)
    # The next visit shows the stored declaration: every answer pre-filled.
    page = supplier.get("/leverandor/egenerklaering").get_data(as_text=True)
    assert "Omsetning 80 MNOK, egenkapital 40 %." in page
    assert re.search(r'id="espd-fraud-2"[^>]*value="nei"[^>]*checked|value="nei" checked', page)


def test_after_the_deadline_the_manager_suspends_with_a_reason(app):
    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    supplier_id, dps_id = _ids(engine)
    with session_scope(engine) as session:
        request_id = request_update(session, MANAGER, supplier_id, dps_id,
                                    now=datetime(2027, 3, 24, 15, 0, tzinfo=OSLO)).id
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    # Before the deadline there is nothing to suspend.
    assert manager.post(f"/forvaltning/egenerklaeringer/{request_id}", data={"bekreftet": "ja", "reason": "x"}).status_code == 409
    with session_scope(engine) as session:
        surface_overdue_requests(session, datetime(2027, 4, 6, 0, 0, tzinfo=OSLO))
    page = manager.get(f"/forvaltning/egenerklaeringer/{request_id}").get_data(as_text=True)
    assert "Fristen er ute" in page
    assert manager.post(f"/forvaltning/egenerklaeringer/{request_id}", data={"bekreftet": "ja", "reason": " "}).status_code == 422
    with Session(engine) as session:
        qualified = len(session.exec(select(Qualification).where(
            Qualification.supplier_id == supplier_id, Qualification.dps_id == dps_id,
            Qualification.status == QualificationStatus.QUALIFIED)).all())
    assert qualified
    response = manager.post(f"/forvaltning/egenerklaeringer/{request_id}",
                            data={"bekreftet": "ja", "reason": "Ingen oppdatert egenerklæring innen fristen."})
    assert response.status_code == 302
    with Session(engine) as session:
        statuses = [q.status for q in session.exec(select(Qualification).where(
            Qualification.supplier_id == supplier_id, Qualification.dps_id == dps_id))]
        assert statuses.count(QualificationStatus.SUSPENDED) == qualified
        assert session.get(DeclarationRequest, request_id).status == RequestStatus.SUSPENDED


def test_a_request_goes_only_to_a_qualified_supplier(app):
    engine = app.extensions["db_engine"]
    _, dps_id = _ids(engine)
    from catalogue.lifecycle import DomainError

    with session_scope(engine) as session:
        stranger = session.exec(select(Supplier).where(Supplier.orgnr == "931100149")).one()  # Trollnett: none
        with pytest.raises(DomainError):
            request_update(session, MANAGER, stranger.id, dps_id)


def test_given_declarations_are_kept_and_the_newest_counts(app):
    engine = app.extensions["db_engine"]
    supplier_id, _ = _ids(engine)
    with session_scope(engine) as session:
        give_declaration(session, MANAGER, supplier_id, _answers(), now=datetime(2026, 1, 5, tzinfo=OSLO))
        give_declaration(session, MANAGER, supplier_id, _answers(misconduct={"answer": True, "details": "Rettet."}),
                         now=datetime(2026, 6, 5, tzinfo=OSLO))
    from catalogue.declarations.requests import current_declaration

    with Session(engine) as session:
        assert current_declaration(session, supplier_id).answers["misconduct"]["answer"] is True
        assert criteria.grounds_reported(current_declaration(session, supplier_id).answers) == ["misconduct"]


def test_a_second_application_is_prefilled_with_the_stored_declaration(app):
    from catalogue import qualification as q
    from catalogue.models import Category

    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    supplier_id, _ = _ids(engine)
    with session_scope(engine) as session:
        beregning = session.exec(select(Category).where(Category.slug == "beregning")).one()
        today = datetime.now(OSLO).date()
        clean, errors = q.validate_dps(session, {"name": "Ny ordning for skytjenester", "description": "",
                                                 "valid_from": today.isoformat(),
                                                 "valid_to": (today + timedelta(days=365)).isoformat(),
                                                 "categories": [str(beregning.id)]})
        assert not errors, errors
        second = q.create_dps(session, MANAGER, clean)
        slug = second.slug
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    # Fjordsky applied before (the demo DPS): its answers come back, marked as given then.
    page = client.get(f"/leverandor/dps/{slug}/soknad").get_data(as_text=True)
    assert "Svarene er hentet fra egenerklæringen dere ga" in page
    assert re.search(r'name="decl-hms_description"[^>]*>[^<]+</textarea>', page)
    # Once the company keeps its ESPD declaration, that is the one used.
    answers = _answers(financial_standing={"answer": True, "details": "Egenkapital 55 %."},
                       working_conditions={"answer": True, "details": "HMS etter ISO 45001."})
    assert client.post("/leverandor/egenerklaering", data=_form(answers)).status_code == 302
    page = client.get(f"/leverandor/dps/{slug}/soknad").get_data(as_text=True)
    assert "Egenkapital 55 %." in page and "HMS etter ISO 45001." in page
    assert re.search(r'id="decl-no_exclusion_grounds"[^>]*value="ja"[^>]*checked', page)
