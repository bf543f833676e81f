"""Scheduled notification jobs of issue 12 (registered with ``@scheduled``).

``saved_searches``: once a day (the key holds the Oslo date), every saved – not frozen – search
is run again against the search index; when it finds services published in the last 24 hours,
its owner is told (kind ``search.new_services``, daily digest by default). The dispatcher
points ``SEARCH_INDEX_DIR`` at the index it shares with the web server; without an index the
job does nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from catalogue.models import Service
from catalogue.notifications.outbox import notify
from catalogue.notifications.schedule import scheduled

OSLO = ZoneInfo("Europe/Oslo")
SEARCH_INDEX_DIR: Optional[str] = None
MAX_PAGES = 10  # at most 1 000 hits per saved search are compared
_indexes: dict = {}


def _search_index():
    if SEARCH_INDEX_DIR is None:
        return None
    from catalogue.search.reader import SearchIndex

    index = _indexes.get(SEARCH_INDEX_DIR) or _indexes.setdefault(SEARCH_INDEX_DIR, SearchIndex(SEARCH_INDEX_DIR))
    return index if index.available() else None


def matching(index, pairs: list[tuple[str, str]], wanted: set[int]) -> list[int]:
    """The services among *wanted* that the saved query finds."""
    from catalogue.search.query import MAX_PER_PAGE, SearchRequest, search

    args: dict[str, list[str]] = {}
    for key, value in pairs:
        args.setdefault(key, []).append(value)
    found: list[int] = []
    for page in range(1, MAX_PAGES + 1):
        request = SearchRequest.from_args({**args, "side": [str(page)]}, per_page=MAX_PER_PAGE)
        result = search(index, request)
        found += [hit.service_id for hit in result.hits if hit.service_id in wanted]
        if page >= result.pages:
            break
    return found


@scheduled("saved_searches")
def saved_searches(session: Session, now: datetime) -> None:
    from catalogue.shortlists import Shortlist, ShortlistStatus

    index = _search_index()
    if index is None:
        return
    day = now.astimezone(OSLO).date()
    # Published (a new version) in the last 24 hours and not removed since.
    recent = {sid: name for sid, name in session.exec(select(Service.id, Service.name).where(
        Service.published_at >= now - timedelta(days=1), Service.removed_at.is_(None)))}
    if not recent:
        return
    for shortlist in session.exec(select(Shortlist).where(Shortlist.status == ShortlistStatus.SAVED)):
        key = f"shortlist:{shortlist.id}:new:{day.isoformat()}"
        hits = matching(index, shortlist.pairs, set(recent))
        if hits:
            notify(session, "search.new_services", users=[shortlist.user_id],
                   context={"search": shortlist.name, "services": [recent[sid] for sid in hits]},
                   url="/tjenester?" + urlencode(shortlist.pairs), key=key)
