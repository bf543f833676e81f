"""Web helpers shared by every blueprint: domain messages in the request's language, and lookups.

Views import what they need from here, never from another blueprint.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from flask import abort, make_response
from flask_babel import gettext

from catalogue import browse
from catalogue.lifecycle import DomainError
from catalogue.listing import PublicStatus, public_status
from catalogue.text import Msg
from marketplace.db import get_session
from marketplace.templating import current_lang


def message_text(message: Any, params: Mapping[str, Any] | None = None) -> str:
    """A domain message in the language of the request: a bilingual ``Msg`` or a gettext message id."""
    if isinstance(message, Msg):
        return message.text(current_lang())
    return gettext(message, **(params or {}))


def domain_message(error: DomainError) -> str:
    """The one clear message of a refusal from the domain."""
    return message_text(error.message, error.params)


def texts(errors: Mapping[str, Any]) -> dict[str, str]:
    """Field messages (field id → message) in the language of the request, for the templates."""
    return {key: message_text(message) for key, message in errors.items()}


def public_service_or_abort(service_id: int, *, gone: Callable[..., Any], missing: Callable[[], Any]):
    """``(service, supplier, category, parent)`` of a live service.

    A removed service answers what ``gone(service, supplier, category, parent)`` returns (410);
    one that does not exist or was never published what ``missing()`` returns (404).
    """
    found = browse.service_with_context(get_session(), service_id)
    status = public_status(found[0]) if found is not None else PublicStatus.UNKNOWN
    if status == PublicStatus.GONE:
        _answer(gone(*found))
    if status != PublicStatus.LIVE:
        _answer(missing())
    return found


def _answer(result: Any) -> None:
    """Stop the view with *result*: a status code (the error page) or a response."""
    abort(result if isinstance(result, int) else make_response(result))
