"""The register's update feed (``GET {base}/enhetsregisteret/api/oppdateringer/enheter``).

Brønnøysundregistrene publishes every change to Enhetsregisteret as an update with a
sequential ``oppdateringsid``, a time (``dato``), the organisation number and an
``endringstype`` (Ny, Endring, Sletting, Fjernet, Ukjent), in HAL pages::

    {"_embedded": {"oppdaterteEnheter": [{"oppdateringsid": 1, "dato": "…Z",
        "organisasjonsnummer": "…", "endringstype": "Endring",
        "_links": {"enhet": {"href": "…/enheter/…"}}}, …]},
     "_links": {…}, "page": {"size": 100, "totalElements": 3, "totalPages": 1, "number": 0}}

Asked with ``oppdateringsid=N`` it lists the updates from and including N (ascending), so a
follower that remembers the last id it applied asks for ``last + 1``; without a position it
starts from a time (``dato``). The entity after the change is read from
``/enhetsregisteret/api/enheter/{orgnr}`` (410 Gone once deleted).

Offline (no ``BRREG_BASE_URL``) the same pages come from a recorded fixture file whose path the
configuration gives (``BRREG_UPDATES_FIXTURE``): ``{"oppdateringer": [update + "enhet": the
entity after the change]}``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Protocol

import requests

from catalogue.enhetsregisteret import TIMEOUT_SECONDS, RegistryUnavailable, json_object

FEED_PATH = "/enhetsregisteret/api/oppdateringer/enheter"
ENTITY_PATH = "/enhetsregisteret/api/enheter/"
PAGE_SIZE = 100
DELETIONS = frozenset({"Sletting", "Fjernet"})


@dataclass(frozen=True)
class Update:
    """One published change to an entity in Enhetsregisteret."""

    update_id: int
    published_at: datetime
    orgnr: str
    change_type: str  # Ny / Endring / Sletting / Fjernet / Ukjent
    entity_url: str = ""


@dataclass(frozen=True)
class EntityState:
    """The entity after an update: its JSON, or ``deleted`` when the register answers 410 Gone."""

    data: dict[str, Any]
    deleted: bool = False


class Feed(Protocol):
    def page(self, *, after_id: Optional[int], since: datetime, size: int = PAGE_SIZE) -> list[Update]: ...
    def entity(self, update: Update) -> EntityState | None: ...


def parse_time(raw: Any) -> datetime:
    text = str(raw or "").strip()
    if not text:
        raise ValueError("missing dato")
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_page(body: Any) -> list[Update]:
    """The updates of one HAL page (an empty page has no ``_embedded``)."""
    if not isinstance(body, dict):
        raise ValueError("the page is not a JSON object")
    rows = (body.get("_embedded") or {}).get("oppdaterteEnheter") or []
    updates = []
    for row in rows:
        link = ((row.get("_links") or {}).get("enhet") or {}).get("href", "")
        updates.append(Update(int(row["oppdateringsid"]), parse_time(row.get("dato")),
                              str(row.get("organisasjonsnummer", "")), str(row.get("endringstype", "Ukjent")),
                              str(link)))
    return sorted(updates, key=lambda u: u.update_id)


def _query(after_id: Optional[int], since: datetime, size: int) -> dict[str, str]:
    query = {"size": str(size), "page": "0"}
    if after_id is not None:
        query["oppdateringsid"] = str(after_id + 1)
    else:
        query["dato"] = since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return query


class HttpFeed:
    """The register over HTTP (``BRREG_BASE_URL``, e.g. https://data.brreg.no)."""

    def __init__(self, base_url: str, http: Optional[requests.Session] = None, timeout: float = TIMEOUT_SECONDS):
        self.base_url = base_url.rstrip("/")
        self.http = http or requests.Session()
        self.timeout = timeout

    def _get(self, url: str, params: dict | None = None) -> requests.Response:
        try:
            return self.http.get(url, params=params, headers={"Accept": "application/json"}, timeout=self.timeout)
        except requests.RequestException as error:
            raise RegistryUnavailable() from error

    def page(self, *, after_id: Optional[int], since: datetime, size: int = PAGE_SIZE) -> list[Update]:
        response = self._get(self.base_url + FEED_PATH, _query(after_id, since, size))
        if response.status_code != 200:
            raise RegistryUnavailable()
        try:
            return parse_page(response.json())
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryUnavailable() from error

    def entity(self, update: Update) -> EntityState | None:
        response = self._get(f"{self.base_url}{ENTITY_PATH}{update.orgnr}")
        if response.status_code == 410:
            return EntityState({}, deleted=True)
        if response.status_code in (400, 404):
            return None
        data = json_object(response)
        return EntityState(data, deleted=bool(data.get("slettedato")))


class FixtureFeed:
    """Recorded updates from a JSON file: the offline default for development and the demo."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _rows(self) -> list[dict[str, Any]]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return list(json.load(handle).get("oppdateringer") or [])
        except (OSError, ValueError) as error:
            raise RegistryUnavailable() from error

    def page(self, *, after_id: Optional[int], since: datetime, size: int = PAGE_SIZE) -> list[Update]:
        rows = [r for r in self._rows()
                if (int(r["oppdateringsid"]) > after_id if after_id is not None else parse_time(r["dato"]) >= since)]
        return parse_page({"_embedded": {"oppdaterteEnheter": rows}})[:size]

    def entity(self, update: Update) -> EntityState | None:
        for row in self._rows():
            if int(row["oppdateringsid"]) == update.update_id:
                data = row.get("enhet")
                if update.change_type in DELETIONS or (data or {}).get("slettedato"):
                    return EntityState(data or {}, deleted=True)
                return EntityState(data) if isinstance(data, dict) else None
        return None


def make_feed(base_url: str, fixture: str) -> Feed:
    """The HTTP feed when *base_url* is set, otherwise the recorded fixture."""
    return HttpFeed(base_url) if base_url else FixtureFeed(fixture)
