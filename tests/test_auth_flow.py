"""Login through the built-in provider: roles, switching, logout, front-channel logout, timeouts, refusals.

The flow runs through the Flask test client with the provider answering in process (see
tests/login.py); test_auth_live.py does the same over real HTTP.
"""
from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func
from sqlmodel import Session, select

from auth.login import pid_hash
from catalogue.viewer import BUYER, MANAGER, NO_ROLE, SUPPLIER
from auth.testid.models import ProviderCode, ProviderSession
from auth.testid.persons import persons
from catalogue.models import AuditEvent, LoginSession, Membership, Supplier, User, utcnow
from tests.login import WSGITransport, authorize, login, logout, prepare, start, use_inprocess_transport, viewer_of

FJORDSKY, HAVBRIS, NORDLYS = "964330123", "999906087", "935308291"


def db(app) -> Session:
    return Session(app.extensions["db_engine"], expire_on_commit=False)


def counts(app) -> dict[str, int]:
    with db(app) as s:
        return {model.__name__: s.exec(select(func.count()).select_from(model)).one()
                for model in (User, LoginSession, Membership, AuditEvent)}


def supplier_id(app, orgnr: str) -> int:
    with db(app) as s:
        return s.exec(select(Supplier.id).where(Supplier.orgnr == orgnr)).one()


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"{parts.path}?{urlencode(params)}"


# --- logging in, roles ---------------------------------------------------------------------


@pytest.mark.parametrize("person, orgnr, role, org_name", [
    ("kommune-innkjoper", "976240391", BUYER, "Fjellvik kommune"),
    ("stat-innkjoper", "922152799", BUYER, "Direktoratet for eksempeldata"),
    ("leverandor-fjordsky", FJORDSKY, SUPPLIER, "Fjordsky AS"),
    ("leverandor-nordlys", NORDLYS, SUPPLIER, "Nordlys Datasenter AS"),
    ("avtaleforvalter", "925792403", MANAGER, "Skyforvaltningen (demo)"),
])
def test_each_test_person_gets_the_right_role(app, client, person, orgnr, role, org_name):
    viewer = login(client, person)
    assert (viewer.role, viewer.orgnr, viewer.org_name, viewer.name) == (role, orgnr, org_name,
                                                                         persons()[person].name)
    expected_supplier = supplier_id(app, orgnr) if role == SUPPLIER else None
    assert viewer.supplier_id == expected_supplier
    page = client.get("/min-innlogging").get_data(as_text=True)
    assert persons()[person].name in page and org_name in page


def test_a_supplier_without_a_registered_company_is_a_supplier_without_supplier_id(client):
    viewer = login(client, "leverandor-fjordsky", HAVBRIS)
    assert (viewer.role, viewer.orgnr, viewer.supplier_id) == (SUPPLIER, HAVBRIS, None)


def test_first_login_records_user_membership_and_audit_without_the_identity_number(app, client):
    before = counts(app)
    viewer = login(client, "leverandor-fjordsky")
    pid = persons()["leverandor-fjordsky"].pid
    with db(app) as s:
        user = s.get(User, viewer.user_id)
        assert user.pid_hash == pid_hash(pid, app.config["PID_HMAC_KEY"]) and user.name == "Marte Solberg Aas"
        login_row = s.exec(select(LoginSession).where(LoginSession.user_id == user.id)).one()
        assert login_row.role == SUPPLIER and login_row.acting_for == f"0192:{FJORDSKY}" and login_row.sid
        assert [r["ID"] for r in login_row.reportees] == [f"0192:{FJORDSKY}", f"0192:{HAVBRIS}"]
        # The id_token is kept for logout, but sealed: the identity number is nowhere in clear.
        assert login_row.id_token and pid not in login_row.id_token and "eyJ" not in login_row.id_token
        assert s.exec(select(Membership).where(Membership.user_id == user.id)).one().supplier_id == \
            supplier_id(app, FJORDSKY)
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                                            .order_by(AuditEvent.id))]
        assert actions == ["user.created", "membership.recorded", "auth.login"]
        for event in s.exec(select(AuditEvent).where(AuditEvent.actor_id == user.id)):
            assert pid not in json.dumps([event.before, event.after, event.detail])
            assert event.acting_for == f"0192:{FJORDSKY}"
    after = counts(app)
    assert after["User"] == before["User"] + 1 and after["Membership"] == before["Membership"] + 1

    # Logging in again: the same user, no second membership, the previous login ended.
    again = login(client, "leverandor-fjordsky")
    assert again.user_id == viewer.user_id
    assert counts(app)["Membership"] == after["Membership"]
    with db(app) as s:
        rows = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)
                      .order_by(LoginSession.id)).all()
        assert [r.ended_at is None for r in rows] == [False, True]


def test_without_organisation_the_person_has_no_role_and_is_told_so(app, client):
    path = start(client, "/leverandorer")
    callback = authorize(client, path, "leverandor-nordlys", "ingen")
    landed = client.get(callback)
    assert landed.status_code == 302 and landed.headers["Location"].startswith("/min-innlogging?neste=")
    viewer = viewer_of(client)
    assert viewer.is_authenticated and viewer.role == NO_ROLE and viewer.orgnr == ""
    page = client.get(landed.headers["Location"]).get_data(as_text=True)
    assert "Du har ingen rolle på Markedsplassen" in page and 'href="/leverandorer"' in page
    assert client.get("/leverandorer").status_code == 200  # may still browse


def test_the_contract_manager_is_configured_by_identity_number(app, tmp_path, template_db):
    from tests.conftest import make_app
    from tests.databases import drop_database, new_database

    url = new_database(tmp_path, template=template_db)
    # Configured explicitly: the Fjordsky employee is the manager now, the test manager is not.
    other = make_app(url, tmp_path / "inst", CONTRACT_MANAGER_PIDS=[persons()["leverandor-fjordsky"].pid])
    try:
        assert other.config["CONTRACT_MANAGER_PIDS"] == []  # hashed on load, not kept in clear
        assert login(other.test_client(), "leverandor-fjordsky").role == MANAGER
        assert login(other.test_client(), "avtaleforvalter").role == BUYER  # Skyforvaltningen is public
    finally:
        other.extensions["db_engine"].dispose()
        drop_database(url)


# --- switching organisation --------------------------------------------------------------------


def _csrf(client, path="/min-innlogging") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'(?:name="csrf_token" value="|"X-CSRFToken": ")([^"]+)"', page).group(1)


def test_switching_organisation_changes_the_role_and_is_audited(app, client):
    first = login(client, "leverandor-fjordsky")
    page = client.get("/min-innlogging").get_data(as_text=True)
    assert "Bytt virksomhet" in page and "Havbris Teknologi AS" in page
    response = client.post("/bytt-organisasjon", data={"csrf_token": _csrf(client), "orgnr": HAVBRIS})
    assert response.status_code == 302
    now = viewer_of(client)
    assert (now.orgnr, now.org_name, now.supplier_id, now.user_id) == (HAVBRIS, "Havbris Teknologi AS", None,
                                                                      first.user_id)
    with db(app) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "auth.organisation_switched")).one()
        assert event.before == {"role": SUPPLIER, "acting_for": f"0192:{FJORDSKY}"}
        assert event.after == {"role": SUPPLIER, "acting_for": f"0192:{HAVBRIS}"}
        assert event.actor_id == first.user_id and event.acting_for == f"0192:{HAVBRIS}"
    client.post("/bytt-organisasjon", data={"csrf_token": _csrf(client), "orgnr": FJORDSKY})
    assert viewer_of(client).supplier_id == supplier_id(app, FJORDSKY)


def test_switching_to_an_organisation_not_in_the_login_is_refused_and_writes_nothing(app, client):
    login(client, "leverandor-fjordsky")
    before = counts(app)
    for orgnr in (NORDLYS, "not-a-number", ""):
        response = client.post("/bytt-organisasjon", data={"csrf_token": _csrf(client), "orgnr": orgnr})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'href="#orgnr"' in page and 'aria-invalid="true"' in page
        assert "Velg en av virksomhetene du kan representere." in page
    assert counts(app) == before
    assert viewer_of(client).orgnr == FJORDSKY


def test_switching_needs_a_login_and_a_csrf_token(app, client):
    anonymous = client.post("/bytt-organisasjon", data={"csrf_token": "x", "orgnr": FJORDSKY})
    assert anonymous.status_code in (302, 400)
    login(client, "leverandor-fjordsky")
    assert client.post("/bytt-organisasjon", data={"orgnr": HAVBRIS}).status_code == 400
    assert viewer_of(client).orgnr == FJORDSKY


# --- logout ----------------------------------------------------------------------------------------


def test_logout_ends_the_login_here_and_at_the_provider(app, client):
    viewer = login(client, "kommune-innkjoper")
    with db(app) as s:
        row = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
    endpoint, params = logout(client)
    assert endpoint == app.config["OIDC_ISSUER"] + "/endsession"
    assert params["post_logout_redirect_uri"] == app.config["PUBLIC_BASE_URL"] + "/"
    assert params["id_token_hint"].count(".") == 2 and params["state"]
    # Ended here, at once, with its id_token wiped.
    assert not viewer_of(client).is_authenticated
    with db(app) as s:
        ended = s.get(LoginSession, row.id)
        assert ended.ended_at is not None and ended.id_token == ""
        assert s.exec(select(ProviderSession).where(ProviderSession.sid == row.sid)).one().ended_at is None
    # …and at the provider, which sends the browser back with the state.
    back = client.post(urlsplit(endpoint).path, data=params)  # the form the page posts
    assert back.status_code == 302
    assert back.headers["Location"] == f"{app.config['PUBLIC_BASE_URL']}/?state={params['state']}"
    with db(app) as s:
        assert s.exec(select(ProviderSession).where(ProviderSession.sid == row.sid)).one().ended_at is not None
    assert client.get("/min-innlogging").status_code == 302  # to the login


def test_logout_without_a_login_just_goes_home(client):
    prepare(client.application)
    token = _csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/"


def login_row(client) -> LoginSession:
    from marketplace.views.login import LOGIN_KEY

    with client.session_transaction() as cookie:
        key = cookie[LOGIN_KEY]
    with db(client.application) as s:
        return s.exec(select(LoginSession).where(LoginSession.session_key == key)).one()


def test_front_channel_logout_ends_that_session_and_no_other(app):
    alice, bob, carol = app.test_client(), app.test_client(), app.test_client()
    login(alice, "kommune-innkjoper")
    login(bob, "leverandor-nordlys")
    login(carol, "kommune-innkjoper")  # the same person in another browser: another provider session
    alice_sid = login_row(alice).sid
    assert len({alice_sid, login_row(bob).sid, login_row(carol).sid}) == 3
    issuer = app.config["OIDC_ISSUER"]
    # Wrong issuer or no sid: refused, nothing ended.
    assert bob.get("/logout/frontchannel", query_string={"iss": "https://evil.example", "sid": alice_sid}
                   ).status_code == 400
    assert bob.get("/logout/frontchannel", query_string={"iss": issuer}).status_code == 400
    assert viewer_of(alice).is_authenticated
    # The provider's call (from any browser – it carries no cookie of Alice's).
    response = bob.get("/logout/frontchannel", query_string={"iss": issuer, "sid": alice_sid})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))
    assert f"frame-ancestors 'self' {origin}" in response.headers["Content-Security-Policy"]
    assert not viewer_of(alice).is_authenticated
    assert alice.get("/min-innlogging").status_code == 302
    assert viewer_of(bob).is_authenticated and viewer_of(carol).is_authenticated
    assert bob.get("/min-innlogging").status_code == 200 and carol.get("/min-innlogging").status_code == 200


def test_logging_out_at_the_provider_calls_the_front_channel_logout(app, client):
    viewer = login(client, "avtaleforvalter")
    home = client.get("/testid/").get_data(as_text=True)
    assert "Du er logget inn i TestID som Hanne Lyngstad" in home
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    page = client.post("/testid/logg-ut", data={"csrf_token": token}).get_data(as_text=True)
    frame = re.search(r'<iframe class="frontchannel" src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert frame.startswith(app.config["PUBLIC_BASE_URL"] + "/logout/frontchannel?")
    assert query(frame)["iss"] == app.config["OIDC_ISSUER"]
    assert viewer_of(client).is_authenticated  # until the frame loads
    assert client.get(with_query(frame)).status_code == 200
    assert not viewer_of(client).is_authenticated
    with db(app) as s:
        ended = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
        assert ended.ended_at is not None and ended.sid == query(frame)["sid"]


# --- timeouts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, age", [("last_seen_at", timedelta(minutes=31)),
                                        ("created_at", timedelta(minutes=121))])
def test_idle_and_old_logins_end(app, client, field, age):
    viewer = login(client, "stat-innkjoper")
    with db(app) as s:
        row = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
        setattr(row, field, getattr(row, field) - age)
        if field == "created_at":
            row.last_seen_at = utcnow()
        s.add(row)
        s.commit()
    assert client.get("/min-innlogging").status_code == 302
    with db(app) as s:
        row = s.get(LoginSession, row.id)
        assert row.ended_at is not None and row.id_token == ""
        event = s.exec(select(AuditEvent).where(AuditEvent.object_type == "login_session",
                                                AuditEvent.object_id == row.id,
                                                AuditEvent.action == "auth.logout")).one()
        assert event.after == {"ended": True, "reason": "timeout"}


def test_an_active_login_lives_on(app, client):
    viewer = login(client, "stat-innkjoper")
    with db(app) as s:
        row = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
        row.last_seen_at = row.last_seen_at - timedelta(minutes=29)
        s.add(row)
        s.commit()
    assert client.get("/min-innlogging").status_code == 200
    with db(app) as s:
        assert utcnow() - s.get(LoginSession, row.id).last_seen_at < timedelta(minutes=1)


# --- refusals: each with a clear page, and no session ---------------------------------------------


def assert_refused(app, client, response, before, code, text):
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 401), (response.status_code, page[:500])
    assert "Innloggingen ble avvist" in page and text in page and f"<code>{code}</code>" in page
    assert "Du er ikke logget inn, og ingenting er lagret." in page
    assert not viewer_of(client).is_authenticated
    assert counts(app) == before


def test_wrong_state_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper")
    before = counts(app)
    response = client.get(with_query(callback, state="not-the-state"))
    assert_refused(app, client, response, before, "state", "hører ikke til en innlogging som ble startet her")


def test_a_callback_nobody_started_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper")
    stranger = app.test_client()
    before = counts(app)
    assert_refused(app, stranger, stranger.get(callback), before, "state", "hører ikke til en innlogging")


def test_missing_iss_in_the_authorization_response_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper")
    assert query(callback)["iss"] == app.config["OIDC_ISSUER"]
    before = counts(app)
    response = client.get(with_query(callback, iss=None))
    assert_refused(app, client, response, before, "iss_missing", "mangler utstederen")


def test_wrong_iss_in_the_authorization_response_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper")
    before = counts(app)
    response = client.get(with_query(callback, iss="https://idporten.example"))
    assert_refused(app, client, response, before, "iss_wrong", "annen innloggingstjeneste")


def test_a_replayed_code_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper")
    assert client.get(callback).status_code == 302  # the real login
    attacker = app.test_client()
    own_state = query(start(attacker))["state"]  # a login of the attacker's own, to pass the state check
    before = counts(app)
    response = attacker.get(with_query(callback, state=own_state))
    assert_refused(app, attacker, response, before, "token", "ville ikke løse inn innloggingskoden")


def test_a_wrong_code_verifier_is_refused_and_spends_the_code(app, client):
    first = start(client)
    second_state = query(start(client))["state"]  # a second login in the same browser: its own verifier
    callback = authorize(client, first, "kommune-innkjoper")
    before = counts(app)
    # The code of the first login with the state (and so the code_verifier) of the second.
    response = client.get(with_query(callback, state=second_state))
    assert_refused(app, client, response, before, "token", "engangsnøkkelen (PKCE)")
    # PKCE failed: the code is spent, the genuine callback no longer works either.
    assert_refused(app, client, client.get(callback), before, "token", "ville ikke løse inn")


def test_the_provider_cancel_is_refused(app, client):
    path = start(client)
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    cancelled = client.post(path, data={"csrf_token": token, "handling": "avbryt"})
    location = cancelled.headers["Location"]
    assert query(location)["error"] == "access_denied" and query(location)["iss"] == app.config["OIDC_ISSUER"]
    before = counts(app)
    assert_refused(app, client, client.get(with_query(location)), before, "provider_error", "avbrutt eller avvist")


def test_too_low_a_level_of_assurance_is_refused(app, client):
    callback = authorize(client, start(client), "kommune-innkjoper", level="idporten-loa-low")
    before = counts(app)
    assert_refused(app, client, client.get(callback), before, "acr", "for lavt sikkerhetsnivå")


def test_a_high_level_is_accepted(client):
    assert login(client, "kommune-innkjoper", level="idporten-loa-high").role == BUYER


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_an_external_next_is_refused(app, client, target):
    prepare(app)
    before = counts(app)
    response = client.get("/login", query_string={"next": target})
    assert_refused(app, client, response, before, "next", "ikke en side på Markedsplassen")


def test_a_local_next_is_where_the_login_lands(client):
    callback = authorize(client, start(client, "/leverandorer?side=1"), "stat-innkjoper")
    assert client.get(callback).headers["Location"] == "/leverandorer?side=1"


class Tampering(WSGITransport):
    """A network in between the marketplace and its provider: it can alter the token call.

    The provider still answers for real; only what travels is changed, as an attacker or a
    misconfigured provider would.
    """

    def __init__(self, app, *, strip=(), id_token=None):
        super().__init__(app)
        self.strip, self.id_token, self.token_calls = strip, id_token, 0

    def send(self, request, **kwargs):
        if not request.url.endswith("/testid/token"):
            return super().send(request, **kwargs)
        self.token_calls += 1
        if self.strip:
            form = [(k, v) for k, v in parse_qsl(request.body) if k not in self.strip]
            request.body = urlencode(form)
            request.headers["Content-Length"] = str(len(request.body))
        response = super().send(request, **kwargs)
        if self.id_token and response.status_code == 200:
            data = response.json()
            data["id_token"] = self.id_token(data["id_token"])
            response._content = json.dumps(data).encode()
        return response


def resigned(app, change, key: RSAKey | None = None):
    """An id_token rewriter: decode, *change* the claims, sign again (with the provider's key by default)."""
    provider_key = app.extensions["testid"].signing_key()

    def rewrite(token: str) -> str:
        claims = dict(jwt.decode(token, provider_key, algorithms=["RS256"]).claims)
        change(claims)
        return jwt.encode({"alg": "RS256", "kid": provider_key.kid}, claims, key or provider_key, algorithms=["RS256"])

    return rewrite


def login_through(app, client, transport):
    prepare(app)
    use_inprocess_transport(app, transport)
    callback = authorize(client, start(client), "leverandor-fjordsky")
    before = counts(app)
    return client.get(callback), before


def test_a_missing_code_verifier_is_refused_by_the_provider(app, client):
    transport = Tampering(app, strip=("code_verifier",))
    response, before = login_through(app, client, transport)
    assert transport.token_calls == 1
    assert_refused(app, client, response, before, "token", "ville ikke løse inn innloggingskoden")


@pytest.mark.parametrize("change, code, text", [
    (lambda c: c.update(iss="https://idporten.example"), "id_token_iss", "utstedt av en annen"),
    (lambda c: c.update(aud="another-client"), "id_token_aud", "laget for en annen tjeneste"),
    (lambda c: c.update(aud=["markedsplassen-local", "another-client"]), "id_token_aud", "annen tjeneste"),
    (lambda c: c.update(nonce="another-nonce"), "id_token_nonce", "hører ikke til denne innloggingen"),
    (lambda c: c.pop("nonce"), "id_token_nonce", "hører ikke til denne innloggingen"),
    (lambda c: c.update(exp=int(time.time()) - 300, iat=int(time.time()) - 420), "id_token_expired", "er utløpt"),
    (lambda c: c.update(acr="idporten-loa-low"), "acr", "for lavt sikkerhetsnivå"),
    (lambda c: c.pop("pid"), "id_token_invalid", "ufullstendig eller feilformet"),
], ids=["iss", "aud", "aud-list-without-azp", "nonce", "no-nonce", "expired", "acr", "no-pid"])
def test_a_bad_id_token_is_refused(app, client, change, code, text):
    response, before = login_through(app, client, Tampering(app, id_token=resigned(app, change)))
    assert_refused(app, client, response, before, code, text)


def test_an_id_token_signed_by_another_key_is_refused(app, client):
    impostor = RSAKey.generate_key(2048, private=True)
    response, before = login_through(app, client, Tampering(app, id_token=resigned(app, lambda c: None, impostor)))
    assert_refused(app, client, response, before, "id_token_signature", "ikke en gyldig signatur")


def test_a_tampered_id_token_is_refused(app, client):
    def flip(token: str) -> str:
        header, payload, signature = token.split(".")
        return ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])

    response, before = login_through(app, client, Tampering(app, id_token=flip))
    assert_refused(app, client, response, before, "id_token_signature", "ikke en gyldig signatur")


def test_the_untampered_path_through_the_same_transport_works(app, client):
    response, _ = login_through(app, client, Tampering(app, id_token=resigned(app, lambda c: None)))
    assert response.status_code == 302 and viewer_of(client).role == SUPPLIER


def test_a_registry_outage_refuses_the_login_and_writes_nothing(app, client):
    from marketplace.registry import register_lookup

    # Nothing listens on the discard port.
    app.extensions["auth"].lookup = register_lookup({**app.config, "BRREG_BASE_URL": "http://127.0.0.1:9"})
    callback = authorize(client, start(client), "kommune-innkjoper")
    before = counts(app)
    response = client.get(callback)
    assert response.status_code == 503 and "Enhetsregisteret svarer ikke" in response.get_data(as_text=True)
    assert not viewer_of(client).is_authenticated and counts(app) == before


# --- the provider on its own -------------------------------------------------------------------


def test_codes_are_single_use_and_stored_as_spent(app, client):
    callback = authorize(client, start(client), "stat-innkjoper")
    code = query(callback)["code"]
    with db(app) as s:
        assert s.exec(select(ProviderCode).where(ProviderCode.code == code)).one().used_at is None
    client.get(callback)
    with db(app) as s:
        row = s.exec(select(ProviderCode).where(ProviderCode.code == code)).one()
        assert row.used_at is not None and row.acr == "idporten-loa-substantial"


def test_login_pages_are_not_a_place_to_return_to(client):
    callback = authorize(client, start(client, "/login/callback?code=old&state=old"), "stat-innkjoper")
    assert client.get(callback).headers["Location"] == "/"
