"""Small text helpers shared by the domain: bilingual messages and input hygiene."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from catalogue.i18n import current_lang


@dataclass(frozen=True)
class Msg:
    """A user-facing message in bokmål and English. ``str()`` gives bokmål, the default."""

    nb: str
    en: str

    def text(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb

    def __str__(self) -> str:  # in the language shown now, like a lazy gettext text (issue 11: Msg is going)
        return self.text(current_lang())


# A tag-like construct: "<" followed by a letter, "/" or "!" (so "a < b" stays allowed).
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|javascript:|&#", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_markup(text: str) -> Msg | None:
    """Return an error when *text* holds HTML, script or control characters.

    Listings are plain text: we refuse markup rather than silently strip it, so the
    supplier sees exactly what will be published.
    """
    if _CONTROL.search(text):
        return Msg("Teksten inneholder ugyldige kontrolltegn.", "The text contains invalid control characters.")
    if _MARKUP.search(text):
        return Msg("Teksten kan ikke inneholde HTML eller skript (for eksempel «<script>»).",
                   "The text cannot contain HTML or script (e.g. “<script>”).")
    return None


def slugify(text: str, max_length: int = 80) -> str:
    """A URL slug that keeps the Norwegian letters readable (æ → ae, ø → o, å → a)."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_length].strip("-") or "uten-navn"
