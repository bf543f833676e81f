"""Security headers, cookies and strict-CSP-compatible templates.

Runs on an empty migrated database (no demo data needed): the headers are set for every
response, whatever the page. Production gets HSTS and ``Secure`` cookies on top.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketplace.migrate import upgrade
from marketplace import create_app
from marketplace.config import PROJECT_ROOT
from tests.databases import drop_database, new_database

TEMPLATES = PROJECT_ROOT / "templates"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    url = new_database(tmp_path_factory.mktemp("security-db"))
    upgrade(url)
    yield url
    drop_database(url)


def _app(url: str, instance: Path, monkeypatch, production: bool):
    if production:
        from tests.test_foundation import PRODUCTION

        for name, value in {**PRODUCTION, "SECRET_KEY": "p" * 48, "TEST_IDP_ENABLED": "0"}.items():
            monkeypatch.setenv(name, value)
    else:
        monkeypatch.delenv("MARKETPLACE_ENV", raising=False)
    return create_app({
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "INDEX_DIR": str(instance / "index"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "RATELIMIT_ENABLED": False,
    })


@pytest.fixture
def dev_app(empty_db, tmp_path, monkeypatch):
    application = _app(empty_db, tmp_path / "instance", monkeypatch, production=False)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def prod_app(empty_db, tmp_path, monkeypatch):
    application = _app(empty_db, tmp_path / "instance", monkeypatch, production=True)
    assert application.config["PRODUCTION"] and not application.config["TEST_IDP_ENABLED"]
    yield application
    application.extensions["db_engine"].dispose()


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


# Every kind of response: a page, a 404 page, a 405 page, a static file, a CSRF refusal.
RESPONSES = [
    ("GET", "/", 200),
    ("GET", "/finnes/ikke", 404),
    ("DELETE", "/", 405),
    ("GET", "/static/js/app.js", 200),
    ("POST", "/", None),  # 400 (CSRF) or 405: either way an error page
]


def assert_hardened_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, "no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    d = _directives(csp)
    assert d.get("default-src") == ["'self'"], csp
    assert d.get("script-src") == ["'self'"], csp
    assert d.get("style-src") == ["'self'"], csp
    assert d.get("object-src") == ["'none'"], csp
    assert d.get("frame-ancestors") == ["'none'"], csp
    assert d.get("base-uri") == ["'self'"], csp
    assert "*" not in " ".join(sum(d.values(), [])), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "same-origin",
                                                        "no-referrer", "strict-origin")
    assert response.headers.get("X-Frame-Options") == "DENY"


@pytest.mark.parametrize("method, path, status", RESPONSES)
def test_security_headers_on_every_kind_of_response(dev_app, method, path, status):
    response = dev_app.test_client().open(path, method=method)
    if status is not None:
        assert response.status_code == status
    else:
        assert response.status_code in (400, 405)
    assert_hardened_headers(response)
    # HSTS only makes sense over HTTPS, i.e. in production.
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("method, path, status", RESPONSES)
def test_production_adds_hsts(prod_app, method, path, status):
    response = prod_app.test_client().open(path, method=method, base_url="https://marked.example.no")
    assert_hardened_headers(response)
    hsts = response.headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= 31536000, hsts
    assert "includesubdomains" in hsts.lower()


def _session_cookie(response, name="session") -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}"
    return cookies[0]


def _attrs(set_cookie: str) -> dict[str, str]:
    out = {}
    for part in set_cookie.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        out[key.lower()] = value
    return out


def test_session_cookie_is_httponly_and_lax(dev_app):
    # Choosing a language writes the session, so the cookie is sent.
    response = dev_app.test_client().get("/?lang=en")
    attrs = _attrs(_session_cookie(response))
    assert "httponly" in attrs
    assert attrs.get("samesite", "").lower() == "lax"
    assert "secure" not in attrs  # plain http on a developer's machine


def test_production_session_cookie_is_secure(prod_app):
    response = prod_app.test_client().get("/?lang=en", base_url="https://marked.example.no")
    attrs = _attrs(_session_cookie(response))
    assert "secure" in attrs and "httponly" in attrs
    assert attrs.get("samesite", "").lower() == "lax"


def test_every_cookie_the_app_sets_is_httponly_and_lax(dev_app):
    """Whatever extension sets a cookie (session, CSRF, language…), the attributes hold."""
    client = dev_app.test_client()
    seen = []
    for path in ("/?lang=en", "/", "/?lang=nb", "/finnes/ikke"):
        for header in client.get(path).headers.getlist("Set-Cookie"):
            seen.append(header)
            attrs = _attrs(header)
            assert "httponly" in attrs, header
            assert attrs.get("samesite", "").lower() == "lax", header
    assert seen


def test_production_has_no_test_identity_provider(prod_app):
    assert not [r.rule for r in prod_app.url_map.iter_rules() if r.rule.startswith("/testid")]
    assert prod_app.test_client().get("/testid/.well-known/openid-configuration",
                                      base_url="https://marked.example.no").status_code == 404


def test_uploads_live_outside_the_static_folder(dev_app, prod_app):
    for application in (dev_app, prod_app):
        uploads = Path(application.config["UPLOAD_DIR"]).resolve()
        static = Path(application.static_folder).resolve()
        assert static not in uploads.parents and uploads != static
    from marketplace.config import load_config

    default = Path(load_config({}, instance_path=PROJECT_ROOT / "instance")["UPLOAD_DIR"]).resolve()
    assert (PROJECT_ROOT / "static").resolve() not in default.parents


# --- templates stay compatible with the strict CSP --------------------------------------

INLINE_PATTERNS = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> without src"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (on…=)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    # htmx features that evaluate strings as code need 'unsafe-eval'.
    (re.compile(r"\shx-on[:\-]", re.I), "hx-on (needs unsafe-eval)"),
    (re.compile(r"\shx-vars\s*=", re.I), "hx-vars (needs unsafe-eval)"),
    (re.compile(r"""hx-vals\s*=\s*['"]\s*js:""", re.I), "hx-vals js: (needs unsafe-eval)"),
]


def _template_files():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_code_or_style():
    problems = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # Jinja comments may mention anything
        for pattern, what in INLINE_PATTERNS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)


def test_inline_pattern_scanner_catches_what_it_should():
    # The scanner itself must not be blind: each sample is caught by exactly the intended rule.
    samples = {
        "<script>alert(1)</script>": "inline <script> without src",
        '<script src="/static/js/x.js"></script><style>p{}</style>': "<style> element",
        '<p style="color:red">': "style attribute",
        '<a onclick="x()">': "inline event handler (on…=)",
        '<a href="javascript:x()">': "javascript: URL",
        '<button hx-on:click="x()">': "hx-on (needs unsafe-eval)",
    }
    for sample, expected in samples.items():
        found = [what for pattern, what in INLINE_PATTERNS if pattern.search(sample)]
        assert found == [expected], (sample, found)


def test_htmx_is_configured_for_the_csp():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', base)
    assert config, "htmx-config meta missing"
    import json

    values = json.loads(config.group(1))
    # htmx's default indicator styles are injected inline (blocked by the CSP), and requests
    # to other origins would leak the CSRF header.
    assert values.get("includeIndicatorStyles") is False
    assert values.get("selfRequestsOnly") is True


def test_nul_bytes_are_refused_before_they_reach_the_database(dev_app):
    """PostgreSQL text cannot hold NUL: a NUL in the address is a 404, in a form field a clean 400."""
    client = dev_app.test_client()
    assert client.get("/kategorier/a%00b").status_code == 404  # no page has such an address
    dev_app.config["WTF_CSRF_ENABLED"] = False  # this is about the NUL check, not CSRF
    try:
        assert client.post("/sammenlign/kurv", data={"tjeneste": "1\x002"}).status_code == 400
        assert client.post("/sammenlign/kurv", data={"a\x00b": "1"}).status_code == 400
        assert client.post("/sammenlign/kurv", data={"tjeneste": "12"}).status_code != 400
    finally:
        dev_app.config["WTF_CSRF_ENABLED"] = True
    assert client.get("/?q=vanlig").status_code == 200
