"""Fault injection for tests and the fault benchmark: a TCP proxy that can be cut.

The machine's PostgreSQL and Redis are shared with other work and are never stopped; a
process under test reaches them through ``CuttableProxy`` instead, and the test cuts the
proxy: open connections are reset and new ones are closed at once, exactly what a client
sees while the server restarts.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

from sqlalchemy.engine import make_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to *target*; ``cut()`` severs everything until ``restore()``."""

    def __init__(self, target_host: str, target_port: int, port: int = 0):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # -- control -------------------------------------------------------------
    def cut(self) -> None:
        with self._lock:
            self._cut = True
            sockets, self._open = self._open, set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self.listener)

    def url_for(self, database_url: str) -> str:
        """*database_url* (or a redis:// URL) pointed at this proxy."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    # -- forwarding ----------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                refused = self._cut
            if refused:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open |= {client, upstream}
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with self._lock:
                    self._open.discard(sock)
                _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class DatabaseOutage:
    """A database the test can take away and give back, on either backend.

    PostgreSQL: the app connects through a ``CuttableProxy``. SQLite: the database lives in a
    directory of its own, which ``down()`` renames (as a volume that went away: every new
    connection fails with "unable to open database file").
    """

    def __init__(self, url: str):
        self.url = url
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            self.proxy = None
            self.directory = Path(parsed.database).parent
            self.app_url = url
        else:
            self.proxy = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            self.app_url = self.proxy.url_for(url)

    def down(self, *engines) -> None:
        if self.proxy is not None:
            self.proxy.cut()
        else:
            self.directory.rename(self.directory.with_name(self.directory.name + "-away"))
        for engine in engines:
            engine.dispose()  # pooled connections would otherwise outlive the outage on SQLite

    def up(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
        else:
            self.directory.with_name(self.directory.name + "-away").rename(self.directory)

    def close(self) -> None:
        away = None if self.proxy is not None else self.directory.with_name(self.directory.name + "-away")
        if away is not None and away.exists():
            self.up()
        if self.proxy is not None:
            self.proxy.close()
