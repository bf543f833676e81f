"""Facet counts against the database, filters and how they combine, paging, sorting, tie-breaks."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from catalogue.confirmation import confirmation_of
from catalogue.models import DPS, Category, Qualification, Service, Supplier
from catalogue.search import reader as search_reader
from catalogue.search.documents import name_sort_key
from catalogue.search.query import WITHIN, SearchRequest, facet_mode, search
from catalogue.search.schema import FACETS_BY_KEY
from catalogue.terms import TERMS
from marketplace.web import search_index
from tests.search_fixtures import release_connections


def run(app, q: str = "", **kw):
    with app.app_context():
        return search(search_index(), SearchRequest(q=q, **kw))


def everything(app, q: str = "", **kw) -> list:
    """Every hit of a search, page by page."""
    first = run(app, q, per_page=100, **kw)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += run(app, q, per_page=100, page=page, **kw).hits
    return hits


@pytest.fixture(scope="module")
def published(shared_search_app):
    """What the database says about every published service: the oracle for the facets."""
    with Session(shared_search_app.extensions["db_engine"]) as session:
        cats = {c.id: c for c in session.exec(select(Category)).all()}
        dps = {d.id: d.slug for d in session.exec(select(DPS)).all()}
        qualified = defaultdict(set)
        for q in session.exec(select(Qualification).where(Qualification.status == "qualified")).all():
            qualified[(q.supplier_id, q.category_id)].add(dps[q.dps_id])
        rows = {}
        for service, supplier in session.exec(select(Service, Supplier).join(Supplier, Supplier.id == Service.supplier_id)
                                              .where(Service.status == "published")).all():
            cat = cats[service.category_id]
            top = cats[cat.parent_id] if cat.parent_id else cat
            facets = {"kategori": {top.slug}, "underkategori": {cat.slug} if cat.parent_id else set(),
                      "leverandor": {supplier.slug},
                      "dps": qualified[(supplier.id, cat.id)] | qualified[(supplier.id, top.id)],
                      "bekreftelse": {confirmation_of(service).facet_value}}
            for term in TERMS.filterable():
                facets[term.key] = set(term.facet_values((service.terms or {}).get(term.key)))
            rows[service.id] = {"name": service.name, "published_at": service.published_at, "facets": facets}
    release_connections(shared_search_app)
    return rows


def expected_counts(rows, key) -> Counter:
    """How many services ticking each value finds: for an "only these" facet (data location) the
    services with that value and no other, otherwise those with the value (issue 16)."""
    if key in FACETS_BY_KEY and facet_mode(FACETS_BY_KEY[key]) == WITHIN:
        return Counter(v for row in rows.values() for v in row["facets"][key] if len(row["facets"][key]) == 1)
    return Counter(v for row in rows.values() for v in row["facets"][key])


def test_every_published_service_and_nothing_else_is_found(shared_search_app, published):
    ids = {h.service_id for h in everything(shared_search_app)}
    assert ids == set(published)
    assert run(shared_search_app).total == len(published) >= 160


def test_facet_counts_match_the_database(shared_search_app, published):
    result = run(shared_search_app)
    assert {f.key for f in result.facets} >= {"kategori", "underkategori", "governing_law", "venue", "data_locations",
                                            "eea_only_option", "scc_modules", "own_purpose_processing",
                                            "nsm_principles", "dps", "bekreftelse", "leverandor"}
    for facet in result.facets:
        expected = expected_counts(published, facet.key)
        shown = {v.value: v.count for v in facet.values}
        if facet.key == "leverandor":
            # The largest suppliers are listed; the rest are counted in "more".
            assert all(expected[slug] == n for slug, n in shown.items())
            assert len(shown) + facet.more == len(expected)
            assert sorted(shown.values(), reverse=True) == list(shown.values())
        else:
            assert shown == {k: n for k, n in expected.items() if n}, facet.key


def test_the_dps_facet_shows_qualified_services(shared_search_app, published):
    dps = run(shared_search_app).facet("dps")
    assert [v.value for v in dps.values] == ["dps-skytjenester"]
    assert dps.values[0].count == expected_counts(published, "dps")["dps-skytjenester"] > 0


def test_category_tree_lists_sub_categories_under_their_top_category(shared_search_app):
    result = run(shared_search_app)
    tops = {v.value for v in result.facet("kategori").values}
    subs = result.facet("underkategori").values
    assert len(subs) >= 47
    assert all(v.parent in tops for v in subs)
    assert sum(v.count for v in result.facet("kategori").values) == result.total


def _matching(published, **wanted) -> set[int]:
    out = set()
    for sid, row in published.items():
        if all(pred(row["facets"][key]) for key, pred in wanted.items()):
            out.add(sid)
    return out


def ids(app, q="", **filters) -> set[int]:
    return {h.service_id for h in everything(app, q, filters=filters)}


def test_filters_combine_across_facets_with_and(shared_search_app, published):
    found = ids(shared_search_app, governing_law=["norge"], venue=["oslo-tingrett"])
    assert found and found == _matching(published, governing_law=lambda v: "norge" in v,
                                        venue=lambda v: "oslo-tingrett" in v)


def test_choices_of_one_facet_combine_with_or(shared_search_app, published):
    found = ids(shared_search_app, governing_law=["norge", "irland"])
    assert found == _matching(published, governing_law=lambda v: bool(v & {"norge", "irland"}))


def test_offered_modules_and_certifications_must_all_be_there(shared_search_app, published):
    found = ids(shared_search_app, scc_modules=["2", "3"])
    assert found == _matching(published, scc_modules=lambda v: {"2", "3"} <= v)
    found = ids(shared_search_app, certifications=["iso27001", "soc2"])
    assert found == _matching(published, certifications=lambda v: {"iso27001", "soc2"} <= v)


def test_data_location_filter_means_only_there(shared_search_app, published):
    found = ids(shared_search_app, data_locations=["norge"])
    assert found and found == _matching(published, data_locations=lambda v: bool(v) and v <= {"norge"})
    wider = ids(shared_search_app, data_locations=["norge", "eos"])
    assert wider > found
    assert wider == _matching(published, data_locations=lambda v: bool(v) and v <= {"norge", "eos"})


def test_facet_counts_leave_out_their_own_selection(shared_search_app, published):
    result = run(shared_search_app, filters={"governing_law": ["norge"], "eea_only_option": ["ja"]})
    law = {v.value: v.count for v in result.facet("governing_law").values}
    # Counted with the EEA filter but not the law filter: every law stays visible, and its count is
    # what ticking it too would find (Norwegian law or that one).
    expected = Counter(v for row in published.values() if "ja" in row["facets"]["eea_only_option"]
                       for v in row["facets"]["governing_law"])
    assert law == {k: n + (expected["norge"] if k != "norge" else 0) for k, n in expected.items() if n}
    assert next(v for v in result.facet("governing_law").values if v.value == "norge").selected


def test_text_and_filters_together(shared_search_app, published):
    all_db = ids(shared_search_app, "database")
    norwegian = ids(shared_search_app, "database", governing_law=["norge"])
    assert norwegian and norwegian < all_db
    assert all("norge" in published[i]["facets"]["governing_law"] for i in norwegian)


def test_unknown_filter_values_are_ignored(shared_search_app):
    plain = run(shared_search_app).total
    assert run(shared_search_app, filters={"governing_law": ["mars"]}).total == plain
    assert run(shared_search_app, filters={"kategori": ["finnes-ikke"]}).total == plain
    assert run(shared_search_app, filters={"leverandor": ["<script>"]}).total == plain
    req = SearchRequest.from_args(MultiDict([("sorter", "tilfeldig"), ("side", "abc"), ("venue", "månen"),
                                             ("kategori", "lagring"), ("q", "  x  y ")]))
    assert (req.sort, req.page, req.filters, req.q) == ("relevans", 1, {"kategori": ["lagring"]}, "x y")


def test_request_round_trips_through_the_url():
    req = SearchRequest(q="sikker lagring", filters={"governing_law": ["norge"], "kategori": ["lagring"]},
                        sort="navn", page=3)
    args = req.to_args()
    assert args == [("q", "sikker lagring"), ("kategori", "lagring"), ("governing_law", "norge"),
                    ("sorter", "navn"), ("side", "3")]
    assert SearchRequest.from_args(MultiDict(args)) == req
    assert SearchRequest().to_args() == []


def test_pages_cover_every_hit_once(shared_search_app):
    first = run(shared_search_app, "lagring", per_page=7)
    assert first.pages == math.ceil(first.total / 7) > 2
    seen = []
    for page in range(1, first.pages + 1):
        seen += [h.service_id for h in run(shared_search_app, "lagring", per_page=7, page=page).hits]
    assert len(seen) == len(set(seen)) == first.total
    beyond = run(shared_search_app, "lagring", per_page=7, page=first.pages + 5)
    assert beyond.page == first.pages and beyond.hits


def test_name_order_is_norwegian_alphabetical():
    names = ["Åsen", "Zeta", "Ærlig", "øst", "alfa", "Beta", "Ørken", "Émile", "Zulu"]
    assert sorted(names, key=name_sort_key) == ["alfa", "Beta", "Émile", "Zeta", "Zulu", "Ærlig", "Ørken", "øst",
                                                "Åsen"]


def test_sort_by_name(shared_search_app, published):
    hits = everything(shared_search_app, sort="navn")
    assert len(hits) == len(published)
    keys = [name_sort_key(h.name) for h in hits]
    assert keys == sorted(keys)
    assert hits[0].name.startswith("A") and hits[-1].name[0] in "VWXYZÆØÅ"


def test_sort_by_newest(shared_search_app, published):
    hits = everything(shared_search_app, "lagring", sort="nyeste")
    dates = [published[h.service_id]["published_at"] for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_ranking_is_stable_for_the_same_search(shared_search_app):
    first = [h.service_id for h in everything(shared_search_app, "drift")]
    assert first == [h.service_id for h in everything(shared_search_app, "drift")]


def test_ties_are_broken_fairly_and_reshuffled_daily(shared_search_app, published, monkeypatch):
    """Without words every service ties: the order is neither by id nor by supplier, and changes
    from one day to the next, so no supplier is always first."""
    orders, leaders = [], set()
    for day in range(5):
        monkeypatch.setattr(search_reader, "day_salt", lambda d=None, day=day: search_reader.rotate(day, 12345))
        hits = run(shared_search_app, per_page=100).hits
        orders.append([h.service_id for h in hits])
        leaders.add(hits[0].supplier_slug)
    assert orders[0] != sorted(orders[0])
    assert len({tuple(o) for o in orders}) == 5
    assert len(leaders) > 1


def test_equal_scores_are_ordered_by_the_tie_break_not_by_index_order(shared_search_app, monkeypatch):
    def ranking(day):
        monkeypatch.setattr(search_reader, "day_salt", lambda d=None: search_reader.rotate(day, 999))
        return [(round(h.score, 4), h.service_id) for h in everything(shared_search_app, "sikkerhetskopi")]

    a, b = ranking(1), ranking(2)
    ties = [score for score, n in Counter(s for s, _ in a).items() if n > 1]
    assert ties, "the demo catalogue has services with equal scores for this query"
    assert [s for s, _ in a] == sorted((s for s, _ in a), reverse=True)
    tied_a = [sid for s, sid in a if s in ties]
    tied_b = [sid for s, sid in b if s in ties]
    assert sorted(tied_a) == sorted(tied_b) and tied_a != tied_b


def test_a_facet_shows_its_largest_values_and_a_button_for_all_of_them(shared_search_client):
    import re

    html = shared_search_client.get("/tjenester?q=tjeneste").get_data(as_text=True)
    panel = html.split('id="facet-leverandor"', 1)[1].split("</details>", 1)[0]
    assert panel.count('name="leverandor"') == 5
    # "Vis alle" is a submit button of the search form: it sends the whole search with flere=<facet>
    # (without JavaScript too), so the panel's markup does not depend on the address.
    button = re.search(r'<button type="submit" form="sok-skjema" name="flere" value="leverandor"[^>]*>(.*?)</button>',
                       panel, re.S)
    assert button and re.search(r"Vis alle \d+", button.group(1)) and "visually-hidden" in button.group(1)
    assert "href=" not in panel and "q=tjeneste" not in panel.split('class="facet-more"', 1)[1]
    full = shared_search_client.get("/tjenester?q=tjeneste&flere=leverandor").get_data(as_text=True)
    opened = full.split('id="facet-leverandor"', 1)[1].split("</details>", 1)[0]
    assert opened.count('name="leverandor"') > 5 and 'name="flere" value="leverandor"' in opened
    assert '<input type="hidden" name="flere" value="leverandor" form="sok-skjema">' in opened  # stays open


def test_facet_counts_are_cached_per_generation_and_filter_set(shared_search_app):
    from catalogue.search import query
    from catalogue.search.query import SearchRequest, search
    from marketplace.web import search_index

    calls = []
    original = query._facet

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    with shared_search_app.app_context():
        index = search_index()
        query._facet = counted
        try:
            chosen = {"governing_law": ["norge"], "venue": ["oslo-tingrett"]}
            first = search(index, SearchRequest(q="lagring av filer", filters=chosen))
            n = len(calls)
            again = search(index, SearchRequest(q="lagring av filer", filters=chosen, page=2))
            other = search(index, SearchRequest(q="lagring av filer", filters={"venue": ["oslo-tingrett"]}))
        finally:
            query._facet = original
    assert n > 0 and len(calls) == 2 * n  # the second request counted nothing; another filter set did
    assert [f.values for f in again.facets] == [f.values for f in first.facets]
    assert other.facets != first.facets
