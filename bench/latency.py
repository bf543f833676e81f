"""Search latency: through the full HTTP stack, and the same search in process (raw Whoosh).

HTTP: one client, a keep-alive ``requests.Session``, one request at a time, the time from
sending to having read the whole body. The page is the full search page (facet counts,
highlights, layout) as a first visit gets it; the htmx fragment (what typing in the search
box fetches) is measured beside it. Warm-up: other requests from the same corpus first, so
the workers' caches are warm, but not for the measured words.

Raw: ``catalogue.search.query.search`` on the same index in this process, for the same
requests – the search with its facet counts and highlights, without Flask and templates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import requests

from bench.stats import Stopwatch
from bench.workload import path
from catalogue.search.query import SearchRequest, search

HTMX = {"HX-Request": "true", "HX-Target": "sokeresultat"}
RESULTS_MARK = 'id="sokeresultat"'


@dataclass
class Timings:
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)


def http(base_url: str, requests_: Sequence[SearchRequest], warmup: Sequence[SearchRequest], *,
         fragment: bool = False) -> Timings:
    """Client-side latency of the search page (or its htmx fragment) for each request."""
    out = Timings()
    headers = HTMX if fragment else {}
    with requests.Session() as session:
        for req in warmup:
            session.get(base_url + path(req), headers=headers, timeout=30)
        for req in requests_:
            url = base_url + path(req)
            try:
                with Stopwatch() as sw:
                    response = session.get(url, headers=headers, timeout=30)
                    body = response.text
            except requests.RequestException as exc:
                out.failed(f"{url}: {exc}")
                continue
            if response.status_code != 200 or (not fragment and RESULTS_MARK not in body):
                out.failed(f"{url}: HTTP {response.status_code}")
                continue
            out.ms.append(sw.ms)
    return out


def raw(index, requests_: Sequence[SearchRequest], warmup: Sequence[SearchRequest]) -> Timings:
    """In-process time of ``search(index, request)`` – no HTTP, no templates."""
    out = Timings()
    for req in warmup:
        search(index, req)
    for req in requests_:
        with Stopwatch() as sw:
            search(index, req)
        out.ms.append(sw.ms)
    return out
