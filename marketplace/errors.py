"""Error pages: clear Norwegian messages, the right status codes.

A backing service that is away (the database restarting, Redis gone) answers **503 with
Retry-After** and the friendly page, never a 500: ``is_outage`` tells such errors from bugs,
and the outage is logged once per ``OUTAGE_LOG_INTERVAL`` per process, not once per request.
"""
from __future__ import annotations

import threading
import time

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from catalogue.lifecycle import DomainError

# Status code -> (title, explanation) in bokmål, translated lazily at render time.
MESSAGES = {
    400: (_l("Ugyldig forespørsel"), _l("Forespørselen kunne ikke behandles. Kontroller det du sendte inn og prøv igjen.")),
    403: (_l("Ingen tilgang"), _l("Du har ikke tilgang til denne siden med rollen du er logget inn med.")),
    404: (_l("Fant ikke siden"), _l("Siden finnes ikke. Den kan være flyttet, eller adressen kan være skrevet feil.")),
    405: (_l("Metoden er ikke tillatt"), _l("Denne adressen kan ikke brukes slik.")),
    409: (_l("Konflikt"), _l("Noen andre har endret dette i mellomtiden. Ingenting av det du sendte er lagret.")),
    422: (_l("Kan ikke behandles"), _l("Det du sendte inn kan ikke brukes. Ingenting er lagret.")),
    413: (_l("Filen er for stor"), _l("Filen er større enn det som er tillatt (10 MB).")),
    429: (_l("For mange forespørsler"), _l("Du har sendt for mange forespørsler på kort tid. Vent litt og prøv igjen.")),
    500: (_l("Noe gikk galt"), _l("Det oppstod en feil hos oss. Ingenting ble lagret. Prøv igjen om litt.")),
    503: (_l("Midlertidig utilgjengelig"),
          _l("Markedsplassen er midlertidig utilgjengelig. Ingenting av det du sendte ble lagret. "
             "Prøv igjen om et halvt minutt.")),
}

RETRY_AFTER_SECONDS = 30
OUTAGE_LOG_INTERVAL = 60.0
_outage_logged = {"at": float("-inf")}
_outage_lock = threading.Lock()


def is_outage(error: BaseException) -> bool:
    """The database (or Redis) cannot be reached right now: a 503, not a bug."""
    from catalogue.background import is_transient

    return is_transient(error)


def log_outage(app: Flask, error: BaseException) -> None:
    """One warning per interval and process, whatever the number of failing requests."""
    from catalogue.background import describe

    now = time.monotonic()
    with _outage_lock:
        if now - _outage_logged["at"] < OUTAGE_LOG_INTERVAL:
            return
        _outage_logged["at"] = now
    app.logger.warning("Backing service unavailable, answering 503: %s", describe(error))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("error.html", code=400, title=_l("Skjemaet er utløpt"),
                               message=_l("Sikkerhetsnøkkelen i skjemaet mangler eller er utløpt. "
                                          "Last siden på nytt og send skjemaet igjen.")), 400

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        # A refusal from a life cycle that no view turned into a form message: nothing is
        # written (the request's session is rolled back) and the person gets the one message.
        from marketplace.db import get_session
        from marketplace.web import domain_message

        get_session().rollback()
        code = error.http_status
        return render_template("error.html", code=code, title=MESSAGES.get(code, MESSAGES[409])[0],
                               message=domain_message(error)), code

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        title, message = MESSAGES.get(error.code, (error.name, error.description or ""))
        response = app.make_response((render_template("error.html", code=error.code, title=title,
                                                       message=message), error.code))
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 503:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if is_outage(error):
            log_outage(app, error)
            title, message = MESSAGES[503]
            response = app.make_response((render_template("error.html", code=503, title=title,
                                                           message=message), 503))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        app.logger.exception("Unhandled error")
        title, message = MESSAGES[500]
        return render_template("error.html", code=500, title=title, message=message), 500
