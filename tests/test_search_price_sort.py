"""Sort by price (issue 16, item 3): the order comes from the terms registry's price group, is kept in
the search index as a per-document column, puts the lowest price first and services that state no
price last – on the search page and in the API."""
from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from catalogue.models import Service, ServiceStatus
from catalogue.search.query import SORTS, SearchRequest, search
from catalogue.search.schema import SCHEMA, SORT_COLUMNS
from catalogue.terms import TERMS
from marketplace.web import search_index
from tests.search_fixtures import catch_up, publish_service, release_connections


def _prices(app) -> dict[int, float | None]:
    term = TERMS["price_from"]
    with Session(app.extensions["db_engine"]) as session:
        services = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED)).all()
        prices = {s.id: term.sort_value((s.terms or {}).get("price_from")) for s in services}
    release_connections(app)
    return prices


def _all_hits(app, q: str = "", **kw) -> list:
    with app.app_context():
        first = search(search_index(), SearchRequest(q=q, per_page=100, **kw))
        hits = list(first.hits)
        for page in range(2, first.pages + 1):
            hits += search(search_index(), SearchRequest(q=q, per_page=100, page=page, **kw)).hits
    return hits


def _in_price_order(prices: list[float | None]) -> bool:
    stated = [p for p in prices if p is not None]
    return stated == sorted(stated) and prices == stated + [None] * (len(prices) - len(stated))


def test_the_price_order_is_generated_from_the_registry():
    sortable = TERMS.sortable()
    assert [t.key for t in sortable] == ["price_from"] and all(t.group == "pris" for t in sortable)
    assert "pris" in SORTS and SORT_COLUMNS["pris"] in SCHEMA.names()
    assert TERMS["price_from"].sort_value("1250.5") == 1250.5
    assert TERMS["price_from"].sort_value(None) is None and TERMS["price_from"].sort_value("") is None
    assert TERMS["pricing_model"].sort_value("forbruk") is None  # not a sortable term


@pytest.mark.parametrize("q", ["", "lagring", "sikkerhetskopi"])
def test_lowest_price_first(shared_search_app, q):
    prices = _prices(shared_search_app)
    hits = _all_hits(shared_search_app, q, sort="pris")
    assert len(hits) > 5
    got = [prices[h.service_id] for h in hits]
    assert _in_price_order(got), got
    assert got[0] is not None and got[0] < got[-1]
    if not q:  # every published service, in price order
        assert sorted(h.service_id for h in hits) == sorted(prices)


def test_lowest_price_within_a_pricing_model(shared_search_app):
    """Prices compare best within one pricing model: filtered on one, the order is that model's."""
    with Session(shared_search_app.extensions["db_engine"]) as session:
        model_of = {s.id: (s.terms or {}).get("pricing_model")
                    for s in session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED))}
    release_connections(shared_search_app)
    prices = _prices(shared_search_app)
    for model in ("forbruk", "abonnement"):
        hits = _all_hits(shared_search_app, filters={"pricing_model": [model]}, sort="pris")
        assert hits and {model_of[h.service_id] for h in hits} == {model}
        assert _in_price_order([prices[h.service_id] for h in hits])


def test_services_without_a_price_come_last(search_app):
    engine = search_app.extensions["db_engine"]
    cheap = publish_service(engine, "Prisprøve Billig lagringstjeneste", "Lagring med pris", terms={"price_from": 1.0})
    unpriced = publish_service(engine, "Prisprøve Uten pris lagringstjeneste", "Lagring uten oppgitt pris")
    free = publish_service(engine, "Prisprøve Gratis lagringstjeneste", "Lagring uten kostnad", terms={"price_from": 0})
    assert catch_up(search_app) >= 3
    hits = [h.service_id for h in _all_hits(search_app, "prisprøve", sort="pris")]
    assert hits == [free, cheap, unpriced]
    everything = [h.service_id for h in _all_hits(search_app, sort="pris")]
    assert everything[:2] == [free, cheap] and everything[-1] == unpriced


def _option(page: str, value: str) -> tuple[bool, str]:
    """(selected?, label) of the sort menu's option *value*."""
    found = re.search(rf'<option value="{value}"( selected)?>\s*(.*?)\s*</option>', page, re.S)
    assert found, value
    return bool(found.group(1)), found.group(2)


def test_search_page_offers_the_price_order(shared_search_client):
    page = shared_search_client.get("/tjenester?q=lagring&sorter=pris").get_data(as_text=True)
    assert _option(page, "pris") == (True, "Lavest pris først")
    assert _option(page, "relevans")[0] is False
    assert "Tjenester som ikke oppgir det, står sist." in page and "innenfor én prismodell" in page
    english = shared_search_client.get("/tjenester?q=lagring&sorter=pris&lang=en").get_data(as_text=True)
    assert _option(english, "pris") == (True, "Lowest price first")
    assert "Services that do not state it come last." in english
    # Within one pricing model the advice to choose one is not repeated; other orders have no note.
    one_model = shared_search_client.get("/tjenester?q=lagring&sorter=pris&pricing_model=forbruk&lang=nb")
    one_model = one_model.get_data(as_text=True)
    assert "står sist" in one_model and "innenfor én prismodell" not in one_model
    by_name = shared_search_client.get("/tjenester?q=lagring&sorter=navn&lang=nb").get_data(as_text=True)
    assert "står sist" not in by_name


def test_api_sorts_by_price(shared_search_app, shared_search_client):
    prices = _prices(shared_search_app)
    body = shared_search_client.get("/api/v1/services?sorter=pris&per_page=100").get_json()
    assert body["items"] and _in_price_order([prices[item["id"]] for item in body["items"]])
    document = shared_search_client.get("/api/v1/openapi.json").get_json()
    sorter = next(p for op in document["paths"]["/api/v1/services"].values() for p in op.get("parameters", [])
                  if p["name"] == "sorter")
    assert "pris" in sorter["schema"]["enum"]
