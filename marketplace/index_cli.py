"""``flask --app marketplace index …``: build, follow and inspect the search index.

``rebuild``  build a fresh index from the database in a new directory and swap it in
``follow``   apply the change log as it grows (the indexer process; ``make run`` starts it)
``catchup``  apply the change log until it is drained, then exit
``status``   the index's position in the log, its size and whether it needs a rebuild
"""
from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from catalogue.search.indexer import REBUILD_LIMITMB, Indexer, StaleIndex, count_documents, rebuild, status
from catalogue.search.store import IndexBusy, IndexLocation, IndexMissing

index_cli = AppGroup("index", help="Søkeindeksen: bygg, følg endringsloggen, status.")


def _engine():
    return current_app.extensions["db_engine"]


def _location() -> IndexLocation:
    return IndexLocation(current_app.config["INDEX_DIR"])


def _rebuild(procs: int, limitmb: int) -> None:
    engine, location = _engine(), _location()
    total = count_documents(engine)
    started = time.perf_counter()
    with click.progressbar(length=max(total, 1), label="Bygger søkeindeksen", show_pos=True,
                           show_eta=True) as bar:
        count, path = rebuild(engine, location, progress=bar.update, procs=procs, limitmb=limitmb)
    click.echo(f"Søkeindeksen er bygget på nytt: {count} dokumenter på {time.perf_counter() - started:.1f} s "
               f"({path.name}).")


@index_cli.command("rebuild")
@click.option("--procs", default=None, type=click.IntRange(1, 16),
              help="Prosesser som analyserer tekst (standard: antall kjerner, høyst 2).")
@click.option("--limitmb", default=REBUILD_LIMITMB, show_default=True, type=click.IntRange(16, 2048),
              help="Minne per skriveprosess før den skriver til disk.")
def rebuild_command(procs: int | None, limitmb: int) -> None:
    """Build a fresh index from the database and swap it in atomically."""
    _rebuild(procs or min(2, os.cpu_count() or 1), limitmb)


@index_cli.command("follow")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--interval", default=0.3, show_default=True, type=click.FloatRange(0.01, 60),
              help="Sekunder mellom hver titt i endringsloggen når det er stille.")
@click.option("--gap-grace", default=30.0, show_default=True, type=click.FloatRange(0, 3600),
              help="Sekunder et hull i sekvensnumrene får før det regnes som en rullet tilbake transaksjon.")
@click.option("--build/--no-build", default=True, show_default=True,
              help="Bygg indeksen først hvis den mangler eller er utdatert.")
def follow_command(batch_size: int, interval: float, gap_grace: float, build: bool) -> None:
    """Apply the change log to the index as it grows, until stopped (SIGTERM or Ctrl+C)."""
    from catalogue.background import Heartbeat, StopFlag

    location = _location()
    stop = StopFlag.install()  # SIGTERM (supervisor, systemd) or Ctrl+C: finish the batch, then stop
    heartbeat = Heartbeat(current_app.config.get("HEARTBEAT_DIR"), "index")
    try:
        with location.writer_lock():
            indexer = Indexer(_engine(), location, batch_size=batch_size, gap_grace=gap_grace)
            try:
                indexer.open()
            except (IndexMissing, StaleIndex) as exc:
                if not build:
                    raise click.ClickException(f"Søkeindeksen kan ikke brukes ({exc}). Kjør «index rebuild».")
                _rebuild(min(2, os.cpu_count() or 1), 128)
                indexer.open()
            click.echo(f"Følger endringsloggen fra nr. {indexer.state.position.high} ({location.link}).")
            indexer.follow(stop, poll_interval=interval, heartbeat=heartbeat,
                           on_batch=lambda b: click.echo(
                               f"Indeksert: {b.rows} endringer, {b.upserts} oppdatert, {b.deletes} fjernet "
                               f"(til nr. {b.position.high}).", err=True))
    except IndexBusy as exc:
        raise click.ClickException(f"En annen indekseringsprosess kjører allerede ({exc}).")
    click.echo("Indekseringen er stoppet.")


@index_cli.command("catchup")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
def catchup_command(batch_size: int) -> None:
    """Apply the change log until it is drained, then exit."""
    location = _location()
    try:
        with location.writer_lock():
            indexer = Indexer(_engine(), location, batch_size=batch_size)
            try:
                applied = indexer.catch_up()
            except IndexMissing:
                raise click.ClickException("Søkeindeksen finnes ikke. Kjør «index rebuild» først.")
            except StaleIndex as exc:
                raise click.ClickException(f"Søkeindeksen er utdatert ({exc}). Kjør «index rebuild».")
    except IndexBusy as exc:
        raise click.ClickException(f"En annen indekseringsprosess kjører allerede ({exc}).")
    click.echo(f"Søkeindeksen er à jour: {applied} endringer lagt inn, til nr. {indexer.state.position.high}.")


@index_cli.command("status")
def status_command() -> None:
    """Show the index's position in the change log against the database."""
    info = status(_engine(), _location())
    if info["index"] is None:
        click.echo(f"Ingen søkeindeks ennå. Endringsloggen er på nr. {info['log_max']}; "
                   f"{info['published']} dokumenter venter.")
        raise SystemExit(1)
    click.echo(f"Indeks: {info['index']} (generasjon {info['generation']}, {info['segments']} segmenter)")
    click.echo(f"Dokumenter i indeksen: {info['documents']} (publisert i databasen: {info['published']})")
    click.echo(f"Posisjon i endringsloggen: {info['high']} (vannmerke {info['watermark']}, "
               f"{info['gaps']} hull); databasen er på nr. {info['log_max']} – {info['behind']} bak")
    if not info["fingerprint_ok"]:
        click.echo("Indeksen er bygget med et annet skjema eller en annen analyse: kjør «index rebuild».")
