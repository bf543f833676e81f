"""Percentiles and timing helpers shared by the benchmarks."""
from __future__ import annotations

import math
import time
from contextlib import contextmanager
from typing import Iterator, Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The *p*-th percentile (0–100) with linear interpolation between ranks; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float], digits: int = 2) -> dict[str, float]:
    """p50/p95/p99/max/n of *values* (already in the unit wanted), rounded."""
    if not values:
        return {"n": 0}
    return {"p50": round(percentile(values, 50), digits), "p95": round(percentile(values, 95), digits),
            "p99": round(percentile(values, 99), digits), "max": round(max(values), digits), "n": len(values)}


class Stopwatch:
    """Wall time of a block in milliseconds (``with Stopwatch() as sw: …; sw.ms``)."""

    def __enter__(self) -> "Stopwatch":
        self._start = time.perf_counter()
        self.ms = math.nan
        return self

    def __exit__(self, *exc) -> None:
        self.ms = (time.perf_counter() - self._start) * 1000.0


@contextmanager
def phase(name: str, log: dict[str, float]) -> Iterator[None]:
    """Record how long a phase of the run took (for the note's method section) and say so."""
    print(f"bench: {name} …", flush=True)
    start = time.perf_counter()
    try:
        yield
    finally:
        log[name] = round(time.perf_counter() - start, 1)
        print(f"bench: {name}: {log[name]} s", flush=True)
