"""The built-in test identity provider on its own: discovery, keys, PKCE, nonce, codes, the picker, logout."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import stat
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from auth.testid import keys
from auth.testid.models import ProviderCode, ProviderSession
from auth.testid.persons import persons
from tests.login import prepare, viewer_of



def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def authorize_params(app, verifier: str, **changes) -> dict[str, str]:
    params = {
        "response_type": "code", "client_id": app.config["OIDC_CLIENT_ID"],
        "redirect_uri": app.config["PUBLIC_BASE_URL"] + "/login/callback", "scope": "openid profile",
        "state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), "code_challenge": s256(verifier),
        "code_challenge_method": "S256", "acr_values": "idporten-loa-substantial", "ui_locales": "nb",
    }
    for key, value in changes.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    return params


def pick(client, params: dict, **form):
    path = "/testid/authorize?" + urlencode(params)
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "person": "leverandor-fjordsky", "niva": "idporten-loa-substantial",
            "handling": "logg-inn", **form}
    return client.post(path, data=data)


def get_code(app, client, verifier: str, **changes) -> tuple[str, dict]:
    params = authorize_params(app, verifier, **changes)
    response = pick(client, params)
    assert response.status_code == 302
    return query(response.headers["Location"])["code"], params


def redeem(app, client, code: str, verifier: str | None, secret: str | None = None, **extra):
    form = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": app.config["PUBLIC_BASE_URL"] + "/login/callback", **extra}
    if verifier is not None:
        form["code_verifier"] = verifier
    auth = (app.config["OIDC_CLIENT_ID"], secret or app.config["OIDC_CLIENT_SECRET"])
    basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    return client.post("/testid/token", data=form, headers={"Authorization": f"Basic {basic}"})


@pytest.fixture
def verifier() -> str:
    return secrets.token_urlsafe(48)


def test_discovery_document(app, client):
    issuer = app.config["OIDC_ISSUER"]
    meta = client.get("/testid/.well-known/openid-configuration").get_json()
    assert meta["issuer"] == issuer == app.config["PUBLIC_BASE_URL"] + "/testid"
    assert meta["authorization_endpoint"] == f"{issuer}/authorize"
    assert meta["token_endpoint"] == f"{issuer}/token" and meta["jwks_uri"] == f"{issuer}/jwks"
    assert meta["end_session_endpoint"] == f"{issuer}/endsession"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert meta["frontchannel_logout_supported"] and meta["frontchannel_logout_session_supported"]
    assert "idporten-loa-substantial" in meta["acr_values_supported"]


def test_the_key_is_made_on_first_use_kept_private_and_published_without_secrets(app, client):
    path = os.path.join(app.instance_path, keys.FILENAME)
    assert not os.path.exists(path)
    published = client.get("/testid/jwks").get_json()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    (key,) = published["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    # The same key after a restart (a new app on the same instance directory).
    assert keys.load_or_create(app.instance_path).kid == key["kid"]


def test_the_id_token(app, client, verifier):
    prepare(app)
    code, params = get_code(app, client, verifier)
    response = redeem(app, client, code, verifier)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = response.get_json()
    keyset = KeySet.import_key_set(client.get("/testid/jwks").get_json())
    decoded = jwt.decode(token["id_token"], keyset, algorithms=["RS256"])
    claims = decoded.claims
    person = persons()["leverandor-fjordsky"]
    assert decoded.header["kid"] == keyset.keys[0].kid
    assert claims["iss"] == app.config["OIDC_ISSUER"] and claims["aud"] == app.config["OIDC_CLIENT_ID"]
    assert claims["pid"] == person.pid and claims["name"] == person.name and claims["nonce"] == params["nonce"]
    assert claims["acr"] == "idporten-loa-substantial" and claims["amr"] == ["TestID"] and claims["locale"] == "nb"
    assert claims["sub"] and claims["sub"] != person.pid and claims["sid"]
    assert claims["exp"] - claims["iat"] == 120
    (details,) = claims["authorization_details"]
    assert [r["ID"] for r in details["reportees"]] == ["0192:964330123", "0192:999906087"]
    assert details["reportees"][0] == {"ID": "0192:964330123", "Name": "Fjordsky AS", "Rights": ["Read", "Write", "Sign"]}


def test_the_chosen_organisation_comes_first(app, client, verifier):
    params = authorize_params(app, verifier, authorization_details='[{"type": "ansattporten:altinn:resource", '
                                                                   '"resource": "urn:altinn:resource:mps"}]')
    code = query(pick(client, params, organisasjon="999906087").headers["Location"])["code"]
    claims = jwt.decode(redeem(app, client, code, verifier).get_json()["id_token"],
                        KeySet.import_key_set(client.get("/testid/jwks").get_json())).claims
    (details,) = claims["authorization_details"]
    assert (details["type"], details["resource"]) == ("ansattporten:altinn:resource", "urn:altinn:resource:mps")
    assert [r["ID"] for r in details["reportees"]] == ["0192:999906087", "0192:964330123"]


@pytest.mark.parametrize("changes, description", [
    ({"code_challenge": None, "code_challenge_method": None}, "PKCE is required"),
    ({"code_challenge_method": "plain"}, "must be S256"),
    ({"nonce": None}, "nonce"),
    ({"response_type": "token"}, None),
])
def test_authorization_requests_without_pkce_or_nonce_go_back_with_an_error_and_iss(app, client, verifier,
                                                                                     changes, description):
    params = authorize_params(app, verifier, **changes)
    response = client.get("/testid/authorize?" + urlencode(params))
    assert response.status_code == 302
    answer = query(response.headers["Location"])
    assert response.headers["Location"].startswith(params["redirect_uri"] + "?")
    if description is None:
        assert answer["error"] == "unsupported_response_type"
    else:
        assert answer["error"] == "invalid_request"
        assert description.lower() in answer.get("error_description", "").lower()
    assert answer["iss"] == app.config["OIDC_ISSUER"] and answer["state"] == params["state"]


def test_a_reused_nonce_is_refused(app, client, verifier):
    code, params = get_code(app, client, verifier)
    again = client.get("/testid/authorize?" + urlencode({**params, "state": "other"}))
    assert query(again.headers["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize("changes", [{"client_id": "somebody-else"},
                                     {"redirect_uri": "https://evil.example/login/callback"}])
def test_unknown_clients_and_redirects_get_a_page_not_a_redirect(app, client, verifier, changes):
    response = client.get("/testid/authorize?" + urlencode(authorize_params(app, verifier, **changes)))
    assert response.status_code == 400 and "Location" not in response.headers
    assert "Ugyldig forespørsel til TestID" in response.get_data(as_text=True)


def test_the_token_endpoint_enforces_pkce_secret_and_single_use(app, client, verifier):
    code, _ = get_code(app, client, verifier)
    missing = redeem(app, client, code, None)
    assert missing.status_code == 400 and missing.get_json()["error"] == "invalid_request"

    code, _ = get_code(app, client, verifier)
    wrong = redeem(app, client, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "invalid_grant"
    assert redeem(app, client, code, verifier).get_json()["error"] == "invalid_grant"  # spent by the attempt

    code, _ = get_code(app, client, verifier)
    assert redeem(app, client, code, verifier, secret="wrong-secret").status_code == 401
    assert redeem(app, client, code, verifier).status_code == 200
    replay = redeem(app, client, code, verifier)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"


def test_an_old_code_is_refused(app, client, verifier):
    code, _ = get_code(app, client, verifier)
    with Session(app.extensions["db_engine"]) as s:
        row = s.exec(select(ProviderCode).where(ProviderCode.code == code)).one()
        row.created_at = row.created_at - timedelta(minutes=5)
        s.add(row)
        s.commit()
    assert redeem(app, client, code, verifier).get_json()["error"] == "invalid_grant"


def test_the_token_endpoint_needs_no_csrf_token_but_the_picker_does(app, client, verifier):
    params = authorize_params(app, verifier)
    response = client.post("/testid/authorize?" + urlencode(params),
                           data={"person": "leverandor-fjordsky", "niva": "idporten-loa-substantial"})
    assert response.status_code == 400 and "Location" not in response.headers


# --- the picker ------------------------------------------------------------------------------


def test_the_picker_page_lists_persons_organisations_and_levels(app, client, verifier):
    page = client.get("/testid/authorize?" + urlencode(authorize_params(app, verifier))).get_data(as_text=True)
    for person in persons().values():
        assert person.name in page and person.pid in page
    assert "Havbris Teknologi AS" in page and 'value="ingen"' in page
    assert 'value="idporten-loa-substantial" id="niva-idporten-loa-substantial"' in page
    assert re.search(r'value="idporten-loa-substantial"[^>]*\s+checked', page)
    assert '<label for="annen-pid">' in page and 'aria-describedby="annen-pid-hint"' in page


@pytest.mark.parametrize("form, field, text", [
    ({"person": ""}, "person", "Velg en testperson"),
    ({"person": "kommune-innkjoper", "organisasjon": "964330123"}, "organisasjon", "kan ikke representere"),
    ({"niva": "level-4"}, "niva", "Velg sikkerhetsnivå"),
    ({"person": "annen", "annen-pid": "14038421386", "annen-navn": "Ekte Person"}, "annen-pid", "syntetisk"),
    ({"person": "annen", "annen-pid": "05859533347", "annen-navn": ""}, "annen-navn", "Skriv navnet"),
    ({"person": "annen", "annen-pid": "05859533347", "annen-navn": "<b>x</b>"}, "annen-navn", "HTML"),
    ({"person": "annen", "annen-pid": "05859533347", "annen-navn": "Ola", "annen-orgnr": "123456789"},
     "annen-orgnr", "kontrollsifferet"),
])
def test_a_bad_pick_is_shown_at_the_field_and_issues_nothing(app, client, verifier, form, field, text):
    params = authorize_params(app, verifier)
    response = pick(client, params, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert f'href="#{field}"' in page and text in page and 'id="' + field + '"' in page
    assert 'aria-invalid="true"' in page
    with Session(app.extensions["db_engine"]) as s:
        assert s.exec(select(ProviderCode)).all() == [] and s.exec(select(ProviderSession)).all() == []


def test_another_synthetic_person_can_log_in(app, client):
    prepare(app)
    path = urlsplit(client.get("/login").headers["Location"])
    local = f"{path.path}?{path.query}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(local).get_data(as_text=True)).group(1)
    response = client.post(local, data={"csrf_token": token, "person": "annen", "annen-pid": "058595 33347",
                                        "annen-navn": "Utforskende  Tester", "annen-orgnr": "NO 976 240 391 MVA",
                                        "niva": "idporten-loa-high", "handling": "logg-inn"})
    callback = urlsplit(response.headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    viewer = viewer_of(client)
    assert (viewer.name, viewer.role, viewer.orgnr, viewer.org_name) == ("Utforskende Tester", "buyer", "976240391",
                                                                       "Fjellvik kommune")


# --- RP-initiated logout at the provider -------------------------------------------------------


def test_end_session_with_a_bad_id_token_hint_is_refused(app, client):
    response = client.get("/testid/endsession", query_string={"id_token_hint": "not.a.token",
                                                              "post_logout_redirect_uri": "https://evil.example/"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_end_session_without_a_hint_asks_first_and_never_redirects_elsewhere(app, client):
    params = {"post_logout_redirect_uri": "https://evil.example/", "client_id": app.config["OIDC_CLIENT_ID"]}
    page = client.get("/testid/endsession", query_string=params)
    assert page.status_code == 200 and "Vil du logge ut av TestID?" in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post("/testid/endsession", data={"csrf_token": token, **params})
    assert done.status_code == 200 and "Du er logget ut av TestID" in done.get_data(as_text=True)


def test_the_provider_is_not_there_in_production(tmp_path):
    from marketplace import create_app

    app = create_app({"MARKETPLACE_ENV": "production", "PRODUCTION": True, "TEST_IDP_ENABLED": False,
                      "SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}", "OIDC_ISSUER": "https://idporten.no"})
    try:
        assert not [r for r in app.url_map.iter_rules() if r.rule.startswith("/testid")]
        assert "testid" not in app.extensions
        assert app.test_client().get("/testid/.well-known/openid-configuration").status_code == 404
        from marketplace.views import testid

        app.config["TEST_IDP_ENABLED"] = True
        with pytest.raises(RuntimeError):
            testid.init_app(app)
    finally:
        app.extensions["db_engine"].dispose()
