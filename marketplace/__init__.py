"""Markedsplassen for skytjenester – the web application.

``create_app()`` is the app factory: configuration comes from the environment over safe
embedded defaults (see ``marketplace.config``); each area of the site is a blueprint.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from marketplace.config import PROJECT_ROOT, load_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=False,
    )
    config = load_config(os.environ)
    if test_config:
        config.update(test_config)
    app.config.update(config)
    from marketplace import operations

    operations.init_logging(app)  # first: every later line goes through the scrubbing handler
    app.instance_path = app.config["INSTANCE_PATH"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from marketplace.security import bound_url_ids

    bound_url_ids(app)  # before any route exists: huge ids in URLs answer 404, not a database overflow

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_database(app)
    _init_extensions(app)
    _register_blueprints(app)

    from marketplace import cli, errors, security, templating

    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    operations.init_app(app)
    cli.init_app(app)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # at start, not in the first request that queries the database
    from marketplace.views.search import start_warm_up

    start_warm_up(app)  # last: its first request must come after every setup method
    return app


def _init_database(app: Flask) -> None:
    from catalogue.db import make_engine
    from marketplace.db import close_session

    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def _init_extensions(app: Flask) -> None:
    from marketplace.extensions import csrf, limiter

    csrf.init_app(app)
    from marketplace.htmx import htmx

    htmx.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    # Redis away: count in this process until it is back (flask-limiter logs the switch), never a 500.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from marketplace.views import (api, buyer, company, compare, contracts, declarations, devmail, dps, dpsadmin,
                                   followup, guidance, info, language, login, mail_settings, manager, market,
                                   notifications, public, register, search, supplier)
    from marketplace.views import competitions

    login.init_app(app)  # login/logout and the viewer hook
    if app.config["TEST_IDP_ENABLED"] and not app.config["PRODUCTION"]:
        from marketplace.views import testid

        testid.init_app(app)  # the built-in test identity provider, outside production only
    notifications.init_app(app)  # the unread count in the header
    for area in (public, search, compare, buyer, contracts, followup, api, supplier, manager, dps, guidance, market,
                 language, notifications, mail_settings, devmail, register, company, declarations, info,
                 dpsadmin):
        app.register_blueprint(area.bp)
    from marketplace.views import health

    app.register_blueprint(health.bp)  # /helse/live, /helse/klar, /metrikker
    app.register_blueprint(competitions.bp)
