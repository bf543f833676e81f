"""Who may do what in the supplier and manager areas – a test for every route.

A supplier user can never read or change another supplier's drafts, applications, versions
or documents (404, nothing written), nor act as contract manager (403); buyers may use
neither area; anonymous people are sent to log in.
"""
from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select

from catalogue import documents, listings
from catalogue.listing import Listing
from catalogue.audit import Actor
from catalogue.models import (AuditEvent, Category, Document, QualificationApplication, Service, ServiceRevision,
                              Supplier)
from tests.login import login
from tests.pdf import make_pdf

FJORDSKY, NORDLYS = "964330123", "935308291"

# Every route of the supplier area; {draft}, {published}, {application} are Fjordsky's.
SUPPLIER_ROUTES = [
    ("GET", "/leverandor/"),
    ("GET", "/leverandor/registrer"), ("POST", "/leverandor/registrer"),
    ("POST", "/leverandor/registrer/bli-med"),
    ("GET", "/leverandor/tjenester/ny"), ("POST", "/leverandor/tjenester/ny"),
    ("POST", "/leverandor/tjenester/felt/name"),
    ("GET", "/leverandor/tjenester/rad/subprocessors"),
    ("GET", "/leverandor/tjenester/{draft}"),
    ("GET", "/leverandor/tjenester/{draft}/rediger"), ("POST", "/leverandor/tjenester/{draft}/rediger"),
    ("POST", "/leverandor/tjenester/{draft}/seksjon/andre"),
    ("POST", "/leverandor/tjenester/{draft}/send"),
    ("POST", "/leverandor/tjenester/{submitted}/trekk-tilbake"),
    ("GET", "/leverandor/tjenester/{published}/fjern"), ("POST", "/leverandor/tjenester/{published}/fjern"),
    ("GET", "/leverandor/tjenester/{published}/versjoner"),
    ("GET", "/leverandor/tjenester/{submitted}/visning"),
    ("POST", "/leverandor/tjenester/{published}/ordning"),
    ("POST", "/leverandor/tjenester/{published}/bekreft"),
    ("GET", "/leverandor/dps/dps-skytjenester/soknad"), ("POST", "/leverandor/dps/dps-skytjenester/soknad"),
    ("GET", "/leverandor/soknader/{application}"),
]
MANAGER_ROUTES = [
    ("GET", "/forvaltning/"),
    ("GET", "/forvaltning/dps/ny"), ("POST", "/forvaltning/dps/ny"),
    ("GET", "/forvaltning/soknader"),
    ("GET", "/forvaltning/soknader/{pending_application}"), ("POST", "/forvaltning/soknader/{pending_application}"),
    ("GET", "/forvaltning/tjenester"),
    ("GET", "/forvaltning/tjenester/{submitted}"), ("POST", "/forvaltning/tjenester/{submitted}"),
    ("GET", "/forvaltning/tjenester/{published}/versjoner"),
    ("GET", "/forvaltning/logg"), ("GET", "/forvaltning/logg.csv"),
]
# The supplier routes that name one of Fjordsky's things.
OBJECT_ROUTES = [(m, u) for m, u in SUPPLIER_ROUTES if "{" in u]


@pytest.fixture
def world(app, tmp_path):
    """Fjordsky's draft, submitted and published services, an application and documents."""
    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    actor = Actor(name="Fjordsky-bruker", acting_for=f"0192:{FJORDSKY}", role="supplier")
    with Session(engine, expire_on_commit=False) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()
        sub = s.exec(select(Category).where(Category.parent_id.is_not(None))).first()
        draft = Listing.create(s, actor, fjordsky.id, {"name": "Fjordskys hemmelige utkast", "category_id": sub.id}).service
        submitted = s.exec(select(Service).where(Service.supplier_id == fjordsky.id, Service.status == "published")
                           .order_by(Service.id)).all()
        published, edited = submitted[0], submitted[1]
        content = listings.listing_content(edited)
        Listing(s, edited).save(actor, {"name": edited.name + " (ny)"}, expected_lock=edited.lock_version)
        Listing(s, edited).submit(actor)
        application = s.exec(select(QualificationApplication).where(
            QualificationApplication.supplier_id == fjordsky.id)).first()
        pending = s.exec(select(QualificationApplication).where(
            QualificationApplication.status == "submitted")).first()
        doc = documents.store(s, actor, app.config["UPLOAD_DIR"], supplier_id=fjordsky.id, kind="dpa",
                              filename="fjordsky-dpa.pdf", data=make_pdf("DPA"), service_id=draft.id)
        cert = documents.store(s, actor, app.config["UPLOAD_DIR"], supplier_id=fjordsky.id, kind="tax_certificate",
                               filename="attest.pdf", data=make_pdf("Attest"), application_id=application.id)
        s.commit()
        ids = {"draft": draft.id, "published": published.id, "submitted": edited.id, "application": application.id,
               "pending_application": pending.id, "document": doc.id, "certificate": cert.id}
    assert content["name"]
    return ids


def expand(url: str, ids: dict) -> str:
    return url.format(**ids)


def request(client, method: str, url: str, data=None):
    # Posts are confirmed, so they reach the action itself past any check step (issue 16).
    return client.get(url) if method == "GET" else client.post(url, data=data or {"service-name": "Endret av andre",
                                                                               "action": "save", "lock_version": "1",
                                                                               "bekreftet": "ja"})


def state(app) -> dict:
    with Session(app.extensions["db_engine"]) as s:
        return {
            "events": s.exec(select(func.count()).select_from(AuditEvent)).one(),
            "services": sorted((x.id, x.name, x.status, x.lock_version) for x in s.exec(select(Service)).all()),
            "revisions": sorted((r.id, r.status, r.lock_version) for r in s.exec(select(ServiceRevision)).all()),
            "documents": s.exec(select(func.count()).select_from(Document)).one(),
            "applications": sorted((a.id, a.status) for a in s.exec(select(QualificationApplication)).all()),
        }


def test_every_route_is_covered_and_guarded(app):
    """The lists above are every route of the two areas, and each view declares who may use it."""
    examples = [(m, re.sub(r"\{\w+\}", "1", u)) for m, u in SUPPLIER_ROUTES + MANAGER_ROUTES]
    seen = 0
    for rule in app.url_map.iter_rules():
        area = rule.endpoint.split(".")[0]
        if area not in ("supplier", "manager", "dps"):
            continue
        view = app.view_functions[rule.endpoint]
        expected = {"supplier": ("supplier",), "manager": ("manager",), "dps": ("*",)}[area]
        assert getattr(view, "allowed_roles", None) == expected, rule.endpoint
        if area == "dps":
            continue
        pattern = re.sub(r"<[^>]+>", "[^/]+", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and re.fullmatch(pattern, u) for m, u in examples), (method, rule.rule)
            seen += 1
    assert seen == len(SUPPLIER_ROUTES) + len(MANAGER_ROUTES)


def test_anonymous_is_sent_to_log_in(app, world):
    client = app.test_client()
    for method, url in SUPPLIER_ROUTES + MANAGER_ROUTES:
        response = request(client, method, expand(url, world))
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_buyers_may_use_neither_area(app, world):
    client = app.test_client()
    login(client, "kommune-innkjoper")
    before = state(app)
    for method, url in SUPPLIER_ROUTES + MANAGER_ROUTES:
        assert request(client, method, expand(url, world)).status_code == 403, (method, url)
    assert state(app) == before


def test_a_supplier_cannot_act_as_contract_manager(app, world):
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    before = state(app)
    for method, url in MANAGER_ROUTES:
        assert request(client, method, expand(url, world)).status_code == 403, (method, url)
    assert state(app) == before


def test_the_contract_manager_does_not_use_the_supplier_area(app, world):
    client = app.test_client()
    login(client, "avtaleforvalter")
    for method, url in SUPPLIER_ROUTES:
        assert request(client, method, expand(url, world)).status_code == 403, (method, url)


def test_another_supplier_cannot_read_or_change_fjordskys_things(app, world):
    client = app.test_client()
    viewer = login(client, "leverandor-nordlys")
    assert viewer.supplier_id is not None
    before = state(app)
    for method, url in OBJECT_ROUTES:
        if "/dps/" in url:
            continue  # names the DPS, not one of Fjordsky's things
        response = request(client, method, expand(url, world))
        assert response.status_code == 404, (method, url)
        assert "Fjordskys hemmelige utkast" not in response.get_data(as_text=True)
    for doc in ("document", "certificate"):
        assert client.get(f"/dokumenter/{world[doc]}").status_code == 404
    assert state(app) == before


def test_the_owner_can_use_the_same_routes(app, world):
    """The 404s above are about ownership: the same requests work for Fjordsky's own user."""
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    for method, url in OBJECT_ROUTES:
        if method == "GET":
            assert client.get(expand(url, world)).status_code == 200, url
    assert client.get(f"/dokumenter/{world['document']}").status_code == 200
    assert client.get(f"/dokumenter/{world['certificate']}").status_code == 200


def test_documents_are_private_until_published(app, world):
    anonymous, buyer, manager = app.test_client(), app.test_client(), app.test_client()
    login(buyer, "kommune-innkjoper")
    login(manager, "avtaleforvalter")
    for doc in ("document", "certificate"):
        assert anonymous.get(f"/dokumenter/{world[doc]}").status_code == 404
        assert buyer.get(f"/dokumenter/{world[doc]}").status_code == 404
        response = manager.get(f"/dokumenter/{world[doc]}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
