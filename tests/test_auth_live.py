"""The real round trip over HTTP: a threaded server, a requests session as the browser."""
from __future__ import annotations

import re

import requests
from sqlmodel import Session, select

from auth.testid.models import ProviderSession
from catalogue.models import LoginSession
from tests.login import live_server, login_over_http, logout_form  # noqa: F401  (live_server is a fixture)


def test_login_and_logout_over_http(live_server):  # noqa: F811
    base = live_server.url
    browser = requests.Session()
    landed = login_over_http(browser, base, "leverandor-fjordsky", next_path="/leverandorer")
    assert landed.url == f"{base}/leverandorer"
    assert "Marte Solberg Aas" in landed.text and "Leverandør" in landed.text
    account = browser.get(f"{base}/min-innlogging", timeout=30)
    assert account.status_code == 200 and "Fjordsky AS" in account.text and "964 330 123" in account.text

    engine = live_server.app.extensions["db_engine"]
    with Session(engine) as s:
        login_row = s.exec(select(LoginSession).where(LoginSession.ended_at.is_(None))).one()
        provider_row = s.exec(select(ProviderSession).where(ProviderSession.sid == login_row.sid)).one()
        assert login_row.role == "supplier" and provider_row.ended_at is None

    token = re.search(r'name="csrf_token" value="([^"]+)"', account.text).group(1)
    page = browser.post(f"{base}/logout", data={"csrf_token": token}, timeout=30)
    assert page.status_code == 200 and not page.history  # a page with the form to the provider
    endpoint, fields = logout_form(page.text)
    out = browser.post(endpoint, data=fields, timeout=30)
    # Through the provider's end_session_endpoint and back to the front page, with the state.
    hops = [r.url.split("?")[0] for r in out.history]
    assert hops == [f"{base}/testid/endsession"]
    assert out.status_code == 200 and out.url.startswith(f"{base}/?state=")
    assert "Du er logget ut." in out.text
    with Session(engine) as s:
        assert s.get(LoginSession, login_row.id).ended_at is not None
        assert s.get(ProviderSession, provider_row.id).ended_at is not None
    # Logged out: a page for the logged-in sends the browser to log in again (the provider's page).
    again = browser.get(f"{base}/min-innlogging", timeout=30)
    assert "/testid/authorize" in again.url


def test_a_buyer_over_http_and_the_login_page_is_rate_limit_free_in_tests(live_server):  # noqa: F811
    browser = requests.Session()
    for _ in range(3):
        landed = login_over_http(browser, live_server.url, "kommune-innkjoper")
        assert "Offentlig innkjøper" in landed.text and "Fjellvik kommune" in landed.text
