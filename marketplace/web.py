"""Web helpers shared by every blueprint (views import these, never another blueprint).

Domain messages in the request's language (``domain_message``, ``texts``, ``say``), the 404/410
lookup of a public service, the try-commit-or-conflict step (``commit_or_conflict``), documents
and versions pages shared by the supplier and the contract manager, and the search index handle.
The CSRF field of every form is the ``csrf()`` macro in ``templates/macros/forms.html``.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from flask import abort, current_app, flash, make_response, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from auth.guards import current_viewer
from catalogue import browse
from catalogue import diff as diffs
from catalogue.lifecycle import DomainError
from catalogue.listing import PublicStatus, public_status
from catalogue.models import ArchivedService, Document, Service
from catalogue.search.reader import SearchIndex
from marketplace.db import get_session
from marketplace.extensions import limiter
from marketplace.templating import current_lang

SEARCH_INDEX = "search_index"  # app.extensions key of this process's read-only index handle


def message_text(message: Any, params: Mapping[str, Any] | None = None) -> str:
    """A domain message in the language of the request: a gettext message id, or a lazy text (``_l``)."""
    if isinstance(message, str):
        return gettext(message, **(params or {}))
    return str(message)


def domain_message(error: DomainError) -> str:
    """The one clear message of a refusal from the domain, in the reader's language."""
    msg = getattr(error, "msg", None)  # a bilingual text some refusals carry beside their msgid
    if msg is not None:
        return message_text(msg)
    return message_text(error.message, error.params)


def field_errors(error: DomainError) -> dict[str, str]:
    """``{field id: text}`` for the error summary: every field of an ``InvalidInput``, or the one refusal."""
    found = getattr(error, "errors", None) or {error.field or "feil": error}
    return {field: domain_message(e) if isinstance(e, DomainError) else message_text(e) for field, e in found.items()}


def format_nok(value: Any) -> str:
    """«250 000 kr» (no-break spaces between thousands)."""
    if value is None:
        return ""
    return f"{int(value):,} kr".replace(",", "\u00a0")


def texts(errors: Mapping[str, Any]) -> dict[str, str]:
    """Field messages (field id → message) in the language of the request, for the templates."""
    return {key: message_text(message) for key, message in errors.items()}


def commit_or_conflict(session: Any, on_conflict: Callable[[], Any]) -> Any:
    """Commit; when the database refuses it (another request took the same key first), roll back and
    return ``on_conflict()`` – the view answers that (409) – else ``None``."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return on_conflict()
    return None


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


# ---------------------------------------------------------------------------
# messages, documents, versions and the search index, for every blueprint


def say(message: Any, category: str = "success") -> None:
    """Flash a message (gettext, or a lazy domain text) in the language of the request."""
    flash(str(message), category)


def documents_of(content: Mapping[str, Any]) -> dict[str, Document]:
    session = get_session()
    out = {}
    for kind, doc_id in (content.get("documents") or {}).items():
        doc = session.get(Document, doc_id) if doc_id else None
        if doc is not None:
            out[kind] = doc
    return out


def render_versions(template: str, svc: Service):
    """The versions page (shared with the contract manager's view of the same service)."""
    session = get_session()
    snapshots = session.exec(select(ArchivedService).where(ArchivedService.service_id == svc.id)
                             .order_by(ArchivedService.version.desc())).all()
    chosen = request.args.get("versjon", type=int)
    by_version = {s.version: s for s in snapshots}
    changes = None
    if chosen is not None:
        if chosen not in by_version or chosen - 1 not in by_version:
            abort(404)
        changes = diffs.diff(by_version[chosen - 1].content, by_version[chosen].content,
                             name_of=diffs.names_from(session, current_lang()), lang=current_lang())
    return render_template(template, service=svc, snapshots=snapshots, chosen=chosen, changes=changes)


def search_index() -> SearchIndex:
    """This process's read-only handle on the index (opened on first use, reused after)."""
    handle = current_app.extensions.get(SEARCH_INDEX)
    if handle is None:
        handle = current_app.extensions[SEARCH_INDEX] = SearchIndex(current_app.config["INDEX_DIR"])
    return handle


def current_search_index() -> SearchIndex | None:
    """The index to search, or ``None`` while no index has been built yet."""
    handle = search_index()
    return handle if handle.available() else None


def _per_person() -> str:
    # Counted per logged-in person, not per IP: a whole municipality may share one address.
    viewer = current_viewer()
    return f"user:{viewer.user_id}" if viewer.is_authenticated else (request.remote_addr or "")


def post_limit(key: str, default: str):
    """Rate-limit POSTs to a view (registrations, uploads); the limit is read from the config per request."""
    return limiter.limit(lambda: current_app.config.get(key, default), methods=["POST"], key_func=_per_person)
