"""``flask --app marketplace retention run|follow``: delete what is no longer needed, on a schedule.

The periods (stated in the privacy statement; docs/OPERATIONS.md lists them) come from the
configuration:

``LOGIN_SESSION_RETENTION_DAYS`` (30)  an ended login's row is deleted this long after it ended;
                                       its token is wiped the moment it ends or expires
``UPLOAD_ORPHAN_GRACE_HOURS`` (24)     an uploaded file no document refers to (a refused form,
                                       a deleted draft, a failed write) is removed after this
kept uploads (1 hour)                  a file kept from a refused form so it need not be chosen
                                       again (catalogue.pending_uploads.KEEP_FOR), then deleted
test provider codes                    identity wiped when redeemed, deleted at expiry (60 s)

``follow`` repeats the sweep every ``RETENTION_INTERVAL_SECONDS`` (300) as a supervised
background process (catalogue.background: survives database outages, heartbeat ``retention``).
"""
from __future__ import annotations

import logging
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from catalogue.db import session_scope

log = logging.getLogger("marketplace.retention")

retention_cli = AppGroup("retention", help="Sletting etter oppbevaringstidene (innlogginger, opplastinger).")


def run_once() -> dict:
    from auth import retention
    from catalogue.documents import remove_orphans
    from catalogue.pending_uploads import remove_expired

    cfg = current_app.config
    with session_scope(current_app.extensions["db_engine"]) as session:
        logins = retention.sweep(session, retention=timedelta(days=cfg["LOGIN_SESSION_RETENTION_DAYS"]),
                                 test_provider=bool(cfg.get("TEST_IDP_ENABLED")))
        files = remove_orphans(session, cfg["UPLOAD_DIR"], grace_seconds=cfg["UPLOAD_ORPHAN_GRACE_HOURS"] * 3600)
        files += remove_expired(session, cfg["UPLOAD_DIR"])
    done = {"logins_ended": logins.ended, "tokens_wiped": logins.wiped, "logins_deleted": logins.deleted,
            "codes_deleted": logins.codes, "files_removed": files}
    if any(done.values()):
        log.info("retention sweep: %s", ", ".join(f"{k}={v}" for k, v in done.items()))
    return done


@retention_cli.command("run")
def run_command() -> None:
    """Sweep once: end expired logins, delete old ones, expired codes and orphaned uploads."""
    done = run_once()
    click.echo("Oppbevaring: " + ", ".join(f"{k}={v}" for k, v in done.items()))


@retention_cli.command("follow")
@click.option("--every", default=None, type=click.FloatRange(1, 86400),
              help="Sekunder mellom hver runde (standard: RETENTION_INTERVAL_SECONDS).")
def follow_command(every: float | None) -> None:
    """Sweep on a schedule until stopped (SIGTERM or Ctrl+C)."""
    from catalogue.background import Heartbeat, StopFlag, run_loop

    interval = every or current_app.config["RETENTION_INTERVAL_SECONDS"]
    stop = StopFlag.install()
    heartbeat = Heartbeat(current_app.config.get("HEARTBEAT_DIR"), "retention", min_interval=0)

    def step() -> bool:
        run_once()
        return False  # then wait for the next round

    run_loop("retention", step, stop=stop, idle_interval=interval, heartbeat=heartbeat, logger=log)
    click.echo("Oppbevaringsjobben er stoppet.")
