"""The test provider's signing key: RS256, generated on first use and kept under ``instance/``.

The file is created atomically (written aside, then hard-linked into place, which fails if
another process got there first), so several processes starting at once agree on one key.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from pathlib import Path

from joserfc.jwk import RSAKey

FILENAME = "testid-jwks.json"

# Importing an RSA private key validates it (~80 ms); the same file content gives the same key.
_loaded: dict[str, RSAKey] = {}
_lock = threading.Lock()


def load_or_create(instance_path: str | Path) -> RSAKey:
    path = Path(instance_path) / FILENAME
    if not path.exists():
        _create(path)
    text = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _lock:
        if digest not in _loaded:
            _loaded[digest] = RSAKey.import_key(json.loads(text)["keys"][0])
        return _loaded[digest]


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    kid = f"testid-{secrets.token_hex(8)}"
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"keys": [key.as_dict(private=True)]}, handle)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made the key first: use theirs
    finally:
        aside.unlink(missing_ok=True)


def public_jwks(key: RSAKey) -> dict:
    return {"keys": [key.as_dict(private=False)]}
