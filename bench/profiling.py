"""Profiles for missed targets: py-spy samples the real processes while the work is replayed.

``Profile(pid)`` attaches py-spy (``record --subprocesses``, so gunicorn's master brings its
workers) and stops it with SIGINT when the block ends, which makes py-spy write its raw
"collapsed stacks" file. ``profile_command`` runs a command under py-spy instead (the
rebuild). ``summarize`` turns the stacks into the functions that take the time: inclusive
(on the stack) and self (at the top of it), in percent of the busy samples; idle samples
(a worker waiting for a request) are left out by py-spy itself.
"""
from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Sequence

PYSPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Frames every stack of a process has (server loop, WSGI dispatch, command line, fork): they
# are left out of the inclusive ranking, where they would only crowd out the informative ones.
PLUMBING = ("(gunicorn/", "(flask/app.py)", "(flask/cli.py)", "(click/", "(<frozen", "(multiprocessing/",
            "(flask)", "(auth/guards.py)", "(bench/", "(runpy")


def available() -> bool:
    return Path(PYSPY).exists() or shutil.which("py-spy") is not None


class Profile:
    """Sample *pid* (and its children) with py-spy while the ``with`` block runs."""

    def __init__(self, pid: int, output: Path, rate: int = 250, subprocesses: bool = True):
        self.pid = pid
        self.subprocesses = subprocesses
        self.output = output
        self.rate = rate
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Profile":
        self.proc = subprocess.Popen(
            [PYSPY, "record", "--pid", str(self.pid), *(["--subprocesses"] if self.subprocesses else []),
             "--nonblocking", "--nolineno", "--rate", str(self.rate), "--format", "raw", "--output", str(self.output)],
            stdout=subprocess.DEVNULL, stderr=open(self.output.with_suffix(".log"), "wb"))
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def profile_command(argv: Sequence[str], env: dict[str, str], output: Path, cwd: Path, timeout: float,
                    rate: int = 100) -> None:
    """Run *argv* to its end under py-spy (with its subprocesses)."""
    subprocess.run([PYSPY, "record", "--subprocesses", "--nolineno", "--rate", str(rate), "--format", "raw",
                    "--output", str(output), "--", *argv], env=env, cwd=cwd, timeout=timeout,
                   stdout=subprocess.DEVNULL, stderr=open(output.with_suffix(".log"), "wb"), check=False)


def _frame(raw: str) -> str:
    match = _FRAME.match(raw.strip())
    if not match:
        return raw.strip()
    return f"{match.group('func')} ({match.group('file')})"


def summarize(raw_file: Path, top: int = 18) -> dict:
    """``{"samples", "inclusive": [(frame, %)], "self": [(frame, %)]}`` from a raw py-spy file."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    if not raw_file.exists():
        return {"samples": 0, "inclusive": [], "self": [], "missing": True}
    for line in raw_file.read_text(errors="replace").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        count = int(match.group("count"))
        frames = [_frame(f) for f in match.group("stack").split(";") if f.strip()]
        # The first entries are the process and thread ("process 123:…"), not code.
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        for frame in set(frames):
            if not frame.startswith("<module>") and not any(p in frame for p in PLUMBING):
                inclusive[frame] += count
        own[frames[-1]] += count

    def ranked(counter: Counter[str], n: int = top) -> list[tuple[str, float]]:
        return [(frame, round(100.0 * k / total, 1)) for frame, k in counter.most_common(n)] if total else []

    return {"samples": total, "inclusive": ranked(inclusive), "self": ranked(own)}


def trace_memory(work, top: int = 15) -> dict:
    """Python allocations still held after *work()* (tracemalloc), grouped by the line that made them.

    For memory targets: py-spy shows time, not memory. Run in this process on the same code
    the web workers run (the search on a fresh index handle), it shows what the caches keep.
    """
    import tracemalloc

    tracemalloc.start(1)
    try:
        keep = work()  # the caller returns what must stay alive until the snapshot (the handle)
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    if hasattr(keep, "close"):
        keep.close()
    del keep
    stats = snapshot.statistics("lineno")
    total = sum(s.size for s in stats)
    return {"traced_mb": round(total / 2**20, 1),
            "top": [(_short_path(s.traceback[0].filename) + f":{s.traceback[0].lineno}",
                     round(s.size / 2**20, 1), s.count) for s in stats[:top]]}


def _short_path(filename: str) -> str:
    from marketplace.config import PROJECT_ROOT

    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    root = str(PROJECT_ROOT) + "/"
    return filename[len(root):] if filename.startswith(root) else filename
