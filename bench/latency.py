"""Search latency: through the full HTTP stack, and the same search in process (raw Whoosh).

HTTP: one client, a keep-alive ``requests.Session``, one request at a time, the time from
sending to having read the whole body. Warm-up: other requests from the same corpus first,
so the workers are warm (index open, facet masks built, templates compiled) but have not
seen the measured words. The first pass over the 200 requests is the figure the target is
held against: every search asks for its words for the first time, as a stream of different
buyers' searches does. A second pass asks for each request again, as the full page and as
the htmx fragment (what typing in the search box fetches), in alternating order so that
neither is favoured by what the other left in the caches.

Raw: ``catalogue.search.query.search`` in this process on a handle opened afresh and warmed
with the same warm-up requests (the state the workers were in), for the same requests – the
search with its facet counts and highlights, without Flask and templates; then once more.
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
    with requests.Session() as session:
        for req in warmup:
            session.get(base_url + path(req), headers=HTMX if fragment else {}, timeout=60)
        for req in requests_:
            _timed(session, base_url, req, out, fragment)
    return out


def http_alternating(base_url: str, requests_: Sequence[SearchRequest]) -> tuple[Timings, Timings]:
    """Each request as the full page and as the htmx fragment, the order alternating: (page, fragment)."""
    page, fragment = Timings(), Timings()
    with requests.Session() as session:
        for n, req in enumerate(requests_):
            for as_fragment in ((False, True) if n % 2 == 0 else (True, False)):
                _timed(session, base_url, req, fragment if as_fragment else page, as_fragment)
    return page, fragment


def _timed(session: requests.Session, base_url: str, req: SearchRequest, out: Timings, fragment: bool) -> None:
    url = base_url + path(req)
    try:
        with Stopwatch() as sw:
            response = session.get(url, headers=HTMX if fragment else {}, timeout=60)
            body = response.text
    except requests.RequestException as exc:
        out.failed(f"{url}: {exc}")
        return
    if response.status_code != 200 or (not fragment and RESULTS_MARK not in body):
        out.failed(f"{url}: HTTP {response.status_code}")
        return
    out.ms.append(sw.ms)


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
