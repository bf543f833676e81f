"""Login and logout (the OpenID Connect client side), the account page and organisation switching.

The browser's session cookie holds only a random key (plus the short-lived state of a login
in progress); the ``LoginSession`` row it points to is the truth, so a front-channel logout
from the provider ends the login wherever the cookie is.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import requests
from flask import (Blueprint, Flask, current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from auth import login as logins
from auth.guards import current_viewer, login_required, public
from auth.oidc import LoginError, OIDCClient, Pending, safe_next
from catalogue.viewer import ANONYMOUS_VIEWER, NO_ROLE
from catalogue.enhetsregisteret import RegistryUnavailable
from marketplace.checkstep import not_formal
from marketplace.db import discard_session, get_session
from marketplace.registry import register_lookup
from marketplace.errors import is_outage, log_outage
from marketplace.extensions import limiter

bp = Blueprint("auth", __name__)

LOGIN_KEY = "login"            # the LoginSession.session_key of this browser
PENDING_KEY = "oidc_pending"   # logins started here, by state (a few tabs at once)
MAX_PENDING = 3
NO_RETURN = ("/login", "/logout", "/testid")  # pages not worth returning to after a login


@dataclass
class AuthState:
    """The login machinery of one app: the OIDC client and the secrets that key users."""

    client: OIDCClient
    manager_hashes: frozenset[str]
    hmac_key: str
    seal_secret: str
    lookup: Callable[[str], Any]   # Enhetsregisteret, as configured (marketplace.registry)


def state() -> AuthState:
    return current_app.extensions["auth"]


def init_app(app: Flask) -> None:
    """Register login and the viewer hook."""
    cfg = app.config
    base = cfg["PUBLIC_BASE_URL"]
    client = OIDCClient(issuer=cfg["OIDC_ISSUER"], client_id=cfg["OIDC_CLIENT_ID"],
                        client_secret=cfg["OIDC_CLIENT_SECRET"], redirect_uri=f"{base}/login/callback",
                        post_logout_redirect_uri=f"{base}/", acr_values=cfg["OIDC_ACR_VALUES"],
                        scopes=cfg["OIDC_SCOPES"], authorization_details=cfg["OIDC_AUTHORIZATION_DETAILS"],
                        http=requests.Session())
    pids = list(cfg["CONTRACT_MANAGER_PIDS"])
    if not pids and cfg["TEST_IDP_ENABLED"]:
        from auth.testid.persons import manager_pids

        pids = manager_pids()
    # Hashed on load; the numbers themselves are not kept.
    cfg["CONTRACT_MANAGER_PIDS"] = []
    app.extensions["auth"] = AuthState(
        client=client, manager_hashes=frozenset(logins.pid_hash(p, cfg["PID_HMAC_KEY"]) for p in pids),
        hmac_key=cfg["PID_HMAC_KEY"], seal_secret=cfg["SECRET_KEY"], lookup=register_lookup(cfg))
    app.register_blueprint(bp)


@bp.before_app_request
def _load_viewer() -> None:
    """Who is asking: the viewer of this browser's live login (anonymous otherwise)."""
    if request.endpoint == "static":
        return
    key = session.get(LOGIN_KEY)
    if not key:
        return
    db = get_session()
    try:
        viewer = logins.current(db, key)
        if db.new or db.dirty:
            db.commit()  # a timed-out login was ended, or last_seen_at moved on
    except Exception as error:
        if not is_outage(error):
            raise
        # The database is away: the login cannot be checked, so this request is served as to
        # a visitor (public pages, search) and pages that need the login answer 503 (guards).
        # The cookie is kept: the login is back as soon as the database is.
        log_outage(current_app, error)
        discard_session()
        g.login_unverified = True
        return
    if viewer is None:
        session.pop(LOGIN_KEY, None)
        return
    g.viewer = viewer


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.get("/login")
@public
@limiter.limit(_auth_limit)
def login():
    """Start a login: send the browser to the provider with state, nonce, PKCE and the required level."""
    try:
        next_path = safe_next(request.args.get("next"))
        if next_path.startswith(NO_RETURN):
            next_path = "/"  # e.g. "Logg inn" on a login error page: no going back into the flow
        url, pending = state().client.begin(next_path)
    except LoginError as error:
        return _refused(error)
    _keep_pending(pending)
    return redirect(url)


@bp.get("/login/callback")
@public
@limiter.limit(_auth_limit)
def callback():
    """The provider's answer: check it, verify the id_token, resolve the role and start the login.

    Any failed check shows why, and nothing is written: no user, no session.
    """
    args = request.args.to_dict()
    pending = _take_pending(args.get("state", ""))
    db = get_session()
    try:
        verified = state().client.finish(args, pending)
        identity = logins.Identity.from_claims(verified.claims, verified.id_token)
        auth = state()
        started = logins.start(db, identity, hmac_key=auth.hmac_key, seal_secret=auth.seal_secret,
                               manager_hashes=auth.manager_hashes, lookup=auth.lookup,
                               replaces=session.get(LOGIN_KEY))
        db.commit()
    except LoginError as error:
        db.rollback()
        return _refused(error)
    except RegistryUnavailable as error:
        db.rollback()
        current_app.logger.warning("Login refused: Enhetsregisteret unavailable")
        return render_template("auth/login_error.html", message=error.message, code="registry"), 503
    _start_browser_session(started.login.session_key)
    g.viewer = started.viewer
    if started.viewer.role == NO_ROLE:
        return redirect(url_for("auth.account", neste=verified.next))
    flash(_("Du er logget inn som %(name)s.", name=started.viewer.name), "success")
    return redirect(verified.next)


@bp.post("/logout")
@public
@not_formal("logs out")
def logout():
    """Log out: end the login here, then at the provider (RP-initiated logout with id_token_hint)."""
    db = get_session()
    key = session.get(LOGIN_KEY)
    found = logins.find_active(db, key) if key else None
    id_token = ""  # no token yet # nosec B105
    if found is not None:
        id_token = logins.unseal(found.id_token, state().seal_secret)
        logins.end(db, found, current_viewer().actor(), reason="logout")
        db.commit()
    _start_browser_session(None)
    g.viewer = ANONYMOUS_VIEWER
    if not id_token:
        flash(_("Du er logget ut."), "success")
        return redirect(url_for("public.index"))
    try:
        ending = state().client.logout_request(id_token, state=secrets.token_urlsafe(16))
    except LoginError:
        flash(_("Du er logget ut."), "success")
        flash(_("Innloggingstjenesten svarte ikke, så du er bare logget ut her. Lukk nettleseren for å være "
                "sikker på at du er logget ut der også."), "error")
        return redirect(url_for("public.index"))
    if ending is None:
        flash(_("Du er logget ut."), "success")
        return redirect(url_for("public.index"))
    # A form posted to the provider (by app.js at once, or by the button without JavaScript):
    # the id_token travels in the body, never in a URL that a log could keep (finding F3).
    endpoint, fields = ending
    response = make_response(render_template("auth/logout_provider.html", endpoint=endpoint, fields=fields))
    flash(_("Du er logget ut."), "success")  # shown on the page the provider sends the browser back to
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/logout/frontchannel")
@public
def frontchannel():
    """Front-channel logout from the provider (loaded in a frame): end the logins of that ``sid`` only."""
    client = state().client
    iss, sid = request.args.get("iss", ""), request.args.get("sid", "")
    valid = bool(sid) and iss == client.issuer
    if valid:
        db = get_session()
        logins.end_by_sid(db, client.issuer, sid)
        db.commit()
    response = make_response(render_template("auth/frontchannel.html", valid=valid), 200 if valid else 400)
    parts = urlsplit(client.issuer)
    # The provider shows this page in a frame: let it (and only it) do so.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'; frame-ancestors 'self' {parts.scheme}://{parts.netloc}")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/min-innlogging")
@login_required
def account():
    """Who you are logged in as, for which organisation, and (if the login lists several) switching."""
    return _account_page({})


@bp.post("/bytt-organisasjon")
@login_required
@not_formal("chooses the organisation acted for")
def switch_organisation():
    """Act for another of the login's organisations; the role follows the organisation. Audited."""
    db = get_session()
    found = logins.find_active(db, session.get(LOGIN_KEY, ""))
    if found is None:  # ended between the page and the post
        return redirect(url_for("auth.login", next=url_for("auth.account")))
    orgnr = request.form.get("orgnr", "")
    auth = state()
    try:
        viewer = logins.switch(db, found, orgnr, manager_hashes=auth.manager_hashes, lookup=auth.lookup)
        db.commit()
    except logins.NotAReportee:
        db.rollback()
        return _account_page({"orgnr": _l("Velg en av virksomhetene du kan representere.")}), 400
    except RegistryUnavailable as error:
        db.rollback()
        return _account_page({"orgnr": error.message}), 503
    g.viewer = viewer
    flash(_("Du handler nå på vegne av %(org)s.", org=viewer.org_name), "success")
    return redirect(url_for("auth.account"))


# --- helpers ---------------------------------------------------------------------------


def _account_page(errors: dict[str, Any]):
    found = logins.find_active(get_session(), session.get(LOGIN_KEY, ""))
    organisations = logins.reportees_from(found.reportees or []) if found else []
    try:
        next_path = safe_next(request.args.get("neste")) if request.args.get("neste") else ""
    except LoginError:
        next_path = ""
    return render_template("auth/account.html", organisations=organisations, errors=errors, next_path=next_path,
                           login_session=found)


def _refused(error: LoginError):
    from marketplace.metrics import login_failed

    current_app.logger.warning("Login refused: %s", error)  # scrubbed and escaped by the log handler (F4)
    login_failed(error.code)
    return render_template("auth/login_error.html", message=error.message, code=error.code), error.status


def _keep_pending(pending: Pending) -> None:
    kept = {k: v for k, v in (session.get(PENDING_KEY) or {}).items()
            if not Pending.from_dict(v).expired(time.time())}
    kept[pending.state] = pending.as_dict()
    # Only the newest few: an abandoned login must not grow the cookie for ever.
    newest = sorted(kept.items(), key=lambda item: item[1]["started"])[-MAX_PENDING:]
    session[PENDING_KEY] = dict(newest)


def _take_pending(state_value: str) -> Optional[Pending]:
    kept = dict(session.get(PENDING_KEY) or {})
    data = kept.pop(state_value, None) if state_value else None
    session[PENDING_KEY] = kept  # used once, whatever the outcome
    return Pending.from_dict(data) if data else None


def _start_browser_session(session_key: Optional[str]) -> None:
    """A fresh cookie session (no fixation): only the language survives, plus the new login key."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    if session_key:
        session[LOGIN_KEY] = session_key
