"""The built-in test identity provider's pages and endpoints, under /testid.

Like ID-porten's test login: the tester picks a synthetic person, the organisation to act
for (as Ansattporten's organisation picker) and the level of assurance; the marketplace
then gets a code for it. Never registered when MARKETPLACE_ENV=production.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Optional

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import validate_csrf
from sqlmodel import select
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from auth.guards import public
from auth.testid import SSO_COOKIE
from auth.testid.models import ProviderSession
from auth.testid.persons import SyntheticPerson, is_synthetic_pid, persons
from auth.testid.server import ACR_VALUES, PickedUser, Provider, authorization_details_for
from catalogue import enhetsregisteret
from catalogue.suppliers import InvalidOrgnr, clean_orgnr, format_orgnr
from catalogue.text import reject_markup
from marketplace.checkstep import not_formal
from marketplace.db import get_session
from marketplace.registry import register_lookup
from marketplace.extensions import csrf

bp = Blueprint("testid", __name__, url_prefix="/testid")

OTHER = "annen"
NO_ORG = "ingen"


def provider() -> Provider:
    return current_app.extensions["testid"]


@bp.get("/.well-known/openid-configuration")
@public
def discovery():
    """The provider's OpenID Connect discovery document."""
    response = jsonify(provider().metadata())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/jwks")
@public
def jwks():
    """The public key(s) id_tokens are signed with."""
    response = jsonify(provider().public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/")
@public
def home():
    """What the test provider is, its test persons, and this browser's provider session (to log out of)."""
    return render_template("auth/testid_home.html", persons=list(persons().values()),
                           session=_browser_session(), issuer=provider().issuer)


@dataclass
class Pick:
    """A valid choice from the authorize page."""

    pid: str
    name: str
    acr: str
    reportees: list[dict]


@bp.route("/authorize", methods=["GET", "POST"])
@public
@not_formal("the built-in test identity provider's login")
def authorize():
    """The login page: pick a person, an organisation and a level; the client gets a code."""
    server = provider()
    try:
        grant = server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        return _authorization_error(server, error)
    requested = _requested_level(request.values.get("acr_values", ""))
    if request.method == "GET":
        return _picker(MultiDict({"niva": requested}), {})
    if request.form.get("handling") == "avbryt":
        return server.create_authorization_response(grant_user=None, grant=grant)
    pick, errors = _read_pick(request.form)
    if errors:
        return _picker(request.form, errors), 400
    organisation = pick.reportees[0]["Name"] if pick.reportees else ""
    sid = server.start_session(pick.name, organisation)
    user = PickedUser(pid=pick.pid, name=pick.name, acr=pick.acr, sid=sid, auth_time=int(time.time()),
                      authorization_details=authorization_details_for(
                          request.values.get("authorization_details", ""), pick.reportees))
    response = server.create_authorization_response(grant_user=user, grant=grant)
    get_session().commit()
    response.set_cookie(SSO_COOKIE, sid, path=bp.url_prefix, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@bp.post("/token")
@public
@not_formal("the built-in test identity provider's token endpoint")
def token():
    """The token endpoint: redeems a code (once) for an id_token, checking the client, PKCE and nonce."""
    return provider().create_token_response()


@bp.route("/endsession", methods=["GET", "POST"])
@public
@csrf.exempt  # the client posts here from its own page (RP-Initiated Logout 1.0); checked below
@not_formal("the built-in test identity provider's logout")
def end_session():
    """RP-initiated logout: end the provider session named by id_token_hint, then back to the client.

    The client posts the form (its id_token then stays out of URLs and logs); a valid
    id_token_hint is the proof the request comes from that login. Without one the person is
    asked first, and that confirmation carries this site's CSRF token.
    """
    server = provider()
    try:
        req = server.validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return _error_page(error), 400
    if req.needs_confirmation:
        # Without id_token_hint anyone could log the tester out: ask first, then end this browser's session.
        if request.method == "GET":
            return render_template("auth/testid_confirm_logout.html", params=request.args)
        try:
            validate_csrf(request.form.get("csrf_token", ""))
        except ValidationError:
            abort(400)
        sid = request.cookies.get(SSO_COOKIE, "")
        if sid:
            server.end_session(sid)
    response = server.create_endpoint_response("end_session", req)
    if response is None:
        response = current_app.make_response(render_template("auth/testid_logged_out.html", frames=[]))
    response.delete_cookie(SSO_COOKIE, path=bp.url_prefix)
    return response


@bp.post("/logg-ut")
@public
@not_formal("the built-in test identity provider's logout")
def logout():
    """Log out at the provider itself: end this browser's provider session and tell the clients
    (front-channel logout: each client's logout URI with iss and sid, loaded in a frame)."""
    server = provider()
    sid = request.cookies.get(SSO_COOKIE, "")
    ended = server.end_session(sid) if sid else None
    frames = []
    if ended is not None:
        frames.append(add_params_to_uri(server.client.frontchannel_logout_uri, {"iss": server.issuer, "sid": sid}))
    response = current_app.make_response(render_template("auth/testid_logged_out.html", frames=frames))
    response.delete_cookie(SSO_COOKIE, path=bp.url_prefix)
    return response


# --- helpers -------------------------------------------------------------------------


def _browser_session() -> Optional[ProviderSession]:
    sid = request.cookies.get(SSO_COOKIE, "")
    if not sid:
        return None
    return get_session().exec(select(ProviderSession).where(ProviderSession.sid == sid,
                                                            ProviderSession.ended_at.is_(None))).first()


def _requested_level(acr_values: str) -> str:
    asked = [value for value in acr_values.split() if value in ACR_VALUES]
    return asked[0] if asked else "idporten-loa-substantial"


def _picker(form, errors: dict[str, Any]):
    return render_template("auth/testid_authorize.html", persons=list(persons().values()), form=form,
                           errors=errors, levels=ACR_VALUES, OTHER=OTHER, NO_ORG=NO_ORG,
                           action=request.full_path.rstrip("?"))


def _read_pick(form) -> tuple[Optional[Pick], dict[str, Any]]:
    """Validate the whole form; errors by field id (for the error summary's links)."""
    errors: dict[str, Any] = {}  # in the order of the page, for the error summary
    acr = form.get("niva", "")
    key = form.get("person", "")
    pick: Optional[Pick] = None
    if key == OTHER:
        pick = _read_other(form, acr, errors)
    elif key in persons():
        pick = _read_person(persons()[key], form.get("organisasjon", ""), acr, errors)
    else:
        errors["person"] = _l("Velg en testperson, eller skriv inn en annen.")
    if acr not in ACR_VALUES:
        errors["niva"] = _l("Velg sikkerhetsnivå.")
    return (None if errors else pick), errors


def _read_person(person: SyntheticPerson, choice: str, acr: str, errors: dict[str, Any]) -> Optional[Pick]:
    if choice == NO_ORG:
        return Pick(person.pid, person.name, acr, [])
    chosen = person.organisation(choice) if choice else (person.organisations[0] if person.organisations else None)
    if chosen is None:
        errors["organisasjon"] = _l("%(name)s kan ikke representere den virksomheten. Velg en av virksomhetene "
                                    "under personens navn.", name=person.name)
        return None
    # The chosen organisation first (the one acted for), then the others the person may switch to.
    ordered = [chosen] + [org for org in person.organisations if org is not chosen]
    return Pick(person.pid, person.name, acr,
                [{"ID": f"0192:{o.orgnr}", "Name": o.name, "Rights": list(o.rights)} for o in ordered])


def _read_other(form, acr: str, errors: dict[str, Any]) -> Optional[Pick]:
    pid = "".join(form.get("annen-pid", "").split())
    name = " ".join(form.get("annen-navn", "").split())
    raw_orgnr = form.get("annen-orgnr", "").strip()
    if not is_synthetic_pid(pid):
        errors["annen-pid"] = _l("Skriv et syntetisk fødselsnummer med 11 siffer og gyldige kontrollsiffer, med "
                                 "måneden pluss 80 (Tenor) eller pluss 40. Ekte fødselsnummer tas ikke imot.")
    if not name:
        errors["annen-navn"] = _l("Skriv navnet på personen.")
    elif len(name) > 200 or reject_markup(name):
        errors["annen-navn"] = reject_markup(name) or _l("Navnet er for langt.")
    reportees = []
    if raw_orgnr:
        try:
            orgnr = clean_orgnr(raw_orgnr)
        except InvalidOrgnr as error:
            errors["annen-orgnr"] = error.message
        else:
            reportees = [{"ID": f"0192:{orgnr}", "Name": _organisation_name(orgnr), "Rights": ["Read"]}]
    if errors:
        return None
    return Pick(pid, name, acr, reportees)


def _organisation_name(orgnr: str) -> str:
    try:
        entity = register_lookup(current_app.config)(orgnr)
    except enhetsregisteret.RegistryUnavailable:
        entity = None
    return entity.name if entity else f"Organisasjon {format_orgnr(orgnr)}"


def _authorization_error(server: Provider, error: OAuth2Error):
    if error.redirect_uri:
        # The client and its redirect URI are known: tell the client, naming ourselves (RFC 9207).
        response = server.handle_error_response(None, error)
        response.location = add_params_to_uri(response.location, {"iss": server.issuer})
        return response
    return _error_page(error), 400


def _error_page(error: OAuth2Error) -> str:
    return render_template("auth/testid_error.html", error=error.error, description=error.description or "")


def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.after_request(_no_store)


def init_app(app: Flask) -> None:
    if app.config["PRODUCTION"] or not app.config["TEST_IDP_ENABLED"]:
        raise RuntimeError("The built-in test identity provider is for development and tests only.")
    from auth.testid.server import RegisteredClient

    base = app.config["PUBLIC_BASE_URL"]
    client = RegisteredClient(
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        redirect_uris=(f"{base}/login/callback",),
        post_logout_redirect_uris=(f"{base}/",),
        frontchannel_logout_uri=f"{base}/logout/frontchannel",
    )
    app.extensions["testid"] = Provider(issuer=f"{base}/testid", client=client, instance_path=app.instance_path,
                                        secret=app.config["SECRET_KEY"], session_factory=get_session)
    app.register_blueprint(bp)
    # Called by the client's server with its secret, not by a browser form.
    csrf.exempt(token)
