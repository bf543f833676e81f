"""The whole supplier journey through the web pages, with the real login and CSRF tokens:

register → apply → approve → create service → submit → approve → published → edit → new
version and diff → approve → remove → 410.
"""
from __future__ import annotations

import re

from sqlmodel import Session, select

from catalogue.models import (DPS, ArchivedService, AuditEvent, Category, Document, Membership,
                              QualificationApplication, Service, ServiceRevision, Supplier)
from catalogue.workdays import add_working_days, oslo_today
from tests.login import login
from tests.pdf import make_pdf
from tests.test_listing_forms import confirm_sending, demo_content, form_data

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client, url="/") -> str:
    page = client.get(url)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_supplier_journey(app):
    engine = app.extensions["db_engine"]
    supplier_client, manager_client, visitor = app.test_client(), app.test_client(), app.test_client()
    viewer = login(supplier_client, "leverandor-fjordsky", "999906087")
    assert viewer.is_supplier and viewer.supplier_id is None
    login(manager_client, "avtaleforvalter")

    # 1. Company registration: the register's data is shown for confirmation, then saved.
    page = supplier_client.get("/leverandor/")
    assert "Registrer selskapet" in html(page)
    page = supplier_client.get("/leverandor/registrer")
    assert 'value="999906087"' in html(page)
    csrf = token(supplier_client, "/leverandor/registrer")
    page = supplier_client.post("/leverandor/registrer", data={"csrf_token": csrf, "company-orgnr": "999 906 087",
                                                              "action": "check"})
    assert page.status_code == 200
    assert "Havbris Teknologi AS" in html(page) and "Stavanger" in html(page) and "Aksjeselskap" in html(page)
    page = supplier_client.post("/leverandor/registrer", data={
        "csrf_token": csrf, "company-orgnr": "999906087", "action": "confirm",
        "company-website": "https://havbris.example", "company-description": "Skytjenester fra Stavanger."})
    assert page.status_code == 302
    with Session(engine) as s:
        havbris = s.exec(select(Supplier).where(Supplier.orgnr == "999906087")).one()
        assert havbris.name == "Havbris Teknologi AS" and havbris.city == "Stavanger" and havbris.org_form == "AS"
        assert s.exec(select(Membership).where(Membership.supplier_id == havbris.id,
                                               Membership.user_id == viewer.user_id)).first() is not None
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "supplier.registered",
                                                AuditEvent.supplier_id == havbris.id)).one()
        assert event.acting_for == "0192:999906087" and event.actor_id == viewer.user_id
        dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
        compute = s.exec(select(Category).where(Category.slug == "beregning")).one()
        sub = s.exec(select(Category).where(Category.parent_id == compute.id).order_by(Category.position)).first()
    page = supplier_client.get("/leverandor/")
    assert "Havbris Teknologi AS" in html(page) and "Ny tjeneste" in html(page)

    # 2. DPS qualification: a draft, then the submission with the tax certificate.
    url = f"/leverandor/dps/{dps.slug}/soknad"
    answers = {"decl-no_exclusion_grounds": "ja", "decl-hms_confirmed": "ja",
               "decl-hms_description": "HMS-system etter ISO 45001.", "decl-financial_confirmed": "ja",
               "decl-financial_description": "Omsetning 40 MNOK, egenkapitalandel 35 %.",
               "decl-tax_certificate_issued": oslo_today().isoformat()}
    page = supplier_client.post(url, data={"csrf_token": csrf, "application-categories": str(compute.id),
                                           **answers, "action": "save"})
    assert page.status_code == 302
    page = supplier_client.post(url, data={"csrf_token": csrf, "application-categories": str(compute.id), **answers,
                                           "action": "submit",
                                           "decl-tax_certificate": (_pdf("Skatteattest"), "skatteattest.pdf")},
                                content_type="multipart/form-data")
    # The check step: the certificate is kept while asking, the confirmed post sends it all.
    assert page.status_code == 200 and "Sjekk før du sender" in html(page) and "skatteattest.pdf" in html(page)
    kept = re.search(r'name="ventende-vedlegg" value="([^"]+)"', html(page)).group(1)
    page = supplier_client.post(url, data={"csrf_token": csrf, "application-categories": str(compute.id), **answers,
                                           "action": "submit", "ventende-vedlegg": kept, "bekreftet": "ja"})
    assert page.status_code == 302, html(page)
    with Session(engine) as s:
        application = s.exec(select(QualificationApplication).where(
            QualificationApplication.supplier_id == havbris.id)).one()
        assert application.status == "submitted"
        assert application.due_date == add_working_days(oslo_today(), 10)
    page = supplier_client.get(f"/leverandor/soknader/{application.id}")
    assert "Til behandling" in html(page)

    # 3. The contract manager's queue shows the due date; approve the category.
    page = manager_client.get("/forvaltning/soknader")
    assert "Havbris Teknologi AS" in html(page)
    assert f"{application.due_date.day}." in html(page)
    mcsrf = token(manager_client, "/forvaltning/")
    page = manager_client.post(f"/forvaltning/soknader/{application.id}", data={"bekreftet": "ja", 
        "csrf_token": mcsrf, f"decision-{compute.id}": "qualified", f"reason-{compute.id}": "Oppfyller kravene."})
    assert page.status_code == 302
    page = supplier_client.get(f"/leverandor/soknader/{application.id}")
    assert "Kvalifisert" in html(page) and "Oppfyller kravene." in html(page)
    page = visitor.get(f"/dps/{dps.slug}")
    assert page.status_code == 200 and "Havbris Teknologi AS" in html(page)

    # 4. A new service under the DPS, with its standard terms as PDF, sent for approval.
    with Session(engine) as s:
        content = demo_content(s)
    content.update(name="Havbris Skyservere", category_id=sub.id, dps_id=dps.id)
    page = supplier_client.get("/leverandor/tjenester/ny")
    assert page.status_code == 200 and 'id="terms-nsm_principles"' in html(page)
    data = form_data(content, csrf_token=csrf, action="submit")
    data["service-doc-terms"] = (_pdf("Standardvilkår"), "vilkar.pdf")
    page = supplier_client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    page = confirm_sending(supplier_client, csrf, page)
    assert page.status_code == 302, html(page)[:3000]
    with Session(engine) as s:
        service = s.exec(select(Service).where(Service.supplier_id == havbris.id)).one()
        assert service.status == "submitted" and service.dps_id == dps.id
        terms_doc = s.get(Document, service.documents["terms"])
        assert terms_doc.filename == "vilkar.pdf"
    assert visitor.get(f"/tjeneste/{service.id}").status_code == 404
    assert visitor.get(f"/dokumenter/{terms_doc.id}").status_code == 404

    # 5. Moderation: approve, and the service is published as version 1.
    page = manager_client.get("/forvaltning/tjenester")
    assert "Havbris Skyservere" in html(page)
    page = manager_client.get(f"/forvaltning/tjenester/{service.id}")
    assert page.status_code == 200 and "Havbris Skyservere" in html(page)
    lock = re.search(r'name="lock_version" value="(\d+)"', html(page)).group(1)
    page = manager_client.post(f"/forvaltning/tjenester/{service.id}", data={"bekreftet": "ja", 
        "csrf_token": mcsrf, "lock_version": lock, "decision": "approve", "moderering-reason": ""})
    assert page.status_code == 302
    page = visitor.get(f"/tjeneste/{service.id}")
    assert page.status_code == 200 and "Havbris Skyservere" in html(page) and "Versjon 1" in html(page)
    document = visitor.get(f"/dokumenter/{terms_doc.id}")
    assert document.status_code == 200 and document.data.startswith(b"%PDF-")
    assert document.headers["Content-Type"] == "application/pdf"
    assert "attachment" in document.headers["Content-Disposition"]
    assert document.headers["X-Content-Type-Options"] == "nosniff"

    # 6. Editing the live service: a new version to review; version 1 stays live meanwhile.
    page = supplier_client.get(f"/leverandor/tjenester/{service.id}/rediger")
    assert page.status_code == 200 and "Havbris Skyservere" in html(page)
    lock = re.search(r'name="lock_version" value="(\d+)"', html(page)).group(1)
    edited = dict(content, name="Havbris Skyservere Pluss", terms=dict(content["terms"], exit_period_days=180))
    edited["terms"]["subprocessors"] = list(content["terms"].get("subprocessors") or []) + [
        {"name": "Vestland Drift AS", "country": "Norge", "purpose": "Fysisk drift"}]
    page = supplier_client.post(f"/leverandor/tjenester/{service.id}/rediger",
                                data=form_data(edited, csrf_token=csrf, action="submit", lock_version=lock))
    page = confirm_sending(supplier_client, csrf, page)
    assert page.status_code == 302, html(page)[:3000]
    page = visitor.get(f"/tjeneste/{service.id}")
    assert "Havbris Skyservere Pluss" not in html(page) and "Versjon 1" in html(page)
    page = supplier_client.get(f"/leverandor/tjenester/{service.id}")
    assert "Havbris Skyservere Pluss" in html(page) and "Vestland Drift AS" in html(page)
    page = manager_client.get(f"/forvaltning/tjenester/{service.id}")
    text = html(page)
    assert "Endringer mot publisert versjon" in text and "Vestland Drift AS" in text and "180" in text
    lock = re.search(r'name="lock_version" value="(\d+)"', text).group(1)
    page = manager_client.post(f"/forvaltning/tjenester/{service.id}", data={"bekreftet": "ja", 
        "csrf_token": mcsrf, "lock_version": lock, "decision": "approve", "moderering-reason": "Ser bra ut."})
    assert page.status_code == 302
    page = visitor.get(f"/tjeneste/{service.id}")
    assert "Havbris Skyservere Pluss" in html(page) and "Versjon 2" in html(page)
    page = supplier_client.get(f"/leverandor/tjenester/{service.id}/versjoner?versjon=2")
    assert page.status_code == 200 and "Vestland Drift AS" in html(page) and "Havbris Skyservere Pluss" in html(page)
    with Session(engine) as s:
        assert s.exec(select(ArchivedService.version).where(ArchivedService.service_id == service.id)
                      .order_by(ArchivedService.version)).all() == [1, 2]
        assert s.exec(select(ServiceRevision.status).where(ServiceRevision.service_id == service.id)).all() == ["approved"]

    # 7. Removal: the page answers 410 Gone with the date.
    page = supplier_client.get(f"/leverandor/tjenester/{service.id}/fjern")
    lock = re.search(r'name="lock_version" value="(\d+)"', html(page)).group(1)
    page = supplier_client.post(f"/leverandor/tjenester/{service.id}/fjern", data={
        "csrf_token": csrf, "bekreftet": "ja", "lock_version": lock, "service-removal_reason": "Erstattet av en ny tjeneste."})
    assert page.status_code == 302
    gone = visitor.get(f"/tjeneste/{service.id}")
    assert gone.status_code == 410
    assert str(oslo_today().year) in html(gone) and "Erstattet av en ny tjeneste." in html(gone)

    # Every step left its audit trail, acting for the right organisation.
    with Session(engine) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.supplier_id == havbris.id)
                         .order_by(AuditEvent.id)).all()
        for expected in ("supplier.registered", "application.created", "application.submitted",
                         "qualification.qualified", "application.decided", "service.created", "document.uploaded",
                         "service.submitted", "service.published", "service.revision_saved",
                         "service.revision_submitted", "service.revision_approved", "service.removed"):
            assert expected in actions, expected
        manager_events = s.exec(select(AuditEvent).where(AuditEvent.supplier_id == havbris.id,
                                                         AuditEvent.action == "service.published")).all()
        assert len(manager_events) == 2 and all(e.acting_for == "0192:925792403" for e in manager_events)
    page = manager_client.get(f"/forvaltning/logg?leverandor={havbris.id}&handling=service.published")
    assert page.status_code == 200 and "2 hendelser" in html(page)


def _pdf(text: str):
    from io import BytesIO

    return BytesIO(make_pdf(text))
