"""The run's subprocesses: gunicorn, indexers and flask commands, always cleaned up.

Every subprocess starts in a session of its own, so stopping it stops its whole process
group (gunicorn's workers, the rebuild's helper processes). ``Processes`` is a context
manager: leaving it – normally, on an exception or on SIGTERM/SIGINT (``run`` turns those
into ``SystemExit``) – stops everything still running. Output goes to one log file per
process in the work directory; a failure shows the log's tail.

Peak memory is read from ``/proc/<pid>/status``: ``VmHWM`` is the kernel's own high-water
mark of a process's resident set, so reading it once at the end catches the peak even
between samples.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import requests

from marketplace.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "marketplace"]


class ProcessFailed(RuntimeError):
    pass


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Even a harness killed with SIGKILL leaves nothing behind: the child gets SIGTERM (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path
    started: float = field(default_factory=time.perf_counter)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Start, wait for and stop the run's subprocesses; nothing outlives the run."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.running: list[Proc] = []

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()

    def start(self, name: str, argv: Sequence[str], env: dict[str, str]) -> Proc:
        log = self.logdir / f"{name}.log"
        handle = open(log, "ab")
        popen = subprocess.Popen(list(argv), env=env, cwd=PROJECT_ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True,
                                 preexec_fn=_die_with_parent)
        handle.close()
        proc = Proc(name, popen, log)
        self.running.append(proc)
        return proc

    def run(self, name: str, argv: Sequence[str], env: dict[str, str], timeout: float,
            on_start: Callable[[Proc], None] | None = None) -> float:
        """Run a command to its end; returns its wall time in seconds. Fails loudly."""
        proc = self.start(name, argv, env)
        if on_start:
            on_start(proc)
        try:
            code = proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            raise ProcessFailed(f"{name} took more than {timeout:.0f} s\n{proc.tail()}") from None
        elapsed = time.perf_counter() - proc.started
        self.running.remove(proc)
        if code != 0:
            raise ProcessFailed(f"{name} exited with {code}\n{proc.tail()}")
        return elapsed

    def stop(self, proc: Proc, timeout: float = 15.0) -> None:
        """SIGTERM to the process group, SIGKILL if it has not ended within *timeout*."""
        if proc.alive():
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        else:
            _signal_group(proc.pid, signal.SIGKILL)  # stray children of a dead leader
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.running)):
            try:
                self.stop(proc)
            except Exception as exc:  # keep stopping the others
                print(f"bench: could not stop {proc.name} ({proc.pid}): {exc}", file=sys.stderr)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the process is its group's leader (start_new_session)
    except (ProcessLookupError, PermissionError):
        pass


def wait_http(url: str, proc: Proc, timeout: float = 60.0) -> None:
    """Wait until *url* answers 200 (the app is up), or fail with the process's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise ProcessFailed(f"{proc.name} ended while starting\n{proc.tail()}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise ProcessFailed(f"{url} did not answer within {timeout:.0f} s\n{proc.tail()}")


def wait_log(proc: Proc, needle: str, timeout: float) -> None:
    """Wait until *proc* has written *needle* to its log (e.g. the indexer's "following" line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in proc.log.read_text(errors="replace"):
            return
        if not proc.alive():
            raise ProcessFailed(f"{proc.name} ended before «{needle}»\n{proc.tail()}")
        time.sleep(0.2)
    raise ProcessFailed(f"{proc.name} did not write «{needle}» within {timeout:.0f} s\n{proc.tail()}")


# ---------------------------------------------------------------------------
# memory


def children(pid: int) -> list[int]:
    """The direct children of *pid* (gunicorn's workers), from /proc."""
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                out += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return sorted(set(out))


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set so far (VmHWM), in MiB; None when it is gone."""
    kb = _status_kb(pid, "VmHWM")
    return None if kb is None else kb / 1024


class PeakSampler:
    """Samples VmHWM of a changing set of processes in the background; keeps each one's peak.

    For processes that come and go (the rebuild's helper processes) a final read is not
    possible, so they are sampled every *interval* seconds while they live.
    """

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.2):
        self._pids = pids
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-rss", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for pid in self._pids():
            mb = peak_rss_mb(pid)
            if mb is not None:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def peak(self) -> float:
        return max(self.peaks.values(), default=0.0)


def rss_mb(pid: int) -> float | None:
    """The process's resident set now (VmRSS), in MiB; None when it is gone."""
    kb = _status_kb(pid, "VmRSS")
    return None if kb is None else kb / 1024


class RssTimeline:
    """Where memory grows: every *interval* seconds, the current RSS of each named group of
    processes (the largest process in it), kept as the maximum per phase of the run."""

    def __init__(self, groups: Callable[[], dict[str, list[int]]], phase: Callable[[], str], interval: float = 1.0):
        self._groups = groups
        self._phase = phase
        self.interval = interval
        self.peaks: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-rss-timeline", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sample()
            except Exception:  # a process list read while it changes: try again next time
                pass
            self._stop.wait(self.interval)

    def sample(self) -> None:
        phase = self._phase()
        for name, pids in self._groups().items():
            values = [v for v in (rss_mb(pid) for pid in pids) if v is not None]
            if values:
                row = self.peaks.setdefault(phase, {})
                row[name] = round(max(row.get(name, 0.0), max(values)), 1)

    def __enter__(self) -> "RssTimeline":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
