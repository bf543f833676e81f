"""What the health checks look at (``/helse/klar``) – each check a small function returning a dict.

``ok`` says whether the check passed; the rest says why. Used by the health blueprint and by
the metrics collector (marketplace.metrics), so both report the same facts.
"""
from __future__ import annotations

import functools
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import func, text
from sqlmodel import Session, select

from catalogue.background import pid_alive, read_heartbeat


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # a check that cannot run has failed; say why, never 500
        from catalogue.background import describe

        result = {"ok": False, "error": describe(error)}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database(app: Flask) -> dict:
    with app.extensions["db_engine"].connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"ok": True}


@functools.lru_cache(maxsize=4)
def _code_heads(url: str) -> frozenset[str]:
    """The migration heads of this code (read once per process: the code does not change under it)."""
    from marketplace.migrate import current_heads

    return frozenset(current_heads(url))


def migrations(app: Flask) -> dict:
    heads = set(_code_heads(app.config["DATABASE_URL"]))
    with app.extensions["db_engine"].connect() as conn:
        current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}


def index(app: Flask, now: float | None = None) -> dict:
    """The index exists, was built by this code, and is not too far behind the change log."""
    from catalogue.models import SearchChange
    from catalogue.search.indexer import log_maximum
    from catalogue.search.schema import fingerprint
    from catalogue.search.store import IndexLocation, read_state

    location = IndexLocation(app.config["INDEX_DIR"])
    path = location.current()
    if path is None:
        return {"ok": False, "error": "no index has been built"}
    ix = location.open()
    with ix.searcher() as searcher:
        state = read_state(searcher)
    now = time.time() if now is None else now
    with Session(app.extensions["db_engine"]) as session:
        top = log_maximum(session)
        oldest = session.exec(select(func.min(SearchChange.created_at))
                              .where(SearchChange.seq > state.position.high)).one()
    behind = max(0, top - state.position.high)
    lag_seconds = 0.0
    if oldest is not None:
        from datetime import timezone

        stamp = oldest if oldest.tzinfo else oldest.replace(tzinfo=timezone.utc)
        lag_seconds = max(0.0, now - stamp.timestamp())
    limit = float(app.config.get("INDEX_LAG_LIMIT_SECONDS", 30))
    fresh = state.fingerprint == fingerprint()
    return {"ok": fresh and lag_seconds <= limit, "behind": behind, "lag_seconds": round(lag_seconds, 1),
            "limit_seconds": limit, "position": state.position.high, "log_max": top, "fingerprint_ok": fresh}


def processes(app: Flask, now: float | None = None) -> dict:
    """Each configured background process has a fresh heartbeat from a live pid."""
    directory = Path(app.config["HEARTBEAT_DIR"])
    max_age = float(app.config.get("HEARTBEAT_MAX_AGE_SECONDS", 15))
    now = time.time() if now is None else now
    found = {}
    for name in app.config.get("BACKGROUND_PROCESSES", []):
        beat = read_heartbeat(directory, name)
        if beat is None:
            found[name] = {"ok": False, "error": "not running (no heartbeat)"}
            continue
        age = now - float(beat.get("time", 0))
        alive = pid_alive(int(beat.get("pid", 0)))
        entry = {"ok": alive and age <= max_age, "age_seconds": round(age, 1), "state": beat.get("state"),
                 "pid": beat.get("pid")}
        if not alive:
            entry["error"] = "the process is gone"
        elif age > max_age:
            entry["error"] = f"no heartbeat for {age:.0f} s"
        found[name] = entry
    return {"ok": all(p["ok"] for p in found.values()), "processes": found}


def readiness(app: Flask) -> dict:
    checks = {"database": _timed(lambda: database(app))}
    if checks["database"]["ok"]:
        checks["migrations"] = _timed(lambda: migrations(app))
        checks["index"] = _timed(lambda: index(app))
    checks["processes"] = _timed(lambda: processes(app))
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "fail", "checks": checks}
