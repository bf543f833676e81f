"""The scratch database: created fresh each run, migrated, filled with demo and synthetic data.

The catalogue is made by the project's own commands (``flask seed demo``, ``flask seed
synthetic --services N``) in subprocesses, exactly as an operator would, and timed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

import psycopg
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bench.config import BENCH_SECRET, BenchConfig
from bench.procs import FLASK, Processes
from catalogue.models import Service, ServiceStatus


def app_env(cfg: BenchConfig, *, index_dir, instance, port: int | None = None) -> dict[str, str]:
    """The environment of an app process (web, indexer or command) of this run."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": cfg.database_url,
        "INDEX_DIR": str(index_dir),
        "MARKETPLACE_INSTANCE": str(instance),
        "SECRET_KEY": BENCH_SECRET,
        "MARKETPLACE_ENV": "development",  # the built-in identity provider is needed to log a buyer in
        "PYTHONUNBUFFERED": "1",
    })
    if port is not None:
        base = f"http://127.0.0.1:{port}"
        env.update({"PORT": str(port), "PUBLIC_BASE_URL": base})
    return env


def _admin(cfg: BenchConfig) -> psycopg.Connection:
    return psycopg.connect(cfg.admin_url, autocommit=True)


def create_database(cfg: BenchConfig) -> None:
    """Drop and create the scratch database (``mp_bench``): every run starts from nothing."""
    with _admin(cfg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{cfg.db_name}"')


def drop_database(cfg: BenchConfig) -> None:
    with _admin(cfg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg.db_name}" WITH (FORCE)')


def server_version(cfg: BenchConfig) -> str:
    with _admin(cfg) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def fill(cfg: BenchConfig, procs: Processes, env: dict[str, str]) -> dict[str, float]:
    """Migrate, load the demo catalogue and generate the synthetic services; seconds per step."""
    from marketplace.migrate import upgrade

    times = {}
    upgrade(cfg.database_url)
    times["demo_s"] = round(procs.run("seed-demo", FLASK + ["seed", "demo"], env, timeout=600), 1)
    times["synthetic_s"] = round(procs.run(
        "seed-synthetic", FLASK + ["seed", "synthetic", "--services", str(cfg.services), "--seed", str(cfg.seed)],
        env, timeout=1800), 1)
    return times


@dataclass(frozen=True)
class Text:
    """A published service's searchable text, as the FTS5 comparison and the workload read it."""

    id: int
    name: str
    summary: str
    description: str
    features: str


def published_texts(engine: Engine, batch: int = 2000) -> Iterator[Text]:
    """Every published service's name, summary, description and features, in id order."""
    last = 0
    with Session(engine) as session:
        while True:
            rows = session.exec(
                select(Service.id, Service.name, Service.summary, Service.description, Service.features)
                .where(Service.status == ServiceStatus.PUBLISHED, Service.id > last).order_by(Service.id).limit(batch)).all()
            if not rows:
                return
            for sid, name, summary, description, features in rows:
                yield Text(sid, name or "", summary or "", description or "",
                           "\n".join(str(f) for f in (features or [])))
            last = rows[-1][0]


def published_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return list(session.exec(select(Service.id).where(Service.status == ServiceStatus.PUBLISHED).order_by(Service.id)))
