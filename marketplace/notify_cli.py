"""``flask --app marketplace notify …``: the dispatcher and the development mail catcher.

    notify follow    send the outbox as it fills, run the scheduled jobs; until SIGTERM / Ctrl+C
    notify send      send everything that is due now, then exit
    notify catcher   the development SMTP server (refused in production)
"""
from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from catalogue.db import is_sqlite

notify_cli = AppGroup("notify", help="Varsler: utsending av e-post og e-postfangeren for utvikling.")


@contextmanager
def _single_dispatcher_on_sqlite():
    """SQLite has no row locks: allow one dispatcher per database file (PostgreSQL: any number)."""
    engine = current_app.extensions["db_engine"]
    if not is_sqlite(engine):
        yield
        return
    path = Path(current_app.instance_path) / "notify-dispatcher.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise click.ClickException("En annen utsender kjører allerede mot denne SQLite-databasen. "
                                       "Only one dispatcher may run per SQLite database.") from None
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def _dispatcher():
    from marketplace.mailer import dispatcher

    try:
        return dispatcher(current_app._get_current_object())
    except (RuntimeError, ValueError) as error:
        raise click.ClickException(str(error)) from None


@notify_cli.command("follow")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.01, 60),
              help="Sekunder mellom hver titt i utboksen når det er stille.")
def follow_command(interval: float) -> None:
    """Send the outbox as it fills and run the scheduled jobs, until stopped (SIGTERM or Ctrl+C)."""
    from catalogue.background import Heartbeat, StopFlag, run_loop
    from catalogue.notifications import schedule

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    schedule.load_jobs()
    from catalogue.notifications import jobs

    jobs.SEARCH_INDEX_DIR = current_app.config["INDEX_DIR"]  # saved searches run against this host's index
    stop = StopFlag.install()
    with _single_dispatcher_on_sqlite():
        dispatcher = _dispatcher()
        click.echo(f"Sender varsler via {dispatcher.transport.settings.host}:{dispatcher.transport.settings.port}.")
        try:
            run_loop("notify", lambda: dispatcher.step() > 0, stop=stop, idle_interval=interval,
                     heartbeat=Heartbeat(current_app.config.get("HEARTBEAT_DIR"), "notify"),
                     details=lambda: {"sent": dispatcher.sent})
        finally:
            dispatcher.transport.close()
    click.echo(f"Utsendingen er stoppet ({dispatcher.sent} e-poster sendt).")


@notify_cli.command("send")
def send_command() -> None:
    """Send everything that is due now, then exit."""
    with _single_dispatcher_on_sqlite():
        dispatcher = _dispatcher()
        try:
            handled = dispatcher.drain()
        finally:
            dispatcher.transport.close()
    click.echo(f"{handled} varsler behandlet, {dispatcher.sent} e-poster sendt.")


@notify_cli.command("catcher")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Standard: MAIL_CATCHER_PORT.")
def catcher_command(port: int | None) -> None:
    """The development mail catcher: a local SMTP server keeping every mail in MAIL_DIR."""
    from catalogue.background import StopFlag
    from marketplace.mailcatcher import Catcher

    if current_app.config["PRODUCTION"]:
        raise click.ClickException("E-postfangeren er bare for utvikling (MARKETPLACE_ENV=production).")
    port = port or current_app.config["MAIL_CATCHER_PORT"]
    stop = StopFlag.install()
    catcher = Catcher(port=port, directory=Path(current_app.config["MAIL_DIR"])).start()
    click.echo(f"E-postfangeren tar imot på 127.0.0.1:{port} og lagrer i {current_app.config['MAIL_DIR']}.")
    try:
        while not stop.wait(3600):
            pass
    finally:
        catcher.stop()
