"""Small text helpers shared by the domain: input hygiene and slugs. (Messages are gettext texts:
``catalogue.i18n``.)"""
from __future__ import annotations

import re
import unicodedata

from babel.support import LazyProxy

from catalogue.i18n import _l


# A tag-like construct: "<" followed by a letter, "/" or "!" (so "a < b" stays allowed).
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|javascript:|&#", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_markup(text: str) -> LazyProxy | None:
    """Return an error when *text* holds HTML, script or control characters.

    Listings are plain text: we refuse markup rather than silently strip it, so the
    supplier sees exactly what will be published.
    """
    if _CONTROL.search(text):
        return _l("Teksten inneholder ugyldige kontrolltegn.")
    if _MARKUP.search(text):
        return _l("Teksten kan ikke inneholde HTML eller skript (for eksempel «<script>»).")
    return None


def slugify(text: str, max_length: int = 80) -> str:
    """A URL slug that keeps the Norwegian letters readable (æ → ae, ø → o, å → a)."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_length].strip("-") or "uten-navn"
