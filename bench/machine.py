"""The machine and software a run measured on (for the note: figures mean nothing without it)."""
from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata

from marketplace.config import PROJECT_ROOT


def _run(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, cwd=PROJECT_ROOT)
        return (done.stdout or done.stderr).rstrip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe(postgres_version: str) -> dict:
    dirty = bool(_run(["git", "status", "--porcelain", "--untracked-files=no"]))
    return {
        "nproc": int(_run(["nproc"]) or os.cpu_count() or 0),
        "cpu_model": cpu_model(),
        "free_h": _run(["free", "-h"]),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "sqlite": __import__("sqlite3").sqlite_version,
        "whoosh": _version("whoosh-reloaded"),
        "gunicorn": _version("gunicorn"),
        "flask": _version("flask"),
        "wrk": (_run(["wrk", "--version"]) or "not installed").splitlines()[0].split(" Copyright")[0],
        "commit": _run(["git", "rev-parse", "--short", "HEAD"]) + (" (with uncommitted changes)" if dirty else ""),
    }
