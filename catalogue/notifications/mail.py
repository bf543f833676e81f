"""Building e-mails safely and sending them over SMTP (the standard library's ``smtplib``).

Why ``smtplib``: the dispatcher is a synchronous loop that sends one message per database
transaction over one long-lived connection; ``smtplib`` does exactly that (STARTTLS, implicit
TLS, AUTH, SMTPUTF8), ships with Python and is maintained with it, so it adds no dependency
and no event loop. An async client (``aiosmtplib``) would only pay off for many concurrent
connections, which one dispatcher per host does not need.

Header safety: every header value is built with ``email.message.EmailMessage`` and the
``email.headerregistry`` types under the SMTP policy – non-ASCII names and subjects are
RFC 2047-encoded, and CR/LF (or any other line break) in a name or subject is folded to a space
*before* it reaches a header, so no value can add a header of its own.

``SMTP_URL``: ``smtp://user:password@host:587?starttls=1`` (STARTTLS), ``smtps://…:465``
(implicit TLS), ``smtp://127.0.0.1:2525`` (the development mail catcher). User and password
are URL-encoded.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from datetime import datetime
from typing import Optional
from urllib.parse import parse_qs, unquote, urlsplit

from catalogue.i18n import pick


class MailServerUnavailable(ConnectionError):
    """The SMTP server cannot be reached or dropped the connection: an outage, not the message's fault."""


class TemporaryFailure(Exception):
    """The server refused this message for now (4xx): try it again later."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx), or it cannot be built: do not retry."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str, timeout: float = 30.0) -> "SmtpSettings":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:port?starttls=1 or smtps://host:465")
        query = parse_qs(parts.query)
        flag = (query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes", "on")
        implicit = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit else 25),
                   username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   starttls=flag and not implicit, implicit_tls=implicit, timeout=timeout)


def one_line(value: object, limit: int = 250) -> str:
    """*value* as a single header-safe line: every run of whitespace (CR, LF, tab …) becomes one space."""
    return " ".join(str(value or "").split())[:limit]


def build_message(*, sender_name: str, sender_email: str, to_email: str, to_name: str, subject: str,
                  text: str, html: str, message_id: str, sent_at: datetime, lang: str,
                  unsubscribe_url: Optional[str] = None) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(display_name=one_line(sender_name), addr_spec=sender_email)
    msg["To"] = Address(display_name=one_line(to_name), addr_spec=to_email)
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = message_id
    msg["Content-Language"] = pick("nb", "en", lang)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to these
    if unsubscribe_url:
        # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


class SmtpTransport:
    """One SMTP connection, opened on first use and reused; reopened after a failure."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._conn: Optional[smtplib.SMTP] = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.implicit_tls:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.starttls:
                    conn.starttls(context=ssl.create_default_context())
            if s.username:
                conn.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as error:
            raise MailServerUnavailable(f"SMTP authentication failed: {error.smtp_code}") from error
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnavailable(f"SMTP server {s.host}:{s.port} unavailable: {error}") from error
        return conn

    def send(self, msg: EmailMessage) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            refused = self._conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            self._reset()
            raise _by_code(min(codes) if codes else 550, f"recipient refused: {error.recipients}") from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            self._reset()
            raise _by_code(error.smtp_code, f"{error.smtp_code} {error.smtp_error!r}") from error
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentFailure(str(error)) from error
        except (OSError, smtplib.SMTPException) as error:  # disconnected, reset, timed out
            self.close()
            raise MailServerUnavailable(f"SMTP connection lost: {error}") from error
        if refused:
            raise _by_code(min(code for code, _ in refused.values()), f"recipient refused: {refused}")

    def _reset(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                try:
                    self._conn.close()
                except OSError:
                    pass
            self._conn = None


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if code >= 500 else TemporaryFailure(text)
