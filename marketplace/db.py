"""The request-scoped database session of the web app."""
from __future__ import annotations

from flask import current_app, g
from sqlmodel import Session


def get_session() -> Session:
    """The session for this request, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if _exc is not None:
            session.rollback()
        session.close()


def discard_session() -> None:
    """Drop this request's session after its connection failed (a later use opens a new one)."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except Exception:  # the connection is already gone; closing is best effort # nosec B110
            pass
