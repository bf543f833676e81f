"""``python -m bench.run`` (``make bench``): run every benchmark once and write the note.

The order matters: the single-host figures are taken while nothing else runs (latency,
then throughput, then publish → searchable, compare and export); host B joins afterwards;
profiles of missed targets come next, so py-spy never disturbs a measured figure; issue 17's
search figures (``bench.search17``, its own section) last, over the same corpus. Peak RSS
is read after all the measured work of the hosts. Everything is bounded in time, on loopback only, and
every subprocess is stopped on the way out – also when a step fails or the run is stopped.

Environment: ``BENCH_SERVICES`` (default 50 000; fewer makes a dry run into ``bench/out/``),
``BENCH_DB_NAME`` (``mp_bench``), ``BENCH_ADMIN_URL``, ``BENCH_LOAD_SECONDS``, ``BENCH_PROFILE``
(``missed``/``always``/``never``), ``BENCH_KEEP=1`` (keep database and work directory).
"""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench import corpus, diagnose, fts5, latency, load, machine, pages, report, twohosts, workload
from bench.config import BenchConfig
from bench.freshness import Changes, burst, publish_to_search
from bench.procs import (BIN, FLASK, PeakSampler, Proc, Processes, RssTimeline, children, descendants, free_port,
                         peak_rss_mb, wait_http, wait_log)
from bench.stats import phase, summary
from catalogue.db import make_engine
from marketplace.config import PROJECT_ROOT

FOLLOWING = "Følger endringsloggen"  # what `flask index follow` prints once it follows the log


class Host:
    """One app host: gunicorn with its workers, its own index directory and its own indexer."""

    def __init__(self, cfg: BenchConfig, name: str):
        self.cfg = cfg
        self.name = name
        root = cfg.workdir / f"host-{name.lower()}"
        self.index_dir = root / "index"
        self.instance = root / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = corpus.app_env(cfg, index_dir=self.index_dir, instance=self.instance, port=self.port)
        self.web: Proc | None = None
        self.indexer: Proc | None = None

    def start_indexer(self, procs: Processes, timeout: float = 900) -> float:
        """Start ``index follow`` (building the index first if there is none); seconds until it follows."""
        started = time.perf_counter()
        self.indexer = procs.start(f"indexer-{self.name.lower()}", FLASK + ["index", "follow"], self.env)
        wait_log(self.indexer, FOLLOWING, timeout)
        return time.perf_counter() - started

    def start_web(self, procs: Processes) -> None:
        argv = [str(BIN / "gunicorn"), "-w", str(self.cfg.workers), "-b", f"127.0.0.1:{self.port}",
                "--timeout", "120", "--graceful-timeout", "5", "marketplace:create_app()"]
        self.web = procs.start(f"gunicorn-{self.name.lower()}", argv, self.env)
        wait_http(self.url + "/", self.web, timeout=120)

    def workers(self) -> list[int]:
        return children(self.web.pid) if self.web else []


def _install_signal_handlers() -> None:
    def stop(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through every `finally`: subprocesses are stopped

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)


class Bench:
    """One run's state and its steps. A failing step is recorded and the run goes on without
    the figures it would have given (the note says so); only the steps every later one needs
    (database, corpus, index, host A) end the run."""

    def __init__(self, cfg: BenchConfig, procs: Processes, run: dict):
        self.cfg, self.procs, self.run = cfg, procs, run
        self.figures: dict = {}
        self.details: dict = {"profiles": {}, "memory": {}, "failures": {}}
        self.a = Host(cfg, "A")
        self.b: Host | None = None
        self.engine = None
        self.index = None
        self.requests: list = []
        self.paths: list[str] = []
        self.changes: Changes | None = None
        self.ids: list[int] = []
        self.current = "start"
        self.search17_results: dict | None = None

    def rss_groups(self) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        for host in (self.a, self.b):
            if host is None:
                continue
            if host.web is not None:
                groups[f"web {host.name} (largest worker)"] = host.workers()
            if host.indexer is not None:
                groups[f"indexer {host.name}"] = [host.indexer.pid]
        return groups

    def step(self, name: str, fn, *, required: bool = False) -> None:
        self.current = name
        with phase(name, self.run["phases"]):
            try:
                fn()
            except (SystemExit, KeyboardInterrupt):
                raise
            except Exception as exc:
                self.details["failures"][name] = f"{type(exc).__name__}: {exc}"[:3000]
                traceback.print_exc()
                if required:
                    raise

    def measure(self) -> None:
        with RssTimeline(self.rss_groups, lambda: self.current) as timeline:
            try:
                self._measure()
            finally:
                self.details["memory"]["by_phase"] = timeline.peaks

    def _measure(self) -> None:
        self.step("database", self.database, required=True)
        self.step("seed", self.seed, required=True)
        self.step("index rebuild", self.rebuild, required=True)
        self.step("start host A", self.start_a, required=True)
        self.step("workload", self.workload, required=True)
        self.step("search latency", self.search_latency)
        self.step("throughput", self.throughput)
        self.step("publish to search", self.publish_to_search)
        self.step("compare and export", self.compare_and_export)
        self.step("two hosts", self.two_hosts)
        self.step("memory", self.memory)  # after all measured work: VmHWM is the peak so far
        self.step("profiles", self.profile_missed)
        self.step("search (issue 17)", self.search17)  # last: it stops the hosts and publishes into A's index

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
        if self.engine is not None:
            self.engine.dispose()

    # -- the steps -----------------------------------------------------------
    def database(self) -> None:
        corpus.create_database(self.cfg)
        self.run["postgresql"] = corpus.server_version(self.cfg)

    def seed(self) -> None:
        self.run["seed"] = corpus.fill(self.cfg, self.procs, self.a.env)
        self.engine = make_engine(self.cfg.database_url)
        self.ids = corpus.published_ids(self.engine)
        self.run["published"] = len(self.ids)
        with self.engine.connect() as conn:
            self.run["suppliers"] = conn.exec_driver_sql("SELECT count(*) FROM supplier").scalar()

    def rebuild(self) -> None:
        holder: dict[str, int] = {}
        with PeakSampler(lambda: [holder["pid"], *descendants(holder["pid"])] if holder else []) as sampler:
            self.figures["index_rebuild_s"] = round(self.procs.run(
                "index-rebuild", FLASK + ["index", "rebuild"], self.a.env, timeout=1800,
                on_start=lambda p: holder.update(pid=p.pid)), 1)
        self.details["memory"]["rebuild_mb"] = round(sampler.peak, 1)

    def start_a(self) -> None:
        self.a.start_indexer(self.procs, timeout=120)
        self.a.start_web(self.procs)
        from catalogue.search.reader import SearchIndex

        self.index = SearchIndex(self.a.index_dir)

    def workload(self) -> None:
        self.texts = list(corpus.published_texts(self.engine))
        self.requests = workload.build(self.index, self.texts, self.cfg.queries, self.cfg.seed)
        self.warmup = workload.build(self.index, self.texts, self.cfg.warmup, self.cfg.seed + 1)
        self.paths = [workload.path(r) for r in self.requests]
        self.details["workload"] = {**workload.describe(self.requests), "warmup": len(self.warmup),
                                    "examples": self.paths[:8]}
        (self.cfg.workdir / "queries.txt").write_text("\n".join(self.paths) + "\n", encoding="utf-8")

    def search_latency(self) -> None:
        from catalogue.search.reader import SearchIndex

        a, reqs, warmup = self.a, self.requests, self.warmup
        page = latency.http(a.url, reqs, warmup)                  # the target: first time for these words
        page_again, fragment = latency.http_alternating(a.url, reqs)
        fresh = SearchIndex(a.index_dir)  # the harness's own handle has seen these words (workload)
        try:
            raw = latency.raw(fresh, reqs, warmup)
            raw_again = latency.raw(fresh, reqs, [])
        finally:
            fresh.close()
        fts_file = self.cfg.workdir / "fts5.sqlite"
        fts_rows = fts5.build(fts_file, self.texts)
        fts = fts5.timings(fts_file, reqs, warmup)
        self.texts = []
        page_s = summary(page.ms)
        self.figures.update(
            search_p50_ms=page_s.get("p50"), search_p95_ms=page_s.get("p95"), search_p99_ms=page_s.get("p99"),
            whoosh_raw_p50_ms=summary(raw.ms).get("p50"), fts5_raw_p50_ms=summary(fts.ms, 3).get("p50"))
        errors = page.errors + page_again.errors + fragment.errors
        self.details["search"] = {
            "page": page_s, "page_again": summary(page_again.ms), "fragment": summary(fragment.ms),
            "raw": summary(raw.ms), "raw_again": summary(raw_again.ms), "fts5": summary(fts.ms, 3),
            "fts5_rows": fts_rows, "errors": errors,
            "error_samples": page.error_samples + page_again.error_samples + fragment.error_samples}
        if errors:
            # A failed answer is not a fast one: the latency target cannot count as met.
            self.figures.update(search_p50_ms=None, search_p95_ms=None, search_p99_ms=None)

    def throughput(self) -> None:
        result = load.run(self.a.url, self.paths, self.cfg.workdir, seconds=self.cfg.load_seconds,
                          connections=self.cfg.load_connections)
        result["server_survived"] = wait_alive(self.a)
        self.details["load"] = result
        self.figures["throughput_rps"] = result["throughput_rps"]
        self.figures["errors"] = result["errors"] + (0 if result["server_survived"] else 1)

    def publish_to_search(self) -> None:
        self.changes = Changes(self.engine)
        lag = publish_to_search(self.changes, {"A": self.a.url}, self.cfg.publish_samples)["A"]
        seen = [s for s in lag if s is not None]
        self.details["freshness"] = {**summary(seen), "samples": len(lag), "not_found": len(lag) - len(seen)}
        # A service never found counts as infinitely late, so it cannot hide in the percentile.
        self.figures["publish_to_search_p95_s"] = _p95_with_misses(lag)

    def compare_and_export(self) -> None:
        a, cfg = self.a, self.cfg
        buyer = pages.buyer_session(a.url)
        lists = pages.make_frozen_lists(self.engine, self.ids, cfg.seed)
        anonymous = pages.compare(requests.Session(), a.url, self.ids, cfg.compare_samples, cfg.seed)
        as_buyer = pages.compare(buyer, a.url, self.ids, cfg.compare_samples, cfg.seed + 1)
        csv = pages.exports(buyer, a.url, lists, "csv", cfg.export_samples)
        ods = pages.exports(buyer, a.url, lists, "ods", cfg.export_samples)
        self.details["pages"] = {
            "compare_anonymous": summary(anonymous.ms), "compare_buyer": summary(as_buyer.ms),
            "export_csv": summary(csv.ms), "export_ods": summary(ods.ms),
            "errors": {"compare_anonymous": anonymous.errors, "compare_buyer": as_buyer.errors,
                       "export_csv": csv.errors, "export_ods": ods.errors},
            "error_samples": anonymous.error_samples + as_buyer.error_samples + csv.error_samples + ods.error_samples}
        self.figures["compare_p95_ms"] = _worst_p95([anonymous, as_buyer])
        self.figures["export_p95_ms"] = _worst_p95([csv, ods])

    def two_hosts(self) -> None:
        a, cfg = self.a, self.cfg
        b = self.b = Host(cfg, "B")
        changes = self.changes or Changes(self.engine)
        two: dict = self.details.setdefault("two_hosts", {})
        two["b_build_s"] = round(b.start_indexer(self.procs), 1)
        b.start_web(self.procs)
        lags = publish_to_search(changes, {"A": a.url, "B": b.url}, cfg.two_host_samples)
        two["lag_a"] = summary([s for s in lags["A"] if s is not None])
        two["lag_b"] = summary([s for s in lags["B"] if s is not None])
        two["not_found_b"] = sum(1 for s in lags["B"] if s is None)
        self.figures["two_hosts_lag_p95_s"] = _p95_with_misses(lags["B"])
        started = time.perf_counter()
        counts = burst(changes, corpus.published_ids(self.engine)[200:], cfg.burst, cfg.seed)
        ended = time.perf_counter()
        target = twohosts.log_max(self.engine)
        drained, trace = twohosts.wait_drained({"A": a.index_dir, "B": b.index_dir}, target, ended)
        two["burst"] = {"total": cfg.burst, "counts": counts, "seconds": round(ended - started, 1), "log_max": target,
                        "first_seq": target - cfg.burst + 1}
        two["drained_s"] = drained
        two["drain_trace"] = trace
        if all(v is not None for v in drained.values()):
            two["compare"] = twohosts.compare_indexes(a.index_dir, b.index_dir,
                                                      set(corpus.published_ids(self.engine)))
            self.figures["two_hosts_identical"] = two["compare"]["identical"] and two["compare"]["match_database"]
        else:
            two["compare"] = {"identical": False, "reason": "an index did not apply the log within 180 s"}
            self.figures["two_hosts_identical"] = False

    def memory(self) -> None:
        hosts = [h for h in (self.a, self.b) if h is not None and h.web is not None]
        workers = [peak_rss_mb(pid) for h in hosts for pid in h.workers()]
        indexers = {h.name: peak_rss_mb(h.indexer.pid) for h in (self.a, self.b) if h is not None and h.indexer}
        mem = self.details["memory"]
        mem.update(workers_mb=[round(v, 1) for v in workers if v is not None],
                   master_mb=round(peak_rss_mb(self.a.web.pid) or 0, 1),
                   indexers_mb={k: round(v, 1) for k, v in indexers.items() if v is not None})
        mem["indexer_mb"] = mem["indexers_mb"].get("A")
        self.figures["rss_worker_mb"] = max(mem["workers_mb"], default=None)
        self.figures["rss_indexer_mb"] = max(mem["indexers_mb"].values(), default=None)

    def profile_missed(self) -> None:
        self.details["profiles"] = diagnose.profiles(self)

    def search17(self) -> None:
        """Issue 17's search figures (``bench.search17``) over this corpus and host A's index: the
        page beside FTS5 and PostgreSQL FTS, pathological queries, fresh workers, the market
        overview's first view, segments after 1 000 single publications. The hosts stop first:
        the benchmark starts its own gunicorn, and its last step publishes into the index."""
        from bench import search17

        for host in (self.b, self.a):
            if host is None:
                continue
            for proc in (host.web, host.indexer):
                if proc is not None:
                    self.procs.stop(proc)
            host.web = host.indexer = None
        if self.index is not None:
            self.index.close()
        self.search17_results = search17.measure(
            self.cfg.database_url, self.a.index_dir, self.cfg.workdir / "search17",
            out_path=self.cfg.results_path.parent / "search17.json", pg_url=self.cfg.database_url,
            load_seconds=min(30, self.cfg.load_seconds))


def wait_alive(host: Host) -> bool:
    try:
        return requests.get(host.url + "/", timeout=30).status_code == 200
    except requests.RequestException:
        return False


def _p95_with_misses(values: list) -> float | None:
    from bench.stats import percentile

    if not values:
        return None
    return round(percentile([v if v is not None else float("inf") for v in values], 95), 2)


def _worst_p95(timings: list) -> float | None:
    if any(t.errors for t in timings):
        return None  # an error is not a fast answer: the target counts as not measured
    values = [summary(t.ms).get("p95") for t in timings]
    return max((v for v in values if v is not None), default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, help="corpus size (default BENCH_SERVICES or 50 000)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and work directory")
    parser.add_argument("--out", type=Path, help="write results.json and BENCHMARKS.md into this directory")
    args = parser.parse_args(argv)
    cfg = BenchConfig.from_env()
    if args.services:
        cfg.services = args.services
    if args.keep:
        cfg.keep = True
    if args.out:
        cfg.out_dir = args.out.absolute()
    _install_signal_handlers()

    print(f"bench: {cfg.services} services, database {cfg.db_name}, work directory {cfg.workdir}", flush=True)
    started = time.perf_counter()
    run = {"started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "services": cfg.services,
           "full": cfg.is_full, "database": cfg.db_name, "workers": cfg.workers, "phases": {},
           "load_before": machine.load_average()}
    bench = None
    try:
        with Processes(cfg.workdir / "logs") as procs:
            bench = Bench(cfg, procs, run)
            try:
                bench.measure()
            finally:
                bench.close()
    except (SystemExit, KeyboardInterrupt):
        print(f"bench: stopped; logs are in {cfg.workdir / 'logs'}", file=sys.stderr)
        raise
    except Exception as exc:  # a required step failed (already recorded), or the clean-up did
        if bench is None:
            raise
        bench.details["failures"].setdefault("run", f"{type(exc).__name__}: {exc}")
    finally:
        if not cfg.keep:
            try:
                corpus.drop_database(cfg)
            except Exception as exc:  # the figures matter more than the clean-up
                print(f"bench: could not drop {cfg.db_name}: {exc}", file=sys.stderr)
    failures = bench.details["failures"]
    if failures:
        print(f"bench: steps failed: {', '.join(failures)}; logs are in {cfg.workdir / 'logs'}", file=sys.stderr)
        if cfg.out_dir is None:
            cfg.out_dir = PROJECT_ROOT / "bench" / "out"  # an incomplete run never replaces the recorded one
    elif not cfg.keep:
        shutil.rmtree(cfg.workdir, ignore_errors=True)
    run["total_s"] = round(time.perf_counter() - started, 1)
    run["load_after"] = machine.load_average()
    info = machine.describe(run.get("postgresql", "?"))
    report.write_json(cfg.results_path, bench.figures, bench.details, info, run)
    report.write_note(cfg.doc_path, bench.figures, bench.details, info, run)
    if bench.search17_results is not None:
        from bench import search17
        from bench.relevance import splice

        splice(cfg.doc_path, search17.NOTE_START, search17.NOTE_END, search17.section(bench.search17_results))
    print(f"bench: wrote {cfg.results_path} and {cfg.doc_path}")
    for key, verdict in report.assess(bench.figures).items():
        print(f"  {key:26} {str(verdict['measured']):>10}  target {verdict['target']:<12} "
              f"{'met' if verdict['met'] else 'MISSED' if verdict['met'] is False else '-'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
