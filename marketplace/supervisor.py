"""A small process supervisor for ``make run``: start a list of commands, restart, stop together.

    python -m marketplace.supervisor 'web=flask --app marketplace run' 'index=flask --app marketplace index follow'

Each argument is ``NAME=COMMAND`` (the command is split like a shell would, without a shell).
Every child runs in its own process group; when one exits it is restarted after a backoff
(1 s, 2 s, 4 s … 30 s; reset once it has run for a minute), and the restart is logged with
its exit status. SIGTERM, SIGINT (Ctrl+C) or SIGHUP to the supervisor stops every child –
SIGTERM to its group, SIGKILL after ``--grace`` seconds – and then the supervisor exits. A
child also dies with the supervisor if the supervisor itself is killed (``PR_SET_PDEATHSIG``).

In production systemd does this job: see docs/OPERATIONS.md for the service units.
"""
from __future__ import annotations

import argparse
import ctypes
import logging
import os
import shlex
import signal
import subprocess  # starting the configured commands is this module's purpose # nosec B404
import sys
import time
from dataclasses import dataclass, field

log = logging.getLogger("marketplace.supervisor")

RESTART_MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # a child that ran this long starts its backoff afresh


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    failures_in_row: int = 0
    restart_at: float | None = None
    history: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, start_new_session=True,  # argv, no shell # nosec B603
                                        preexec_fn=_die_with_parent)
        self.started = time.monotonic()
        self.restart_at = None
        log.info("started %s (pid %d): %s", self.name, self.process.pid, shlex.join(self.argv))

    def poll(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                pass


def parse(specs: list[str]) -> list[Child]:
    children, names = [], set()
    for spec in specs:
        name, sep, command = spec.partition("=")
        name = name.strip()
        if not sep or not name or not command.strip():
            raise SystemExit(f"supervisor: expected NAME=COMMAND, got {spec!r}")
        if name in names:
            raise SystemExit(f"supervisor: the name {name!r} is used twice")
        names.add(name)
        children.append(Child(name, shlex.split(command)))
    return children


class Supervisor:
    def __init__(self, children: list[Child], *, grace: float = 10.0, max_delay: float = RESTART_MAX_DELAY):
        self.children = children
        self.grace = grace
        self.max_delay = max_delay
        self.stopping = False

    def request_stop(self, signum=None, _frame=None) -> None:
        if not self.stopping and signum is not None:
            log.info("stopping all processes (signal %s)", signal.Signals(signum).name)
        self.stopping = True

    def _delay(self, child: Child) -> float:
        return min(self.max_delay, 2.0 ** max(0, child.failures_in_row - 1))

    def tick(self, now: float) -> None:
        for child in self.children:
            code = child.poll()
            if code is None and child.process is not None:
                continue
            if child.restart_at is None:
                ran = now - child.started
                child.failures_in_row = 1 if ran >= STABLE_AFTER else child.failures_in_row + 1
                child.history.append(code)
                child.restart_at = now + self._delay(child)
                log.warning("%s exited with status %s after %.1f s; restarting in %.0f s",
                            child.name, code, ran, child.restart_at - now)
            elif now >= child.restart_at:
                child.restarts += 1
                child.start()

    def stop_all(self) -> None:
        for child in self.children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(c.poll() is None for c in self.children if c.process):
            time.sleep(0.05)
        for child in self.children:
            if child.process is not None and child.poll() is None:
                log.warning("%s did not stop within %.0f s: killed", child.name, self.grace)
                child.signal(signal.SIGKILL)
                child.process.wait()

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.request_stop)
        try:
            for child in self.children:
                child.start()
            while not self.stopping:
                self.tick(time.monotonic())
                time.sleep(0.1)
        finally:
            self.stop_all()
        log.info("all processes stopped")
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m marketplace.supervisor", description=__doc__.split("\n")[0])
    parser.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL")
    parser.add_argument("--max-delay", type=float, default=RESTART_MAX_DELAY, help="longest restart delay")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="supervisor: %(message)s", stream=sys.stderr)
    return Supervisor(parse(args.commands), grace=args.grace, max_delay=args.max_delay).run()


if __name__ == "__main__":
    raise SystemExit(main())
