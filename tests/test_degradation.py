"""Graceful degradation: the database away → 503 with Retry-After (never a 500), search still works for
visitors and logged-in people; Redis away → rate limits counted in process; a full upload disk → a clear
message at the file field, the form kept, no partial file left behind.

The database is taken away for real (tests/faults.py: a cut TCP proxy on PostgreSQL, the
database's directory gone on SQLite); Redis sits behind a cut proxy; the upload directory is a
small tmpfs.
"""
from __future__ import annotations

import logging
import os
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.faults import CuttableProxy, DatabaseOutage
from tests.login import login, prepare
from tests.pdf import make_pdf
from tests.search_fixtures import install_index

UNAVAILABLE = "Midlertidig utilgjengelig"


@pytest.fixture
def outage(template_db, search_template, tmp_path):
    """``(app, outage)``: an app (with the search index) whose database the test can take away."""
    (tmp_path / "db").mkdir()
    url = new_database(tmp_path / "db", template=template_db)  # its own directory (SQLite): see DatabaseOutage
    fault = DatabaseOutage(url)
    app = make_app(fault.app_url, tmp_path / "instance")
    install_index(search_template, app.config["INDEX_DIR"])
    yield app, fault
    fault.close()
    app.extensions["db_engine"].dispose()
    drop_database(url)


def test_a_database_outage_answers_503_with_retry_after_never_500(outage, caplog):
    app, fault = outage
    client = app.test_client()
    assert client.get("/leverandorer").status_code == 200
    fault.down(app.extensions["db_engine"])
    with caplog.at_level(logging.WARNING):
        for path in ("/leverandorer", "/", "/marked"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "30"
            assert UNAVAILABLE in response.get_data(as_text=True)
        api = client.get("/api/v1/categories")
        assert api.status_code == 503 and api.headers["Retry-After"] == "30"
        assert api.is_json and api.get_json()["status"] == 503
    # One log line for the outage, not one stack trace per request.
    outage_lines = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_lines) <= 1 and not [r for r in caplog.records if r.exc_info]
    fault.up()
    assert client.get("/leverandorer").status_code == 200


def test_search_keeps_working_for_visitors_and_logged_in_people_while_the_database_is_away(outage):
    app, fault = outage
    visitor, buyer = app.test_client(), app.test_client()
    login(buyer, "kommune-innkjoper")
    app.config["WTF_CSRF_ENABLED"] = False
    assert buyer.post("/sammenlign/kurv", data={"tjeneste": "1", "handling": "legg-til"}).status_code == 302
    fault.down(app.extensions["db_engine"])
    for client in (visitor, buyer):
        response = client.get("/tjenester?q=sky")
        assert response.status_code == 200
        assert "treff" in response.get_data(as_text=True).lower()
    # A page that needs the login cannot check it now: 503, not a redirect to log in again.
    account = buyer.get("/min-innlogging")
    assert account.status_code == 503 and account.headers["Retry-After"] == "30"
    fault.up()
    assert buyer.get("/min-innlogging").status_code == 200  # the login is back with the database


@pytest.fixture
def redis_proxy():
    proxy = CuttableProxy("127.0.0.1", 6379)
    yield proxy
    proxy.close()


def test_redis_away_the_rate_limits_fall_back_to_this_process_and_say_so(template_db, tmp_path, redis_proxy, caplog):
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3/minute",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_proxy.port}/13",
                   RATELIMIT_KEY_PREFIX=f"ops-{os.getpid()}-{tmp_path.name}")
    prepare(app)  # the provider's discovery document is fetched in process
    try:
        client = app.test_client()
        assert client.get("/login").status_code == 302
        redis_proxy.cut()
        with caplog.at_level(logging.WARNING):
            codes = [client.get("/login").status_code for _ in range(5)]
        assert 500 not in codes
        assert codes[:3] == [302, 302, 302] and codes[-1] == 429  # still limited, counted in memory
        assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    finally:
        app.extensions["db_engine"].dispose()
        drop_database(url)


# ---------------------------------------------------------------------------
# a full upload disk

@pytest.fixture
def small_disk(tmp_path):
    """A 384 KiB tmpfs as the upload directory (needs the right to mount; skipped without it)."""
    mount = tmp_path / "uploads"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=384k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_upload_disk_gives_a_clear_message_keeps_the_form_and_leaves_no_partial_file(app, small_disk):
    from tests.test_listing_forms import demo_content, form_data
    from tests.test_supplier_bad_input import field_error, state

    app.config.update(UPLOAD_DIR=str(small_disk), WTF_CSRF_ENABLED=False)
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    content["name"] = "Skjemaet som ikke skal gå tapt"
    before = state(app)
    post = form_data(content, action="save")
    post["service-doc-dpa"] = (BytesIO(make_pdf(min_size=600_000)), "databehandleravtale.pdf")
    response = client.post("/leverandor/tjenester/ny", data=post, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "lagringsplassen hos oss er full" in field_error(html, "service-doc-dpa")
    assert 'value="Skjemaet som ikke skal gå tapt"' in html  # what the person typed is still there
    assert state(app) == before
    assert [p for p in small_disk.rglob("*") if p.is_file()] == []  # no .part file eats the disk
    # And the disk is not left full: a small document goes through.
    post = form_data(content, action="save")
    post["service-doc-dpa"] = (BytesIO(make_pdf()), "databehandleravtale.pdf")
    assert client.post("/leverandor/tjenester/ny", data=post, content_type="multipart/form-data").status_code == 302
