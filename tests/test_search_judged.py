"""The judged query set (bench/judged_queries.py) over the demo catalogue: our search must not
score below the figures recorded by ``python -m bench.relevance`` (bench/relevance.json), per
query group and overall. The PostgreSQL baseline is measured beside it in the bench run."""
from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from bench.judged_queries import GROUPS, QUERIES
from bench.relevance import METRICS, RESULTS, check_judgements, evaluate, judged_services, ours, scores
from marketplace.web import search_index

TOLERANCE = 0.01  # rounding, and small moves when the demo catalogue gains services or texts


@pytest.fixture(scope="module")
def figures(shared_search_app):
    with shared_search_app.app_context():
        with Session(shared_search_app.extensions["db_engine"]) as session:
            services = judged_services(session)
        assert check_judgements(services) == []
        return evaluate(ours(search_index()), services)


def test_the_judged_set_is_large_and_covers_every_group():
    assert len(QUERIES) >= 150
    assert {q.group for q in QUERIES} == set(GROUPS)
    assert len({q.query for q in QUERIES}) == len(QUERIES)


def test_scores_of_a_known_ranking():
    graded = {1: 3, 2: 2, 3: 1}
    assert scores([1, 2, 3], graded) == {"ndcg10": 1.0, "p3": 1.0, "mrr": 1.0}
    worse = scores([9, 3, 2, 1], graded)
    assert worse["mrr"] == pytest.approx(1 / 3) and worse["p3"] == pytest.approx(1 / 2)
    assert 0 < worse["ndcg10"] < 1
    assert scores([], graded) == {"ndcg10": 0.0, "p3": 0.0, "mrr": 0.0}


@pytest.mark.parametrize("group", [*GROUPS, "alle"])
def test_figures_do_not_drop_below_the_recorded_ones(figures, group):
    recorded = json.loads(RESULTS.read_text(encoding="utf-8"))
    for metric in METRICS:
        assert figures["groups"][group][metric] >= recorded["ours"]["groups"][group][metric] - TOLERANCE, (
            group, metric, figures["groups"][group][metric])
