"""Test helpers for the register follower: a local Brønnøysund server, the follower as a process, a TCP proxy.

``RecordedRegister`` serves recorded update pages (``/enhetsregisteret/api/oppdateringer/enheter``
with ``oppdateringsid``/``dato`` paging, as data.brreg.no does) and each entity's current state
(``/enhetsregisteret/api/enheter/{orgnr}``, 410 Gone once deleted). ``FollowerProcess`` runs
``flask --app marketplace register follow`` against it. ``TcpProxy`` stands between the follower
and PostgreSQL so a test can cut the database off and bring it back (the shared server is never
stopped).
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
FEED = "/enhetsregisteret/api/oppdateringer/enheter"
ENTITY = "/enhetsregisteret/api/enheter/"


def entity(orgnr: str, name: str, *, address: str = "Storgata 1", postal_code: str = "0155", city: str = "Oslo",
           employees: int = 12, **flags: Any) -> dict[str, Any]:
    data = {"organisasjonsnummer": orgnr, "navn": name,
            "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
            "forretningsadresse": {"adresse": [address], "postnummer": postal_code, "poststed": city,
                                   "land": "Norge", "landkode": "NO"},
            "antallAnsatte": employees, "konkurs": False, "underAvvikling": False,
            "underTvangsavviklingEllerTvangsopplosning": False}
    data.update(flags)
    return data


class RecordedRegister:
    """A local stand-in for data.brreg.no serving recorded updates (thread-safe; add more while it runs)."""

    def __init__(self, first_id: int = 25_000_000):
        self.updates: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any] | None] = {}  # None: deleted (410)
        self.next_id = first_id
        self.entity_delay = 0.0
        self.lock = threading.Lock()
        self.requests: list[str] = []
        register = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                with register.lock:
                    register.requests.append(self.path)
                if url.path == FEED:
                    self._json(200, register.page(parse_qs(url.query)))
                elif url.path.startswith(ENTITY):
                    if register.entity_delay:
                        time.sleep(register.entity_delay)
                    orgnr = url.path[len(ENTITY):]
                    with register.lock:
                        known, data = orgnr in register.entities, register.entities.get(orgnr)
                    if not known:
                        self._json(404, {"feilmelding": "Ingen enhet med organisasjonsnummer " + orgnr})
                    elif data is None:
                        self._json(410, {"organisasjonsnummer": orgnr, "slettedato": "2026-11-20"})
                    else:
                        self._json(200, data)
                else:
                    self._json(404, {})

            def _json(self, status: int, body: Any) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "RecordedRegister":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def publish(self, orgnr: str, change_type: str, state: dict[str, Any] | None = None) -> int:
        """Record an update (and the entity's state after it); returns its oppdateringsid."""
        with self.lock:
            update_id = self.next_id
            self.next_id += 1 + (update_id % 3)  # ids are sequential but not dense
            when = datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc) + timedelta(seconds=len(self.updates))
            self.updates.append({"oppdateringsid": update_id, "dato": when.isoformat().replace("+00:00", "Z"),
                                 "organisasjonsnummer": orgnr, "endringstype": change_type,
                                 "_links": {"enhet": {"href": f"{self.base_url}{ENTITY}{orgnr}"}}})
            if change_type == "Sletting":
                self.entities[orgnr] = None
            elif state is not None:
                self.entities[orgnr] = state
            return update_id

    def page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        size = int(query.get("size", ["20"])[0])
        with self.lock:
            rows = list(self.updates)
        if "oppdateringsid" in query:
            start = int(query["oppdateringsid"][0])
            rows = [r for r in rows if r["oppdateringsid"] >= start]
        elif "dato" in query:
            since = datetime.fromisoformat(query["dato"][0].replace("Z", "+00:00"))
            rows = [r for r in rows if datetime.fromisoformat(r["dato"].replace("Z", "+00:00")) >= since]
        chosen = rows[:size]
        body: dict[str, Any] = {"_links": {"self": {"href": FEED}},
                                "page": {"size": size, "totalElements": len(rows),
                                         "totalPages": -(-len(rows) // size) if size else 0, "number": 0}}
        if chosen:
            body["_embedded"] = {"oppdaterteEnheter": chosen}
        return body


class FollowerProcess:
    """``flask --app marketplace register follow`` as a separate process, its output in *log*."""

    def __init__(self, database_url: str, instance: Path, base_url: str, log: Path, *, page_size: int = 5):
        self.database_url, self.instance, self.base_url, self.log = database_url, instance, base_url, log
        self.page_size = page_size
        self.proc: subprocess.Popen | None = None

    def start(self) -> "FollowerProcess":
        env = dict(os.environ)
        env.update({"DATABASE_URL": self.database_url, "MARKETPLACE_INSTANCE": str(self.instance),
                    "SECRET_KEY": "test-secret-key", "RATELIMIT_ENABLED": "0", "PYTHONUNBUFFERED": "1",
                    "BRREG_BASE_URL": self.base_url, "HEARTBEAT_DIR": str(self.instance / "heartbeats")})
        self.out = open(self.log, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "marketplace", "register", "follow", "--since", "2026-01-01",
             "--page-size", str(self.page_size), "--interval", "0.1", "--max-backoff", "0.5"],
            cwd=ROOT, env=env, stdout=self.out, stderr=subprocess.STDOUT)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.out.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(20)
        self.out.close()
        return code

    def output(self) -> str:
        return self.log.read_text()


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30, follower: FollowerProcess | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if follower is not None and not follower.alive():
            raise AssertionError(f"the follower died while waiting for {what}:\n{follower.output()}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{follower.output()}" if follower else ""))


class TcpProxy:
    """Forwards 127.0.0.1:<port> to *target*; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.running = True

    def __enter__(self) -> "TcpProxy":
        self.restore()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.cut()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for a, b in pairs:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _accept(self, listener: socket.socket) -> None:
        while self.running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass
