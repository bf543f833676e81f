"""Facet counts mean what ticking the value does (issue 16): for every facet and every value shown,
the count equals the number of results of the same search with that value ticked as well – whatever
the facet's rule (any of, all of, only these), at several queries and with filters already chosen."""
from __future__ import annotations

import pytest

from catalogue.search.query import SearchRequest, search
from marketplace.web import search_index

SEARCHES = [
    ("", {}),
    ("lagring", {}),
    ("lagring", {"governing_law": ["norge"]}),
    ("database", {"data_locations": ["norge"]}),
    ("", {"scc_modules": ["2"], "kategori": ["lagring"]}),
    ("sikkerhet", {"governing_law": ["norge", "irland"], "data_locations": ["norge", "eos"]}),
]


def _run(app, q, filters, per_page=1):
    with app.app_context():
        return search(search_index(), SearchRequest(q=q, filters=filters, per_page=per_page))


@pytest.mark.parametrize("q,filters", SEARCHES, ids=[f"{q or '-'}:{sorted(f)}" for q, f in SEARCHES])
def test_every_count_is_the_number_of_results_when_that_value_is_ticked(shared_search_app, q, filters):
    result = _run(shared_search_app, q, filters)
    checked = 0
    for facet in result.facets:
        for value in facet.values:
            chosen = list(filters.get(facet.key, []))
            ticked = chosen if value.value in chosen else chosen + [value.value]
            total = _run(shared_search_app, q, {**filters, facet.key: ticked}).total
            assert value.count == total, (facet.key, value.value, value.count, total)
            checked += 1
    assert checked > 40  # every facet's values, not a handful


def test_a_value_whose_count_is_zero_is_not_offered(shared_search_app):
    result = _run(shared_search_app, "lagring", {"data_locations": ["norge"]})
    assert all(v.count or v.selected for f in result.facets for v in f.values)
