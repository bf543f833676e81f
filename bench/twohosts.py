"""Two app hosts on one PostgreSQL: each with its own index directory and its own indexer.

Host B joins the way a new host would: its indexer (``flask index follow``) finds no index,
builds one from the database and then follows the change log from the position it built
at. The lag is publish (through the domain, on the shared database) → found by host B's
search over HTTP. After a burst of changes both indexes are read directly, once their
indexers have drained the log: the same documents with the same stored fields, and the
same set of services the database has published.
"""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.search.indexer import log_maximum
from catalogue.search.schema import META_ID
from catalogue.search.store import IndexLocation, IndexState, read_state


def index_state(index_dir: Path) -> IndexState | None:
    location = IndexLocation(index_dir)
    if location.current() is None:
        return None
    ix = location.open()
    try:
        with ix.searcher() as searcher:
            return read_state(searcher)
    finally:
        ix.close()


def documents(index_dir: Path) -> dict[str, dict]:
    """Every live document of the index with its stored fields (the position document left out)."""
    ix = IndexLocation(index_dir).open()
    try:
        with ix.searcher() as searcher:
            return {fields["id"]: fields for fields in searcher.all_stored_fields() if fields.get("id") != META_ID}
    finally:
        ix.close()


def log_max(engine: Engine) -> int:
    with Session(engine) as session:
        return log_maximum(session)


def wait_drained(index_dirs: dict[str, Path], target: int, started: float, timeout: float = 180.0
                 ) -> tuple[dict[str, float | None], list[tuple]]:
    """Seconds from *started* until each index has applied every log entry up to *target*, and a
    trace of how each index's position moved meanwhile: ``(seconds, host, watermark, high, gaps)``
    about once a second, so a slow drain shows whether batches were slow or gaps were waited for."""
    pending = dict(index_dirs)
    done: dict[str, float | None] = {name: None for name in index_dirs}
    trace: list[tuple] = []
    last_traced: dict[str, float] = {}
    while pending and time.perf_counter() - started < timeout:
        for name, path in list(pending.items()):
            state = index_state(path)
            now = round(time.perf_counter() - started, 2)
            if state is not None and now - last_traced.get(name, -1.0) >= 1.0:
                last_traced[name] = now
                trace.append((now, name, state.position.watermark, state.position.high, len(state.position.gaps)))
            if state is not None and state.position.watermark >= target:
                done[name] = now
                del pending[name]
        if pending:
            time.sleep(0.1)
    return done, trace


def compare_indexes(a: Path, b: Path, published: set[int]) -> dict:
    """Whether two indexes hold the same documents, and whether they are what the database publishes."""
    docs_a, docs_b = documents(a), documents(b)
    only_a = sorted(set(docs_a) - set(docs_b))
    only_b = sorted(set(docs_b) - set(docs_a))
    differ = sorted(k for k in set(docs_a) & set(docs_b) if docs_a[k] != docs_b[k])
    services_a = {int(k.split(":", 1)[1]) for k in docs_a if k.startswith("service:")}
    return {
        "documents_a": len(docs_a), "documents_b": len(docs_b),
        "only_in_a": only_a[:10], "only_in_b": only_b[:10], "stored_fields_differ": differ[:10],
        "identical": not only_a and not only_b and not differ,
        "match_database": services_a == published,
        "missing_from_index": sorted(published - services_a)[:10],
        "extra_in_index": sorted(services_a - published)[:10],
    }
