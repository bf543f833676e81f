"""The run's figures as ``bench/results.json`` and as the note ``docs/BENCHMARKS.md``.

Both are written from the same dict, so the note never says something the JSON does not.
The top-level keys of the JSON are the ones the issue names; ``targets`` says for each
figure its limit and whether it was met, ``details`` holds everything else the note shows.
A full run's note also carries the hand-written analysis in ``bench/analysis.md``;
``python -m bench.report`` writes the note again from the recorded JSON after it changes.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketplace.config import PROJECT_ROOT


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float | bool
    op: str       # "<=", ">=" or "=="
    unit: str
    database: str

    def met(self, value: Any) -> bool | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.op == "<=":
            return value <= self.limit
        if self.op == ">=":
            return value >= self.limit
        return value == self.limit

    def shown(self) -> str:
        if isinstance(self.limit, bool):
            return "yes" if self.limit else "no"
        return f"{self.op.replace('<=', '≤').replace('>=', '≥')} {self.limit:g} {self.unit}".strip()


PG = "PostgreSQL"
TARGETS = (
    Target("index_rebuild_s", "Bulk index (`index rebuild`) of all services", 40, "<=", "s", PG),
    Target("search_p50_ms", "Search over HTTP, p50", 20, "<=", "ms", PG),
    Target("search_p95_ms", "Search over HTTP, p95", 60, "<=", "ms", PG),
    Target("throughput_rps", "Throughput, 32 connections × 60 s", 100, ">=", "req/s", PG),
    Target("errors", "Errors under load (non-2xx + socket)", 0, "==", "", PG),
    Target("publish_to_search_p95_s", "Publish → searchable, p95", 2, "<=", "s", PG),
    Target("compare_p95_ms", "Compare page, 5 services, p95", 100, "<=", "ms", PG),
    Target("export_p95_ms", "Export of 30 frozen results, p95 (worse of CSV, ODS)", 100, "<=", "ms", PG),
    Target("rss_worker_mb", "Peak RSS per web worker (largest)", 250, "<=", "MB", PG),
    Target("rss_indexer_mb", "Peak RSS of the indexer", 250, "<=", "MB", PG),
    Target("two_hosts_lag_p95_s", "Two hosts: publish on A → found on B, p95", 2, "<=", "s", PG),
    Target("two_hosts_identical", "Two hosts: same documents after a burst", True, "==", "", PG),
)
REPORTED = ("index_rebuild_s", "search_p50_ms", "search_p95_ms", "search_p99_ms", "whoosh_raw_p50_ms",
            "fts5_raw_p50_ms", "throughput_rps", "errors", "publish_to_search_p95_s", "compare_p95_ms",
            "export_p95_ms", "rss_worker_mb", "rss_indexer_mb", "two_hosts_lag_p95_s", "two_hosts_identical")


def assess(figures: dict[str, Any]) -> dict[str, dict]:
    return {t.key: {"target": t.shown(), "measured": figures.get(t.key), "met": t.met(figures.get(t.key))}
            for t in TARGETS}


def missed(figures: dict[str, Any]) -> list[str]:
    return [t.key for t in TARGETS if t.met(figures.get(t.key)) is False]


def write_json(path: Path, figures: dict[str, Any], details: dict, machine: dict, run: dict) -> dict:
    doc = {key: figures.get(key) for key in REPORTED}
    doc.update({"targets": assess(figures), "all_met": not missed(figures) and all(
        t.met(figures.get(t.key)) is not None for t in TARGETS), "run": run, "machine": machine,
        "details": details})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return doc


# ---------------------------------------------------------------------------
# the note


def _fmt(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _mark(met: bool | None) -> str:
    return {True: "✅ met", False: "❌ missed", None: "– not measured"}[met]


def _ratio(a: Any, b: Any) -> str:
    try:
        return f"{a / b:.1f}×"
    except (TypeError, ZeroDivisionError):
        return "–"


def _profile_section(name: str, prof: dict) -> list[str]:
    lines = [f"#### Profile: {name}", ""]
    if prof.get("kind") == "memory":
        lines += [f"{prof.get('what', '')}: {prof.get('traced_mb')} MB of Python objects held, by the line that "
                  "allocated them:", "", "| allocated at | MB | objects |", "|---|---:|---:|"]
        lines += [f"| `{where}` | {mb} | {count} |" for where, mb, count in prof.get("top", [])]
        return lines + [""]
    if not prof or not prof.get("samples"):
        return lines + ["No samples were recorded (py-spy missing or the process ended).", ""]
    lines += [f"{prof['samples']} busy samples ({prof.get('what', '')}). Functions on the stack (inclusive) and "
              "at its top (self), in % of the busy samples:", "",
              "| inclusive | % | self | % |", "|---|---:|---|---:|"]
    inc, own = prof.get("inclusive", []), prof.get("self", [])
    for i in range(max(len(inc), len(own))):
        a = inc[i] if i < len(inc) else ("", "")
        b = own[i] if i < len(own) else ("", "")
        lines.append(f"| `{a[0]}` | {a[1]} | `{b[0]}` | {b[1]} |")
    return lines + [""]


def render(figures: dict[str, Any], details: dict, machine: dict, run: dict) -> str:
    d = details
    lines = [
        "# Benchmarks: 50 000 services, two app hosts on one database",
        "",
        "Generated by `make bench` (`python -m bench.run`, the harness in `bench/`) – do not edit by hand;",
        "the same figures are in `bench/results.json`. " + (
            f"**This is a dry run over {run['services']} services, not the recorded run.**"
            if not run.get("full") else "This is one recorded run over the full corpus."),
        "",
        f"Run started {run['started']} and took {run['total_s'] / 60:.1f} minutes; commit {machine.get('commit')}.",
        "",
        "## Results",
        "",
        "Every figure but the FTS5 yardstick was measured against **PostgreSQL "
        f"{machine.get('postgresql', '')}** (scratch database `{run['database']}`, created fresh for the run);",
        "the FTS5 figure used a scratch **SQLite** file holding the same texts.",
        "",
        "| Target | Limit | Measured | |",
        "|---|---|---|---|",
    ]
    for t in TARGETS:
        value = figures.get(t.key)
        lines.append(f"| {t.label} | {t.shown()} | {_fmt(value, t.unit)} | {_mark(t.met(value))} |")
    search = d.get("search", {})

    def row(label: str, stats: dict | None, unit: str = "ms") -> str:
        stats = stats or {}
        return (f"| {label} | {_fmt(stats.get('p50'), unit)} | {_fmt(stats.get('p95'), unit)} | "
                f"{_fmt(stats.get('p99'), unit)} |")

    lines += [
        "",
        "### Search latency beside the raw engine",
        "",
        "| Measured on the same 200 requests | p50 | p95 | p99 |",
        "|---|---:|---:|---:|",
        row("**Full search page over HTTP, first time for these words** (the target)", search.get("page")),
        row("Full search page over HTTP, the same requests again", search.get("page_again")),
        row("htmx results fragment over HTTP (what typing fetches), again", search.get("fragment")),
        row("`catalogue.search.query.search` in process, first time (raw Whoosh: facets and highlights, "
            "no HTTP/templates)", search.get("raw")),
        row("`catalogue.search.query.search` in process, again", search.get("raw_again")),
        row("SQLite FTS5, same texts and words (ranked page + snippet + count)", search.get("fts5")),
        "",
        f"Ratios of the p50s (first time): HTTP page / raw Whoosh = "
        f"**{_ratio(figures.get('search_p50_ms'), figures.get('whoosh_raw_p50_ms'))}**, "
        f"raw Whoosh / FTS5 = **{_ratio(figures.get('whoosh_raw_p50_ms'), figures.get('fts5_raw_p50_ms'))}**, "
        f"HTTP page / FTS5 = **{_ratio(figures.get('search_p50_ms'), figures.get('fts5_raw_p50_ms'))}**.",
        "",
    ]
    load = d.get("load", {})
    if load:
        lines += [
            "### Under load",
            "",
            f"wrk, {load.get('connections')} connections on {load.get('threads')} threads for {load.get('seconds')} s: "
            f"{load.get('requests')} requests, **{_fmt(figures.get('throughput_rps'), 'req/s')}**, "
            f"{load.get('non2xx')} non-2xx answers, socket errors {load.get('socket_errors')}; latency under load "
            f"p50 {load.get('latency_ms', {}).get('p50')} ms, p95 {load.get('latency_ms', {}).get('p95')} ms, "
            f"p99 {load.get('latency_ms', {}).get('p99')} ms; {load.get('kb_per_request')} KiB per page.",
            "",
        ]
    fresh, pages, two, mem = d.get("freshness", {}), d.get("pages", {}), d.get("two_hosts", {}), d.get("memory", {})
    lines += [
        "### Freshness, compare, export, memory, two hosts",
        "",
        f"- Publish → searchable ({fresh.get('samples')} services published one by one): "
        f"p50 {_fmt(fresh.get('p50'), 's')}, p95 {_fmt(fresh.get('p95'), 's')}, max {_fmt(fresh.get('max'), 's')}; "
        f"not found within 30 s: {fresh.get('not_found', 0)}.",
        f"- Compare page, 5 services: anonymous p50 {_fmt(pages.get('compare_anonymous', {}).get('p50'), 'ms')} / "
        f"p95 {_fmt(pages.get('compare_anonymous', {}).get('p95'), 'ms')}; logged-in buyer (buyer-only terms too) "
        f"p50 {_fmt(pages.get('compare_buyer', {}).get('p50'), 'ms')} / p95 {_fmt(pages.get('compare_buyer', {}).get('p95'), 'ms')}.",
        f"- Export of a frozen list of 30: CSV p50 {_fmt(pages.get('export_csv', {}).get('p50'), 'ms')} / "
        f"p95 {_fmt(pages.get('export_csv', {}).get('p95'), 'ms')}; ODS p50 {_fmt(pages.get('export_ods', {}).get('p50'), 'ms')} / "
        f"p95 {_fmt(pages.get('export_ods', {}).get('p95'), 'ms')}.",
        f"- Peak RSS (VmHWM): web workers {mem.get('workers_mb')} MB, gunicorn master {_fmt(mem.get('master_mb'), 'MB')}, "
        f"indexers (`index follow`, per host) {mem.get('indexers_mb')} MB; the rebuild (not a target): "
        f"{_fmt(mem.get('rebuild_mb'), 'MB')} in its largest process.",
        f"- Two hosts: host B built its own index in {_fmt(two.get('b_build_s'), 's')}; publish on A → found on B "
        f"p50 {_fmt(two.get('lag_b', {}).get('p50'), 's')}, p95 {_fmt(two.get('lag_b', {}).get('p95'), 's')} "
        f"(on A itself p95 {_fmt(two.get('lag_a', {}).get('p95'), 's')}); burst of {two.get('burst', {}).get('total')} changes "
        f"({two.get('burst', {}).get('counts')}) in {_fmt(two.get('burst', {}).get('seconds'), 's')} from 4 connections, "
        f"both logs drained {two.get('drained_s')} s after its end; documents A {two.get('compare', {}).get('documents_a')}, "
        f"B {two.get('compare', {}).get('documents_b')}, identical: {_fmt(two.get('compare', {}).get('identical'))}, "
        f"equal to what the database publishes: {_fmt(two.get('compare', {}).get('match_database'))}.",
        "",
    ]
    trace = two.get("drain_trace") or []
    if trace and max((v or 0) for v in (two.get("drained_s") or {}).values() or [0]) > 5:
        lines += ["How each index's log position moved after the burst (seconds: watermark/highest applied, "
                  f"open gaps; the burst's entries are {two.get('burst', {}).get('first_seq')}–"
                  f"{two.get('burst', {}).get('log_max')}):", ""]
        for host in sorted({row[1] for row in trace}):
            rows = [row for row in trace if row[1] == host]
            step = max(1, len(rows) // 12)
            shown = rows[::step] + ([rows[-1]] if (len(rows) - 1) % step else [])
            lines.append(f"- {host}: " + "; ".join(f"{t:g} s: {w}/{h}, {g}" for t, _, w, h, g in shown))
        lines.append("")
    failures = d.get("failures", {})
    if failures:
        lines += ["## Steps that failed", "",
                  "These steps ended with an error, so their figures are missing above (see the run's logs):", ""]
        lines += [f"- **{name}**: `{text.splitlines()[0][:300]}`" for name, text in failures.items()]
        lines.append("")
    by_phase = mem.get("by_phase") or {}
    if by_phase:
        names = sorted({n for row_ in by_phase.values() for n in row_})
        lines += ["### Memory by phase", "",
                  "The largest resident set (VmRSS, sampled every second) of each process during each phase, in MB:",
                  "", "| phase | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
        for phase_name, row_ in by_phase.items():
            lines.append(f"| {phase_name} | " + " | ".join(_fmt(row_.get(n)) for n in names) + " |")
        lines.append("")
    miss = missed(figures)
    profiles = d.get("profiles", {})
    if miss or profiles:
        lines += ["## Missed targets and profiles", ""]
        lines += [f"Missed: {', '.join(f'`{k}`' for k in miss)}." if miss else "Every target was met.", ""]
        for name, prof in profiles.items():
            lines += _profile_section(name, prof)
    analysis = PROJECT_ROOT / "bench" / "analysis.md"
    if analysis.exists() and run.get("full"):
        lines += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    lines += _method(d, run) + _machine(machine, run)
    return "\n".join(lines) + "\n"


def _method(d: dict, run: dict) -> list[str]:
    w = d.get("workload", {})
    phases = ", ".join(f"{k} {v} s" for k, v in run.get("phases", {}).items())
    return [
        "## Method",
        "",
        f"1. **Corpus.** A fresh PostgreSQL database `{run['database']}`, migrated (`marketplace.migrate.upgrade`), "
        f"the demo catalogue (`flask seed demo`), then `flask seed synthetic --services {run['services']}` "
        f"(about one supplier per 25 services): {run.get('published')} published services from "
        f"{run.get('suppliers')} suppliers in all. Seeding took "
        + ", ".join(f"{k.removesuffix('_s')} {v} s" for k, v in (run.get("seed") or {}).items()) + ".",
        "2. **Bulk index.** `flask index rebuild` as a subprocess (the command's default: 2 analysing processes on "
        "this machine), wall time from start to exit, into the index directory host A then serves.",
        f"3. **Servers.** `gunicorn -w {run.get('workers')} 'marketplace:create_app()'` (sync workers) on 127.0.0.1 and "
        "`flask index follow` (default 0.3 s poll) as subprocesses, each in its own process group, stopped at the end.",
        f"4. **Workload.** {w.get('requests')} search requests drawn with a fixed seed: 1–3 words taken from one "
        f"published service's own text ({w.get('one_word')}/{w.get('two_words')}/{w.get('three_words')} with 1/2/3 words), "
        f"{w.get('two_filters')} with two filters picked one after the other from the facet values the page offers, "
        f"{w.get('page_2_or_3')} on page 2 or 3. {w.get('warmup')} other requests (another seed) warm the workers first.",
        "5. **Latency.** One keep-alive `requests.Session`, one request at a time, time to the last byte of the body; "
        "every answer checked (HTTP 200 and the results region present). The first pass over the 200 requests is "
        "held against the target: the workers are warm (the warm-up) but see each request's words for the first "
        "time, as with a stream of different buyers. A second pass asks again, as the full page and as the htmx "
        "fragment in alternating order. Raw: the same requests through `catalogue.search.query.search` in the "
        "harness on a freshly opened handle on host A's index, warmed with the same warm-up (first time, then "
        "again). FTS5: a SQLite table (`unicode61`; name, summary, description, features) with every word "
        "required, BM25 order, a snippet per hit and the total count – none of the Norwegian stemming, compounds, "
        "synonyms, spelling suggestions or facet counts, and no filters: a yardstick for a bare C inverted index, "
        "not an equal.",
        f"6. **Throughput.** `wrk -t2 -c32 -d{d.get('load', {}).get('seconds', 60):.0f}s --timeout 10s` on the same machine "
        "(so it shares the two cores with the servers), a Lua script rotating the connections through the 200 search "
        "addresses; errors are answers outside 2xx plus socket errors (connect, read, write, timeout), and a server "
        "that no longer answers afterwards.",
        "7. **Publish → searchable.** The harness publishes a new service (unique word in its name) through "
        "`catalogue.listing.Listing.publish` on its own connection and commits; it then asks host A's search page for the "
        "word every 25 ms until the service's link is in the hits. Clock: commit returned → answer read.",
        "8. **Compare and export.** A buyer logs in through the real OpenID Connect flow against the built-in "
        "identity provider over HTTP; 10 frozen shortlists of 30 services each are made through "
        "`catalogue.shortlists` for that buyer; exports are fetched over HTTP with the buyer's session "
        "(CSV and ODS, 10 warm-up requests). Compare: 100 different sets of 5 services, anonymous and as the buyer; "
        "the compare target uses the slower of the two.",
        "9. **Memory.** `VmHWM` (the kernel's peak resident set) of each gunicorn worker and of each indexer, read "
        "from `/proc` after all the above; the rebuild's processes are sampled every 0.2 s while it runs; the current "
        "`VmRSS` of every server process is sampled each second to show which phase made it grow.",
        "10. **Two hosts.** A second instance: its own port, its own `INDEX_DIR`, its own `index follow`, which "
        "builds its index from the database on start (as a new host would) and then follows the same change log. "
        "20 services published as in 7, polled on both hosts. Then a burst of changes (40 % new services, 35 % new "
        "versions, 25 % removals, each its own transaction, from 4 concurrent connections so that commits land out "
        "of sequence order), and, once both indexes have applied the log up to its end, both are read directly: "
        "same document ids with the same stored fields, and the same services as the database publishes. While "
        "waiting, each index's log position is traced about once a second.",
        "11. **Profiles.** For a missed target the work is replayed with py-spy attached to the processes "
        "concerned (`record --subprocesses --nonblocking`, idle samples left out) for at most a minute or two; "
        "for a missed memory target, tracemalloc shows what the search's caches hold after the 200 searches.",
        "",
        f"Phases of this run: {phases}.",
        "",
    ]


def _machine(machine: dict, run: dict) -> list[str]:
    return [
        "## Machine",
        "",
        f"- CPU: {machine.get('cpu_model')}, `nproc` = {machine.get('nproc')}",
        f"- Kernel {machine.get('kernel')}; Python {machine.get('python')}; PostgreSQL {machine.get('postgresql')}; "
        f"SQLite {machine.get('sqlite')}; whoosh-reloaded {machine.get('whoosh')}; gunicorn {machine.get('gunicorn')}; "
        f"Flask {machine.get('flask')}; {machine.get('wrk')}",
        f"- Load average (1/5/15 min) at the start {run.get('load_before')}, at the end {run.get('load_after')} "
        "– other work on the machine shows here.",
        "- `free -h` at the start:",
        "",
        "```",
        machine.get("free_h", ""),
        "```",
        "",
    ]


def write_note(path: Path, figures: dict[str, Any], details: dict, machine: dict, run: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(figures, details, machine, run), encoding="utf-8")


def rerender(results: Path = PROJECT_ROOT / "bench" / "results.json",
             note: Path = PROJECT_ROOT / "docs" / "BENCHMARKS.md") -> None:
    """Write the note again from a recorded ``results.json`` (after ``bench/analysis.md`` changed)."""
    doc = json.loads(results.read_text(encoding="utf-8"))
    figures = {key: doc.get(key) for key in REPORTED}
    write_note(note, figures, doc.get("details", {}), doc.get("machine", {}), doc.get("run", {}))


if __name__ == "__main__":  # python -m bench.report: the note again from bench/results.json
    rerender()
