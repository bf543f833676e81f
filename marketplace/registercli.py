"""``flask --app marketplace register …``: follow Brønnøysundregistrene's update feed.

``follow``   apply the register's updates as they are published, until stopped (``make run`` starts it)
``catchup``  apply the updates until the feed has nothing newer, then exit
``status``   the follower's position and the open alerts

The feed is the register over HTTP when ``BRREG_BASE_URL`` is set, otherwise the recorded
fixture named by ``BRREG_UPDATES_FIXTURE`` (the offline default).
"""
from __future__ import annotations

import logging
import sys
import time
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, func, select

from catalogue.enhetsregisteret import RegistryUnavailable

register_cli = AppGroup("register", help="Enhetsregisteret: følg oppdateringene for leverandørene.")


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("Skriv datoen som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTHH:MM.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _follower(page_size: int, since: str | None, verbose: bool = True):
    from catalogue.registerwatch.feed import make_feed
    from catalogue.registerwatch.follower import Follower

    def report(update, applied: bool) -> None:
        if applied:
            click.echo(f"Oppdatering {update.update_id}: {update.change_type} for {update.orgnr} er lagt inn.",
                       err=True)

    config = current_app.config
    feed = make_feed(config["BRREG_BASE_URL"], config["BRREG_UPDATES_FIXTURE"])
    start = _since(since)
    if start is None and not config["BRREG_BASE_URL"]:
        start = datetime(1970, 1, 1, tzinfo=timezone.utc)  # the recorded pages: all of them
    return Follower(current_app.extensions["db_engine"], feed, since=start, page_size=page_size,
                    on_update=report if verbose else None)


def _transient(exc: BaseException) -> bool:
    from catalogue.background import is_transient

    return isinstance(exc, RegistryUnavailable) or is_transient(exc)


PAGE = click.option("--page-size", default=100, show_default=True, type=click.IntRange(1, 10_000))
SINCE = click.option("--since", default=None,
                     help="Uten lagret posisjon: les oppdateringer fra dette tidspunktet (standard: i dag 00:00 UTC).")


@register_cli.command("follow")
@PAGE
@SINCE
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(0.01, 3600),
              help="Sekunder mellom hver titt i registeret når det ikke er noe nytt.")
@click.option("--max-backoff", default=60.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Lengste pause mellom nye forsøk når databasen eller registeret ikke svarer.")
def follow_command(page_size: int, since: str | None, interval: float, max_backoff: float) -> None:
    """Apply the register's updates as they are published, until stopped (SIGTERM or Ctrl+C)."""
    from catalogue.background import Backoff, Heartbeat, StopFlag, run_loop

    logging.basicConfig(level=logging.INFO, format="register: %(message)s", stream=sys.stderr)
    follower = _follower(page_size, since)
    stop = StopFlag.install()
    click.echo("Følger Enhetsregisterets oppdateringer.")
    asked = {"at": float("-inf")}

    def step() -> bool:
        # The register is asked at most every *interval* seconds when it has nothing new; the loop
        # itself wakes more often so its heartbeat stays fresh for the readiness check.
        if time.monotonic() - asked["at"] < interval:
            return False
        read = follower.step().read
        asked["at"] = float("-inf") if read else time.monotonic()
        return read > 0

    run_loop("register", step, stop=stop, idle_interval=min(interval, 5.0),
             heartbeat=Heartbeat(current_app.config.get("HEARTBEAT_DIR"), "register"),
             backoff=Backoff(initial=min(0.5, max_backoff), maximum=max_backoff), transient=_transient)
    click.echo("Registerfølgeren er stoppet.")


@register_cli.command("catchup")
@PAGE
@SINCE
def catchup_command(page_size: int, since: str | None) -> None:
    """Apply the register's updates until there is nothing newer, then exit."""
    try:
        applied = _follower(page_size, since).catch_up()
    except RegistryUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Enhetsregisteret er fulgt opp: {applied} oppdateringer gjaldt registrerte leverandører.")


@register_cli.command("status")
def status_command() -> None:
    """The follower's position in the feed and the alerts awaiting a decision."""
    from catalogue.registerwatch.models import AlertStatus, RegisterAlert, RegisterUpdate
    from catalogue.registerwatch.follower import position

    with Session(current_app.extensions["db_engine"]) as session:
        at = position(session)
        applied = session.exec(select(func.count()).select_from(RegisterUpdate)).one()
        open_alerts = session.exec(select(func.count()).select_from(RegisterAlert)
                                   .where(RegisterAlert.status == AlertStatus.OPEN)).one()
    click.echo(f"Posisjon i oppdateringene: {at if at is not None else 'ingen ennå'}; "
               f"{applied} oppdateringer gjaldt leverandører; {open_alerts} åpne registervarsler.")
