"""Rate limits on login, company registration, uploads and the API.

Each limit is read from the configuration per request, so the tests set tiny ones and
check that one request past the limit gets 429 (the Norwegian error page, or JSON under
/api/) and writes nothing. With ``REDIS_URL`` set the counts live in Redis and are shared
by every worker process: two separate OS processes, each with its own app, share one
budget (and with the in-memory store they do not).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from io import BytesIO

import pytest

from marketplace.config import PROJECT_ROOT
from marketplace.extensions import limiter
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import login, prepare
from tests.security_support import DPS_SLUG, changed_tables, table_counts

TOO_MANY = "For mange forespørsler"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
LIMITS_OFF = {"AUTH_RATE_LIMIT": "1000/minute", "API_RATE_LIMIT": "1000/minute",
              "REGISTRATION_RATE_LIMIT": "1000/minute", "UPLOAD_RATE_LIMIT": "1000/minute",
              "SEARCH_RATE_LIMIT": "1000/minute"}


@pytest.fixture
def limited(template_db, tmp_path):
    """``limited(**limits)`` → an app with rate limiting on (in memory) over its own database copy.

    The limiter is shared by every app in this process; the autouse fixture in conftest puts
    its state back afterwards, so other tests' apps run with limits off.
    """
    url = new_database(tmp_path, template=template_db)
    apps = []

    def make(**limits):
        config = {**LIMITS_OFF, **limits}
        app = make_app(url, tmp_path / f"instance-{len(apps)}", RATELIMIT_ENABLED=True,
                       RATELIMIT_STORAGE_URI="memory://", **config)
        prepare(app)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["db_engine"].dispose()
    drop_database(url)


def _token(client, path="/") -> str:
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'"X-CSRFToken":\s*"([^"]+)"', html).group(1)


def _assert_limited(response, api: bool = False) -> None:
    assert response.status_code == 429, response.status_code
    assert response.headers.get("Retry-After")
    if api:
        assert response.mimetype == "application/json" and response.get_json()["status"] == 429
    else:
        assert TOO_MANY in response.get_data(as_text=True)


def test_login_is_limited(limited):
    client = limited(AUTH_RATE_LIMIT="3/minute").test_client()
    assert [client.get("/login").status_code for _ in range(3)] == [302, 302, 302]
    _assert_limited(client.get("/login"))
    assert client.get("/").status_code == 200


def test_api_is_limited(limited):
    client = limited(API_RATE_LIMIT="3/minute").test_client()
    assert [client.get("/api/v1/categories").status_code for _ in range(3)] == [200, 200, 200]
    _assert_limited(client.get("/api/v1/categories"), api=True)


def test_company_registration_is_limited(limited):
    app = limited(REGISTRATION_RATE_LIMIT="2/minute")
    client = app.test_client()
    login(client, "leverandor-fjordsky", "999906087")  # acts for the unregistered Havbris Teknologi AS
    token = _token(client, "/leverandor/registrer")
    form = {"csrf_token": token, "orgnr": "123"}
    answers = [client.post("/leverandor/registrer", data=form).status_code for _ in range(2)]
    assert 429 not in answers and all(a < 500 for a in answers), answers
    before = table_counts(app.extensions["db_engine"])
    valid = {"csrf_token": token, "orgnr": "999906087", "action": "confirm"}
    _assert_limited(client.post("/leverandor/registrer", data=valid))
    assert changed_tables(before, table_counts(app.extensions["db_engine"])) == {}
    # Only sending is limited: the form itself still opens.
    assert client.get("/leverandor/registrer").status_code == 200


def _pdfish(name: str) -> tuple[BytesIO, str]:
    return BytesIO(b"not really a pdf"), name


def test_service_uploads_are_limited_per_person(limited):
    app = limited(UPLOAD_RATE_LIMIT="2/minute")
    a, b = app.test_client(), app.test_client()
    login(a, "leverandor-fjordsky")
    login(b, "leverandor-nordlys")
    token_a, token_b = _token(a), _token(b)

    def post(client, token):
        return client.post("/leverandor/tjenester/ny", content_type="multipart/form-data",
                           data={"csrf_token": token, "name": "Opplastingstest",
                                 "service-doc-terms": _pdfish("vilkar.pdf")})

    answers = [post(a, token_a).status_code for _ in range(2)]
    assert 429 not in answers and all(s < 500 for s in answers), answers
    before = table_counts(app.extensions["db_engine"])
    _assert_limited(post(a, token_a))
    assert changed_tables(before, table_counts(app.extensions["db_engine"])) == {}
    # Another supplier's person has a budget of their own.
    assert post(b, token_b).status_code != 429


def test_application_uploads_are_limited(limited):
    app = limited(UPLOAD_RATE_LIMIT="2/minute")
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    token = _token(client)
    url = f"/leverandor/dps/{DPS_SLUG}/soknad"

    def post():
        return client.post(url, content_type="multipart/form-data",
                           data={"csrf_token": token, "decl-tax_certificate": _pdfish("skatteattest.pdf")})

    answers = [post().status_code for _ in range(2)]
    assert 429 not in answers and all(s < 500 for s in answers), answers
    _assert_limited(post())


def test_every_limited_area_is_actually_limited(shared_app):
    """The views for login, registration, uploads and the API carry a limit (a new upload form must too)."""
    # flask-limiter keeps decorated limits by the view's dotted name (a private table: if a new
    # flask-limiter renames it, this test says so instead of passing vacuously).
    manager = limiter.limit_manager
    assert hasattr(manager, "_decorated_limits") and hasattr(manager, "_blueprint_limits")
    decorated = set(manager._decorated_limits)

    def limited(endpoint: str) -> bool:
        view = shared_app.view_functions[endpoint]
        name = f"{view.__module__}.{view.__name__}"
        return any(key == name or key.startswith(name + ".") for key in decorated)

    for endpoint in ("auth.login", "auth.callback", "supplier.register", "supplier.join", "supplier.new_service",
                     "supplier.edit_service", "supplier.application"):
        assert limited(endpoint), f"{endpoint} has no rate limit"
    assert "api" in set(manager._blueprint_limits)
    assert limited("search.search"), "search has no rate limit"
    # Every view that accepts files is an upload view and must be limited.
    uploads = [e for e, view in shared_app.view_functions.items()
               if e.split(".")[0] not in ("static",) and "request.files" in _source(view)]
    assert len(uploads) >= 3, f"upload views found: {uploads}"
    unlimited = [e for e in uploads if not limited(e)]
    assert not unlimited, f"upload views without a rate limit: {unlimited}"


def _source(view) -> str:
    """The view's source plus that of the module-level helpers it calls (uploads are read in helpers)."""
    import inspect
    import re

    target = inspect.unwrap(view)
    try:
        text = inspect.getsource(target)
    except (OSError, TypeError):
        return ""
    module = sys.modules.get(target.__module__)
    for called in set(re.findall(r"\b([a-z_][a-z0-9_]*)\(", text)):
        helper = getattr(module, called, None)
        if inspect.isfunction(helper) and helper.__module__ == target.__module__ and helper is not target:
            try:
                text += inspect.getsource(helper)
            except OSError:
                pass
    return text


# --- shared across processes with Redis ---------------------------------------------------------


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


# One worker process: an app of its own over the same database, sharing only the limit storage.
WORKER = """
import json, sys
from marketplace import create_app
db, instance, storage, prefix, n, path = sys.argv[1:7]
app = create_app({"TESTING": True, "DATABASE_URL": db, "INSTANCE_PATH": instance, "SECRET_KEY": "worker",
                  "INDEX_DIR": instance + "/index", "UPLOAD_DIR": instance + "/uploads",
                  "RATELIMIT_ENABLED": True, "REDIS_URL": storage, "RATELIMIT_STORAGE_URI": storage or "memory://",
                  "RATELIMIT_KEY_PREFIX": prefix, "API_RATE_LIMIT": "3/minute",
                  "SEARCH_RATE_LIMIT": "3/minute"})
client = app.test_client()
print(json.dumps([client.get(path).status_code for _ in range(int(n))]))
"""


def _worker(db_url: str, instance: str, storage: str, prefix: str, requests: int,
            path: str = "/api/v1/categories") -> list[int]:
    proc = subprocess.run([sys.executable, "-c", WORKER, db_url, instance, storage, prefix, str(requests), path],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory"])
def test_limits_are_shared_by_worker_processes_through_redis(template_db, tmp_path, shared):
    redis_client = _redis_or_skip()
    prefix = f"mp-test-{uuid.uuid4().hex[:12]}"
    url = new_database(tmp_path, template=template_db)
    storage = REDIS_URL if shared else ""
    try:
        first = _worker(url, str(tmp_path / "one"), storage, prefix, 3)
        second = _worker(url, str(tmp_path / "two"), storage, prefix, 1)
    finally:
        drop_database(url)
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
    assert first == [200, 200, 200]
    # Redis: the second process sees the first one's three requests. Memory: a budget of its own.
    assert second == ([429] if shared else [200])


def test_the_search_limit_is_shared_by_two_processes_through_redis(template_db, tmp_path):
    redis_client = _redis_or_skip()
    prefix = f"mp-test-{uuid.uuid4().hex[:12]}"
    url = new_database(tmp_path, template=template_db)
    try:
        first = _worker(url, str(tmp_path / "one"), REDIS_URL, prefix, 3, "/tjenester?q=lagring")
        second = _worker(url, str(tmp_path / "two"), REDIS_URL, prefix, 1, "/tjenester?q=backup")
    finally:
        drop_database(url)
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
    assert 429 not in first  # (no index in these processes: 503, which is not the limit)
    assert second == [429]


def test_search_is_limited_with_retry_after(limited):
    client = limited(SEARCH_RATE_LIMIT="3/minute").test_client()
    assert 429 not in [client.get("/tjenester?q=lagring").status_code for _ in range(3)]
    _assert_limited(client.get("/tjenester?q=lagring"))
    # Other pages are not counted against search.
    assert client.get("/").status_code == 200


def test_a_person_typing_never_hits_the_default_search_limit(limited):
    from limits import parse_many

    from marketplace.config import load_config

    default = load_config({})["SEARCH_RATE_LIMIT"]
    # htmx fetches at most once per 300 ms pause while typing: 3.4 per second, every second.
    typing = 1 / 0.3
    for item in parse_many(default):
        assert item.amount >= typing * item.get_expiry(), f"{item} is less than a person typing fetches"
    client = limited(SEARCH_RATE_LIMIT=default).test_client()
    answers = [client.get(f"/tjenester?q={'sikkerhetskopi'[:1 + i]}", headers={"HX-Request": "true"}).status_code
               for i in range(int(typing) + 1)]
    assert 429 not in answers
