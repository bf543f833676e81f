"""Time-driven notifications: a registry of periodic jobs the dispatcher runs.

A job is a function ``(session, now)`` registered with ``@scheduled("name")``; it calls
``notify`` with a key that names the kind, the object and the due date
(``f"contract:{id}:expiry:{due:%Y-%m-%d}"``). The key's unique constraint makes every run after
the first a no-op, so restarts and several dispatchers on several hosts never send a reminder
twice. Each job runs in its own transaction; one failing job does not stop the others.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine

from catalogue.background import is_transient
from catalogue.db import session_scope

Job = Callable[..., None]
JOBS: dict[str, Job] = {}
# Modules whose import registers jobs; the dispatcher imports them at start. Add yours here.
JOB_MODULES = ["catalogue.notifications.jobs", "catalogue.contracts.reminders", "catalogue.competitions.jobs",
               "catalogue.declarations.requests", "catalogue.certificates", "catalogue.confirmation"]
log = logging.getLogger("catalogue.notifications.schedule")


def scheduled(name: str) -> Callable[[Job], Job]:
    """Register *fn* as the periodic job *name*."""

    def decorate(fn: Job) -> Job:
        if name in JOBS and JOBS[name] is not fn:
            raise ValueError(f"scheduled job {name!r} registered twice")
        JOBS[name] = fn
        return fn

    return decorate


def load_jobs() -> None:
    import importlib

    for module in JOB_MODULES:
        importlib.import_module(module)


def run_due(engine: Engine, now: datetime) -> dict[str, str]:
    """Run every job once (each in its own transaction); returns name → "ok" or the error."""
    outcome: dict[str, str] = {}
    for name, job in list(JOBS.items()):
        try:
            with session_scope(engine) as session:
                job(session, now)
            outcome[name] = "ok"
        except Exception as error:  # noqa: BLE001 - one job's failure must not stop the dispatcher
            if is_transient(error):
                raise  # the database is away: the dispatcher's loop waits it out
            log.exception("scheduled job %s failed", name)
            outcome[name] = f"{type(error).__name__}: {error}"
    return outcome
