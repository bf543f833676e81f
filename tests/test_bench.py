"""The benchmark harness (bench/): its pieces must measure what they say, so they are tested here.

The full run (``make bench``) takes minutes and 50 000 services; these tests check the parts on
the demo catalogue in seconds: the workload, the FTS5 yardstick, wrk's Lua script, the change
maker, the index comparison of the two-host test, process clean-up, profiles and the report.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench import fts5, load, profiling, report, twohosts, workload
from bench.corpus import Text, published_ids, published_texts
from bench.freshness import Changes, burst, token
from bench.procs import ProcessFailed, Processes
from bench.stats import percentile, summary
from catalogue.search.analysis import analyse_token
from catalogue.search.query import SearchRequest, search
from catalogue.search.reader import SearchIndex
from catalogue.search.store import IndexLocation
from tests.search_fixtures import catch_up, install_index, release_connections


def test_percentile_interpolates_between_ranks():
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert percentile([7], 99) == 7
    assert math.isnan(percentile([], 50))
    assert summary([10.0, 20.0, 30.0]) == {"p50": 20.0, "p95": 29.0, "p99": 29.8, "max": 30.0, "n": 3}


def test_tokens_are_unique_words_the_search_keeps_as_typed():
    words = [token(n) for n in range(1, 3000)]
    assert len(set(words)) == len(words)
    for word in words[:50] + words[-50:]:
        assert word.isalpha()
        assert analyse_token(word).term == word  # not stemmed or split: the search finds it as published


# ---------------------------------------------------------------------------
# the workload


def test_workload_is_deterministic_balanced_and_finds_something(shared_search_app):
    engine = shared_search_app.extensions["db_engine"]
    texts = list(published_texts(engine))
    index = SearchIndex(shared_search_app.config["INDEX_DIR"])
    try:
        first = workload.build(index, texts, 36, seed=11)
        again = workload.build(index, texts, 36, seed=11)
        other = workload.build(index, texts, 36, seed=12)
        assert [r.to_args() for r in first] == [r.to_args() for r in again]
        assert [r.to_args() for r in first] != [r.to_args() for r in other]

        described = workload.describe(first)
        assert (described["one_word"], described["two_words"], described["three_words"]) == (12, 12, 12)
        assert described["page_2_or_3"] == 24
        assert 12 <= described["two_filters"] <= 18  # half are meant to; a facet may run out of values
        for req in first:
            # The address is the search page's own: reading it back gives the same request.
            args = parse_qsl(urlsplit(workload.path(req)).query)
            again_req = SearchRequest.from_args(_multi(args))
            assert again_req.to_args() == req.to_args()
            if not req.filters:
                # Words from one service's own text: that service, at least, has them all.
                assert search(index, req.but(page=1)).total >= 1, req
            else:
                assert sum(len(v) for v in req.filters.values()) in (1, 2)
    finally:
        index.close()
        release_connections(shared_search_app)  # PostgreSQL copies the template only when nobody is on it


def _multi(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


# ---------------------------------------------------------------------------
# the FTS5 yardstick


def test_fts5_finds_every_word_and_survives_operator_words(tmp_path):
    texts = [Text(1, "Objektlagring Pro", "Lagring i Norge", "S3-kompatibel lagring med AND og NOT i teksten",
                  "kryptering"),
             Text(2, "Sikkerhetskopi", "Backup av databaser", "Daglig sikkerhetskopi", "lagring"),
             Text(3, "Kubernetes drift", "Containere", "Drift av klynger", "overvåking")]
    path = tmp_path / "fts.sqlite"
    assert fts5.build(path, texts) == 3
    import sqlite3

    with sqlite3.connect(path) as db:
        def hits(q: str) -> list[int]:
            return [row[0] for row in db.execute(fts5.PAGE_SQL, (fts5.match_expression(q), 20, 0))]

        assert sorted(hits("lagring")) == [1, 2]
        assert hits("lagring kryptering") == [1]          # every word required
        assert hits('NOT AND "lagring') == [1]            # operators and quotes are plain words
        assert hits("drift") == [3]
    timed = fts5.timings(path, [SearchRequest(q="lagring"), SearchRequest(q="drift", page=2)], [])
    assert len(timed.ms) == 2 and timed.errors == 0


# ---------------------------------------------------------------------------
# wrk and its Lua script


@pytest.fixture
def tiny_server():
    """A real HTTP server on loopback: 200 on /ok, 404 anywhere else."""

    @Request.application
    def app(request):
        return Response("fint", status=200 if request.path == "/ok" else 404)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make bench`")
def test_wrk_script_rotates_paths_and_counts_non_2xx(tiny_server, tmp_path):
    result = load.run(tiny_server, ["/ok", "/mangler", '/ok?q="sitat"'], tmp_path, seconds=1, connections=2,
                      threads=1)
    assert result["requests"] > 10
    assert result["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    # One path in three answers 404: each counted once, and they are all the errors there are.
    assert result["non2xx"] == pytest.approx(result["requests"] / 3, abs=3)
    assert result["errors"] == result["non2xx"]
    assert result["throughput_rps"] > 0


# ---------------------------------------------------------------------------
# changes and the two-host comparison


def test_burst_changes_reach_the_index_and_the_comparison_sees_it(search_app, tmp_path):
    engine = search_app.extensions["db_engine"]
    changes = Changes(engine)
    before = set(published_ids(engine))
    new_id = changes.publish_new(changes.next_token())
    counts = burst(changes, sorted(before)[:200], 40, seed=5, threads=3)
    assert counts == {"new": 16, "edit": 14, "remove": 10}
    after = set(published_ids(engine))
    assert new_id in after and len(after) == len(before) + 1 + 16 - 10

    # A second host's index: the template copy (from before the changes), caught up from the log.
    index_a = Path(search_app.config["INDEX_DIR"])
    index_b = tmp_path / "host-b" / "index"
    stale = twohosts.compare_indexes(index_a, _copy_index(index_a, index_b), after)
    assert not stale["match_database"]  # nothing applied yet: the burst is missing from both
    catch_up(search_app)
    from catalogue.search.indexer import Indexer

    Indexer(engine, IndexLocation(index_b)).catch_up()
    both = twohosts.compare_indexes(index_a, index_b, after)
    assert both["identical"] and both["match_database"], both
    target = twohosts.log_max(engine)
    drained, trace = twohosts.wait_drained({"A": index_a, "B": index_b}, target, time.perf_counter(), timeout=10)
    assert set(drained) == {"A", "B"} and all(v is not None and v < 10 for v in drained.values())
    assert {row[1] for row in trace} == {"A", "B"} and all(row[2] == target for row in trace)
    # Not there yet: a position beyond the log is never reached, and the wait ends at its timeout.
    assert twohosts.wait_drained({"A": index_a}, target + 1, time.perf_counter(), timeout=0.5)[0] == {"A": None}

    # One document gone from B: the comparison must notice.
    victim = f"service:{new_id}"
    ix = IndexLocation(index_b).open()
    writer = ix.writer()
    writer.delete_by_term("id", victim)
    writer.commit()
    ix.close()
    broken = twohosts.compare_indexes(index_a, index_b, after)
    assert not broken["identical"] and broken["only_in_a"] == [victim]


def _copy_index(source_link: Path, target_link: Path) -> Path:
    install_index(IndexLocation(source_link).current(), str(target_link))
    return target_link


# ---------------------------------------------------------------------------
# processes, profiles and the report


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); it has ended all the same.
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split(") ", 1)[1].startswith("Z")


def test_processes_stop_whole_process_groups_and_failures_show_the_log(tmp_path):
    child_file = tmp_path / "child.pid"
    with Processes(tmp_path / "logs") as procs:
        leader = procs.start("sleepers", ["sh", "-c", f"sleep 60 & echo $! > {child_file}; wait"],
                             dict(os.environ))
        deadline = time.monotonic() + 10
        while not child_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(child_file.read_text())
        with pytest.raises(ProcessFailed, match="boom"):
            procs.run("failing", ["sh", "-c", "echo boom; exit 3"], dict(os.environ), timeout=30)
        assert not _gone(child)
    assert _gone(leader.pid)
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child)  # the background child went with its process group


def test_profile_summary_leaves_out_plumbing_and_counts_percentages(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "process 1:\"gunicorn\";run (gunicorn/app/base.py);search (marketplace/views/search.py);"
        "_ranked (catalogue/search/query.py) 30\n"
        "process 1:\"gunicorn\";run (gunicorn/app/base.py);search (marketplace/views/search.py);"
        "render (jinja2/environment.py) 10\n", encoding="utf-8")
    summary_ = profiling.summarize(raw)
    assert summary_["samples"] == 40
    assert dict(summary_["inclusive"]) == {"search (marketplace/views/search.py)": 100.0,
                                           "_ranked (catalogue/search/query.py)": 75.0,
                                           "render (jinja2/environment.py)": 25.0}
    assert summary_["self"][0] == ("_ranked (catalogue/search/query.py)", 75.0)


def test_report_keeps_every_figure_and_marks_what_was_missed(tmp_path):
    figures = {"index_rebuild_s": 31.0, "search_p50_ms": 25.0, "search_p95_ms": 50.0, "search_p99_ms": 90.0,
               "whoosh_raw_p50_ms": 12.0, "fts5_raw_p50_ms": 0.5, "throughput_rps": 120.0, "errors": 0,
               "publish_to_search_p95_s": 0.8, "compare_p95_ms": 60.0, "export_p95_ms": None,
               "rss_worker_mb": 200.0, "rss_indexer_mb": 150.0, "two_hosts_lag_p95_s": 0.9,
               "two_hosts_identical": True}
    run = {"started": "2026-11-21 20:00 UTC", "services": 50000, "full": True, "database": "mp_bench",
           "total_s": 600.0, "phases": {"seed": 100.0}, "workers": 2}
    details = {"failures": {"compare and export": "RuntimeError: login failed"}}
    written = report.write_json(tmp_path / "results.json", figures, details, {"commit": "abc"}, run)
    loaded = json.loads((tmp_path / "results.json").read_text())
    assert loaded == json.loads(json.dumps(written))
    assert all(key in loaded for key in report.REPORTED)
    assert loaded["targets"]["search_p50_ms"]["met"] is False
    assert loaded["targets"]["search_p95_ms"]["met"] is True
    assert loaded["targets"]["export_p95_ms"]["met"] is None
    assert loaded["all_met"] is False
    assert report.missed(figures) == ["search_p50_ms"]

    report.write_note(tmp_path / "BENCHMARKS.md", figures, details, {"commit": "abc"}, run)
    note = (tmp_path / "BENCHMARKS.md").read_text()
    assert "| Search over HTTP, p50 | ≤ 20 ms | 25.0 ms | ❌ missed |" in note
    assert "| Throughput, 32 connections × 60 s | ≥ 100 req/s | 120.0 req/s | ✅ met |" in note
    assert "not measured" in note and "login failed" in note
    assert "HTTP page / raw Whoosh = **2.1×**" in note
