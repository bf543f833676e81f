"""htmx through Flask-HTMX: one template per page; htmx requests get only the named block.

The view decides: ``render_page("search.html", "results", **ctx)`` returns the whole page
for a normal request and just the ``results`` block (``jinja2-fragments``) when htmx asks
(``HX-Request``), so every URL also works as a full page (bookmarks, Back, JavaScript off).
htmx restoring a page that fell out of its history cache (``HX-History-Restore-Request``)
gets the whole page. Response headers (``HX-Push-Url``, ``HX-Trigger``, ``HX-Retarget``) go
through ``hx_response`` (Flask-HTMX's ``make_response``).
"""
from __future__ import annotations

from flask import render_template
from flask_htmx import HTMX
from flask_htmx import make_response as hx_response  # noqa: F401  (re-exported for the views)
from jinja2_fragments.flask import render_block

htmx = HTMX()


def is_htmx() -> bool:
    return bool(htmx)


def wants_fragment() -> bool:
    """An htmx request for part of a page (not a history restore, which needs the whole page)."""
    return bool(htmx) and not htmx.history_restore_request


def render_page(template: str, block: str | None = None, **context) -> str:
    """Render *template*; for an htmx request render only *block*."""
    if block and wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def add_vary(response):
    """Responses differ by ``HX-Request``: tell caches so (after_request hook)."""
    response.vary.add("HX-Request")
    return response
