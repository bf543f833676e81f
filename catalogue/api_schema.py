"""The open JSON API (v1): its documents and its OpenAPI 3.1 description.

The API is read-only and public, so buyer-only terms are never in it. The JSON Schema of
a service's terms and the list endpoint's filter parameters are generated from the terms
registry and the search facets, so the document always matches what the API returns.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from catalogue import nsm
from catalogue.browse import CategoryNode
from catalogue.confirmation import confirmation_of
from catalogue.i18n import _l, text
from catalogue.models import Category, Service, Supplier
from catalogue.terms import (BOOLEAN, CHOICE, DATE, DECIMAL, DOCUMENT, INTEGER, LONGTEXT, MULTICHOICE, NSM_MATRIX,
                             TERMS, TEXT, Term)

API_VERSION = "1.0.0"
MAX_ID = 2**31 - 1


# ---------------------------------------------------------------------------
# documents


def iso(value: datetime | None) -> str | None:
    """An RFC 3339 timestamp in UTC (stored times are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def public_terms(terms: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every public term of a service (``null`` when not stated); buyer-only terms left out."""
    terms = terms or {}
    return {t.key: terms.get(t.key) for t in TERMS if not t.buyer_only}


def category_ref(category: Category | None, base_url: str) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"slug": category.slug, "name_nb": category.name_nb, "name_en": category.name_en,
            "url": f"{base_url}/kategorier/{category.slug}"}


def service_document(service: Service, supplier: Supplier, category: Category | None, parent: Category | None,
                     dps_slug: str | None, base_url: str) -> dict[str, Any]:
    confirmation = confirmation_of(service)
    return {
        "id": service.id,
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "features": list(service.features or []),
        "version": service.version,
        "published_at": iso(service.published_at),
        # The day of the latest approval or the supplier's confirmation; "confirmed" is false after 13 months.
        "last_confirmed": confirmation.last.isoformat() if confirmation.last else None,
        "confirmed": confirmation.is_confirmed,
        "url": f"{base_url}/tjeneste/{service.id}",
        "supplier": {"name": supplier.name, "orgnr": supplier.orgnr, "slug": supplier.slug,
                     "url": f"{base_url}/leverandorer/{supplier.slug}"},
        "category": category_ref(category, base_url),
        "parent_category": category_ref(parent, base_url),
        "dps": dps_slug,
        "terms": public_terms(service.terms),
    }


def removed_document(service: Service) -> dict[str, Any]:
    return error_document(410, "Tjenesten er fjernet", "The service has been removed from the marketplace.",
                          removed_at=iso(service.removed_at), reason=service.removal_reason or "")


def hit_document(hit: Any, base_url: str) -> dict[str, Any]:
    return {
        "id": hit.service_id,
        "name": hit.name,
        "summary": hit.summary,
        "supplier": {"name": hit.supplier_name, "slug": hit.supplier_slug},
        "category": hit.category_slug,
        "highlights": str(hit.highlights or ""),
        "score": float(hit.score or 0.0),
        "url": f"{base_url}/tjeneste/{hit.service_id}",
        "api_url": f"{base_url}/api/v1/services/{hit.service_id}",
    }


def facet_document(facet: Any) -> dict[str, Any]:
    return {"key": facet.key, "label": facet.label,
            "values": [{"value": v.value, "label": v.label, "count": int(v.count), "selected": bool(v.selected)}
                       for v in facet.values]}


def category_tree_document(nodes: Iterable[CategoryNode], base_url: str) -> list[dict[str, Any]]:
    return [{**category_ref(node.category, base_url), "services": node.count,
             "children": category_tree_document(node.children, base_url)} for node in nodes]


def error_document(status: int, title: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, "error": title, "message": message, **extra}


# ---------------------------------------------------------------------------
# the list endpoint's parameters


@functools.lru_cache(maxsize=1)
def list_parameters() -> tuple[dict[str, Any], ...]:
    """The query parameters of ``GET /api/v1/services``: the search page's, plus ``per_page``.

    Limits and allowed values are the search's own (``catalogue.search.query``), so the API
    accepts exactly what the search understands.
    """
    from catalogue.search import query as sq

    params: list[dict[str, Any]] = [
        _param("q", {"type": "string", "maxLength": sq.MAX_QUERY_CHARS},
               "Søkeord (fritekst, norsk analyse). / Search words."),
        _param("sorter", {"type": "string", "enum": list(sq.SORTS), "default": sq.SORTS[0]},
               "Sortering: " + ", ".join(sq.SORTS) + " ("
               + ", ".join(f"{p}: {t.sort.nb}" for p, t in sq.SORT_TERMS.items()) + "; tjenester uten pris sist). "
               + "/ Sort order (" + ", ".join(f"{p}: {t.sort.en}" for p, t in sq.SORT_TERMS.items())
               + "; services without a price last)."),
        _param("side", {"type": "integer", "minimum": 1, "maximum": sq.MAX_PAGE, "default": 1}, "Side. / Page."),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": sq.MAX_PER_PAGE, "default": sq.PER_PAGE},
               f"Treff per side (høyst {sq.MAX_PER_PAGE}). / Results per page (at most {sq.MAX_PER_PAGE})."),
    ]
    for facet in sq.FACETS:
        item: dict[str, Any] = {"type": "string", "pattern": sq._SLUG.pattern}
        if facet.term is not None:
            item = {"type": "string", "enum": [c.value for c in facet.term.options]}
        params.append({
            "name": facet.key, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"Filter: {facet.label('nb')} / {facet.label('en')}. Flere verdier kombineres.",
            "schema": {"type": "array", "items": item, "maxItems": sq.MAX_VALUES_PER_FACET},
        })
    return tuple(params)  # built once: the facets and limits are fixed for the process


def default_per_page() -> int:
    from catalogue.search.query import PER_PAGE

    return PER_PAGE


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def validate_list_args(args) -> tuple[dict[str, Any], list[str]]:
    """Check the list endpoint's query string against its own parameter definitions.

    Returns ``(clean values, problems)``: unknown filter values, numbers out of range and
    overlong text are refused (400) rather than silently ignored, so an API client learns
    that its request was not what it meant.
    """
    problems: list[str] = []
    clean: dict[str, Any] = {}
    for param in list_parameters():
        name, schema = param["name"], param["schema"]
        values = args.getlist(name)
        if not values:
            continue
        if schema["type"] == "array":
            allowed = schema["items"].get("enum")
            pattern = schema["items"].get("pattern")
            for v in values:
                if (allowed is not None and v not in allowed) or (pattern and not re.match(pattern, v)):
                    problems.append(text(_l("%(name)s: ukjent verdi «%(value)s»", name=name, value=v[:40])))
            if len(values) > schema.get("maxItems", 50):
                problems.append(text(_l("%(name)s: for mange verdier", name=name)))
            clean[name] = values
            continue
        if len(values) > 1:
            problems.append(text(_l("%(name)s: bare én verdi", name=name)))
        value = values[0]
        if schema["type"] == "integer":
            if not value.isdigit() or not schema["minimum"] <= int(value) <= schema["maximum"]:
                problems.append(text(_l("%(name)s: må være et heltall fra %(least)s til %(most)s", name=name,
                                        least=schema["minimum"], most=schema["maximum"])))
                continue
            clean[name] = int(value)
        elif "enum" in schema and value not in schema["enum"]:
            problems.append(text(_l("%(name)s: ukjent verdi", name=name)))
        elif len(value) > schema.get("maxLength", 10_000):
            problems.append(text(_l("%(name)s: for lang", name=name)))
        else:
            clean[name] = value
    return clean, problems


# ---------------------------------------------------------------------------
# JSON Schema of the terms, from the registry


def term_schema(term: Term) -> dict[str, Any]:
    """The JSON Schema of one term's value, as the registry stores it (``null`` = not stated)."""
    t = term.type
    if t in (TEXT, LONGTEXT):
        schema: dict[str, Any] = {"type": ["string", "null"]}
    elif t == CHOICE:
        schema = {"enum": [c.value for c in term.choices] + [None]}
    elif t == MULTICHOICE:
        schema = {"type": ["array", "null"], "items": {"enum": [c.value for c in term.choices]}}
    elif t == BOOLEAN:
        schema = {"type": ["boolean", "null"]}
    elif t in (INTEGER, DECIMAL):
        schema = {"type": ["integer" if t == INTEGER else "number", "null"]}
        if term.min_value is not None:
            schema["minimum"] = term.min_value
        if term.max_value is not None:
            schema["maximum"] = term.max_value
    elif t == NSM_MATRIX:
        principle = {"type": "object", "properties": {
            "responsibility": {"enum": [r[0] for r in nsm.RESPONSIBILITIES]},
            "how": {"type": "string"}}, "required": ["responsibility"]}
        schema = {"type": ["object", "null"],
                  "properties": {p.code: {**principle, "title": f"{p.code} {p.nb}"} for p in nsm.PRINCIPLES},
                  "additionalProperties": False}
    elif term.has_rows:
        schema = {"type": ["array", "null"], "items": {
            "type": "object", "properties": {c.key: _column_schema(c) for c in term.columns}}}
    else:  # pragma: no cover - a new term type must be described here
        raise ValueError(f"no JSON Schema for term type {t!r}")
    schema["title"] = term.nb
    description = term.help_nb or term.nb
    if term.options and t in (CHOICE, MULTICHOICE):
        description += " Verdier: " + "; ".join(f"{c.value} = {c.nb}" for c in term.options) + "."
    if term.unit_nb:
        description += f" Enhet: {term.unit_nb}."
    schema["description"] = description
    return schema


def _column_schema(column: Term) -> dict[str, Any]:
    if column.type == DOCUMENT:
        return {"type": ["integer", "null"], "title": column.nb, "description": "Dokumentets id (PDF)."}
    if column.type == DATE:
        return {"type": ["string", "null"], "format": "date", "title": column.nb}
    if column.type == CHOICE:
        return {"enum": [c.value for c in column.choices] + [None], "title": column.nb}
    if column.type in (INTEGER, DECIMAL):
        return term_schema(column)  # a number (e.g. a unit price)
    return {"type": ["string", "null"], "title": column.nb}


def terms_schema() -> dict[str, Any]:
    public = [t for t in TERMS if not t.buyer_only]
    return {"type": "object", "description": "Tjenestens vilkår (skyvilkår), nøkkel = vilkårets nøkkel i registeret.",
            "properties": {t.key: term_schema(t) for t in public}, "required": [t.key for t in public],
            "additionalProperties": False}


# ---------------------------------------------------------------------------
# the OpenAPI document


def _json_response(description: str, schema_ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    texts = {400: "Ugyldige parametre / invalid parameters", 404: "Fant ikke / not found",
             405: "Metoden er ikke tillatt / method not allowed", 410: "Fjernet / removed",
             429: "For mange forespørsler / too many requests", 500: "Intern feil / internal error",
             503: "Søket er midlertidig utilgjengelig / search temporarily unavailable"}
    out = {str(code): _json_response(texts[code], "Removed" if code == 410 else "Error") for code in codes}
    if 429 in codes:
        out["429"]["headers"] = {"Retry-After": {"schema": {"type": "string"},
                                                 "description": "Sekunder å vente / seconds to wait"}}
    return out


def openapi_document(base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API, generated from the registry and the facets."""
    string = {"type": "string"}
    category_ref_schema = {"type": "object", "required": ["slug", "name_nb", "name_en", "url"], "properties": {
        "slug": string, "name_nb": string, "name_en": string, "url": string}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Markedsplassen for skytjenester – åpent API",
            "version": API_VERSION,
            "description": ("Åpent, lesbart API over de publiserte skytjenestene og vilkårene deres. Samme søk og "
                            "filtre som søkesiden. Vilkår som bare vises for offentlige innkjøpere, er ikke med. "
                            "/ Open read-only API over the published cloud services and their terms."),
        },
        "externalDocs": {"url": f"{base_url}/", "description": "Markedsplassen for skytjenester"},
        "paths": {
            "/api/v1/services": {"get": {
                "operationId": "listServices",
                "summary": "Søk i publiserte tjenester / search published services",
                "parameters": list(list_parameters()),
                "responses": {"200": _json_response("Treff, sider og fasetter / hits, pages and facets", "ServiceList"),
                              **_errors(400, 429, 500, 503)},
            }},
            "/api/v1/services/{service_id}": {"get": {
                "operationId": "getService",
                "summary": "Én publisert tjeneste med alle offentlige vilkår / one published service",
                "parameters": [{"name": "service_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
                "responses": {"200": _json_response("Tjenesten / the service", "Service"), **_errors(404, 410, 429, 500)},
            }},
            "/api/v1/categories": {"get": {
                "operationId": "listCategories",
                "summary": "Kategoritreet med antall publiserte tjenester / the category tree",
                "responses": {"200": {"description": "Kategoriene / the categories", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}}}}}}},
                              **_errors(429, 500)},
            }},
            "/api/v1/contracts": {"get": {
                "operationId": "listContracts",
                "summary": "Tildelte avtaler (kunde, leverandør, kategori, verdi, datoer) / awarded contracts",
                "responses": {"200": _json_response("Avtalene / the contracts", "ContractList"), **_errors(429, 500)},
            }},
            "/api/v1/contracts/ocds.json": {"get": {
                "operationId": "contractsOcds",
                "summary": "Tildelte avtaler som OCDS 1.1-releasepakke / awarded contracts as an OCDS 1.1 release package",
                "responses": {"200": {"description": "OCDS 1.1 release package", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["uri", "version", "publishedDate", "publisher",
                                                              "releases"]}}}}, **_errors(429, 500)},
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "Dette dokumentet / this document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["openapi", "paths"]}}}}, **_errors(429)},
            }},
        },
        "components": {"schemas": {
            "Contract": {"type": "object", "required": [
                "id", "ocid", "title", "buyer", "supplier", "category", "value_nok", "status", "awarded", "start_date",
                "end_date", "procedure"], "properties": {
                "id": {"type": "integer"}, "ocid": string, "title": string,
                "buyer": {"type": "object", "required": ["orgnr", "name"], "properties": {"orgnr": string, "name": string}},
                "supplier": {"type": "object", "required": ["orgnr", "name"],
                             "properties": {"orgnr": string, "name": string}},
                "category": {"type": ["string", "null"]}, "value_nok": {"type": "integer", "minimum": 0},
                "status": {"enum": ["active", "terminated"]},
                "awarded": {"type": ["string", "null"], "format": "date-time"},
                "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
                "procedure": {"enum": ["direct", "selective"]}}},
            "ContractList": {"type": "object", "required": ["items", "ocds"], "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Contract"}}, "ocds": string}},
            "Error": {"type": "object", "required": ["status", "error", "message"], "properties": {
                "status": {"type": "integer"}, "error": string, "message": string,
                "problems": {"type": "array", "items": string}}},
            "Removed": {"type": "object", "required": ["status", "error", "message", "removed_at"], "properties": {
                "status": {"const": 410}, "error": string, "message": string,
                "removed_at": {"type": ["string", "null"], "format": "date-time"}, "reason": string}},
            "Terms": terms_schema(),
            "Service": {"type": "object", "required": [
                "id", "name", "summary", "description", "features", "version", "published_at", "last_confirmed",
                "confirmed", "url", "supplier", "category", "parent_category", "dps", "terms"], "properties": {
                "id": {"type": "integer"}, "name": string, "summary": string, "description": string,
                "features": {"type": "array", "items": string}, "version": {"type": "integer", "minimum": 1},
                "published_at": {"type": ["string", "null"], "format": "date-time"}, "url": string,
                "last_confirmed": {"type": ["string", "null"], "format": "date"}, "confirmed": {"type": "boolean"},
                "supplier": {"type": "object", "required": ["name", "orgnr", "slug", "url"], "properties": {
                    "name": string, "orgnr": {"type": "string", "pattern": "^[0-9]{9}$"}, "slug": string,
                    "url": string}},
                "category": {"oneOf": [category_ref_schema, {"type": "null"}]},
                "parent_category": {"oneOf": [category_ref_schema, {"type": "null"}]},
                "dps": {"type": ["string", "null"], "description": "Slug of the DPS the service is offered under"},
                "terms": {"$ref": "#/components/schemas/Terms"}}},
            "ServiceHit": {"type": "object", "required": [
                "id", "name", "summary", "supplier", "category", "highlights", "score", "url", "api_url"],
                "properties": {
                    "id": {"type": "integer"}, "name": string, "summary": string,
                    "supplier": {"type": "object", "required": ["name", "slug"],
                                 "properties": {"name": string, "slug": string}},
                    "category": {"type": ["string", "null"]},
                    "highlights": {"type": "string", "description": "HTML-utdrag med <mark> / HTML snippet"},
                    "score": {"type": "number"}, "url": string, "api_url": string}},
            "FacetValue": {"type": "object", "required": ["value", "label", "count", "selected"], "properties": {
                "value": string, "label": string, "count": {
                    "type": "integer", "minimum": 0,
                    "description": "Antall treff hvis verdien også krysses av / results when this value is ticked too"},
                "selected": {"type": "boolean"}}},
            "Facet": {"type": "object", "required": ["key", "label", "values"], "properties": {
                "key": string, "label": string,
                "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}}},
            "ServiceList": {"type": "object", "required": ["total", "page", "pages", "per_page", "items", "facets",
                                                           "suggestion"], "properties": {
                "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 0}, "per_page": {"type": "integer", "minimum": 1},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceHit"}},
                "facets": {"type": "array", "items": {"$ref": "#/components/schemas/Facet"}},
                "suggestion": {"type": ["string", "null"]},
                "corrected_from": {"type": ["string", "null"],
                                   "description": "The query as typed, when the items are for the corrected words"},
                "query": string,
                "offers": {"type": "array", "description": "Filters the query's words name, offered (not applied)",
                           "items": {"type": "object", "properties": {
                               "key": string, "values": {"type": "array", "items": string}, "label": string,
                               "count": {"type": "integer", "minimum": 0}}}},
                "only_common_words": {"type": "boolean"}, "words_limited": {"type": "boolean"}}},
            "CategoryNode": {"type": "object", "required": ["slug", "name_nb", "name_en", "url", "services", "children"],
                             "properties": {
                                 "slug": string, "name_nb": string, "name_en": string, "url": string,
                                 "services": {"type": "integer", "minimum": 0},
                                 "children": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}}}},
        }},
    }
