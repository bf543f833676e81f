"""A thin htmx helper: one template per page; htmx requests get only the named block.

The view decides: ``render_page("search.html", "results", **ctx)`` returns the whole page
for a normal request and just the ``results`` block when htmx asks (``HX-Request``), so
every URL also works as a full page (bookmarks, Back, JavaScript off).
"""
from __future__ import annotations

from flask import render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_boosted() -> bool:
    return request.headers.get("HX-Boosted") == "true"


def render_page(template: str, block: str | None = None, **context) -> str:
    """Render *template*; for a (non-boosted) htmx request render only *block*."""
    if block and is_htmx() and not is_boosted():
        return render_block(template, block, **context)
    return render_template(template, **context)


def add_vary(response):
    """Responses differ by ``HX-Request``: tell caches so (after_request hook)."""
    response.vary.add("HX-Request")
    return response
