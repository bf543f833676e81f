"""Retention of login data (finding F8): what is kept about a login, and for how long.

- A login that has run past its limits (30 minutes idle, 120 minutes in all) is **ended and its
  sealed id_token wiped** by the next sweep, whether or not the browser ever comes back.
- An ended login's row (who, when, which organisation) is **deleted** ``retention`` after it
  ended (``LOGIN_SESSION_RETENTION_DAYS``, 30 days by default); the audit events of the login
  and logout stay with the audit trail.
- The built-in test provider's codes lose their identity number when redeemed and are
  deleted when they expire (60 seconds); its own sessions after a day.

``sweep`` runs these in one transaction; ``flask retention run`` (and the ``retention``
background process of ``make run`` / the systemd timer) calls it with the documents' sweep.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, or_
from sqlmodel import Session, select

from auth.login import IDLE_LIMIT, MAX_LIFETIME, end
from catalogue.audit import Actor
from catalogue.models import LoginSession, utcnow


@dataclass
class LoginSweep:
    ended: int = 0      # logins past their limits, ended now (token wiped)
    wiped: int = 0      # ended logins that still held a token (ended before this rule)
    deleted: int = 0    # ended logins past the retention period, deleted
    codes: int = 0      # test provider codes deleted


def sweep(db: Session, *, retention: timedelta, now: Optional[datetime] = None,
          test_provider: bool = False) -> LoginSweep:
    now = now or utcnow()
    result = LoginSweep()
    actor = Actor.system("retention")
    overdue = db.exec(select(LoginSession).where(
        LoginSession.ended_at.is_(None),
        or_(LoginSession.created_at < now - MAX_LIFETIME,
            # Idle: last seen (or, never seen, created) longer ago than the idle limit.
            LoginSession.last_seen_at < now - IDLE_LIMIT,
            (LoginSession.last_seen_at.is_(None)) & (LoginSession.created_at < now - IDLE_LIMIT)))).all()
    for login in overdue:
        end(db, login, actor, reason="timeout", now=now)
        result.ended += 1
    still_sealed = db.exec(select(LoginSession).where(LoginSession.ended_at.is_not(None),
                                                      LoginSession.id_token != "")).all()  # an empty token, not a password # nosec B105
    for login in still_sealed:
        login.id_token = ""  # wiping the stored token # nosec B105
        db.add(login)
        result.wiped += 1
    db.flush()
    done = db.execute(delete(LoginSession).where(LoginSession.ended_at < now - retention))
    result.deleted = done.rowcount or 0
    if test_provider:
        from auth.testid.models import ProviderSession
        from auth.testid.server import sweep_codes

        result.codes = sweep_codes(db, now)
        db.execute(delete(ProviderSession).where(ProviderSession.created_at < now - timedelta(days=1)))
    return result
