"""Background loops that survive outages: the indexer, the notification dispatcher, the followers.

Every long-running process of the service is a loop of small steps (read a batch from the
database, apply it, commit). ``run_loop`` runs such a step function until asked to stop and
makes it survive what a national service meets in normal operation:

- **Database or Redis unavailable** (a restart, a fail-over, a network blip): the error is
  recognised as transient (``is_transient``), logged *once* when the outage starts, the step
  is retried with exponential backoff (capped, with jitter so several processes do not knock
  in step), and the recovery is logged once with the outage's length. Nothing is skipped: the
  step reads from its own committed position, so it catches up by itself.
- **SIGTERM / SIGINT** (systemd, the ``make run`` supervisor, Ctrl+C): ``StopFlag`` notices it,
  the current step finishes (it is one transaction), and the loop returns.
- **Anything else** (a bug, a corrupt file) is not hidden: it propagates, the process exits
  non-zero, and the supervisor or systemd restarts it.

A **heartbeat file** is rewritten after every step (and while waiting out an outage), so the
readiness check can tell a live process from a dead or hung one. It is a small JSON file in
the heartbeat directory: pid, time, state (``ok`` / ``outage``) and what the step reported.

Usage (a dispatcher)::

    stop = StopFlag.install()
    run_loop("notify", lambda: dispatcher.step() > 0, stop=stop, idle_interval=1.0,
             heartbeat=Heartbeat(heartbeat_dir, "notify"))

Plain Python: no Flask, usable from any CLI command.
"""
from __future__ import annotations

import json
import logging
import os
import random
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger("marketplace.background")


# ---------------------------------------------------------------------------
# What counts as an outage

def _transient_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from sqlalchemy import exc as sa_exc

        # OperationalError: connection refused/reset, server shut down, "database is locked".
        # InterfaceError: the driver's connection is already closed.
        types += [sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError]
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        pass
    try:
        from redis import exceptions as redis_exc

        types += [redis_exc.ConnectionError, redis_exc.TimeoutError, redis_exc.BusyLoadingError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(types)


TRANSIENT_ERRORS = _transient_types()


def is_transient(exc: BaseException) -> bool:
    """True for errors that mean "a backing service is away for now", not "the code is wrong"."""
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        return False
    # psycopg raises e.g. AdminShutdown wrapped as a DBAPIError flagged as a lost connection.
    return isinstance(exc, DBAPIError) and bool(getattr(exc, "connection_invalidated", False))


# ---------------------------------------------------------------------------
# Stopping

class StopFlag:
    """Set by SIGTERM/SIGINT (or by ``set()``); ``wait`` sleeps until the timeout or the stop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @classmethod
    def install(cls, signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> "StopFlag":
        flag = cls()
        for signum in signals:
            signal.signal(signum, flag._on_signal)
        return flag

    def _on_signal(self, signum, _frame) -> None:
        log.info("stop requested (signal %s)", signal.Signals(signum).name)
        self._event.set()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    __call__ = is_set  # usable wherever a ``should_stop()`` callable is expected

    def wait(self, seconds: float) -> bool:
        """Sleep up to *seconds*; returns True when stopped meanwhile."""
        return self._event.wait(max(0.0, seconds))


# ---------------------------------------------------------------------------
# Backoff and outage bookkeeping

@dataclass
class Backoff:
    """Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped at *maximum*."""

    initial: float = 0.5
    maximum: float = 15.0
    factor: float = 2.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * self.factor ** self.attempt)
        self.attempt += 1
        # Never below half the ceiling: the first retry is not immediate, the delays still spread.
        return ceiling / 2 + self.rng.random() * ceiling / 2  # jitter, not security # nosec B311

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class Outage:
    """One stretch of failures: when it started, how many attempts failed, the last error."""

    started: float
    attempts: int = 0
    error: str = ""


def describe(exc: BaseException) -> str:
    """A one-line description without the SQL or parameters (they may carry personal data)."""
    orig = getattr(exc, "orig", None)
    inner = orig if orig is not None else exc
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {text[:200]}" if text else type(inner).__name__


# ---------------------------------------------------------------------------
# Heartbeats

class Heartbeat:
    """``<directory>/<name>.json``: written atomically after every step; read by /helse/klar."""

    def __init__(self, directory: str | os.PathLike | None, name: str, *, min_interval: float = 1.0):
        self.path = Path(directory) / f"{name}.json" if directory else None
        self.name = name
        self.min_interval = min_interval
        self._last = 0.0

    def beat(self, state: str = "ok", *, force: bool = False, **details: Any) -> None:
        if self.path is None:
            return
        now = time.time()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        payload = {"name": self.name, "pid": os.getpid(), "time": now, "state": state, **details}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.name}.", suffix=".tmp")
            with os.fdopen(fd, "w") as handle:
                json.dump(payload, handle)
            os.replace(tmp, self.path)
        except OSError as exc:  # a full disk must not stop the work itself
            log.warning("heartbeat %s not written: %s", self.name, exc)

    def stopped(self) -> None:
        """Remove the file on a clean stop: "not running" is then told from "died"."""
        if self.path is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


def read_heartbeat(directory: str | os.PathLike, name: str) -> dict | None:
    try:
        return json.loads((Path(directory) / f"{name}.json").read_text())
    except (FileNotFoundError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


# ---------------------------------------------------------------------------
# The loop

HEARTBEAT_SLICE = 2.0  # seconds: the heartbeat is rewritten at least this often while idle

def run_loop(name: str, step: Callable[[], bool], *, stop: Callable[[], bool] | StopFlag,
             idle_interval: float = 1.0, heartbeat: Heartbeat | None = None,
             backoff: Backoff | None = None, transient: Callable[[BaseException], bool] = is_transient,
             details: Callable[[], dict] | None = None, logger: logging.Logger | None = None) -> None:
    """Call *step* until *stop*; a step returns True when it did work (then it runs again at once).

    Transient errors (``is_transient``) start or continue an outage: logged once at the start
    (warning) and once at the end (info, with its length and attempts), retried with backoff.
    Any other exception propagates (the process dies; its supervisor restarts it).
    """
    logger = logger or log
    backoff = backoff or Backoff()
    should_stop = stop.is_set if isinstance(stop, StopFlag) else stop
    outage: Outage | None = None
    last_beat: dict = {"state": "ok"}

    def sleep(seconds: float) -> None:
        # In slices, beating the heart between them: a long idle interval is not a dead process.
        deadline = time.monotonic() + seconds
        while not should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if isinstance(stop, StopFlag):
                stop.wait(min(left, HEARTBEAT_SLICE))
            else:
                time.sleep(min(0.05, left))
            if heartbeat:
                heartbeat.beat(**last_beat)

    def extra() -> dict:
        try:
            return details() if details else {}
        except Exception:  # details are best effort; never let them kill the loop
            return {}

    while not should_stop():
        try:
            did_work = step()
        except Exception as exc:
            if not transient(exc):
                raise
            if outage is None:
                outage = Outage(time.monotonic(), error=describe(exc))
                logger.warning("%s: backing service unavailable (%s); retrying with backoff",
                               name, outage.error)
            outage.attempts += 1
            outage.error = describe(exc)
            last_beat = {"state": "outage", "error": outage.error, "attempts": outage.attempts,
                         "outage_seconds": round(time.monotonic() - outage.started, 1)}
            if heartbeat:
                heartbeat.beat(force=True, **last_beat)
            sleep(backoff.next_delay())
            continue
        if outage is not None:
            logger.info("%s: recovered after %.1f s and %d failed attempts; catching up", name,
                        time.monotonic() - outage.started, outage.attempts)
            outage = None
            backoff.reset()
        last_beat = {"state": "ok", **extra()}
        if heartbeat:
            heartbeat.beat(**last_beat)
        if not did_work:
            sleep(idle_interval)
    if heartbeat:
        heartbeat.stopped()
