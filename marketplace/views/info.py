"""Statutory and help pages: accessibility statement, privacy, cookies, contact, about, the API
documentation and the favicon. Open to everyone.

What these pages state is read from the code where the code decides it (session limits from
``auth.login``, cookie names from the config and the login machinery, retention periods from
the config, the API from its OpenAPI document), so the pages cannot drift from what the site does.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_babel import lazy_gettext as _l

from auth.guards import public
from auth.login import IDLE_LIMIT, MAX_LIFETIME
from catalogue import api_schema

bp = Blueprint("info", __name__)

# The accessibility statement: when it was made and when the site was last checked
# (the browser suite checks every page it visits with axe at 320 and 1280 px).
STATEMENT_MADE = date(2026, 12, 5)
LAST_TESTED = date(2026, 12, 5)

# Retention periods set by the operator (config); a key that is not set is shown as such.
RETENTION_KEYS = {
    "audit": "AUDIT_RETENTION_DAYS",
    "sessions": "LOGIN_SESSION_RETENTION_DAYS",
    "uploads": "UPLOAD_RETENTION_DAYS",
    "orphan_upload_hours": "UPLOAD_ORPHAN_GRACE_HOURS",
}


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def retention() -> dict[str, int | None]:
    cfg = current_app.config
    return {what: (round(float(cfg[key])) if cfg.get(key) not in (None, "") else None)
            for what, key in RETENTION_KEYS.items()}


def cookies() -> list[dict]:
    """Every cookie the site can set, with why (all strictly necessary)."""
    from auth.testid import SSO_COOKIE

    cfg = current_app.config
    found = [{"name": cfg.get("SESSION_COOKIE_NAME") or "session",
              "purpose": _l("Holder innloggingen din, språkvalget, sammenligningskurven og sikkerhetsnøkkelen "
                            "mot forfalskede skjemaer (CSRF). Innholdet er signert, så det ikke kan endres."),
              "expires": _l("Når nettleseren lukkes")}]
    if cfg.get("TEST_IDP_ENABLED"):
        found.append({"name": SSO_COOKIE,
                      "purpose": _l("Bare i test- og demoutgaven: den innebygde test-innloggingen husker "
                                    "hvem som er logget inn hos den."),
                      "expires": _l("Når nettleseren lukkes")})
    return found


@bp.get("/tilgjengelighet")
@public
def accessibility():
    """Tilgjengelighetserklæring, in the structure Uu-tilsynet asks for."""
    return render_template("info/accessibility.html", made=STATEMENT_MADE, tested=LAST_TESTED,
                           contact=current_app.config["CONTACT_EMAIL"])


@bp.get("/personvern")
@public
def privacy():
    """What personal data the site keeps, why, and for how long (from the code and config)."""
    from catalogue.pending_uploads import KEEP_FOR

    return render_template("info/privacy.html", idle=_minutes(IDLE_LIMIT), lifetime=_minutes(MAX_LIFETIME),
                           retention=retention(), contact=current_app.config["CONTACT_EMAIL"],
                           kept_upload_minutes=_minutes(KEEP_FOR))


@bp.get("/informasjonskapsler")
@public
def cookie_page():
    return render_template("info/cookies.html", cookies=cookies(), idle=_minutes(IDLE_LIMIT),
                           lifetime=_minutes(MAX_LIFETIME))


@bp.get("/kontakt")
@public
def contact():
    return render_template("info/contact.html", contact=current_app.config["CONTACT_EMAIL"])


@bp.get("/om")
@public
def about():
    return render_template("info/about.html")


@bp.get("/api-dokumentasjon")
@public
def api_docs():
    """The API documentation, generated from the OpenAPI document the API serves."""
    document = api_schema.openapi_document(current_app.config["PUBLIC_BASE_URL"])
    operations = [{"path": path, "method": method.upper(), **op}
                  for path, methods in document["paths"].items() for method, op in methods.items()]
    return render_template("info/api.html", doc=document, operations=operations,
                           schemas=document["components"]["schemas"], terms_key="Terms")


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; pages link the SVG as well."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86_400)


@bp.get("/bli-leverandor")
@public
def become_supplier():
    """The entry point for suppliers: the steps, the open purchasing systems, where to start."""
    from catalogue import qualification
    from marketplace.db import get_session

    return render_template("info/become_supplier.html", dps_list=qualification.all_dps(get_session()),
                           is_open=qualification.is_open)
