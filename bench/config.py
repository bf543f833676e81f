"""What one benchmark run measures, and where: ``BENCH_*`` environment variables over defaults.

Only a run over the full corpus (``FULL_SERVICES``) writes the committed ``docs/BENCHMARKS.md``
and ``bench/results.json``; a smaller dry run (``BENCH_SERVICES=2000``) writes its note and
figures to the git-ignored ``bench/out/``, so a quick debugging run never overwrites a recorded one.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from marketplace.config import PROJECT_ROOT

FULL_SERVICES = 50_000
BENCH_SECRET = "bench-only-secret-not-for-production-0123456789"


def _int(env: dict, key: str, default: int) -> int:
    value = env.get(key, "").strip()
    return int(value) if value else default


@dataclass
class BenchConfig:
    services: int = FULL_SERVICES
    # The server's maintenance database: the scratch database is created and dropped from it.
    admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    db_name: str = "mp_bench"
    seed: int = 2026
    queries: int = 200            # measured search requests
    warmup: int = 100             # other requests first, so caches are warm but not for these words
    load_seconds: int = 60
    load_connections: int = 32
    publish_samples: int = 50
    two_host_samples: int = 20
    burst: int = 1000
    compare_samples: int = 100
    export_samples: int = 60      # per format (CSV, ODS)
    workers: int = 2
    profile: str = "missed"       # py-spy profiles: "missed" targets only, "always" or "never"
    keep: bool = False            # keep the scratch database and work directory afterwards
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="markedsplassen-bench-")))
    out_dir: Path | None = None   # None: the committed places (full run) or bench/out/ (dry run)

    @property
    def is_full(self) -> bool:
        return self.services >= FULL_SERVICES

    @property
    def results_path(self) -> Path:
        if self.out_dir is not None:
            return self.out_dir / "results.json"
        return PROJECT_ROOT / "bench" / ("results.json" if self.is_full else "out/results.json")

    @property
    def doc_path(self) -> Path:
        if self.out_dir is not None:
            return self.out_dir / "BENCHMARKS.md"
        return PROJECT_ROOT / ("docs/BENCHMARKS.md" if self.is_full else "bench/out/BENCHMARKS.md")

    @property
    def database_url(self) -> str:
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{self.db_name}"

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "BenchConfig":
        env = dict(os.environ if environ is None else environ)
        cfg = cls(
            services=_int(env, "BENCH_SERVICES", FULL_SERVICES),
            admin_url=env.get("BENCH_ADMIN_URL") or cls.admin_url,
            db_name=env.get("BENCH_DB_NAME") or cls.db_name,
            load_seconds=_int(env, "BENCH_LOAD_SECONDS", 60),
            publish_samples=_int(env, "BENCH_PUBLISH_SAMPLES", 50),
            burst=_int(env, "BENCH_BURST", 1000),
            profile=env.get("BENCH_PROFILE", "missed"),
            keep=env.get("BENCH_KEEP", "") not in ("", "0", "no"),
        )
        if env.get("BENCH_WORKDIR"):
            cfg.workdir = Path(env["BENCH_WORKDIR"]).absolute()
            cfg.workdir.mkdir(parents=True, exist_ok=True)
        if env.get("BENCH_OUT_DIR"):
            cfg.out_dir = Path(env["BENCH_OUT_DIR"]).absolute()
        if cfg.profile not in ("missed", "always", "never"):
            raise SystemExit("BENCH_PROFILE must be missed, always or never")
        return cfg
