"""Web helpers for domain refusals: a ``DomainError`` (or several) as text in the reader's language.

Shared by the views that call life-cycle objects; the domain raises bokmål msgids (``N_``)
or bilingual ``Msg`` texts, and the page shows them in the reader's language.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext

from catalogue.lifecycle import DomainError
from marketplace.templating import current_lang


def error_text(exc: DomainError) -> str:
    """A domain refusal in the reader's language."""
    msg = getattr(exc, "msg", None)
    if msg is not None:
        return msg.text(current_lang())
    return gettext(exc.message, **exc.params) if exc.params else gettext(exc.message)


def field_errors(exc: DomainError) -> dict[str, str]:
    """``{field id: text}`` for the error summary: every field of an ``InvalidInput``, or the one refusal."""
    found = getattr(exc, "errors", None) or {exc.field or "feil": exc}
    return {field: error_text(error) for field, error in found.items()}


def format_nok(value: Any) -> str:
    """«250 000 kr» (no-break spaces between thousands)."""
    if value is None:
        return ""
    return f"{int(value):,} kr".replace(",", "\u00a0")
