"""Signed links in e-mails: address verification (single use, 48 hours) and one-click unsubscribe.

A link carries a row id and a random nonce, signed with the server secret (``itsdangerous``,
which Flask already depends on) and time-stamped. Signature and age are checked first; the
database row then makes it single-use (``used_at`` / ``unsubscribed_at``). A forged, expired or
reused link raises :class:`LinkRefused` with the reason, and nothing is changed.
"""
from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from catalogue.lifecycle import N_, DomainError

VERIFY_MAX_AGE = 48 * 3600           # a verification link works for 48 hours
UNSUBSCRIBE_MAX_AGE = 90 * 24 * 3600  # an unsubscribe link for 90 days

FORGED = N_("Lenken er ugyldig. Den kan være kopiert feil eller endret.")
EXPIRED = N_("Lenken er utløpt.")
USED = N_("Lenken er allerede brukt.")
STALE = N_("Lenken gjelder en adresse som er endret etterpå.")


class LinkRefused(DomainError):
    http_status = 400


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"markedsplassen {purpose}")


def make(secret: str, purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(secret, purpose).dumps(payload)


def read(secret: str, purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        payload = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkRefused(EXPIRED) from None
    except BadSignature:
        raise LinkRefused(FORGED) from None
    if not isinstance(payload, dict):
        raise LinkRefused(FORGED)
    return payload
