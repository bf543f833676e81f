"""Security headers on every response.

No inline script or style anywhere in the templates, so the Content Security Policy
needs neither ``unsafe-inline`` nor ``unsafe-eval``.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest value an id column holds on every database we run on (PostgreSQL "integer").
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: a number no id column can hold is read as 0, an id no row has.

    The view then answers its own 404 (JSON under /api/), instead of the database
    overflowing (500). Refusing the match instead would skip the area's own 404 handling.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def bound_url_ids(app: Flask) -> None:
    """Called before any route is added: every ``<int:…>`` then uses ``IdConverter``."""
    app.url_map.converters["int"] = IdConverter


def content_security_policy(issuer: str) -> str:
    parts = urlsplit(issuer)
    issuer_origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    form_action = "'self'" + (f" {issuer_origin}" if issuer_origin else "")
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {form_action}",
        "frame-ancestors 'none'",
    ])


def init_app(app: Flask) -> None:
    from marketplace.htmx import add_vary

    csp = content_security_policy(app.config["OIDC_ISSUER"])
    production = app.config["PRODUCTION"]

    @app.before_request
    def _refuse_nul_bytes():
        # No honest form or address carries a NUL byte, and PostgreSQL text cannot hold one:
        # no page has such an address (404), and a form with one is refused (400, nothing
        # written) instead of failing deep in a query (500).
        def has_nul(multi) -> bool:
            return any((isinstance(key, str) and "\x00" in key) or any("\x00" in v for v in values if isinstance(v, str))
                       for key, values in multi.lists())

        if "\x00" in request.path:
            abort(404)
        if request.method not in ("GET", "HEAD", "OPTIONS") and has_nul(request.form):
            abort(400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return add_vary(response)
