"""htmx through Flask-HTMX: one template per page; htmx requests get only the named block.

The view decides: ``render_page("search.html", "results", **ctx)`` returns the whole page
for a normal request and just the ``results`` block (``jinja2-fragments``) when htmx asks
(``HX-Request``), so every URL also works as a full page (bookmarks, Back, JavaScript off).
htmx restoring a page that fell out of its history cache (``HX-History-Restore-Request``)
gets the whole page. Response headers (``HX-Push-Url``, ``HX-Trigger``, ``HX-Retarget``) go
through ``hx_response`` (Flask-HTMX's ``make_response``); ``hx_page`` is ``render_page`` with
them, telling the client what to do after the swap:

* ``push_url`` – the address of what is shown (``HX-Push-Url``);
* ``focus`` – a CSS selector to focus once the swap has settled (``HX-Trigger: mps-focus``);
* ``announce`` – ``(live region id, message)`` to read out (``HX-Trigger: mps-announce``);
* ``retarget``/``reswap`` – where the fragment goes instead (``HX-Retarget``, ``HX-Reswap``), e.g. a
  failed form section with its error summary.

``static/js/app.js`` handles the two events. A normal request gets the page and none of these.
"""
from __future__ import annotations

from flask import make_response, render_template
from flask_htmx import HTMX
from flask_htmx import make_response as hx_response  # noqa: F401  (re-exported for the views)
from jinja2_fragments.flask import render_block

htmx = HTMX()

FOCUS_EVENT = "mps-focus"        # detail: {"selector": CSS selector} (htmx reads a "target" key itself)
ANNOUNCE_EVENT = "mps-announce"  # detail: {"region": id of a live region, "message": text}


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


def hx_page(template: str, block: str | None = None, *, status: int = 200, push_url: str | None = None,
            focus: str | None = None, announce: tuple[str, str] | None = None, retarget: str | None = None,
            reswap: str | None = None, **context):
    """``render_page`` as a response; for an htmx fragment, what to do after the swap in htmx's headers."""
    body = render_page(template, block, **context)
    if not wants_fragment():
        return make_response(body, status)
    trigger = {}
    if focus:
        trigger[FOCUS_EVENT] = {"selector": focus}
    if announce:
        trigger[ANNOUNCE_EVENT] = {"region": announce[0], "message": str(announce[1])}
    return hx_response(body, status, push_url=push_url or None, trigger=trigger or None, retarget=retarget,
                       reswap=reswap)
