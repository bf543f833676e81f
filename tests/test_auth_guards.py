"""Guards and rate limits of the login endpoints."""
from __future__ import annotations

import pytest
from flask import g
from werkzeug.exceptions import Forbidden

from auth.guards import login_required, public, roles_required
from catalogue.viewer import ANONYMOUS_VIEWER, AUTHENTICATED_ROLES, BUYER, MANAGER, NO_ROLE, SUPPLIER, Viewer
from tests.login import prepare


def test_every_login_view_declares_who_may_use_it(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("auth.", "testid.")):
            assert getattr(app.view_functions[rule.endpoint], "allowed_roles", None), rule.endpoint
    assert app.view_functions["auth.account"].allowed_roles == AUTHENTICATED_ROLES
    assert app.view_functions["auth.switch_organisation"].allowed_roles == AUTHENTICATED_ROLES
    assert app.view_functions["auth.login"].allowed_roles == ("*",)


def test_guards_by_role(app):
    @roles_required(BUYER, MANAGER)
    def buyers_only():
        return "ok"

    @login_required
    def anyone_logged_in():
        return "ok"

    with app.test_request_context("/innkjop/liste?x=1"):
        g.viewer = ANONYMOUS_VIEWER
        response = buyers_only()
        assert response.status_code == 302 and response.headers["Location"] == "/login?next=/innkjop/liste?x%3D1"
        assert anyone_logged_in().status_code == 302
        for role, allowed in ((BUYER, True), (MANAGER, True), (SUPPLIER, False), (NO_ROLE, False)):
            g.viewer = Viewer(role=role, user_id=7, name="Test")
            if allowed:
                assert buyers_only() == "ok"
            else:
                with pytest.raises(Forbidden):
                    buyers_only()
            assert anyone_logged_in() == "ok"


def test_a_person_without_role_is_logged_in_but_sees_no_buyer_only_terms():
    viewer = Viewer(role=NO_ROLE, user_id=1, name="Uten Rolle")
    assert viewer.is_authenticated and not viewer.sees_buyer_only
    assert viewer.role_label("nb") == "Uten rolle" and viewer.actor().acting_for == ""
    assert public(lambda: None).allowed_roles == ("*",)


def test_login_and_callback_are_rate_limited(template_db, tmp_path):
    from tests.conftest import make_app
    from tests.databases import drop_database, new_database

    from marketplace.extensions import limiter

    saved = dict(vars(limiter))  # one limiter for every app in the process: put it back afterwards
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3/minute",
                   RATELIMIT_STORAGE_URI="memory://")
    try:
        prepare(app)
        client = app.test_client()
        answers = [client.get("/login").status_code for _ in range(4)]
        assert answers == [302, 302, 302, 429]
        page = client.get("/login")
        assert page.status_code == 429 and "For mange forespørsler" in page.get_data(as_text=True)
        callbacks = [client.get("/login/callback?state=x&iss=y&code=z").status_code for _ in range(4)]
        assert callbacks == [400, 400, 400, 429]
        assert client.get("/").status_code == 200  # the rest of the site is not limited by this
    finally:
        app.extensions["db_engine"].dispose()
        drop_database(url)
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def test_an_unreachable_provider_gives_a_clear_page(template_db, tmp_path):
    import socket

    from tests.conftest import make_app
    from tests.databases import drop_database, new_database

    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", OIDC_ISSUER=f"http://127.0.0.1:{port}/idporten")
    try:
        response = app.test_client().get("/login")
        assert response.status_code == 503
        assert "Innloggingstjenesten svarer ikke akkurat nå" in response.get_data(as_text=True)
    finally:
        app.extensions["db_engine"].dispose()
        drop_database(url)
