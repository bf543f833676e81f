"""The OpenID Connect client (relying party) for ID-porten / Ansattporten, or the built-in provider.

Plain Python, no Flask: the views hand it the callback's query arguments and the pending
login they kept, and get back verified claims or a ``LoginError`` with a clear message.

Every HTTP call (discovery, JWKS, token) goes through ``OIDCClient.http``, a
``requests.Session``: production uses a plain one; tests may mount a transport adapter on it
(e.g. one that hands the request to the app's own WSGI callable in-process). The answers
still come from the real provider code.

What is checked, in order (each failure has its own ``LoginError.code``):
``state`` (it must belong to a login we started), ``iss`` in the authorization response
(RFC 9207), an ``error`` from the provider, the code exchange (PKCE S256 ``code_verifier``,
client secret), and the id_token: RS256 signature by a key of the provider's JWKS, ``iss``,
``aud``, ``exp``/``iat``, ``nonce`` and ``acr`` at or above the required level.
"""
from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlencode

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client.oauth2_session import OAuth2ClientAuth
from authlib.oauth2.client import OAuth2Client
from joserfc import jwt
from joserfc.errors import BadSignatureError, DecodeError, JoseError
from joserfc.jwk import KeySet

from catalogue.i18n import _l

# Levels of assurance by rank: ID-porten's names and Ansattporten's ("substantial", "high").
# "low" exists only at the built-in test provider, to see a too-low login refused.
ACR_RANK = {"idporten-loa-low": 0, "idporten-loa-substantial": 1, "substantial": 1,
            "idporten-loa-high": 2, "high": 2}
CLOCK_LEEWAY_SECONDS = 30
METADATA_TTL_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10
PENDING_TTL_SECONDS = 600


class LoginError(Exception):
    """A refused login: *code* says which check failed; *message* is what the person reads."""

    def __init__(self, code: str, status: int = 400, detail: str = ""):
        self.code = code
        self.status = status
        self.detail = detail
        self.message = MESSAGES.get(code, MESSAGES["invalid"])
        super().__init__(f"{code}: {detail}" if detail else code)


MESSAGES: dict[str, Any] = {
    "state": _l("Svaret fra innloggingstjenesten hører ikke til en innlogging som ble startet her (ukjent eller "
                "feil «state»). Start innloggingen på nytt."),
    "iss_missing": _l("Svaret fra innloggingstjenesten mangler utstederen («iss»), så vi kan ikke vite hvem som "
                      "sendte det."),
    "iss_wrong": _l("Svaret kom fra en annen innloggingstjeneste enn den Markedsplassen bruker."),
    "provider_error": _l("Innloggingen ble avbrutt eller avvist av innloggingstjenesten."),
    "code_missing": _l("Svaret fra innloggingstjenesten mangler innloggingskoden."),
    "token": _l("Innloggingstjenesten ville ikke løse inn innloggingskoden. Koden kan være brukt før eller "
                "utløpt, eller kontrollen av engangsnøkkelen (PKCE) feilet."),
    "unavailable": _l("Innloggingstjenesten svarer ikke akkurat nå. Prøv igjen om litt."),
    "id_token_signature": _l("Identitetsbeviset (id_token) har ikke en gyldig signatur fra innloggingstjenesten."),
    "id_token_iss": _l("Identitetsbeviset (id_token) er utstedt av en annen enn innloggingstjenesten vi bruker."),
    "id_token_aud": _l("Identitetsbeviset (id_token) er laget for en annen tjeneste enn Markedsplassen."),
    "id_token_expired": _l("Identitetsbeviset (id_token) er utløpt. Logg inn på nytt."),
    "id_token_nonce": _l("Identitetsbeviset (id_token) hører ikke til denne innloggingen (feil «nonce»)."),
    "id_token_invalid": _l("Identitetsbeviset (id_token) er ufullstendig eller feilformet."),
    "acr": _l("Innloggingen hadde for lavt sikkerhetsnivå. Markedsplassen krever minst «betydelig» (for eksempel "
              "MinID med kode, BankID eller Buypass)."),
    "next": _l("Adressen du skulle sendes videre til etter innloggingen er ikke en side på Markedsplassen."),
    "invalid": _l("Innloggingen kunne ikke fullføres."),
}


def safe_next(target: str | None) -> str:
    """The local path to go to after login; raises ``LoginError("next")`` for anything else.

    Only a path on this site is allowed: it must start with one "/" and hold no scheme, no
    host ("//evil", "/\\evil"), no backslash and no control characters.
    """
    if not target:
        return "/"
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or len(target) > 2000):
        raise LoginError("next", 400, target[:200])
    return target


def required_level(acr_values: str) -> str:
    """The lowest level the configured ``acr_values`` accept (space-separated, as sent)."""
    wanted = [value for value in acr_values.split() if value in ACR_RANK]
    if not wanted:
        raise ValueError(f"OIDC_ACR_VALUES holds no known level: {acr_values!r}")
    return min(wanted, key=ACR_RANK.__getitem__)


def acr_meets(acr: str | None, required: str) -> bool:
    return acr in ACR_RANK and ACR_RANK[acr] >= ACR_RANK[required]


@dataclass
class Pending:
    """A login we started: kept by the browser's session until the provider answers."""

    state: str
    nonce: str
    code_verifier: str
    next: str
    started: float

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier,
                "next": self.next, "started": self.started}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Pending":
        return cls(**{key: data[key] for key in ("state", "nonce", "code_verifier", "next", "started")})

    def expired(self, now: float) -> bool:
        return now - self.started > PENDING_TTL_SECONDS


@dataclass(frozen=True)
class VerifiedLogin:
    claims: dict[str, Any]
    id_token: str
    next: str


class _TokenClient(OAuth2Client):
    """Authlib's OAuth 2 client over any ``requests.Session`` (client auth as a requests auth)."""

    client_auth_class = OAuth2ClientAuth
    oauth_error_class = OAuthError


@dataclass
class OIDCClient:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    acr_values: str = "idporten-loa-substantial"
    scopes: str = "openid profile"
    authorization_details: str = ""
    ui_locales: str = "nb"
    http: requests.Session = field(default_factory=requests.Session)
    _metadata: Optional[dict[str, Any]] = field(default=None, repr=False)
    _metadata_at: float = field(default=0.0, repr=False)
    _jwks: Optional[KeySet] = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        # The issuer is compared exactly, as OpenID Connect requires (Discovery §4.3, RFC 9207):
        # "https://idporten.no/" is another issuer than "https://idporten.no".
        self.required_acr = required_level(self.acr_values)

    # --- provider metadata -------------------------------------------------

    def _get_json(self, url: str) -> Any:
        try:
            response = self.http.get(url, headers={"Accept": "application/json"}, timeout=HTTP_TIMEOUT_SECONDS)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise LoginError("unavailable", 503, f"{url}: {error}") from error

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (cached for an hour)."""
        with self._lock:
            if self._metadata is not None and time.time() - self._metadata_at < METADATA_TTL_SECONDS:
                return self._metadata
        data = self._get_json(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
        if not isinstance(data, dict) or data.get("issuer", "") != self.issuer:
            raise LoginError("unavailable", 503, "discovery document names another issuer")
        with self._lock:
            self._metadata, self._metadata_at, self._jwks = data, time.time(), None
        return data

    def jwks(self, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._jwks is not None and not refresh:
                return self._jwks
        data = self._get_json(self.metadata()["jwks_uri"])
        try:
            keys = KeySet.import_key_set(data)
        except (JoseError, ValueError, KeyError, TypeError) as error:
            raise LoginError("unavailable", 503, f"bad JWKS: {error}") from error
        with self._lock:
            self._jwks = keys
        return keys

    # --- the login ----------------------------------------------------------

    def _oauth(self) -> _TokenClient:
        return _TokenClient(self.http, client_id=self.client_id, client_secret=self.client_secret,
                            token_endpoint_auth_method="client_secret_basic", scope=self.scopes,  # the name of an auth method # nosec B106
                            redirect_uri=self.redirect_uri, code_challenge_method="S256")

    def begin(self, next_path: str, now: float | None = None) -> tuple[str, Pending]:
        """The provider URL to send the browser to, and what to keep until it comes back."""
        pending = Pending(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
                          code_verifier=secrets.token_urlsafe(64), next=safe_next(next_path),
                          started=time.time() if now is None else now)
        extra: dict[str, str] = {"nonce": pending.nonce, "acr_values": self.acr_values,
                                 "ui_locales": self.ui_locales}
        if self.authorization_details:
            extra["authorization_details"] = self.authorization_details
        url, _ = self._oauth().create_authorization_url(
            self.metadata()["authorization_endpoint"], state=pending.state,
            code_verifier=pending.code_verifier, **extra)
        return url, pending

    def finish(self, args: dict[str, str], pending: Optional[Pending], now: float | None = None) -> VerifiedLogin:
        """Check the authorization response, redeem the code and verify the id_token."""
        now = time.time() if now is None else now
        state = args.get("state", "")
        if pending is None or not state or not hmac.compare_digest(state, pending.state) or pending.expired(now):
            raise LoginError("state", 400)
        iss = args.get("iss")
        if not iss:
            raise LoginError("iss_missing", 400)
        if iss != self.issuer:
            raise LoginError("iss_wrong", 400, iss[:200])
        if args.get("error"):
            raise LoginError("provider_error", 401, f"{args.get('error')}: {args.get('error_description', '')}"[:300])
        code = args.get("code")
        if not code:
            raise LoginError("code_missing", 400)
        token = self._redeem(code, pending)
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise LoginError("id_token_invalid", 401, "no id_token in the token response")
        claims = self.verify_id_token(id_token, pending.nonce, now)
        return VerifiedLogin(claims=claims, id_token=id_token, next=pending.next)

    def _redeem(self, code: str, pending: Pending) -> dict[str, Any]:
        token_endpoint = self.metadata()["token_endpoint"]
        try:
            return dict(self._oauth().fetch_token(token_endpoint, grant_type="authorization_code", code=code,
                                                  code_verifier=pending.code_verifier,
                                                  redirect_uri=self.redirect_uri, timeout=HTTP_TIMEOUT_SECONDS))
        except OAuthError as error:
            raise LoginError("token", 401, f"{error.error}: {error.description}") from error
        except (requests.RequestException, ValueError) as error:
            raise LoginError("unavailable", 503, str(error)) from error

    def verify_id_token(self, id_token: str, nonce: str, now: float | None = None) -> dict[str, Any]:
        """The id_token's claims, after checking signature, iss, aud, exp, iat, nonce and acr."""
        now = time.time() if now is None else now
        claims = self._verified_claims(id_token)
        if claims.get("iss", "") != self.issuer:
            raise LoginError("id_token_iss", 401, str(claims.get("iss"))[:200])
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if self.client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != self.client_id):
            raise LoginError("id_token_aud", 401, str(aud)[:200])
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
            raise LoginError("id_token_invalid", 401, "exp/iat missing")
        if exp + CLOCK_LEEWAY_SECONDS < now:
            raise LoginError("id_token_expired", 401, f"exp={exp} now={int(now)}")
        if iat - CLOCK_LEEWAY_SECONDS > now:
            raise LoginError("id_token_invalid", 401, "issued in the future")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
            raise LoginError("id_token_nonce", 401)
        if not acr_meets(claims.get("acr"), self.required_acr):
            raise LoginError("acr", 401, f"acr={claims.get('acr')!r}, required {self.required_acr}")
        if not isinstance(claims.get("pid"), str) or not claims["pid"].isdigit() or not claims.get("sub"):
            raise LoginError("id_token_invalid", 401, "pid/sub missing")
        return claims

    def _verified_claims(self, id_token: str) -> dict[str, Any]:
        for refresh in (False, True):  # the provider may have rotated its keys: fetch them once more
            try:
                token = jwt.decode(id_token, self.jwks(refresh=refresh), algorithms=["RS256"])
            except BadSignatureError as error:
                raise LoginError("id_token_signature", 401) from error
            except DecodeError as error:
                raise LoginError("id_token_invalid", 401, str(error)) from error
            except (JoseError, ValueError) as error:  # no key with that kid, or alg not allowed
                if refresh:
                    raise LoginError("id_token_signature", 401, str(error)) from error
                continue
            if not isinstance(token.claims, dict):
                raise LoginError("id_token_invalid", 401)
            return dict(token.claims)
        raise LoginError("id_token_signature", 401)  # pragma: no cover - the loop returns or raises

    # --- logout ---------------------------------------------------------------

    def logout_request(self, id_token: str, state: str) -> tuple[str, dict[str, str]] | None:
        """RP-initiated logout: ``(end_session_endpoint, form fields)``, or None if the provider has none.

        The fields are **posted** (OpenID Connect RP-Initiated Logout 1.0 §2: the provider
        supports GET and POST), never put in a URL: the id_token carries the national
        identity number, and a URL ends up in access logs, proxies and browser history.
        """
        endpoint = self.metadata().get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"post_logout_redirect_uri": self.post_logout_redirect_uri, "state": state,
                  "client_id": self.client_id, "ui_locales": self.ui_locales}
        if id_token:
            params["id_token_hint"] = id_token
        return endpoint, params


def describe(claims: dict[str, Any]) -> str:
    """A log-safe summary of claims (never the identity number)."""
    safe = {key: claims.get(key) for key in ("iss", "aud", "acr", "amr", "sid", "exp")}
    return json.dumps(safe, default=str)
