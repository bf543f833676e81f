"""Log lines without personal data or secrets, one line per event, with the request id.

``configure(fmt)`` sets up the root logger of a process (the web app and every background
process call it): JSON lines in production (``LOG_FORMAT=json``, one object per line for
the log shipper), readable lines in development (``text``). Every line passes ``scrub``:

- national identity numbers (11 digits) → ``<fnr>``; e-mail addresses → ``<e-post>``;
- tokens: JWTs (``eyJ…``), sealed tokens (Fernet ``gAAAA…``), ``Bearer …`` and the values of
  secret-bearing parameters (``code=``, ``state=``, ``id_token_hint=``, ``password=`` …) → ``<skjult>``;
- control characters (newline, carriage return, tab, escape …) are written as ``\\n``, ``\\x1b``,
  so no input can forge a line of its own (finding F4).

The request id: the web app sets ``request_id`` (from nginx's ``X-Request-ID`` or a new one)
for each request; rows a request writes for the background processes carry it, and a
background process sets it while it works on such a row, so its lines name the request
that caused them (``with request_context(rid): …``).

Plain Python: no Flask here.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_SECRET_PARAMS = ("code", "state", "nonce", "id_token_hint", "id_token", "access_token", "refresh_token", "token",
                  "client_secret", "code_verifier", "password", "passord", "session", "sid", "csrf_token", "pid",
                  "fnr", "ssn", "logout_hint", "login_hint")
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "<skjult>"),  # JWT
    (re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}"), "<skjult>"),                                 # Fernet
    (re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer <skjult>"),
    (re.compile(r"(?i)(?<![A-Za-z0-9_])(" + "|".join(_SECRET_PARAMS) + r")(=|%3D|\"?\s*:\s*\"?)([^&\s\"',;}]+)"),
     r"\1\2<skjult>"),
    (re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "<e-post>"),
    (re.compile(r"(?<!\d)\d{6} ?\d{5}(?!\d)"), "<fnr>"),  # fødselsnummer / d-nummer, with or without a gap
]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100
                                                           else f"\\u{ord(char):04x}")


def scrub(text: str) -> str:
    """*text* with identity numbers, e-mail addresses and tokens masked, control characters escaped."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _CONTROL.sub(_escape, text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class TextFormatter(logging.Formatter):
    """``2026-12-05 15:40:01 WARNING marketplace [rid] message`` – one line, scrubbed."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", "")
        record.rid = f" [{rid}]" if rid else ""
        record.message = scrub(record.getMessage())  # one line, whatever the input held
        record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        if record.exc_info:
            # The traceback stays readable: on indented lines of its own, each scrubbed.
            line += "".join("\n  " + scrub(part) for part in self.formatException(record.exc_info).split("\n"))
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, process, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname, "logger": record.name, "message": scrub(record.getMessage()),
            "process": record.processName if record.processName != "MainProcess" else record.process,
        }
        rid = getattr(record, "request_id", "")
        if rid:
            entry["request_id"] = rid
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


_HANDLER_MARK = "_marketplace_handler"


def make_handler(fmt: str = "text", stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure(fmt: str = "text", level: str | int = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Install the one scrubbing handler on the root logger (again: replaces the previous one)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = make_handler(fmt, stream)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


@contextmanager
def request_context(rid: str | None) -> Iterator[None]:
    """Log lines inside name *rid* as their request id (a background process at work on a request's row)."""
    token = request_id.set(rid or "")
    try:
        yield
    finally:
        request_id.reset(token)
