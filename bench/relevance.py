"""``python -m bench.relevance``: the judged query set scored for our search and a baseline.

Both engines search the same texts – the index documents of the demo catalogue (name,
summary, features, description, category names, supplier) – in the same run:

- **ours**: ``catalogue.search.query.search_as_page``, exactly what the search page and the
  API show (typo correction included);
- **baseline**: PostgreSQL full-text search with the ``norwegian`` configuration over the same
  texts (name weighted A, summary B, features and category C, description and supplier D),
  ``websearch_to_tsquery`` and ``ts_rank``, in a scratch database created for the run.

Figures per query group: nDCG@10 (gain 2^grade − 1, log2 discount, the ideal ranking from
every judged service), P@3 (services with grade ≥ 2 among the first three, divided by the
number there can be – min(3, relevant services)) and MRR (1 / rank of the first service with
grade ≥ 2 among the first ten). The run writes ``bench/relevance.json`` and its section of
``docs/BENCHMARKS.md``; ``tests/test_search_judged.py`` fails when our figures drop below the
recorded ones.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from sqlmodel import Session, select

from bench.judged_queries import GROUPS, QUERIES, Judged
from catalogue.models import Category, Service, ServiceStatus
from catalogue.terms import TERMS, REQ_WITHIN
from marketplace.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "relevance.json"
NOTE = PROJECT_ROOT / "docs" / "BENCHMARKS.md"
SECTION_START = "<!-- judged-relevance:start -->"
SECTION_END = "<!-- judged-relevance:end -->"
DEPTH = 10
RELEVANT = 2
METRICS = ("ndcg10", "p3", "mrr")


@dataclass(frozen=True)
class JudgedService:
    id: int
    name: str
    subcategory: str
    terms: dict


def judged_services(session: Session) -> list[JudgedService]:
    """Every published service with its sub-category slug and its terms."""
    slugs = {c.id: c.slug for c in session.exec(select(Category)).all()}
    rows = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED).order_by(Service.id)).all()
    return [JudgedService(s.id, s.name, slugs.get(s.category_id, ""), dict(s.terms or {})) for s in rows]


def _has_facet(service: JudgedService, facet: tuple[str, tuple[str, ...]]) -> bool:
    key, wanted = facet
    term = TERMS.get(key)
    values = set(term.facet_values(service.terms.get(key)))
    if not values:
        return False
    if term.requirement == REQ_WITHIN:
        return values <= set(wanted)
    return bool(values & set(wanted))


def grades(judged: Judged, services: Iterable[JudgedService]) -> dict[int, int]:
    """``{service id: grade}`` (only grades above 0) for one judged query."""
    out = {}
    for service in services:
        grade = judged.names.get(service.name, judged.subs.get(service.subcategory, 0))
        if grade and judged.facet is not None and service.name not in judged.names:
            grade = min(3, grade + 1) if _has_facet(service, judged.facet) else grade - 1
        if grade > 0:
            out[service.id] = grade
    return out


def check_judgements(services: list[JudgedService]) -> list[str]:
    """Problems with the judged set against the catalogue (unknown names or sub-categories)."""
    names = {s.name for s in services}
    subs = {s.subcategory for s in services}
    problems = []
    for judged in QUERIES:
        problems += [f"{judged.query}: no published service {n!r}" for n in judged.names if n not in names]
        problems += [f"{judged.query}: no sub-category {s!r}" for s in judged.subs if s not in subs]
        if judged.facet is not None and TERMS.get(judged.facet[0]) is None:
            problems.append(f"{judged.query}: no term {judged.facet[0]!r}")
        if not any(g >= RELEVANT for g in grades(judged, services).values()):
            problems.append(f"{judged.query}: nothing relevant")
    return problems


def scores(ranked: list[int], graded: dict[int, int]) -> dict[str, float]:
    """nDCG@10, P@3 and MRR of one ranking (service ids, best first)."""
    top = ranked[:DEPTH]
    dcg = sum((2 ** graded.get(sid, 0) - 1) / math.log2(i + 2) for i, sid in enumerate(top))
    ideal = sorted(graded.values(), reverse=True)[:DEPTH]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    relevant = sum(1 for g in graded.values() if g >= RELEVANT)
    p3 = sum(1 for sid in top[:3] if graded.get(sid, 0) >= RELEVANT) / min(3, relevant) if relevant else 0.0
    first = next((i for i, sid in enumerate(top) if graded.get(sid, 0) >= RELEVANT), None)
    return {"ndcg10": dcg / idcg if idcg else 0.0, "p3": p3, "mrr": 1 / (first + 1) if first is not None else 0.0}


def evaluate(run: Callable[[str], list[int]], services: list[JudgedService]) -> dict:
    """Every judged query through *run*: per-query scores and the means per group and overall."""
    per_query = []
    for judged in QUERIES:
        graded = grades(judged, services)
        ranked = run(judged.query)
        per_query.append({"group": judged.group, "query": judged.query,
                          **{k: round(v, 4) for k, v in scores(ranked, graded).items()}})
    return {"groups": _means(per_query), "queries": per_query}


def _means(per_query: list[dict]) -> dict[str, dict[str, float]]:
    out = {}
    for group in (*GROUPS, "alle"):
        rows = [r for r in per_query if group in ("alle", r["group"])]
        out[group] = {m: round(sum(r[m] for r in rows) / len(rows), 4) for m in METRICS} | {"queries": len(rows)}
    return out


# ---------------------------------------------------------------------------
# the engines


def ours(index, lang: str = "nb") -> Callable[[str], list[int]]:
    from catalogue.search.query import SearchRequest, search_as_page

    def run(q: str) -> list[int]:
        result, _ = search_as_page(index, SearchRequest(q=q, per_page=DEPTH), lang)
        return [h.service_id for h in result.hits]

    return run


class PostgresBaseline:
    """PostgreSQL full-text search (``norwegian``) over the index documents' texts."""

    def __init__(self, admin_url: str, name: str = "mp_judged"):
        import psycopg

        self.admin_url, self.name = admin_url, f"{name}_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.conn = psycopg.connect(admin_url.rsplit("/", 1)[0] + "/" + self.name, autocommit=True)
        self.version = self.conn.execute("SHOW server_version").fetchone()[0]

    def load(self, documents: Iterable[dict]) -> int:
        self.conn.execute("""
            CREATE TABLE docs (id integer PRIMARY KEY, name text, summary text, features text,
                               description text, category text, supplier text, tsv tsvector)""")
        rows = [(d["ref"], d["name"], d["summary"], d["features"], d["description"], d["category"], d["supplier"])
                for d in documents]
        with self.conn.cursor() as cur:
            cur.executemany("INSERT INTO docs VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        self.conn.execute("""
            UPDATE docs SET tsv = setweight(to_tsvector('norwegian', name), 'A')
                || setweight(to_tsvector('norwegian', summary), 'B')
                || setweight(to_tsvector('norwegian', features || ' ' || category), 'C')
                || setweight(to_tsvector('norwegian', description || ' ' || supplier), 'D')""")
        self.conn.execute("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
        return len(rows)

    def run(self, q: str) -> list[int]:
        rows = self.conn.execute("""
            SELECT id FROM docs, websearch_to_tsquery('norwegian', %s) AS query
            WHERE tsv @@ query ORDER BY ts_rank(tsv, query) DESC, id LIMIT %s""", (q, DEPTH)).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        import psycopg

        self.conn.close()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# ---------------------------------------------------------------------------
# the run


def demo_catalogue(workdir: Path):
    """A fresh SQLite database with the demo catalogue and its index: (engine, SearchIndex)."""
    from catalogue.db import make_engine, session_scope
    from marketplace.migrate import upgrade
    from catalogue.search.indexer import rebuild
    from catalogue.search.reader import SearchIndex
    from catalogue.search.store import IndexLocation
    from seed.articles import load_articles
    from seed.demo import load_demo

    url = f"sqlite:///{workdir / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_demo(session)
        load_articles(session)
    rebuild(engine, IndexLocation(workdir / "index"))
    return engine, SearchIndex(workdir / "index")


def run(admin_url: str) -> dict:
    from catalogue.search.documents import all_services

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="judged-") as tmp:
        engine, index = demo_catalogue(Path(tmp))
        with Session(engine) as session:
            services = judged_services(session)
            documents = list(all_services(session))
        problems = check_judgements(services)
        if problems:
            raise SystemExit("The judged set does not fit the catalogue:\n" + "\n".join(problems))
        baseline = PostgresBaseline(admin_url)
        try:
            baseline.load(documents)
            figures = {"ours": evaluate(ours(index), services), "postgresql": evaluate(baseline.run, services)}
            version = baseline.version
        finally:
            baseline.close()
        engine.dispose()
    return {
        "run": {"started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "seconds": round(time.perf_counter() - started, 1), "services": len(services),
                "queries": len(QUERIES), "postgresql": version},
        **figures,
    }


def section(results: dict) -> str:
    """The note's section: a table per metric, ours beside the baseline, per group."""
    meta = results["run"]
    lines = [SECTION_START, "## Judged relevance: our search beside PostgreSQL full-text search", "",
             f"Generated by `python -m bench.relevance` (part of `make bench`), {meta['started']}: "
             f"{meta['queries']} judged queries (`bench/judged_queries.py`) over the demo catalogue "
             f"({meta['services']} published services); baseline PostgreSQL {meta['postgresql']} "
             "`norwegian` full-text search over the same texts. P@3 counts grade ≥ 2 among the first three, "
             "out of min(3, relevant services); MRR the first grade ≥ 2 within ten.", "",
             "| group | queries | nDCG@10 ours | nDCG@10 PG | P@3 ours | P@3 PG | MRR ours | MRR PG |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for group in (*GROUPS, "alle"):
        a, b = results["ours"]["groups"][group], results["postgresql"]["groups"][group]
        lines.append(f"| {group} | {a['queries']} | **{a['ndcg10']:.3f}** | {b['ndcg10']:.3f} | **{a['p3']:.3f}** | "
                     f"{b['p3']:.3f} | **{a['mrr']:.3f}** | {b['mrr']:.3f} |")
    weakest = sorted(results["ours"]["queries"], key=lambda r: (r["ndcg10"], r["query"]))[:10]
    lines += ["", "Weakest queries for our search (nDCG@10): " + "; ".join(
        f"«{r['query']}» {r['ndcg10']:.2f}" for r in weakest) + ".", SECTION_END]
    return "\n".join(lines)


def splice(note: Path, start: str, end: str, block: str) -> None:
    """Put *block* (which begins with *start* and ends with *end*) into *note*, replacing the old one."""
    text = note.read_text(encoding="utf-8") if note.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    note.write_text(text, encoding="utf-8")


def write(results: dict, note: Path = NOTE, path: Path = RESULTS) -> None:
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    splice(note, SECTION_START, SECTION_END, section(results))


def main(argv: list[str] | None = None) -> int:
    admin = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    results = run(admin)
    write(results)
    for group, row in results["ours"]["groups"].items():
        base = results["postgresql"]["groups"][group]
        print(f"{group:11} ours nDCG@10 {row['ndcg10']:.3f} P@3 {row['p3']:.3f} MRR {row['mrr']:.3f}   "
              f"PG {base['ndcg10']:.3f} {base['p3']:.3f} {base['mrr']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
