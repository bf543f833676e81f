"""Command-line interface: ``flask --app marketplace <group> <command>``."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from catalogue.db import session_scope

db_cli = AppGroup("db", help="Databasen: migreringer.")
seed_cli = AppGroup("seed", help="Demodata og syntetiske data.")


def _engine():
    return current_app.extensions["db_engine"]


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to *revision* (default: the newest)."""
    from marketplace.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Databasen er migrert til {revision}.")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Load the demo catalogue (idempotent: running it again changes nothing)."""
    from seed.demo import load_demo
    from seed.documents import attach_demo_documents

    started = time.perf_counter()
    with session_scope(_engine()) as session:
        counts = load_demo(session)
        counts["documents"] = attach_demo_documents(session, current_app.config["UPLOAD_DIR"])
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    click.echo(f"Demodata lastet på {time.perf_counter() - started:.1f} s ({summary}).")


@seed_cli.command("synthetic")
@click.option("--services", "count", default=50000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--suppliers", default=None, type=click.IntRange(1, 100_000),
              help="Antall leverandører (standard: én per 25 tjenester).")
@click.option("--seed", "rng_seed", default=2026, show_default=True, help="Frø for tilfeldighetene (deterministisk).")
def seed_synthetic(count: int, suppliers: int | None, rng_seed: int) -> None:
    """Generate a large, deterministic, realistic catalogue for benchmarks."""
    from seed.synthetic import generate

    started = time.perf_counter()
    with click.progressbar(length=count, label="Genererer tjenester", show_pos=True, show_eta=True) as bar:
        made = generate(_engine(), services=count, suppliers=suppliers, seed=rng_seed, progress=bar.update)
    click.echo(f"{made['services']} tjenester og {made['suppliers']} leverandører generert på "
               f"{time.perf_counter() - started:.1f} s.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_cli)
    from seed.articles import articles_command

    seed_cli.add_command(articles_command)  # flask seed articles
    from marketplace.index_cli import index_cli

    app.cli.add_command(index_cli)  # flask index rebuild|follow|catchup|status
    from marketplace.notify_cli import notify_cli

    app.cli.add_command(notify_cli)  # flask notify follow|send|catcher
    from marketplace.retention import retention_cli

    app.cli.add_command(retention_cli)  # flask retention run|follow
    from marketplace.backup import backup_cli

    app.cli.add_command(backup_cli)  # flask backup create|restore
    from marketplace.registercli import register_cli

    app.cli.add_command(register_cli)  # flask register follow|catchup|status
