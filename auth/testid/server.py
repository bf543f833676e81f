"""The built-in test identity provider's OpenID Connect machinery, on Authlib's server classes.

It behaves like ID-porten/Ansattporten towards the marketplace: authorization code flow
with PKCE S256 required, ``nonce`` required, ``iss`` in every authorization response
(RFC 9207), RS256 id_tokens living 120 seconds with ``pid``, ``sub`` (per client), ``acr``,
``amr``, ``sid``, ``locale`` and Ansattporten's ``authorization_details[].reportees[]``,
single-use codes, and RP-initiated logout.

The only registered client is the marketplace itself (client id and secret from its
configuration).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Optional

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import RSAKey
from sqlalchemy import update
from sqlmodel import Session, select

from auth.testid import keys
from auth.testid.models import ProviderCode, ProviderSession
from catalogue.models import utcnow

ID_TOKEN_SECONDS = 120         # as ID-porten
CODE_SECONDS = 60              # codes are redeemed at once; a minute is plenty
SCOPES = ("openid", "profile")
ACR_VALUES = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
DEFAULT_DETAILS_TYPE = "ansattporten:altinn:resource"
DEFAULT_DETAILS_RESOURCE = "urn:altinn:resource:markedsplassen-skytjenester"


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    """The marketplace, as registered at the provider."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    frontchannel_logout_uri: str

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": list(self.post_logout_redirect_uris),
                "frontchannel_logout_uri": self.frontchannel_logout_uri,
                "frontchannel_logout_session_required": True}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return list_to_scope([s for s in scope_to_list(scope or "") or [] if s in SCOPES])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(self.client_secret.encode(), (client_secret or "").encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        # A confidential client: never "none" at the token endpoint.
        return method in ("client_secret_basic", "client_secret_post") if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class PickedUser:
    """What the tester picked on the authorize page: the person, the organisations, the level."""

    pid: str
    name: str
    acr: str
    sid: str
    auth_time: int
    authorization_details: Optional[list[dict[str, Any]]]


def authorization_details_for(requested: str, reportees: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ansattporten's answer: the requested type/resource with the chosen reportees."""
    kind, resource = DEFAULT_DETAILS_TYPE, DEFAULT_DETAILS_RESOURCE
    try:
        asked = json.loads(requested) if requested else []
    except ValueError:
        asked = []
    if isinstance(asked, dict):
        asked = [asked]
    if isinstance(asked, list) and asked and isinstance(asked[0], dict):
        kind = str(asked[0].get("type") or kind)
        resource = str(asked[0].get("resource") or resource)
    return [{"type": kind, "resource": resource, "reportees": reportees}]


class StrictPKCE(CodeChallenge):
    """PKCE as ID-porten demands it: S256 only, and required of every client, confidential too."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class Provider(AuthorizationServer):
    """The test provider. *session_factory* gives the database session of the current request."""

    def __init__(self, *, issuer: str, client: RegisteredClient, instance_path: str, secret: str,
                 session_factory: Callable[[], Session]):
        super().__init__()
        self.issuer = issuer
        self.client = client
        self.instance_path = instance_path
        self.secret = secret
        self.db = session_factory
        self._key: Optional[RSAKey] = None
        self._key_lock = threading.Lock()
        self.load_config({"OAUTH2_TOKEN_EXPIRES_IN": {"authorization_code": ID_TOKEN_SECONDS}})
        self.register_grant(CodeGrant, [StrictPKCE(required=True), ProviderOpenIDCode(self)])
        self.register_extension(ProviderIssuer(issuer))
        self.register_endpoint(ProviderEndSession(self))

    # Authlib's AuthorizationServer hooks
    def query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token, request):
        # Nothing presents the access token back to this provider (it has no userinfo or API),
        # so there is nothing to keep: the id_token is the whole answer.
        return None

    def signing_key(self) -> RSAKey:
        with self._key_lock:
            if self._key is None:
                self._key = keys.load_or_create(self.instance_path)
            return self._key

    def public_jwks(self) -> dict[str, Any]:
        return keys.public_jwks(self.signing_key())

    def subject(self, pid: str, client_id: str) -> str:
        """``sub``: a pairwise identifier, different for each client, as ID-porten's."""
        digest = hmac.new(self.secret.encode(), f"{client_id}\x00{pid}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")

    def metadata(self) -> dict[str, Any]:
        """The discovery document; endpoint URLs hang off the issuer (the views live under /testid)."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/endsession",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": list(SCOPES),
            "acr_values_supported": list(ACR_VALUES),
            "ui_locales_supported": ["nb", "nn", "en", "se"],
            "claims_supported": ["iss", "aud", "sub", "pid", "name", "acr", "amr", "sid", "locale", "nonce",
                                 "auth_time", "authorization_details"],
            "authorization_details_types_supported": [DEFAULT_DETAILS_TYPE],
            "authorization_response_iss_parameter_supported": True,
            "frontchannel_logout_supported": True,
            "frontchannel_logout_session_supported": True,
        }

    def start_session(self, name: str, organisation: str) -> str:
        """A new provider session; its ``sid`` goes into the id_token."""
        sid = secrets.token_urlsafe(24)
        db = self.db()
        # Sessions end within hours (as ID-porten's, 120 minutes at most); sweep day-old ones.
        db.execute(ProviderSession.__table__.delete().where(ProviderSession.created_at < utcnow() - timedelta(days=1)))
        db.add(ProviderSession(sid=sid, client_id=self.client.client_id, name=name, organisation=organisation))
        db.flush()
        return sid

    def end_session(self, sid: str) -> Optional[ProviderSession]:
        db = self.db()
        found = db.exec(select(ProviderSession).where(ProviderSession.sid == sid,
                                                      ProviderSession.ended_at.is_(None))).first()
        if found is not None:
            found.ended_at = utcnow()
            db.add(found)
        db.commit()
        return found


def sweep_codes(db, now) -> int:
    """Delete the codes past their lifetime (used or not). Returns how many."""
    done = db.execute(ProviderCode.__table__.delete().where(ProviderCode.created_at < now - timedelta(seconds=CODE_SECONDS)))
    return done.rowcount or 0


class ProviderIssuer(IssuerParameter):
    def __init__(self, issuer: str):
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    @property
    def provider(self) -> Provider:
        return self.server

    def save_authorization_code(self, code: str, request) -> None:
        user: PickedUser = request.user
        data = request.payload.data
        db = self.provider.db()
        # Expired codes are of no use to anyone and carry an identity number: delete them as new
        # ones are made (and every few minutes by ``flask retention run``: auth.retention).
        sweep_codes(db, utcnow())
        db.add(ProviderCode(
            code=code, client_id=request.client.get_client_id(), redirect_uri=request.payload.redirect_uri or "",
            scope=request.scope or "", nonce=data.get("nonce", ""), code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", ""), pid=user.pid, name=user.name,
            acr=user.acr, sid=user.sid, auth_time=user.auth_time, authorization_details=user.authorization_details,
        ))
        db.commit()

    def query_authorization_code(self, code: str, client) -> Optional[ProviderCode]:
        """Claim the code: one atomic UPDATE, so it is redeemed once even under concurrent requests.

        A code that fails a later check (e.g. PKCE) stays spent: whoever holds it is suspect.
        """
        db = self.provider.db()
        now = utcnow()
        claimed = db.execute(update(ProviderCode)
                          .where(ProviderCode.code == code, ProviderCode.client_id == client.get_client_id(),
                                 ProviderCode.used_at.is_(None),
                                 ProviderCode.created_at >= now - timedelta(seconds=CODE_SECONDS))
                          .values(used_at=now))
        db.commit()
        if claimed.rowcount != 1:
            return None
        return db.exec(select(ProviderCode).where(ProviderCode.code == code)).first()

    def delete_authorization_code(self, authorization_code: ProviderCode) -> None:
        """Redeemed: the identity goes at once (finding F8); the row keeps only the code and its
        nonce (so a replayed nonce is still refused) until the sweep deletes it at expiry."""
        db = self.provider.db()
        db.execute(update(ProviderCode).where(ProviderCode.id == authorization_code.id)
                   .values(pid="", name="", authorization_details=None))
        db.commit()

    def authenticate_user(self, authorization_code: ProviderCode) -> PickedUser:
        return PickedUser(pid=authorization_code.pid, name=authorization_code.name, acr=authorization_code.acr,
                          sid=authorization_code.sid, auth_time=authorization_code.auth_time,
                          authorization_details=authorization_code.authorization_details)


class ProviderOpenIDCode(OpenIDCode):
    DEFAULT_EXPIRES_IN = ID_TOKEN_SECONDS

    def __init__(self, provider: Provider):
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce, request) -> bool:
        db = self.provider.db()
        return db.exec(select(ProviderCode.id).where(ProviderCode.nonce == nonce)).first() is not None

    def resolve_client_private_key(self, client):
        return self.provider.signing_key()

    def get_client_algorithm(self, client) -> str:
        return "RS256"

    def get_encode_header(self, client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.provider.signing_key().kid}

    def get_client_claims(self, client) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.provider.issuer, "aud": client.get_client_id(), "iat": now,
                "exp": now + ID_TOKEN_SECONDS}

    def generate_user_info(self, user: PickedUser, scope: str) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "sub": self.provider.subject(user.pid, self.provider.client.client_id),
            "pid": user.pid,
            "sid": user.sid,
            "locale": "nb",
        }
        if "profile" in scope_to_list(scope or "") and user.name:
            claims["name"] = user.name
        if user.authorization_details is not None:
            claims["authorization_details"] = user.authorization_details
        return claims


class ProviderEndSession(EndSessionEndpoint):
    def get_server_jwks(self):
        return self.server.public_jwks()

    def get_algorithms(self) -> list[str]:
        return ["RS256"]

    def end_session(self, end_session_request) -> None:
        sid = (end_session_request.id_token_claims or {}).get("sid")
        if sid:
            self.server.end_session(sid)
