"""The search page ``/tjenester``: words, facets, sorting and paging, live with htmx.

The URL holds the whole state of a search (``SearchRequest.to_args``), so every search can be
bookmarked, shared and restored with Back. Without JavaScript it is a plain GET form; with
htmx the form updates the results region as the visitor types or ticks filters, and only
that region is rendered (``render_page``), with of the filter panel beside it only what changed
(``FacetPanel``'s fingerprints, sent back by static/js/search.js). The search itself is
``catalogue.search.query``.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, current_app, request, url_for
from flask_babel import ngettext

from auth.guards import public
from catalogue.search.panel import FacetPanel, facet_panel
from catalogue.search.query import (MAX_QUERY_CHARS, MAX_QUERY_WORDS, SORT_TERMS, SORTS, SearchRequest, search_articles,
                                     search_as_page, warm_up)
from catalogue.search.store import IndexMissing
from marketplace.extensions import limiter
from marketplace.htmx import htmx, hx_page, wants_fragment
from marketplace.templating import current_lang
from marketplace.web import current_search_index, search_index

bp = Blueprint("search", __name__)

# The filter panel's fingerprints, sent back by static/js/search.js with every live search.
SHAPE_HEADER, COUNTS_HEADER = "MPS-Facet-Shape", "MPS-Facet-Counts"


def panel_part(panel: FacetPanel | None) -> str:
    """What a live search's fragment carries of the filter panel, from the fingerprints the page
    sent: ``""`` nothing (unchanged), ``"counts"`` only the numbers, ``"whole"`` the panel."""
    if panel is None:
        return "whole"
    if request.headers.get(COUNTS_HEADER) == panel.counts:
        return ""
    if request.headers.get(SHAPE_HEADER) == panel.shape:
        return "counts"
    return "whole"


def warm_search(app) -> bool:
    """Open and warm this process's index and serve the search page and its fragment once (the
    templates compiled, a database connection in the pool). ``False`` when there is no index yet."""
    with app.app_context():
        warmed = warm_up(search_index())
    if warmed:
        client = app.test_client()
        for headers in ({}, {"HX-Request": "true"}):
            client.get("/tjenester?q=tjeneste", headers=headers, environ_base={"REMOTE_ADDR": "warm-up"})
    return warmed


def start_warm_up(app) -> None:
    """Each web process opens and warms the index in the background as it starts (gunicorn's
    master waits for it before forking its workers, deploy/gunicorn.conf.py).

    Called by the app factory once the app is fully set up: the warm-up request must never be
    the app's first request while setup methods are still being registered.
    """
    if not app.config.get("SEARCH_WARM_UP") or app.config.get("TESTING"):
        return

    def warm() -> None:
        try:
            warm_search(app)
        except Exception:  # pragma: no cover - a missing or broken index is reported by the page
            app.logger.exception("search warm-up failed")

    threading.Thread(target=warm, name="search-warm-up", daemon=True).start()


def search_url(req: SearchRequest) -> str:
    """The address of the search page for *req* (the whole state in the query string)."""
    args = req.to_args()
    return url_for("search.search") + ("?" + urlencode(args) if args else "")


@bp.context_processor
def _helpers():
    return {"search_url": search_url}


@bp.get("/tjenester")
@public
@limiter.limit(lambda: current_app.config.get("SEARCH_RATE_LIMIT", "240/minute;10/second"))
def search():
    """Search the published services. Renders the results region only for htmx requests."""
    req = SearchRequest.from_args(request.args)
    lang = current_lang()
    index = current_search_index()
    result = corrected_from = None
    articles = []
    status = 200
    try:
        if index is None:
            raise IndexMissing(current_app.config["INDEX_DIR"])
        # Nothing found, but a likely misspelling: the corrected words' results (as the API).
        result, corrected_from = search_as_page(index, req, lang)
        if result.request.q and result.page == 1:
            articles = search_articles(index, result.request.q)  # guidance, in a group of its own
    except IndexMissing:
        status = 503
    hit_terms = {}
    if result is not None:
        req = replace(req, page=result.page)  # a page past the end shows the last one
        # Each hit shows its price and the terms the buyer filtered on (issue 16), from the index.
        filtered = [k for k, v in req.filters.items() if v]
        hit_terms = {hit.service_id: hit.shown_terms(filtered, lang) for hit in result.hits}
    # A facet's "Vis alle" (a button of the search form, name "flere") shows all of its values.
    panel = facet_panel(result, set(request.args.getlist("flere")[:5]), lang) if result else None
    fragment = wants_fragment()
    context = dict(req=req, result=result, corrected_from=corrected_from, sorts=SORTS, sort_terms=SORT_TERMS,
                   articles=articles,
                   hit_terms=hit_terms,
                   index_missing=result is None, max_query_words=MAX_QUERY_WORDS, max_query_chars=MAX_QUERY_CHARS,
                   panel=panel, panel_part=panel_part(panel) if fragment else "whole", panel_oob=fragment)
    # htmx: the address bar shows the search as it was run (a page past the end is the last page),
    # and the live region reads out the count. The fragment ("live") is the results region and,
    # out of band, what changed in the filter panel beside it.
    region = htmx.target == "sokeresultat"
    count = ngettext("%(num)s tjeneste funnet", "%(num)s tjenester funnet", result.total) if result else ""
    response = hx_page("search.html", "live", status=status, push_url=search_url(req) if region else None,
                       announce=("sok-status", count) if region and result else None, **context)
    response.vary.update(("HX-Request", SHAPE_HEADER, COUNTS_HEADER))
    if status == 503:
        response.headers["Retry-After"] = "30"
    if fragment:
        response.headers["Cache-Control"] = "no-store"  # the fragment is not a page of its own
    return response
