"""CSRF protection on every state-changing route, generated from the URL map.

For every rule that accepts POST, PUT, PATCH or DELETE, a person allowed there sends the
request (a) as a plain form post without a token, (b) as an htmx request with a wrong
``X-CSRFToken`` header and (c) with the token of somebody else's session: each must be
refused with the CSRF error (400) and write nothing. Then (d) the same request with the
person's own token in the ``X-CSRFToken`` header – as htmx sends it from ``<body
hx-headers>`` – must get past the CSRF check.

Only the endpoints in ``EXEMPT`` skip the check, each for a stated reason.
"""
from __future__ import annotations

import pytest

from tests.security_support import changed_tables, make_world
from tests.test_authz_matrix import ENDPOINTS, ROUTES, build_url, methods_of, refused

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

EXEMPT = {
    "testid.end_session": "RP-initiated logout at the test provider: the marketplace posts it from its own page "
                          "(the id_token stays out of URLs, finding F3); a valid id_token_hint proves it, and "
                          "without one the confirmation checks the CSRF token in the view (400 without it)",
    "testid.token": "OAuth token endpoint: called server to server by the marketplace with its client "
                    "secret and the PKCE verifier, never by a browser form (no cookies involved)",
    "api.not_found": "catch-all of the read-only JSON API: answers 404 to every method and changes nothing",
    "mailsettings.unsubscribe_post": "RFC 8058 one-click unsubscribe: mail clients POST it without cookies; the "
                                     "signed, single-use token in the URL is the authorization",
}

CSRF_TITLE = "Skjemaet er utløpt"  # marketplace.errors: the CSRF error page


def is_csrf_refusal(response) -> bool:
    return response.status_code == 400 and CSRF_TITLE in response.get_data(as_text=True)


def _collect_methods() -> dict[str, set[str]]:
    import tempfile

    from marketplace import create_app

    folder = tempfile.mkdtemp(prefix="csrf-urlmap-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/empty.db", "INSTANCE_PATH": folder,
                      "SECRET_KEY": "urlmap", "TESTING": True})
    try:
        return {e: set(methods_of(app, e)) for e in ENDPOINTS}
    finally:
        app.extensions["db_engine"].dispose()


_methods = _collect_methods()
WRITE_ENDPOINTS = [e for e in ENDPOINTS if _methods[e] & set(WRITE_METHODS)]


@pytest.fixture(scope="module")
def world(template_db, search_template, tmp_path_factory):
    w = make_world(template_db, tmp_path_factory.mktemp("csrf"), search_template=search_template)
    yield w
    w.close()


def _actor_and_url(world, endpoint: str) -> tuple[str, str]:
    """Someone allowed to use *endpoint* (a logged-in person when possible) and a real URL for it."""
    for case in ROUTES[endpoint]:
        allowed = [who for who, outcome in case.expect.items() if not refused(outcome)]
        if allowed:
            who = next((w for w in allowed if w != "anonymous"), allowed[0])
            return who, build_url(world.app, endpoint, case, world.objects)
    raise AssertionError(f"{endpoint}: nobody may use it according to the matrix")


def test_the_list_of_write_routes_is_not_empty():
    # The generated tests below only mean something if the URL map was read.
    assert len(WRITE_ENDPOINTS) >= 20, WRITE_ENDPOINTS
    assert {"auth.logout", "supplier.new_service", "buyer.save", "manager.review"} <= set(WRITE_ENDPOINTS)


def test_exemptions_are_real_routes():
    assert set(EXEMPT) <= set(WRITE_ENDPOINTS)


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_state_changing_route_needs_the_csrf_token(world, endpoint):
    if endpoint in EXEMPT:
        pytest.skip(f"exempt: {EXEMPT[endpoint]}")
    who, url = _actor_and_url(world, endpoint)
    client = world.client(who)
    other = "manager" if who != "manager" else "buyer"
    foreign_token = world.csrf_token(other)
    own_token = world.csrf_token(who)
    assert foreign_token != own_token
    problems = []
    for method in sorted(_methods[endpoint] & set(WRITE_METHODS)):
        attempts = {
            "form post without a token": dict(data={"navn": "x"}),
            "htmx request with a wrong X-CSRFToken": dict(headers={"HX-Request": "true",
                                                                   "X-CSRFToken": "wrong-" + own_token[6:]}),
            "token of another person's session": dict(data={"csrf_token": foreign_token},
                                                       headers={"X-CSRFToken": foreign_token}),
        }
        for what, kwargs in attempts.items():
            before = world.counts()
            response = client.open(url, method=method, **kwargs)
            after = world.counts()
            if not is_csrf_refusal(response):
                problems.append(f"{method} {url} as {who}, {what}: answered {response.status_code}, "
                                f"not the CSRF refusal")
            changed = changed_tables(before, after)
            if changed:
                problems.append(f"{method} {url} as {who}, {what}: wrote {changed}")
        # The token in the header, as htmx sends it, gets through the CSRF check.
        response = client.open(url, method=method, headers={"HX-Request": "true", "X-CSRFToken": own_token})
        if is_csrf_refusal(response):
            problems.append(f"{method} {url} as {who}: refused although the X-CSRFToken header was valid")
        if response.status_code >= 500:
            problems.append(f"{method} {url} as {who} with a valid token: server error {response.status_code}")
    assert not problems, "\n".join(problems)


def test_htmx_post_with_the_header_token_works(world):
    """The compare tray is changed by an htmx POST carrying the token only in the header."""
    client = world.client("buyer")
    token = world.csrf_token("buyer")
    service_id = world.objects["published_a"]
    form = {"tjeneste": service_id, "handling": "legg-til"}
    refused_ = client.post("/sammenlign/kurv", data=form, headers={"HX-Request": "true"})
    assert is_csrf_refusal(refused_)
    accepted = client.post("/sammenlign/kurv", data=form, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 200 and not is_csrf_refusal(accepted)
    assert "lagt til" in accepted.get_data(as_text=True)


def test_every_page_gives_htmx_the_token():
    """base.html puts the session's token in hx-headers on <body>, so every htmx request carries it."""
    from marketplace.config import PROJECT_ROOT

    base = (PROJECT_ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "hx-headers='{\"X-CSRFToken\": \"{{ csrf_token() }}\"}'" in base


def test_csrf_protection_is_on_in_every_configuration(tmp_path, monkeypatch):
    """Nothing but a test may switch CSRF off: the setting is not read from the environment."""
    from marketplace.config import load_config

    monkeypatch.setenv("WTF_CSRF_ENABLED", "0")
    cfg = load_config({"WTF_CSRF_ENABLED": "0"}, instance_path=tmp_path)
    assert cfg.get("WTF_CSRF_ENABLED", True) is True
