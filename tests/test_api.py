"""The open JSON API: endpoints, errors as JSON, no buyer-only terms, the OpenAPI document, schemathesis."""
from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               status_code_conformance)
from schemathesis.checks import not_a_server_error
from sqlmodel import Session, select

from catalogue.api_schema import public_terms
from catalogue.confirmation import confirmation_of
from catalogue.models import Category, Service
from catalogue.terms import TERMS
from tests.conftest import make_app
from tests.databases import drop_database, new_database


def a_service(app, status: str = "published") -> Service:
    with Session(app.extensions["db_engine"]) as session:
        return session.exec(select(Service).where(Service.status == status).order_by(Service.id)).first()


# --- endpoints --------------------------------------------------------------------------------

def test_service_detail_has_public_terms_only(shared_app, shared_client):
    service = a_service(shared_app)
    answer = shared_client.get(f"/api/v1/services/{service.id}")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["id"] == service.id and body["name"] == service.name and body["version"] == service.version
    assert body["supplier"]["orgnr"] and len(body["supplier"]["orgnr"]) == 9
    assert body["terms"] == public_terms(service.terms)
    assert set(body["terms"]) == {t.key for t in TERMS if not t.buyer_only}
    for term in TERMS:
        if term.buyer_only:
            assert term.key not in body["terms"]
            assert str(service.terms[term.key]) not in answer.get_data(as_text=True)
    assert body["published_at"].endswith("Z")
    state = confirmation_of(service)
    assert (body["last_confirmed"], body["confirmed"]) == (state.last.isoformat(), state.is_confirmed)


def test_buyer_only_terms_stay_out_even_for_a_logged_in_buyer(app, client):
    from tests.login import login

    login(client, "kommune-innkjoper")
    body = client.get(f"/api/v1/services/{a_service(app).id}").get_json()
    assert "pentest_summary" not in body["terms"] and "public_sector_contact" not in body["terms"]


def test_removed_service_is_410_with_the_date(shared_app, shared_client):
    removed = a_service(shared_app, "removed")
    answer = shared_client.get(f"/api/v1/services/{removed.id}")
    assert answer.status_code == 410 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["status"] == 410 and body["removed_at"].startswith(removed.removed_at.strftime("%Y-%m-%d"))
    assert body["reason"] == removed.removal_reason


@pytest.mark.parametrize("path", ["/api/v1/services/99999999", "/api/v1/services/2147483648",
                                  "/api/v1/services/123456789012345678901234567890", "/api/v1/nothing",
                                  "/api/v1/services/abc", "/api/", "/api/v1/services/%09%0A", "/api/%00"])
def test_unknown_is_404_json(shared_client, path):
    answer = shared_client.get(path)
    assert answer.status_code == 404 and answer.mimetype == "application/json"
    assert answer.get_json()["status"] == 404


def test_drafts_are_404(shared_app, shared_client):
    for status in ("draft", "submitted"):
        answer = shared_client.get(f"/api/v1/services/{a_service(shared_app, status).id}")
        assert answer.status_code == 404 and answer.get_json()["error"] == "Fant ikke"


def test_writes_are_405_json_without_csrf(shared_client):
    answer = shared_client.post("/api/v1/services", data={"x": "y"})
    assert answer.status_code == 405 and answer.mimetype == "application/json"
    assert answer.headers["Allow"] == "GET, HEAD"


def test_categories_tree(shared_app, shared_client):
    body = shared_client.get("/api/v1/categories").get_json()
    with Session(shared_app.extensions["db_engine"]) as session:
        tops = session.exec(select(Category).where(Category.parent_id.is_(None))).all()
        subs = session.exec(select(Category).where(Category.parent_id.is_not(None))).all()
        published = session.exec(select(Service).where(Service.status == "published")).all()
    assert {c["slug"] for c in body["items"]} == {c.slug for c in tops}
    assert sum(len(c["children"]) for c in body["items"]) == len(subs)
    assert sum(c["services"] for c in body["items"]) == len(published)


def test_search_list_matches_the_search_page(shared_search_app, shared_search_client):
    body = shared_search_client.get("/api/v1/services?governing_law=norge&per_page=100").get_json()
    with Session(shared_search_app.extensions["db_engine"]) as session:
        norwegian = [s.id for s in session.exec(select(Service).where(Service.status == "published")).all()
                     if s.terms["governing_law"] == "norge"]
    assert body["total"] == len(norwegian) and body["per_page"] == 100
    assert sorted(item["id"] for item in body["items"]) == sorted(norwegian)[:100] or body["total"] > 100
    law = next(f for f in body["facets"] if f["key"] == "governing_law")
    assert next(v for v in law["values"] if v["value"] == "norge")["selected"] is True
    paged = shared_search_client.get("/api/v1/services?governing_law=norge&per_page=5&side=2").get_json()
    assert paged["page"] == 2 and len(paged["items"]) == 5 and paged["pages"] == -(-len(norwegian) // 5)
    typo = shared_search_client.get("/api/v1/services?q=sikkerhetskopiiering").get_json()
    assert typo["suggestion"] is None or isinstance(typo["suggestion"], str)


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "side=0", "side=x", "governing_law=mars",
                                   "sorter=tilfeldig", "q=" + "x" * 201, "kategori=Ikke%20en%20slug",
                                   "side=1&side=2"])
def test_bad_list_parameters_are_400(shared_search_client, query):
    answer = shared_search_client.get(f"/api/v1/services?{query}")
    assert answer.status_code == 400 and answer.get_json()["problems"]


def test_list_without_an_index_is_503_json(shared_client, shared_app, tmp_path):
    app = make_app(shared_app.config["DATABASE_URL"], tmp_path / "no-index")
    answer = app.test_client().get("/api/v1/services")
    app.extensions["db_engine"].dispose()
    assert answer.status_code == 503 and answer.mimetype == "application/json"


def test_rate_limit_answers_429_json(template_db, tmp_path):
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", RATELIMIT_ENABLED=True, API_RATE_LIMIT="3/minute")
    try:
        client = app.test_client()
        assert [client.get("/api/v1/categories").status_code for _ in range(3)] == [200, 200, 200]
        answer = client.get("/api/v1/categories")
        assert answer.status_code == 429 and answer.mimetype == "application/json"
        assert answer.get_json()["status"] == 429 and answer.headers.get("Retry-After")
        assert client.get("/").status_code == 200  # the limit is the API's, not the site's
    finally:
        app.extensions["db_engine"].dispose()
        drop_database(url)


# --- the OpenAPI document ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def api_schema(shared_search_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", shared_search_app)


def test_openapi_document_is_valid(shared_client, api_schema):
    document = shared_client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    api_schema.validate()  # raises when the document breaks the OpenAPI 3.1 schema
    # The check is real: a broken copy is refused.
    broken = copy.deepcopy(document)
    broken["paths"]["/api/v1/services"]["get"]["responses"] = "none"
    with pytest.raises(Exception):
        schemathesis.openapi.from_dict(broken).validate()


def test_openapi_is_generated_from_the_registry(shared_client):
    document = shared_client.get("/api/v1/openapi.json").get_json()
    terms = document["components"]["schemas"]["Terms"]["properties"]
    assert set(terms) == {t.key for t in TERMS if not t.buyer_only}
    assert terms["governing_law"]["enum"][:-1] == [c.value for c in TERMS["governing_law"].choices]
    params = {p["name"]: p for p in document["paths"]["/api/v1/services"]["get"]["parameters"]}
    for term in TERMS.filterable():
        assert params[term.key]["schema"]["items"]["enum"] == [c.value for c in term.options]
    assert {"q", "sorter", "side", "per_page", "kategori", "underkategori", "leverandor", "dps"} <= set(params)


# schemathesis leaves out the operation that serves the document itself.
OPERATIONS = ["GET /api/v1/services", "GET /api/v1/services/{service_id}", "GET /api/v1/categories",
              "GET /api/v1/contracts", "GET /api/v1/contracts/ocds.json"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


def test_every_operation_is_fuzzed(api_schema):
    assert sorted(r.ok().label for r in api_schema.get_all_operations()) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_conforms_to_its_document(api_schema, label):
    """schemathesis: valid and invalid requests; no 5xx, and every answer (status, content type,
    headers, body) as the document says. Invalid parameters must be refused with a 4xx.

    (Driven with ``as_strategy`` + Hypothesis: schemathesis' lazy pytest loader does not run on
    this pytest version.)
    """
    operation = api_schema.find_operation_by_label(label)
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


def test_every_real_service_answer_conforms(shared_search_app, api_schema):
    """Random ids rarely hit a service: check every service in the catalogue against the document."""
    operation = api_schema.find_operation_by_label("GET /api/v1/services/{service_id}")
    with Session(shared_search_app.extensions["db_engine"]) as session:
        services = session.exec(select(Service)).all()
    statuses = set()
    for service in services:
        response = operation.Case(path_parameters={"service_id": service.id}).call_and_validate(checks=CHECKS)
        statuses.add(response.status_code)
    assert statuses == {200, 404, 410}
    listing = api_schema.find_operation_by_label("GET /api/v1/services")
    for query in ({"per_page": 100}, {"q": "backup", "governing_law": ["norge", "sverige"]},
                  {"data_locations": ["norge", "eos"], "sorter": "nyeste", "side": 2, "per_page": 5}):
        assert listing.Case(query=query).call_and_validate(checks=CHECKS).status_code == 200
