"""Sealed tenders: the content and the files are encrypted at rest until the opening.

The key is derived from the application's secret (or a separate ``TENDER_SEAL_KEY``) with
HKDF, so the database and the upload directory alone never give the content away. Only
``unseal`` reads a sealed tender, and only ``lifecycle.CompetitionLife.open`` calls it for
another party's tender – after the deadline, with the opening written to the audit log.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"markedsplassen tender sealing v1"


class SealBroken(RuntimeError):
    """The sealed content cannot be read with this key (wrong key or tampered data)."""


def fernet(secret: str) -> Fernet:
    if not secret:
        raise ValueError("a sealing secret is required")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, content: Mapping[str, Any]) -> tuple[str, str]:
    """``(token, fingerprint)``: the encrypted content and the SHA-256 of the token (the receipt)."""
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    token = fernet(secret).encrypt(data).decode("ascii")
    return token, hashlib.sha256(token.encode("ascii")).hexdigest()


def unseal(secret: str, token: str) -> dict[str, Any]:
    if not token:
        return {}
    try:
        return json.loads(fernet(secret).decrypt(token.encode("ascii")))
    except InvalidToken as err:
        raise SealBroken("the sealed tender cannot be decrypted") from err


def _path(upload_dir: str | os.PathLike, key: str) -> Path:
    if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError("invalid storage key")
    return Path(upload_dir) / "sealed" / key[:2] / key


def store_file(secret: str, upload_dir: str | os.PathLike, data: bytes) -> str:
    """Encrypt and keep an uploaded file; returns its storage key."""
    key = secrets.token_hex(16)
    target = _path(upload_dir, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(fernet(secret).encrypt(data))
    os.replace(partial, target)
    return key


def read_file(secret: str, upload_dir: str | os.PathLike, key: str) -> bytes:
    try:
        return fernet(secret).decrypt(_path(upload_dir, key).read_bytes())
    except InvalidToken as err:
        raise SealBroken("the sealed file cannot be decrypted") from err
