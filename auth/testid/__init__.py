"""The built-in test identity provider (development and tests only), like ID-porten's test login.

Served by the marketplace itself under ``/testid`` with issuer ``{PUBLIC_BASE_URL}/testid``,
so logging in needs no network. ``init_app`` refuses to register it in production.
"""
from __future__ import annotations

from flask import Flask

from marketplace.db import get_session


def init_app(app: Flask) -> None:
    if app.config["PRODUCTION"] or not app.config["TEST_IDP_ENABLED"]:
        raise RuntimeError("The built-in test identity provider is for development and tests only.")
    from auth.testid import views
    from auth.testid.server import Provider, RegisteredClient
    from marketplace.extensions import csrf

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
    app.register_blueprint(views.bp)
    # Called by the client's server with its secret, not by a browser form.
    csrf.exempt(views.token)
