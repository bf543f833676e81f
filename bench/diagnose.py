"""Profiles for the missed targets: the work behind each one is replayed under a profiler.

Runs after every measured figure is taken (py-spy disturbs what it watches). Each replay
is bounded in time (``PROFILE_SECONDS``), so a slow system cannot stall the run.
"""
from __future__ import annotations

import os
import random
import subprocess
import time
from typing import TYPE_CHECKING

import requests

from bench import pages, profiling, report, workload
from bench.freshness import Changes, publish_to_search
from bench.procs import FLASK, Proc
from catalogue.search.query import search

if TYPE_CHECKING:
    from bench.run import Bench

PROFILE_SECONDS = 60  # each profile replays its work this long, so a slow system cannot stall the run


def _repeat(seconds: float, items, fn) -> None:
    """Call *fn* on *items* round robin until *seconds* have passed (at least once)."""
    deadline = time.monotonic() + seconds
    while True:
        for item in items:
            fn(item)
            if time.monotonic() > deadline:
                return


def profiles(bench: "Bench") -> dict:
    """py-spy profiles of the work behind each missed target (all of them with BENCH_PROFILE=always)."""
    cfg, procs, a, index, requests_, ids = bench.cfg, bench.procs, bench.a, bench.index, bench.requests, bench.ids
    if cfg.profile == "never" or not profiling.available():
        return {}
    missed = set(report.missed(bench.figures)) if cfg.profile == "missed" else {t.key for t in report.TARGETS}
    out: dict = {}
    folder = cfg.workdir / "profiles"
    folder.mkdir(exist_ok=True)

    def record(name: str, pid: int, what: str, work, subprocesses: bool = True) -> None:
        raw = folder / f"{name.split(' (')[0].replace(' ', '-')}-{len(out)}.txt"
        with profiling.Profile(pid, raw, subprocesses=subprocesses):
            time.sleep(0.5)  # py-spy attaches
            work()
        out[name] = {**profiling.summarize(raw), "what": what}

    if missed & {"search_p50_ms", "search_p95_ms", "throughput_rps", "errors"}:
        http = requests.Session()
        record("search (web workers)", a.web.pid, f"gunicorn workers, the search requests for {PROFILE_SECONDS} s",
               lambda: _repeat(PROFILE_SECONDS, [a.url + workload.path(r) for r in requests_],
                               lambda url: http.get(url, timeout=60)))
        record("search (in process)", os.getpid(), f"harness process, the raw search for {PROFILE_SECONDS} s",
               lambda: _repeat(PROFILE_SECONDS, requests_, lambda r: search(index, r)), subprocesses=False)
    if "rss_worker_mb" in missed:
        from catalogue.search.reader import SearchIndex

        def searches():
            fresh = SearchIndex(a.index_dir)
            deadline = time.monotonic() + PROFILE_SECONDS * 2
            for req in [*bench.warmup, *requests_]:
                search(fresh, req)
                if time.monotonic() > deadline:
                    break
            return fresh

        out["memory (search, in process)"] = {
            **profiling.trace_memory(searches), "kind": "memory",
            "what": "tracemalloc in the harness: a fresh index handle after the warm-up and the 200 searches"}
    if missed & {"compare_p95_ms", "export_p95_ms"}:
        buyer = pages.buyer_session(a.url)
        lists = pages.make_frozen_lists(bench.engine, ids, cfg.seed + 7)
        urls = [f"{a.url}/innkjop/lister/{lst}/eksport.{fmt}" for lst in lists for fmt in ("csv", "ods")]
        rng = random.Random(cfg.seed + 2)
        urls += [f"{a.url}/sammenlign?" + "&".join(f"id={i}" for i in rng.sample(ids, 5)) for _ in range(20)]
        rng.shuffle(urls)
        record("compare and export (web workers)", a.web.pid,
               f"gunicorn workers, compare pages and exports (CSV, ODS) for {PROFILE_SECONDS} s",
               lambda: _repeat(PROFILE_SECONDS, urls, lambda url: buyer.get(url, timeout=60)))
    if missed & {"publish_to_search_p95_s", "two_hosts_lag_p95_s"}:
        record("publish to search (indexer)", a.indexer.pid, "indexer A while 15 services are published",
               lambda: publish_to_search(bench.changes or Changes(bench.engine), {"A": a.url}, 15))
    if "index_rebuild_s" in missed:
        # A second rebuild into a scratch directory, profiled for a while and then stopped.
        env = {**a.env, "INDEX_DIR": str(cfg.workdir / "profile-index" / "index")}
        rebuild = procs.start("profile-rebuild", FLASK + ["index", "rebuild"], env)
        record("index rebuild", rebuild.pid, f"the first {PROFILE_SECONDS * 2} s of `flask index rebuild` "
               "and its helper processes", lambda: _wait_or_timeout(rebuild, PROFILE_SECONDS * 2))
        procs.stop(rebuild)
    return out


def _wait_or_timeout(proc: Proc, seconds: float) -> None:
    try:
        proc.popen.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass
