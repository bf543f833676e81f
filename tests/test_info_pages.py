"""Statutory and help pages (issue 16): what they state is read from the code and config."""
from __future__ import annotations

import pytest

from auth.login import IDLE_LIMIT, MAX_LIFETIME
from catalogue import api_schema

PAGES = ["/tilgjengelighet", "/personvern", "/informasjonskapsler", "/kontakt", "/om", "/api-dokumentasjon",
         "/bli-leverandor"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_linked_from_every_page_and_renders_in_both_languages(client, path):
    front = client.get("/").get_data(as_text=True)
    assert f'href="{path}"' in front, f"{path} is not linked from the layout"
    nb = client.get(path)
    en = client.get(path + "?lang=en")
    assert nb.status_code == en.status_code == 200
    assert '<html lang="nb">' in nb.get_data(as_text=True) and '<html lang="en">' in en.get_data(as_text=True)


def test_privacy_states_the_session_limits_from_the_login_code(client):
    page = client.get("/personvern").get_data(as_text=True)
    assert f"{int(IDLE_LIMIT.total_seconds() // 60)} minutter uten aktivitet" in page
    assert f"senest etter {int(MAX_LIFETIME.total_seconds() // 60)} minutter" in page
    assert "HMAC" in page


def test_privacy_shows_a_configured_retention_period(app, client):
    app.config["AUDIT_RETENTION_DAYS"] = 3650
    try:
        assert "3650 dager" in client.get("/personvern").get_data(as_text=True)
    finally:
        app.config.pop("AUDIT_RETENTION_DAYS")
    assert "ingen sletteperiode er satt" in client.get("/personvern").get_data(as_text=True)


def test_cookie_page_lists_every_cookie_the_site_sets(app, client):
    page = client.get("/informasjonskapsler").get_data(as_text=True)
    assert app.config.get("SESSION_COOKIE_NAME", "session") in page
    if app.config["TEST_IDP_ENABLED"]:
        assert "testid_sid" in page


def test_api_page_documents_every_operation_and_filter_of_the_openapi_document(app, client):
    page = client.get("/api-dokumentasjon").get_data(as_text=True)
    document = api_schema.openapi_document(app.config["PUBLIC_BASE_URL"])
    for path, methods in document["paths"].items():
        for op in methods.values():
            assert f'id="{op["operationId"]}"' in page
            for param in op.get("parameters", []):
                assert f"<code>{param['name']}</code>" in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page


def test_favicon(client):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)

