"""A yardstick: the same texts in a SQLite FTS5 table, queried with the same words.

FTS5 here is plain full-text search – ``unicode61`` tokens, every word required, BM25
order, a snippet per hit and the total count – with none of the marketplace search's
Norwegian stemming, compound splitting, synonyms, spelling suggestions or facet counts, and
filters are not applied. It shows what a bare, C-implemented inverted index costs on this
machine for the same corpus and words; the ratio puts the Whoosh figure in scale.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from bench.corpus import Text
from bench.latency import Timings
from bench.stats import Stopwatch
from catalogue.search.analysis import TOKEN_RE
from catalogue.search.query import PER_PAGE, SearchRequest

PAGE_SQL = ("SELECT rowid, name, snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs "
            "WHERE docs MATCH ? ORDER BY rank LIMIT ? OFFSET ?")
COUNT_SQL = "SELECT count(*) FROM docs WHERE docs MATCH ?"


def build(path: Path, texts: Iterable[Text]) -> int:
    """Create the FTS5 table in a scratch SQLite file; returns the number of rows."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(name, summary, description, features, "
                   "tokenize = 'unicode61 remove_diacritics 0')")
        db.executemany("INSERT INTO docs(rowid, name, summary, description, features) VALUES (?, ?, ?, ?, ?)",
                       ((t.id, t.name, t.summary, t.description, t.features) for t in texts))
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]


def match_expression(q: str) -> str:
    """Every word as a quoted FTS5 string (implicit AND), so no word is read as an operator."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in (m.group() for m in TOKEN_RE.finditer(q)))


def timings(path: Path, requests_: Sequence[SearchRequest], warmup: Sequence[SearchRequest]) -> Timings:
    out = Timings()
    with sqlite3.connect(path) as db:
        def run(req: SearchRequest) -> None:
            expr = match_expression(req.q)
            db.execute(PAGE_SQL, (expr, PER_PAGE, (req.page - 1) * PER_PAGE)).fetchall()
            db.execute(COUNT_SQL, (expr,)).fetchone()

        for req in warmup:
            run(req)
        for req in requests_:
            with Stopwatch() as sw:
                run(req)
            out.ms.append(sw.ms)
    return out
