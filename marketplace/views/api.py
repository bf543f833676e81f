"""The open read-only JSON API, version 1, with its OpenAPI document.

``/api/v1/services`` takes the search page's parameters (plus ``per_page``) and returns the
hits, pages and facets; ``/api/v1/services/<id>`` one published service with its public
terms; ``/api/v1/categories`` the category tree. Every answer under ``/api/`` is JSON, errors
included. The API only reads, so it needs no CSRF token; it is rate limited per client.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter

from auth.guards import public
from catalogue import api_schema as doc
from catalogue import browse
from catalogue.contracts import ocds
from catalogue.models import DPS
from catalogue.search.query import SearchRequest, search_as_page
from catalogue.search.store import IndexMissing
from marketplace.checkstep import not_formal
from marketplace.db import get_session
from marketplace.errors import MESSAGES, RETRY_AFTER_SECONDS, is_outage, log_outage
from marketplace.extensions import csrf, limiter
from marketplace.templating import current_lang
from marketplace.web import current_search_index, public_service_or_abort

bp = Blueprint("api", __name__, url_prefix="/api")


class _AnyPath(PathConverter):
    """Like ``path``, but also across control characters (``path`` stops at a newline)."""

    regex = r"(?s:[^/].*?)"  # the path converter's own pattern, with "." matching newlines too


# Registered before the routes below are added, so the catch-all can use it.
bp.record_once(lambda state: state.app.url_map.converters.setdefault("api_rest", _AnyPath))
csrf.exempt(bp)


@bp.after_request
def _vary_on_language(response):
    response.vary.add("Accept-Language")  # the messages follow it (marketplace.templating.current_lang)
    return response
limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", "300/minute"))(bp)

# Titles of the API's own statuses; the rest come from the site's error texts (marketplace.errors).
TITLES = {404: _l("Fant ikke"), 410: _l("Fjernet"), 503: _l("Midlertidig utilgjengelig")}


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def error(status: int, message: Any, **extra):
    """The JSON error document, in the language the request asked for (``?lang=``, else Accept-Language)."""
    title = str(TITLES.get(status) or MESSAGES.get(status, (_l("Feil"), ""))[0])
    response = jsonify(doc.error_document(status, title, str(message), **extra))
    response.status_code = status
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code = exc.code or 500
    # A message given where the error was raised wins; otherwise the site's usual Norwegian text.
    given = exc.description if exc.description and exc.description != type(exc).description else ""
    response = error(code, given or MESSAGES.get(code, ("", exc.description or ""))[1])
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response  # flask-limiter adds Retry-After and X-RateLimit-* to a 429 itself


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    if is_outage(exc):
        log_outage(current_app, exc)
        response = error(503, gettext("Tjenesten er midlertidig utilgjengelig."))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    current_app.logger.exception("API error")
    return error(500, gettext("Det oppstod en feil hos oss."))


@bp.get("/v1/services")
@public
def services():
    """Search the published services: the search page's parameters, paged, with facet counts."""
    clean, problems = doc.validate_list_args(request.args)
    if problems:
        return error(400, gettext("Ugyldige parametre."), problems=problems)
    per_page = clean.get("per_page", doc.default_per_page())
    req = SearchRequest.from_args(request.args, per_page=per_page)
    index = current_search_index()
    corrected_from = None
    try:
        if index is not None:
            # The page's behaviour: a misspelt query answers with what the corrected words find.
            result, corrected_from = search_as_page(index, req, lang=current_lang())
        else:
            result = None
    except IndexMissing:
        result = None
    if result is None:
        return error(503, gettext("Søkeindeksen er ikke klar ennå."))
    base = _base_url()
    return jsonify({
        "total": result.total, "page": result.page, "pages": result.pages, "per_page": per_page,
        "items": [doc.hit_document(hit, base) for hit in result.hits],
        "facets": [doc.facet_document(f) for f in result.facets],
        "suggestion": result.suggestion or None,
        "corrected_from": corrected_from,
        # Words in the query that name a filter ("norsk lovvalg"): offered, not applied.
        "offers": [{"key": o.key, "values": o.values, "label": o.label, "count": o.count} for o in result.offers],
        "only_common_words": result.only_common_words,
        "words_limited": result.words_limited,
        "query": result.request.q if result.request else req.q,
    })


@bp.get("/v1/services/<int:service_id>")
@public
def service(service_id: int):
    """One published service with every public term; 410 with the date for a removed one."""
    if service_id > doc.MAX_ID:
        return error(404, gettext("Tjenesten finnes ikke."))
    session = get_session()
    svc, supplier, category, parent = public_service_or_abort(
        service_id, gone=lambda svc, *_: (jsonify(doc.removed_document(svc)), 410),
        missing=lambda: error(404, gettext("Tjenesten finnes ikke.")))
    dps = session.get(DPS, svc.dps_id) if svc.dps_id else None
    return jsonify(doc.service_document(svc, supplier, category, parent, dps.slug if dps else None, _base_url()))


@bp.get("/v1/categories")
@public
def categories():
    """The category tree with the number of published services in each category."""
    return jsonify({"items": doc.category_tree_document(browse.category_tree(get_session()), _base_url())})


@bp.get("/v1/contracts")
@public
def contracts():
    """Awarded contracts: buyer, supplier, category, value and dates (nothing confidential)."""
    base = _base_url()
    return jsonify({"items": [ocds.public_document(c, s, cat, base) for c, s, cat in ocds.awarded(get_session())],
                    "ocds": f"{base.rstrip('/')}/api/v1/contracts/ocds.json"})


@bp.get("/v1/contracts/ocds.json")
@public
def contracts_ocds():
    """Every awarded contract as an Open Contracting Data Standard 1.1 release package."""
    return jsonify(ocds.release_package(get_session(), _base_url()))


@bp.get("/v1/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document of this API (generated from the terms registry and the facets)."""
    return jsonify(doc.openapi_document(_base_url()))


@bp.route("/", defaults={"rest": ""}, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@bp.route("/<api_rest:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@public
@not_formal("answers 404 for any unknown API address")
def not_found(rest: str):
    """Anything else under /api/ answers in JSON too: 405 for a known path, else 404."""
    adapter = current_app.url_map.bind("")
    try:
        endpoint, _ = adapter.match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint and endpoint != "api.not_found":
        raise MethodNotAllowed(valid_methods=["GET", "HEAD"])
    raise NotFound(gettext("Det finnes ingen slik adresse i API-et."))
