"""Domain texts as the pages show them: bokmål and English, through the web layer's translations."""
from __future__ import annotations

from typing import Any


def in_both_languages(app: Any, message: Any) -> tuple[str, str]:
    """``(bokmål, English)`` of a domain text (``catalogue.i18n._l``), rendered as a page in each language."""
    out = []
    for lang in ("nb", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            out.append(str(message))
    return out[0], out[1]
