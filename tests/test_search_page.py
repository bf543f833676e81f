"""The search page /tjenester: full page without JavaScript, htmx fragments, state in the URL."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from marketplace.views import search as search_view

HX = {"HX-Request": "true"}


class Page(HTMLParser):
    """Just enough of the HTML: elements with their attributes, and the text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


def page(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    return response, Page(response.get_data(as_text=True))


def test_view_is_public_and_in_the_navigation(shared_search_client):
    assert search_view.search.allowed_roles == ("*",)
    _, doc = page(shared_search_client, "/")
    assert doc.find("a", href="/tjenester")


def test_full_page_has_a_plain_get_form_with_live_search(shared_search_client):
    response, doc = page(shared_search_client, "/tjenester?q=database")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    form = doc.find("form", id="sok-skjema")[0]
    assert form["method"] == "get" and form["action"] == "/tjenester"
    assert form["hx-get"] == "/tjenester"
    assert form["hx-trigger"] == "input changed delay:300ms from:#q, change from:.filters, submit"
    assert form["hx-target"] == "#sokeresultat" and form["hx-push-url"] == "true"
    q = doc.find("input", id="q")[0]
    assert q["value"] == "database" and doc.find("label", for_="q")
    status = doc.find("p", id="sok-status")[0]
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert re.search(r"\d+ tjenester funnet", response.get_data(as_text=True))
    assert "<mark>" in response.get_data(as_text=True)
    assert doc.find("script", src="/static/js/search.js")
    assert not [a for t, a in doc.elements if t == "script" and "src" not in a]  # no inline script (CSP)


def test_every_filter_has_a_label_and_belongs_to_the_form(shared_search_client):
    _, doc = page(shared_search_client, "/tjenester")
    boxes = doc.find("input", type="checkbox")
    assert len(boxes) > 60
    labels = {a.get("for") for t, a in doc.elements if t == "label"}
    for box in boxes:
        assert box["form"] == "sok-skjema" and box["id"] in labels
    assert doc.find("button", type="submit", form="sok-skjema")  # "Bruk filtrene" without JavaScript
    assert doc.find("select", name="sorter", form="sok-skjema")
    assert len(doc.find("fieldset")) >= 10


def test_htmx_request_gets_only_the_results_region(shared_search_client):
    response, doc = page(shared_search_client, "/tjenester?q=database&governing_law=norge", HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and not doc.find("form", id="sok-skjema")
    assert doc.find("section", class_="search-hits")
    assert doc.find("div", id="sokefiltre", **{"hx-swap-oob": "true"})  # no fingerprints sent: the whole panel
    assert "HX-Request" in response.headers["Vary"] and response.headers["Cache-Control"] == "no-store"
    checked = doc.find("input", id="f-governing_law-norge")[0]
    assert "checked" in checked


def test_htmx_headers_push_the_address_and_announce_the_count(shared_search_client):
    """Through Flask-HTMX: HX-Push-Url is the search as it was run, HX-Trigger reads out the count."""
    response = shared_search_client.get("/tjenester?q=database&sorter=relevans&side=999",
                                        headers={**HX, "HX-Target": "sokeresultat"})
    heading = re.search(r'id="treff-overskrift"[^>]*>([^<]*)', response.get_data(as_text=True)).group(1)
    total = re.search(r"\d+", heading).group()
    pushed = response.headers["HX-Push-Url"]
    assert pushed.startswith("/tjenester?") and "q=database" in pushed and "sorter=" not in pushed
    assert "side=999" not in pushed  # a page past the end is the last page, and the address says so
    event = json.loads(response.headers["HX-Trigger"])["mps-announce"]
    assert event["region"] == "sok-status" and re.fullmatch(rf"{total} tjenester? funnet", event["message"])
    full = shared_search_client.get("/tjenester?q=database")
    assert "HX-Push-Url" not in full.headers and "HX-Trigger" not in full.headers
    # Another target (no history entry) gets neither.
    other = shared_search_client.get("/tjenester?q=database", headers={**HX, "HX-Target": "something-else"})
    assert "HX-Push-Url" not in other.headers and "HX-Trigger" not in other.headers


def test_a_history_restore_gets_the_whole_page(shared_search_client):
    # htmx asks for the whole page when it restores one that fell out of its history cache.
    response, doc = page(shared_search_client, "/tjenester?q=database", {**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True) and doc.find("form", id="sok-skjema")


def test_filters_without_javascript(shared_search_client):
    _, everything = page(shared_search_client, "/tjenester")
    response, doc = page(shared_search_client, "/tjenester?kategori=lagring&eea_only_option=ja")
    text = "".join(doc.text)
    assert "Valgte filtre" in text and "Kun EØS: Ja" in text
    assert "checked" in doc.find("input", id="f-kategori-lagring")[0]
    total_all = int(re.search(r"(\d+) tjenester funnet", "".join(everything.text)).group(1))
    total = int(re.search(r"(\d+) tjeneste(?:r)? funnet", text).group(1))
    assert 0 < total < total_all
    # Removing a filter is a link with the rest of the state intact.
    remove = [a["href"] for a in doc.find("a") if "eea_only_option" not in a.get("href", "x")
              and "kategori=lagring" in a.get("href", "")]
    assert remove


def test_pagination_links_keep_the_whole_state(shared_search_client):
    _, doc = page(shared_search_client, "/tjenester?q=lagring&governing_law=norge&governing_law=irland&sorter=navn")
    nxt = [a for a in doc.find("a") if a.get("rel") == "next"]
    if not nxt:  # fewer than a page of hits: ask for all services instead
        _, doc = page(shared_search_client, "/tjenester?sorter=navn&governing_law=norge")
        nxt = [a for a in doc.find("a") if a.get("rel") == "next"]
    params = parse_qsl(urlsplit(nxt[0]["href"]).query)
    assert ("side", "2") in params and ("sorter", "navn") in params and ("governing_law", "norge") in params
    assert nxt[0]["hx-get"] == nxt[0]["href"] and nxt[0]["hx-push-url"] == "true"


def test_nothing_found_gives_help(shared_search_client):
    response, doc = page(shared_search_client, "/tjenester?q=xqzvyw&kategori=lagring")
    text = "".join(doc.text)
    assert response.status_code == 200
    assert "Ingen tjenester passer til søket" in text and "Sjekk stavemåten" in text
    assert "Fjern alle filtrene" in text and doc.find("a", href="/#kategorier")


def test_a_misspelled_search_shows_what_the_right_spelling_finds(shared_search_client):
    _, doc = page(shared_search_client, "/tjenester?q=databse")
    text = "".join(doc.text)
    assert "Ingen treff på «databse». Viser treff på «database»." in text
    assert doc.find("input", id="q")[0]["value"] == "databse"


def test_did_you_mean_link(shared_search_client):
    _, doc = page(shared_search_client, "/tjenester?q=postgresql+kubernets")
    link = [a for a in doc.find("a") if "kubernetes" in a.get("href", "")]
    assert "Mente du" in "".join(doc.text) and link
    assert ("q", "postgresql kubernetes") in parse_qsl(urlsplit(link[0]["href"]).query)


def test_markup_in_the_query_is_escaped(shared_search_client):
    response, _ = page(shared_search_client, "/tjenester?q=%3Cscript%3Ealert(1)%3C/script%3E")
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_bad_parameters_never_fail(shared_search_client):
    for url in ("/tjenester?side=-4", "/tjenester?side=99999", "/tjenester?sorter=navnx", "/tjenester?venue=%FF",
                "/tjenester?leverandor=" + "x" * 500, "/tjenester?q=" + "ord " * 300, "/tjenester?dps=&kategori="):
        assert page(shared_search_client, url)[0].status_code == 200, url
    # Control characters are refused before the search sees them (400), never a server error.
    assert page(shared_search_client, "/tjenester?sorter=%00")[0].status_code in (200, 400)


def test_without_an_index_the_page_says_so(client):
    response, doc = page(client, "/tjenester?q=database")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Søket er ikke klart ennå" in "".join(doc.text)
    fragment, _ = page(client, "/tjenester?q=database", HX)
    assert fragment.status_code == 503 and "<html" not in fragment.get_data(as_text=True)


def test_guidance_articles_are_found_in_their_own_group(search_app, search_client):
    from catalogue.articles import by_slug, unpublish
    from catalogue.audit import Actor
    from catalogue.db import session_scope
    from tests.search_fixtures import catch_up

    _, doc = page(search_client, "/tjenester?q=skyreisen")
    assert doc.find("section", class_="article-hits") and doc.find("a", href="/veiledning/skyreisen")
    services = [a["data-service-id"] for a in doc.find("li", class_="search-hit")]
    assert services and all(s.isdigit() for s in services)  # articles are never among the services
    # Unpublishing the article takes it out of the index through the change log.
    with session_scope(search_app.extensions["db_engine"]) as session:
        unpublish(session, Actor.system("test"), by_slug(session, "skyreisen"))
    assert catch_up(search_app) == 1
    _, doc = page(search_client, "/tjenester?q=skyreisen")
    assert not doc.find("a", href="/veiledning/skyreisen")
    assert [a["data-service-id"] for a in doc.find("li", class_="search-hit")] == services


def test_a_new_process_warms_its_index_at_start(shared_search_app, search_template, tmp_path):
    from catalogue.search.query import warm_up
    from catalogue.search.reader import SearchIndex
    from tests.search_fixtures import install_index

    location = install_index(search_template, str(tmp_path / "index"))
    index = SearchIndex(location.link)
    assert warm_up(index)
    with index.snapshot() as snap:
        assert snap.facet_cache.get  # opened
        assert any(data._spelling is not None for data, _, _ in snap.leaves)  # spelling dictionary built
    assert not warm_up(SearchIndex(tmp_path / "none"))


def test_warm_up_runs_in_the_background_when_the_app_starts(template_db, tmp_path, search_template):
    import threading
    import time

    from tests.conftest import make_app
    from tests.databases import drop_database, new_database
    from tests.search_fixtures import install_index

    install_index(search_template, str(tmp_path / "instance" / "index"))
    # A copy of the template: the warm-up's own request holds a connection while it runs, and an
    # open connection to the template would stop other tests from copying it.
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", TESTING=False, SEARCH_WARM_UP=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            handle = app.extensions.get("search_index")
            if handle is not None and handle._snapshot is not None:
                break
            time.sleep(0.1)
        assert app.extensions["search_index"]._snapshot is not None
    finally:
        for thread in threading.enumerate():
            if thread.name == "search-warm-up":
                thread.join(timeout=60)
        app.extensions["db_engine"].dispose()
        drop_database(url)


def test_hits_show_their_terms_from_the_index_without_reading_the_database(shared_search_app, shared_search_client):
    from sqlalchemy import event

    from catalogue.terms import TERMS

    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = shared_search_app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response, doc = page(shared_search_client, "/tjenester?q=lagring&governing_law=norge")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    assert not [s for s in statements if "FROM service" in s], statements
    law = TERMS["governing_law"]
    html = response.get_data(as_text=True)
    assert html.count('class="search-hit"') > 0
    assert html.count('class="search-hit"') == html.count('class="hit-terms"')
    assert html.count(f'{law.short_label()}:</span> {law.choice_label("norge")}') == html.count('class="search-hit"')
