"""The development mail catcher: a real SMTP server (aiosmtpd) that keeps every mail it receives.

``flask --app marketplace notify catcher`` (started by ``make run``) listens on
127.0.0.1:``MAIL_CATCHER_PORT`` and writes each message as an ``.eml`` file to ``MAIL_DIR``
(``instance/mail``); the development-only page ``/utvikling/e-post`` lists them. Tests start
the same server in their own process (``Catcher``) and read what arrived from memory.
It never relays anything anywhere.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Optional

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO; one line per mail is not worth that much logging.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps every message (raw bytes and envelope) in memory and, optionally, on disk."""

    def __init__(self, directory: Optional[Path] = None):
        self.directory = Path(directory) if directory else None
        self.received: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.refuse_with: Optional[str] = None  # tests: answer every DATA with this (e.g. "451 try later")

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse_with:
            return self.refuse_with
        content = envelope.original_content or envelope.content
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), content))
            number = len(self.received)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns()}-{number:06d}.eml"
            tmp = self.directory / f".{name}.tmp"
            tmp.write_bytes(content)
            tmp.replace(self.directory / name)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [parse(raw) for _, raw in self.received]


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


class Catcher:
    """A running SMTP server on 127.0.0.1 (``with Catcher() as smtp: smtp.url``)."""

    def __init__(self, port: Optional[int] = None, directory: Optional[Path] = None):
        self.mailbox = Mailbox(directory)
        self.port = port or free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "Catcher":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> "Catcher":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass(frozen=True)
class StoredMail:
    name: str
    message: EmailMessage

    def header(self, name: str) -> str:
        return str(self.message.get(name, "") or "").strip()

    @property
    def subject(self) -> str:
        return self.header("Subject")

    @property
    def to(self) -> str:
        return self.header("To")

    @property
    def date(self) -> str:
        return self.header("Date")

    @property
    def message_id(self) -> str:
        return self.header("Message-ID")

    @property
    def unsubscribe(self) -> str:
        return self.header("List-Unsubscribe")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


def stored(directory: Path, limit: int = 200) -> list[StoredMail]:
    """The newest *limit* mails the catcher wrote to *directory*, newest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit]
    return [StoredMail(f.name, parse(f.read_bytes())) for f in files]
