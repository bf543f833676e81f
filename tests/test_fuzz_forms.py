"""Property-based tests: random and hostile data into every form of the site.

The forms are not listed by hand: every page of the authorization matrix is opened as a
person allowed there, and every ``<form>`` (and every ``hx-post`` / ``hx-get``) on it is
read – its action, method, fields, options and file inputs. Hypothesis then fills the
fields with random and hostile values (huge strings, markup and script, NUL bytes, odd
unicode, negative and huge numbers, wrong types, missing and duplicated fields, files
that are not what they claim) and sends them with a valid CSRF token, so the handler
itself is what is tested. For every example:

* never a 5xx;
* nothing half-written: if any table changed, the change is a complete, audited unit
  (an audit event was written in the same request); an error answer (4xx) writes nothing.
"""
from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.login import login
from tests.pdf import make_pdf
from tests.security_support import IDENTITIES, changed_tables, make_world
from tests.test_authz_matrix import ENDPOINTS, HANDLED, OK, ROUTES, build_url, methods_of

EXAMPLES = 25
NOT_FUZZED = {
    # Ending the session in the middle of a run would only test the login page from then on;
    # logout has no fields to fuzz (CSRF and authorization are covered elsewhere).
    "auth.logout": "no input besides the CSRF token",
    "testid.logout": "no input besides the CSRF token",
    "supplier.join": "no input besides the CSRF token: joins the company the person acts for",
}

# People beyond the matrix's: a supplier's person acting for a company not registered yet.
PEOPLE = {**IDENTITIES, "supplier_new": ("leverandor-fjordsky", "999906087")}
# Pages outside the matrix that hold forms: (who, path).
EXTRA_PAGES = [("supplier_new", "/leverandor/registrer")]

# --- reading forms from pages ---------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str                      # text, textarea, select, checkbox, radio, hidden, file, number, …
    values: list[str] = field(default_factory=list)   # the page's value(s) / options


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field]
    page: str

    @property
    def key(self) -> tuple[str, str]:
        return self.method, urlsplit(self.action).path


class FormReader(HTMLParser):
    """Collects forms (and hx-post/hx-get targets) with their fields from one page."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._stack: list[Form] = []
        self._select: Field | None = None
        self._extra: list[Form] = []

    def _form(self) -> Form | None:
        return self._stack[-1] if self._stack else None

    def _add(self, name: str, kind: str, value: str | None) -> None:
        form = self._form()
        if form is None or not name:
            return
        entry = form.fields.setdefault(name, Field(name, kind))
        if value is not None:
            entry.values.append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for verb in ("hx-post", "hx-get"):
            if a.get(verb):
                method = "POST" if verb == "hx-post" else "GET"
                fields = dict(self._form().fields) if self._form() else {}
                self._extra.append(Form(method, urljoin(self.page_url, a[verb]), False, fields, self.page_url))
        if tag == "form":
            self._stack.append(Form(method=(a.get("method") or "GET").upper(),
                                    action=urljoin(self.page_url, a.get("action") or self.page_url),
                                    multipart="multipart" in a.get("enctype", ""), fields={}, page=self.page_url))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if a.get("name"):
                    self._add(a["name"], "button", a.get("value", ""))
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._add(a.get("name", ""), kind, value)
        elif tag == "textarea":
            self._add(a.get("name", ""), "textarea", "")
        elif tag == "select":
            self._add(a.get("name", ""), "select", None)
            form = self._form()
            self._select = form.fields.get(a.get("name", "")) if form else None
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))
        elif tag == "button" and a.get("name"):
            self._add(a["name"], "button", a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._stack:
            self.forms.append(self._stack.pop())
        elif tag == "select":
            self._select = None

    def all_forms(self) -> list[Form]:
        return self.forms + self._extra


def read_forms(html: str, page_url: str) -> list[Form]:
    reader = FormReader(page_url)
    reader.feed(html)
    reader.close()
    return reader.all_forms()


def endpoint_of(app, form: Form) -> str | None:
    adapter = app.url_map.bind("localhost")
    parts = urlsplit(form.action)
    try:
        endpoint, _ = adapter.match(parts.path, method=form.method)
    except Exception:
        return None
    return endpoint


def discover(world) -> dict[tuple[str, str, str], tuple[str, Form]]:
    """(identity, method, action path) → (endpoint, form) for every form on every page of the matrix."""
    found: dict[tuple[str, str, str], tuple[str, Form]] = {}
    pages = set()
    for endpoint in ENDPOINTS:
        for case in ROUTES.get(endpoint, []):
            for who, outcome in case.expect.items():
                if outcome in (OK, HANDLED) and "GET" in methods_of(world.app, endpoint):
                    pages.add((who, build_url(world.app, endpoint, case, world.objects)))
    for who, path in EXTRA_PAGES:
        if who not in world.clients:
            client = world.app.test_client()
            login(client, *PEOPLE[who])
            world.clients[who] = client
        pages.add((who, path))
    for who, url in sorted(pages):
        response = world.client(who).get(url)
        if response.status_code != 200 or "html" not in (response.mimetype or ""):
            continue
        for form in read_forms(response.get_data(as_text=True), "http://localhost" + url):
            if urlsplit(form.action).netloc not in ("localhost", ""):
                continue
            endpoint = endpoint_of(world.app, form)
            if endpoint is None or endpoint == "static":
                continue
            found.setdefault((who, form.method, urlsplit(form.action).path), (endpoint, form))
    # The provider's own pages: the pick of person and organisation is a form too.
    client = world.client("anonymous")
    start = client.get("/login")
    if start.status_code in (302, 303):
        location = start.headers["Location"]
        page = client.get(location)
        for form in read_forms(page.get_data(as_text=True), urljoin("http://localhost/", location)):
            endpoint = endpoint_of(world.app, form)
            if endpoint:
                found.setdefault(("anonymous", form.method, urlsplit(form.action).path), (endpoint, form))
    return found


# The built-in identity provider's own protocol state (codes, its sessions): not marketplace records.
PROTOCOL_STATE = {"testid_code", "testid_session"}
# A refused form with files keeps its acceptable PDFs for a short while, so they need not be chosen again
# (issue 16, catalogue.pending_uploads): the only row a 4xx answer may write, and no audited state.
KEPT_UPLOADS = {"pending_upload"}

# --- hostile values -------------------------------------------------------------------------------

HOSTILE = [
    "", " ", "\t\n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "\"'><svg onload=alert(1)>", "' OR '1'='1' --", "1; DROP TABLE service; --", "{{7*7}}", "${7*7}",
    "%(name)s", "{0}", "../../../../etc/passwd", "\x00", "abc\x00def", "\ufeff", "\u202etxt.exe",
    "ÆØÅ æøå", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂", "-1", "0", "-999999999999999999999", "99999999999999999999999",
    "1e309", "NaN", "inf", "0x10", "1.5", "3,14", "true", "null", "[]", "{}", "x" * 5000, "æ" * 70000,
    "9" * 40, "2026-02-30", "0000-00-00", "31.12.2026", "964330123", "935308291", "999906087", "123456785",
]

text_values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300),
                        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40))
number_values = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                          st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(HOSTILE))

FILE_BODIES = [b"", b"%PDF-1.4\n", b"<html><script>alert(1)</script></html>", b"\x00" * 64,
               b"MZ\x90\x00 not a pdf", make_pdf("Gyldig testfil")]


def value_strategy(f: Field):
    if f.kind == "file":
        return st.tuples(st.sampled_from(FILE_BODIES),
                         st.sampled_from(["vilkar.pdf", "a.exe", "../../x.pdf", "", "bilde.png", "æøå.pdf"]))
    options = [v for v in f.values if v is not None]
    if f.kind in ("select", "radio", "checkbox", "hidden", "button") and options:
        if all(o.strip().lstrip("-").isdigit() for o in options if o.strip()):
            # Ids and numbers: the ones offered, and numbers no database column can hold.
            return st.one_of(st.sampled_from(options), number_values, text_values)
        return st.one_of(st.sampled_from(options), text_values)
    if f.kind in ("number", "range"):
        return number_values
    return text_values


def form_data(f: Form):
    """A strategy for the whole form: each field missing, once, or duplicated; the CSRF token kept."""
    names = [n for n in f.fields if n != "csrf_token"]

    def one_field(name):
        spec = f.fields[name]
        return st.one_of(
            st.just([]),                                   # missing
            value_strategy(spec).map(lambda v: [v]),       # once
            st.lists(value_strategy(spec), min_size=2, max_size=4),  # duplicated
        )

    return st.fixed_dictionaries({name: one_field(name) for name in names}) | st.dictionaries(
        st.sampled_from(HOSTILE[:12] + ["id", "action", "handling", "lock_version"]), text_values.map(lambda v: [v]),
        max_size=3)


def encode(data: dict, multipart: bool) -> dict:
    out = {}
    for name, values in data.items():
        items = []
        for value in values:
            if isinstance(value, tuple):  # a file: (bytes, filename)
                items.append((BytesIO(value[0]), value[1]))
            else:
                items.append(value)
        if items:
            out[name] = items if len(items) > 1 else items[0]
    return out


class ErrorLog(logging.Handler):
    """Keeps the app's last logged exception, so a 5xx names its cause."""

    def __init__(self, app):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        app.logger.addHandler(self)

    def emit(self, record):
        self.records.append(record)

    def last(self) -> str:
        if not self.records:
            return ""
        record = self.records[-1]
        if not record.exc_info:
            return record.getMessage()
        # Our own frames and the exception: the cause, without the libraries' plumbing.
        frames = [f for f in traceback.extract_tb(record.exc_info[2]) if "site-packages" not in f.filename]
        lines = traceback.format_list(frames) + traceback.format_exception_only(*record.exc_info[:2])
        return "".join(lines)[-2500:]


# --- the tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(template_db, search_template, tmp_path_factory):
    w = make_world(template_db, tmp_path_factory.mktemp("fuzz"), search_template=search_template)
    w.forms = discover(w)
    yield w
    w.close()


def _write_endpoints():
    from tests.test_csrf import EXEMPT, WRITE_ENDPOINTS

    return [e for e in WRITE_ENDPOINTS if e not in EXEMPT and e not in NOT_FUZZED]


def test_every_write_route_has_a_form_to_fuzz(world):
    """Every state-changing route is reachable from some form on some page (else: fuzz it by hand here)."""
    covered = {endpoint for (_, method, _), (endpoint, _) in world.forms.items() if method != "GET"}
    missing = sorted(set(_write_endpoints()) - covered)
    assert not missing, f"write routes no page offers a form for: {missing}"


def _fuzz_targets() -> list[str]:
    return sorted(set(_write_endpoints()) | {"search.search", "compare.compare_page"})


@pytest.mark.parametrize("endpoint", _fuzz_targets())
def test_random_and_hostile_input(world, endpoint):
    targets = [(who, form) for (who, _m, _p), (ep, form) in sorted(world.forms.items(), key=lambda kv: kv[0])
               if ep == endpoint]
    if not targets:
        pytest.fail(f"no form found for {endpoint}")
    who, form = targets[0]
    fuzz_form(world, who, form, EXAMPLES)


def test_every_other_get_form(world):
    """Filter and search forms (GET) of every page: hostile query strings never give a 5xx or a write."""
    targets = _fuzz_targets()
    seen = set()
    forms = []
    for (who, method, path), (endpoint, form) in sorted(world.forms.items(), key=lambda kv: kv[0]):
        if method == "GET" and endpoint not in targets and (endpoint, path) not in seen:
            seen.add((endpoint, path))
            forms.append((who, form))
    assert forms, "no GET forms found besides search and compare"
    for who, form in forms:
        fuzz_form(world, who, form, 15)


def fuzz_form(world, who: str, form: Form, examples: int) -> None:
    client = world.app.test_client()
    person = PEOPLE[who]
    if person is not None:
        login(client, person[0], person[1])
    errors = ErrorLog(world.app)
    token = re.search(r'"X-CSRFToken":\s*"([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    path = urlsplit(form.action).path
    base_query = parse_qsl(urlsplit(form.action).query)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=form_data(form), htmx=st.booleans(), confirm=st.booleans())
    def run(data, htmx, confirm):
        headers = {"X-CSRFToken": token}
        if htmx:
            headers["HX-Request"] = "true"
        before = world.counts()
        if form.method == "GET":
            query = base_query + [(k, v) for k, vs in data.items() for v in vs if not isinstance(v, tuple)]
            response = client.get(path, query_string=query, headers=headers)
        else:
            response = client.open(path, method=form.method, query_string=base_query, headers=headers,
                                   data={**encode(data, form.multipart), "csrf_token": token,
                                         # half the examples past the check step of a formal action
                                         **({"bekreftet": "ja"} if confirm else {})},
                                   content_type="multipart/form-data" if form.multipart else None)
        after = world.counts()
        status = response.status_code
        where = f"{form.method} {path} as {who} (htmx={htmx})"
        assert status < 500, f"{where}: server error {status}\n{errors.last()}"
        changed = {t: c for t, c in changed_tables(before, after).items() if t not in PROTOCOL_STATE}
        if status >= 400:
            changed = {t: c for t, c in changed.items() if t not in KEPT_UPLOADS}
        if changed:
            assert status < 400, f"{where}: answered {status} but wrote {changed}"
            assert "audit_event" in changed, f"{where}: wrote {changed} without an audit event"

    run()
