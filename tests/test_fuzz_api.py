"""Property-based tests: random and hostile values for every API parameter and URL argument.

The API's parameters are read from its own OpenAPI document (generated from the terms
registry), so a new filter is fuzzed as soon as it is published. The same hostile values
go into the search page's query string and into every URL argument of the public pages.
Never a 5xx; the API always answers JSON; reading never writes.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security_support import changed_tables, table_counts
from tests.test_fuzz_forms import HOSTILE

SETTINGS = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])

values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200),
                   st.integers(min_value=-(2**80), max_value=2**80).map(str))


@pytest.fixture(scope="module")
def api(shared_search_app):
    client = shared_search_app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    yield shared_search_app, client, document
    shared_search_app.extensions["db_engine"].dispose()


def _query_parameters(document) -> list[str]:
    op = document["paths"]["/api/v1/services"]["get"]
    return [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]


def test_the_api_documents_its_filters(api):
    names = _query_parameters(api[2])
    assert {"q", "side", "per_page", "kategori", "leverandor", "governing_law"} <= set(names), names


def _query(names):
    pair = st.tuples(st.sampled_from(names + ["ukjent", "", "q[]", "side[0]"]), values)
    return st.lists(pair, max_size=8)


def test_service_search_parameters(api):
    app, client, document = api
    names = _query_parameters(document)
    before = table_counts(app.extensions["db_engine"])

    @settings(max_examples=60, **SETTINGS)
    @given(query=_query(names))
    def run(query):
        response = client.get("/api/v1/services", query_string=query)
        assert response.status_code < 500, (query, response.status_code, response.get_data(as_text=True)[:500])
        assert response.mimetype == "application/json", (query, response.mimetype)
        body = response.get_json()
        if response.status_code == 200:
            assert {"total", "page", "pages", "items", "facets"} <= set(body)
            assert len(body["items"]) <= 100
        else:
            assert body["status"] == response.status_code

    run()
    assert changed_tables(before, table_counts(app.extensions["db_engine"])) == {}


def test_service_by_id(api):
    app, client, _ = api

    @settings(max_examples=40, **SETTINGS)
    @given(raw=st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), st.sampled_from(HOSTILE)))
    def run(raw):
        response = client.get("/api/v1/services/" + quote(raw, safe=""))
        assert response.status_code < 500, (raw, response.status_code)
        assert response.mimetype == "application/json", (raw, response.status_code, response.mimetype)
        assert response.status_code in (200, 404, 410), (raw, response.status_code)

    run()


def test_search_page_parameters(api):
    app, client, document = api
    names = _query_parameters(document) + ["sorter", "side"]

    @settings(max_examples=40, **SETTINGS)
    @given(query=_query(names), htmx=st.booleans())
    def run(query, htmx):
        response = client.get("/tjenester", query_string=query, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, (query, response.status_code)

    run()


# Every public page with a URL argument, and the argument's place in its path.
PUBLIC_PATHS = ["/kategorier/{}", "/leverandorer/{}", "/tjeneste/{}", "/veiledning/{}", "/dps/{}",
                "/marked/{}.csv", "/dokumenter/{}", "/sammenlign/eksport.{}", "/api/v1/{}"]


@pytest.mark.parametrize("pattern", PUBLIC_PATHS)
def test_url_arguments_of_public_pages(api, pattern):
    app, client, _ = api

    @settings(max_examples=20, **SETTINGS)
    @given(raw=values)
    def run(raw):
        response = client.get(pattern.format(quote(raw, safe="")))
        assert response.status_code < 500, (pattern, raw, response.status_code)

    run()
