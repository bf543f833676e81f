"""Publish → searchable: how long a published service takes to show up in search over HTTP.

The harness is "host A's application code": it publishes through the domain function
(``catalogue.listing.Listing.publish``, which writes the change-log entry in the same transaction)
on its own database connection, in its own process. The clock starts when the commit
returns; the search page is then asked for the service's unique word every 25 ms until the
service's link is among the hits, and stops when that answer has been read. The way there
is the real one: change log → indexer process (``flask index follow``) → Whoosh commit →
the web worker notices the new generation.

``Changes`` also makes the two-host burst: new services, edits (a new published version)
and removals, each in its own transaction.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Sequence

import requests
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.listing import Listing
from catalogue.models import Service, ServiceStatus

ACTOR = Actor.system("ytelsestest")
POLL_S = 0.025
ALPHABET = "bcdfghjklmnpqrstvwxz"  # consonants only: no real Norwegian word, no stemmable ending


def token(n: int) -> str:
    """A unique, unmistakable search word for the *n*-th published test service ("kvtbbbc")."""
    letters = []
    for _ in range(5):
        n, digit = divmod(n, len(ALPHABET))
        letters.append(ALPHABET[digit])
    return "kvt" + "".join(reversed(letters))


@dataclass
class Changes:
    """Publishes, edits and removes services through the domain, one transaction each."""

    engine: Engine
    counter: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        with Session(self.engine) as session:
            # A published service as the template: real terms, a real category and supplier.
            template = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED)
                                    .order_by(Service.id)).first()
            if template is None:
                raise RuntimeError("no published service to copy: was the corpus generated?")
            self.template = {"supplier_id": template.supplier_id, "category_id": template.category_id,
                             "description": template.description, "features": list(template.features or []),
                             "terms": dict(template.terms or {})}

    def next_token(self) -> str:
        with self._lock:
            self.counter += 1
            return token(self.counter)

    def publish_new(self, word: str) -> int:
        """A new service named after *word*, published; returns its id once committed."""
        with Session(self.engine) as session:
            # Written straight into review, as if the supplier had sent it: the domain publishes it.
            service = Service(status=ServiceStatus.SUBMITTED, name=f"Ytelsestest {word}",
                              summary=f"Testtjeneste {word} fra ytelsestesten.", **self.template)
            session.add(service)
            session.flush()
            Listing(session, service, None).publish(ACTOR, detail="ytelsestest")
            session.commit()
            return service.id

    def edit(self, service_id: int, n: int) -> None:
        """A new published version of the service with a changed summary."""
        with Session(self.engine) as session:
            service = session.get(Service, service_id)
            service.summary = f"{service.summary[:400]} (versjon fra ytelsestest {n})"
            Listing(session, service).publish(ACTOR, detail="ytelsestest")
            session.commit()

    def remove(self, service_id: int) -> None:
        with Session(self.engine) as session:
            service = session.get(Service, service_id)
            Listing(session, service).remove(ACTOR, expected_lock=service.lock_version, reason="Fjernet av ytelsestesten.")
            session.commit()


def found(http: requests.Session, base_url: str, word: str, service_id: int) -> bool:
    response = http.get(f"{base_url}/tjenester", params={"q": word}, timeout=30)
    return response.status_code == 200 and f'href="/tjeneste/{service_id}"' in response.text


def wait_found(hosts: dict[str, tuple[requests.Session, str]], word: str, service_id: int, started: float,
               timeout: float = 30.0) -> dict[str, float | None]:
    """Seconds from *started* until each host's search shows the service (None: not within *timeout*)."""
    pending = dict(hosts)
    seen: dict[str, float | None] = {name: None for name in hosts}
    while pending and time.perf_counter() - started < timeout:
        for name, (http, base_url) in list(pending.items()):
            if found(http, base_url, word, service_id):
                seen[name] = time.perf_counter() - started
                del pending[name]
        if pending:
            time.sleep(POLL_S)
    return seen


def publish_to_search(changes: Changes, hosts: dict[str, str], samples: int) -> dict[str, list[float | None]]:
    """Publish *samples* services one by one; per host, the seconds until each was searchable."""
    sessions = {name: (requests.Session(), url) for name, url in hosts.items()}
    out: dict[str, list[float | None]] = {name: [] for name in hosts}
    try:
        for _ in range(samples):
            word = changes.next_token()
            service_id = changes.publish_new(word)
            started = time.perf_counter()
            for name, seconds in wait_found(sessions, word, service_id, started).items():
                out[name].append(seconds)
    finally:
        for http, _ in sessions.values():
            http.close()
    return out


def burst(changes: Changes, candidates: Sequence[int], total: int, seed: int, threads: int = 4) -> dict[str, int]:
    """*total* changes as fast as possible from *threads* connections: 40 % new services,
    35 % new versions, 25 % removals. Concurrent transactions commit out of sequence order,
    which is what the indexers' gap handling is for."""
    rng = random.Random(seed)
    new, edits = round(total * 0.40), round(total * 0.35)
    plan = ["new"] * new + ["edit"] * edits + ["remove"] * (total - new - edits)
    rng.shuffle(plan)
    pool = list(candidates)
    rng.shuffle(pool)
    # Each existing service is touched by one thread only, so no two transactions fight over a row.
    work: list[list[tuple[str, int]]] = [[] for _ in range(threads)]
    for i, kind in enumerate(plan):
        target = pool.pop() if kind != "new" else 0
        work[i % threads].append((kind, target))
    counts = {"new": 0, "edit": 0, "remove": 0}
    errors: list[BaseException] = []

    def worker(items: list[tuple[str, int]]) -> None:
        try:
            for n, (kind, target) in enumerate(items):
                if kind == "new":
                    changes.publish_new(changes.next_token())
                elif kind == "edit":
                    changes.edit(target, n)
                else:
                    changes.remove(target)
        except BaseException as exc:  # reported after the join
            errors.append(exc)

    pool_threads = [threading.Thread(target=worker, args=(items,), name=f"burst-{i}") for i, items in enumerate(work)]
    for t in pool_threads:
        t.start()
    for t in pool_threads:
        t.join()
    if errors:
        raise errors[0]
    for kind in plan:
        counts[kind] += 1
    return counts
