"""The log scan: a real session over HTTP, then every log line checked for personal data and secrets.

Logging in (the whole OpenID Connect round trip, codes and state in the URLs), registering a
company, an e-mail address for notifications, searching, and logging out – with the access log
of the HTTP server and every application log line going through the production JSON handler.
No line may hold an identity number, a token or an e-mail address, and every line must be one
JSON object (nothing can break a line in two).
"""
from __future__ import annotations

import io
import logging
import json
import re

import requests

from auth.testid.persons import persons
from catalogue import logs
from tests.search_fixtures import install_index
from tests.login import live_server, login_over_http, logout_form  # noqa: F401  (live_server is a fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRETS = {
    # Eleven digits standing alone (not a run inside a random hex id such as a request id).
    "identity number": re.compile(r"(?<![0-9A-Za-z])\d{11}(?![0-9A-Za-z])|(?<![0-9A-Za-z])\d{6} \d{5}(?![0-9A-Za-z])"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}"),
    "sealed token": re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}"),
    "e-mail address": re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "secret parameter": re.compile(r"(?i)\b(code|state|nonce|id_token_hint|code_verifier|csrf_token)=(?!<skjult>)[^&\s\"]+"),
}


def token(http: requests.Session, url: str) -> str:
    return CSRF.search(http.get(url, timeout=30).text).group(1)


def test_no_personal_data_or_secret_in_any_log_line(live_server, search_template):  # noqa: F811
    install_index(search_template, live_server.app.config["INDEX_DIR"])
    base = live_server.url
    out = io.StringIO()
    # The access log is the werkzeug logger's INFO lines; another test may have quietened it.
    access_log = logging.getLogger("werkzeug")
    access_level = access_log.level
    access_log.setLevel(logging.INFO)
    logs.configure("json", stream=out)
    person = persons()["leverandor-fjordsky"]
    mail_address = "marte.aas@havbris.example"
    try:
        browser = requests.Session()
        landed = login_over_http(browser, base, "leverandor-fjordsky", "999906087")
        assert landed.status_code == 200

        csrf = token(browser, f"{base}/leverandor/registrer")
        page = browser.post(f"{base}/leverandor/registrer", timeout=30, data={
            "csrf_token": csrf, "company-orgnr": "999906087", "action": "confirm",
            "company-website": "https://havbris.example", "company-description": "Skytjenester fra Stavanger."})
        assert page.status_code == 200 and "Havbris Teknologi AS" in page.text

        csrf = token(browser, f"{base}/varsler/adresser")
        page = browser.post(f"{base}/varsler/adresser/personal", timeout=30,
                            data={"csrf_token": csrf, "email": mail_address, "lang": "nb"})
        assert page.status_code == 200

        assert browser.get(f"{base}/tjenester", params={"q": "lagring"}, timeout=30).status_code == 200
        # A login error page too (a forged callback), and a bad address with an e-mail and a number in it.
        browser.get(f"{base}/login/callback", params={"state": "x", "code": "y", "iss": "z"}, timeout=30)
        browser.get(f"{base}/finnes-ikke/{mail_address}/{person.pid}", timeout=30)

        csrf = token(browser, f"{base}/min-innlogging")
        page = browser.post(f"{base}/logout", data={"csrf_token": csrf}, timeout=30)
        endpoint, fields = logout_form(page.text)
        assert browser.post(endpoint, data=fields, timeout=30).status_code == 200
    finally:
        logs.configure("text")
        access_log.setLevel(access_level)

    lines = out.getvalue().splitlines()
    assert len(lines) > 20, "the session should have been logged (access log and application lines)"
    assert any("/login/callback" in line for line in lines)
    problems = []
    for number, line in enumerate(lines, 1):
        entry = json.loads(line)  # every line one JSON object
        assert {"time", "level", "logger", "message"} <= set(entry)
        if person.pid in line:
            problems.append(f"line {number}: the person's identity number")
        problems += [f"line {number}: {what}: {line[:300]}" for what, pattern in SECRETS.items()
                     if pattern.search(line)]
    assert not problems, "\n".join(problems)
