"""The compare page (5 services) and exports of frozen shortlists (30 services), over HTTP.

A buyer ("kommune-innkjoper") logs in through the real flow against the built-in identity
provider over real HTTP (``tests.login.login_over_http``: the marketplace's /login, the
provider's page, the callback with its server-side token call). Frozen shortlists of 30
services are then made through the domain (``catalogue.shortlists.save_search`` and
``freeze``) for that buyer – freezing through the web needs a search with at most 30 hits,
which a 50 000-service corpus rarely gives in exactly 30 – and exported over HTTP with the
buyer's session, in CSV and ODS. The compare page is timed for an anonymous visitor and for
the buyer (who also sees the buyer-only terms).
"""
from __future__ import annotations

import random
from typing import Sequence

import requests
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from auth import login as logins
from bench.latency import Timings
from bench.stats import Stopwatch
from catalogue import shortlists as sl
from catalogue.models import LoginSession
from tests.login import login_over_http

BUYER = "kommune-innkjoper"
FROZEN_SIZE = 30
LISTS = 10
MIMETYPES = {"csv": "text/csv", "ods": "application/vnd.oasis.opendocument.spreadsheet"}


def buyer_session(base_url: str) -> requests.Session:
    http = requests.Session()
    login_over_http(http, base_url, BUYER)
    return http


def _viewer(engine: Engine):
    """The logged-in buyer as the marketplace sees them (the newest open login)."""
    with Session(engine) as db:
        login = db.exec(select(LoginSession).where(LoginSession.ended_at.is_(None))
                        .order_by(LoginSession.id.desc())).first()
        viewer = logins.current(db, login.session_key) if login else None
        db.commit()
    if viewer is None or not viewer.is_buyer:
        raise RuntimeError(f"the benchmark's buyer is not logged in as a buyer ({viewer})")
    return viewer


def make_frozen_lists(engine: Engine, ids: Sequence[int], seed: int) -> list[int]:
    """LISTS frozen shortlists of FROZEN_SIZE published services each, owned by the buyer."""
    viewer = _viewer(engine)
    rng = random.Random(seed)
    made = []
    with Session(engine) as db:
        for n in range(LISTS):
            chosen = rng.sample(list(ids), FROZEN_SIZE)
            shortlist, errors = sl.save_search(db, viewer, f"Ytelsestest {n + 1}", [("q", "ytelsestest")])
            if errors:
                raise RuntimeError(f"save_search: {errors}")
            error = sl.freeze(db, shortlist, viewer.actor(), chosen, FROZEN_SIZE)
            if error:
                raise RuntimeError(f"freeze: {error}")
            made.append(shortlist.id)
        db.commit()
    return made


def _timed_get(http: requests.Session, url: str, out: Timings, check) -> None:
    try:
        with Stopwatch() as sw:
            response = http.get(url, timeout=30)
            body = response.content
    except requests.RequestException as exc:
        out.failed(f"{url}: {exc}")
        return
    if response.status_code != 200 or not check(response, body):
        out.failed(f"{url}: HTTP {response.status_code} {response.headers.get('Content-Type')}")
        return
    out.ms.append(sw.ms)


def compare(http: requests.Session, base_url: str, ids: Sequence[int], samples: int, seed: int,
            warmup: int = 10) -> Timings:
    """The compare page for *samples* different sets of 5 published services."""
    rng = random.Random(seed)
    sets = [rng.sample(list(ids), 5) for _ in range(samples + warmup)]
    out, scratch = Timings(), Timings()
    for n, chosen in enumerate(sets):
        url = f"{base_url}/sammenlign?" + "&".join(f"id={i}" for i in chosen)
        _timed_get(http, url, scratch if n < warmup else out,
                   lambda response, body: all(f"/tjeneste/{i}".encode() in body for i in chosen))
    return out


def exports(http: requests.Session, base_url: str, lists: Sequence[int], fmt: str, samples: int,
            warmup: int = 5) -> Timings:
    """*samples* exports of the frozen lists (round robin) in *fmt*."""
    out, scratch = Timings(), Timings()
    for n in range(samples + warmup):
        url = f"{base_url}/innkjop/lister/{lists[n % len(lists)]}/eksport.{fmt}"
        _timed_get(http, url, scratch if n < warmup else out,
                   lambda response, body: response.headers.get("Content-Type", "").startswith(MIMETYPES[fmt])
                   and len(body) > 1000)
    return out
