"""Running the site as a service: logging with request ids, caching rules for logged-in people, headers.

- ``init_logging`` (first thing in ``create_app``): one scrubbing log handler per process
  (``catalogue.logs``: JSON in production, text in development; no identity numbers,
  e-mail addresses or tokens; control characters escaped).
- Each request gets a request id – nginx's ``X-Request-ID`` when it is a sane token,
  otherwise a new one – set for every log line of the request and sent back in the response.
- ``Cache-Control: no-store`` on every response to a logged-in person (finding F7): their
  pages must not stay in a shared cache or the browser's back/forward history.
- No version in the ``Server`` header: ``make run`` serves through ``marketplace.devserver``
  (Werkzeug without its version), production through nginx with ``server_tokens off`` (it
  replaces gunicorn's header; see deploy/).
"""
from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

from catalogue import logs

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def init_logging(app: Flask) -> None:
    fmt = app.config.get("LOG_FORMAT") or ("json" if app.config.get("PRODUCTION") else "text")
    logs.configure(fmt, app.config.get("LOG_LEVEL") or "INFO")


def init_app(app: Flask) -> None:
    from auth.guards import current_viewer
    from marketplace import metrics

    metrics.init_app(app)

    @app.before_request
    def _request_id():
        given = request.headers.get("X-Request-ID", "")
        rid = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_id = rid
        g.request_id_token = logs.request_id.set(rid)

    @app.after_request
    def _service_headers(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        if current_viewer().is_authenticated or g.get("login_unverified"):
            # Whatever the view said: nothing shown to a logged-in person is stored anywhere.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response

    @app.teardown_request
    def _forget_request_id(_exc=None):
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                logs.request_id.reset(token)
            except ValueError:  # set in another context (streamed response): just clear it
                logs.request_id.set("")
