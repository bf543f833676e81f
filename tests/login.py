"""Logging in from tests: the real OpenID Connect flow against the built-in provider.

Fast path (Flask test client, no server)::

    from tests.login import login
    viewer = login(client, "leverandor-fjordsky")            # acts for Fjordsky AS
    viewer = login(client, "leverandor-fjordsky", "999906087")  # acts for Havbris Teknologi AS

``login`` walks the same steps a browser does – ``/login`` → the provider's authorize page →
the pick (with its CSRF token) → ``/login/callback`` – and the marketplace's own
server-side calls to the provider (discovery, JWKS, token) go through ``WSGITransport``: a
``requests`` transport adapter that hands the request to the app's WSGI callable in
process. The code that answers is the real provider. It returns the ``Viewer`` the
marketplace now sees.

Real HTTP (a threaded werkzeug server on 127.0.0.1:<free port>)::

    from tests.login import live_server, login_over_http  # noqa: F401  (live_server is a fixture)

    def test_something(live_server):
        http = requests.Session()
        login_over_http(http, live_server.url, "kommune-innkjoper")

Person keys (``auth/testid/persons.json``):

* ``kommune-innkjoper`` – buyer, Fjellvik kommune (976240391)
* ``stat-innkjoper`` – buyer, Direktoratet for eksempeldata (922152799)
* ``leverandor-fjordsky`` – supplier user of Fjordsky AS (964330123); may also act for the
  unregistered Havbris Teknologi AS (999906087), for the registration journey
* ``leverandor-nordlys`` – supplier user of Nordlys Datasenter AS (935308291)
* ``avtaleforvalter`` – contract manager (Skyforvaltningen (demo), 925792403)
"""
from __future__ import annotations

import contextvars
import re
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from auth import login as logins
from catalogue.viewer import Viewer
from auth.testid import keys
from auth.testid.persons import persons

PERSON_KEYS = ("kommune-innkjoper", "stat-innkjoper", "leverandor-fjordsky", "leverandor-nordlys", "avtaleforvalter")
SUBSTANTIAL = "idporten-loa-substantial"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class LoginFailed(AssertionError):
    pass


# --- in-process transport ----------------------------------------------------------------


class WSGITransport(BaseAdapter):
    """A ``requests`` transport that delivers requests to a WSGI app in this process.

    Each request runs in a fresh ``contextvars`` context, so the app sees it as a request
    of its own (own app context, own database session) even when it arrives while the app
    is handling another request – as the token call does, from inside ``/login/callback``.
    """

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        environ = EnvironBuilder(path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
                                 query_string=parts.query, method=request.method,
                                 headers=dict(request.headers), data=body or b"").get_environ()

        def call():
            app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
            try:
                return status, headers, b"".join(app_iter)
            finally:
                if hasattr(app_iter, "close"):
                    app_iter.close()

        status, headers, content = contextvars.Context().run(call)
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.split(" ", 1)[1] if " " in status else ""
        response.headers = CaseInsensitiveDict(headers)
        response._content = content
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        return None


def use_inprocess_transport(app, transport: Optional[BaseAdapter] = None) -> BaseAdapter:
    """Route the marketplace's calls to its provider (same app) through *transport* (in process)."""
    client = app.extensions["auth"].client
    parts = urlsplit(client.issuer)
    transport = transport or WSGITransport(app)
    client.http.mount(f"{parts.scheme}://{parts.netloc}/", transport)
    return transport


_SHARED_KEY: dict[str, Path] = {}


def share_signing_key(app) -> None:
    """Give the app's provider a key made once per test run (making an RSA key costs ~60 ms).

    Only fills an empty instance directory; the provider still reads it from instance/.
    """
    target = Path(app.instance_path) / keys.FILENAME
    if target.exists():
        return
    if "path" not in _SHARED_KEY:
        folder = Path(tempfile.mkdtemp(prefix="testid-key-"))
        keys.load_or_create(folder)
        _SHARED_KEY["path"] = folder / keys.FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_SHARED_KEY["path"], target)
    target.chmod(0o600)


def prepare(app) -> None:
    """Make *app* ready for ``login`` (idempotent)."""
    if not app.extensions.get("tests_login_ready"):
        use_inprocess_transport(app)
        share_signing_key(app)
        app.extensions["tests_login_ready"] = True


# --- the flow through the Flask test client ------------------------------------------------


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _expect_redirect(response, what: str) -> str:
    if response.status_code not in (302, 303):
        raise LoginFailed(f"{what}: expected a redirect, got {response.status_code}\n"
                          f"{response.get_data(as_text=True)[:2000]}")
    return response.headers["Location"]


def pick_form(page_html: str, person_key: str, orgnr: Optional[str] = None, level: str = SUBSTANTIAL) -> dict:
    """The authorize page's form, filled in as a tester would."""
    token = _CSRF.search(page_html)
    if token is None:
        raise LoginFailed("no CSRF token on the provider's authorize page")
    return {"csrf_token": token.group(1), "person": person_key, "organisasjon": orgnr or "", "niva": level,
            "handling": "logg-inn"}


def start(client, next_path: str = "/") -> str:
    """``/login`` → the provider's authorize URL (local path + query)."""
    prepare(client.application)
    return _local(_expect_redirect(client.get("/login", query_string={"next": next_path}), "/login"))


def authorize(client, authorize_path: str, person_key: str, orgnr: Optional[str] = None,
              level: str = SUBSTANTIAL) -> str:
    """The pick at the provider → the marketplace callback URL (local path + query)."""
    page = client.get(authorize_path)
    if page.status_code != 200:
        raise LoginFailed(f"authorize page answered {page.status_code}: {page.get_data(as_text=True)[:2000]}")
    form = pick_form(page.get_data(as_text=True), person_key, orgnr, level)
    return _local(_expect_redirect(client.post(authorize_path, data=form), "authorize"))


def viewer_of(client) -> Viewer:
    """The viewer the marketplace sees for *client*'s browser session (anonymous if none)."""
    from catalogue.viewer import ANONYMOUS_VIEWER
    from marketplace.views.login import LOGIN_KEY
    from marketplace.db import get_session

    with client.session_transaction() as cookie_session:
        key = cookie_session.get(LOGIN_KEY)
    if not key:
        return ANONYMOUS_VIEWER
    with client.application.app_context():
        return logins.current(get_session(), key) or ANONYMOUS_VIEWER


def login(client, person_key: str, orgnr: Optional[str] = None, *, level: str = SUBSTANTIAL,
          next_path: str = "/") -> Viewer:
    """Log *client* in as the test person *person_key*, acting for *orgnr* (default: their first)."""
    if person_key not in persons():
        raise KeyError(f"unknown test person {person_key!r}; known: {', '.join(persons())}")
    callback = authorize(client, start(client, next_path), person_key, orgnr, level)
    landed = client.get(callback)
    _expect_redirect(landed, "callback")
    viewer = viewer_of(client)
    if not viewer.is_authenticated:
        raise LoginFailed(f"not logged in after the callback ({landed.status_code})")
    return viewer


def logout(client) -> tuple[str, dict[str, str]]:
    """POST /logout with a CSRF token; returns the form the marketplace posts to the provider:
    ``(end_session_endpoint, fields)`` (posted, so the id_token is in no URL)."""
    page = client.get("/min-innlogging")
    token = _CSRF.search(page.get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token.group(1) if token else ""})
    if response.status_code != 200:
        raise LoginFailed(f"/logout answered {response.status_code}, not the form to the provider")
    return logout_form(response.get_data(as_text=True))


def logout_form(html: str) -> tuple[str, dict[str, str]]:
    """The end-session form of the logout page: ``(action, {name: value})``."""
    import html as html_module

    form = re.search(r'<form method="post" action="([^"]+)" data-autosubmit>(.*?)</form>', html, re.S)
    if form is None:
        raise LoginFailed("the logout page holds no form to the provider")
    fields = {name: html_module.unescape(value)
              for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))}
    return html_module.unescape(form.group(1)), fields


# --- real HTTP -------------------------------------------------------------------------------


class LiveServer:
    """The app behind a real threaded WSGI server on 127.0.0.1 and a free port.

    *app_factory(base_url)* builds the app; it must set PUBLIC_BASE_URL and OIDC_ISSUER
    from *base_url* (the port is known before the app exists, so they can).
    """

    def __init__(self, app_factory: Callable[[str], object]):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app_factory(self.url)
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True, fd=listener.fileno())
        listener.close()  # the server holds its own duplicate of the socket
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def live_app_config(base_url: str) -> dict:
    return {"PUBLIC_BASE_URL": base_url, "OIDC_ISSUER": f"{base_url}/testid"}


@pytest.fixture
def live_server(template_db, tmp_path):
    """The seeded app (own database copy) served over real HTTP; ``.url``, ``.app``."""
    from tests.conftest import make_app
    from tests.databases import drop_database, new_database

    url = new_database(tmp_path, template=template_db)
    server = LiveServer(lambda base: make_app(url, tmp_path / "instance", **live_app_config(base)))
    share_signing_key(server.app)
    yield server
    server.stop()
    server.app.extensions["db_engine"].dispose()
    drop_database(url)


def login_over_http(http: requests.Session, base_url: str, person_key: str, orgnr: Optional[str] = None, *,
                    level: str = SUBSTANTIAL, next_path: str = "/") -> requests.Response:
    """The browser's round trip over real HTTP; returns the page the marketplace lands on."""
    page = http.get(f"{base_url}/login", params={"next": next_path}, timeout=30)
    if page.status_code != 200 or "/testid/authorize" not in page.url:
        raise LoginFailed(f"expected the provider's authorize page, got {page.status_code} {page.url}")
    landed = http.post(page.url, data=pick_form(page.text, person_key, orgnr, level), timeout=30)
    if landed.status_code != 200:
        raise LoginFailed(f"login ended at {landed.url} with {landed.status_code}: {landed.text[:2000]}")
    return landed


def login_as(target, person_key: str, orgnr: Optional[str] = None, *, base_url: Optional[str] = None, **kwargs):
    """``login`` for a Flask test client, ``login_over_http`` for a ``requests.Session`` (+ base_url)."""
    if isinstance(target, requests.Session):
        if not base_url:
            raise ValueError("login_as(requests.Session, …) needs base_url")
        return login_over_http(target, base_url, person_key, orgnr, **kwargs)
    return login(target, person_key, orgnr, **kwargs)
