"""Guidance articles: Markdown sanitising, the article workflow, the seed articles and the pages."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue import articles, markdown
from catalogue.audit import Actor
from catalogue.models import AuditEvent, SearchChange
from catalogue.terms import TERMS
from seed import DATA
from seed.articles import SeedArticleError, load_articles, parse, seed_files
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import login
from tests.test_i18n import compiled_translations  # noqa: F401  (a fixture)

MANAGER = Actor(user_id=None, name="Test Forvalter", role="manager")


# ---------------------------------------------------------------------------
# sanitising


class _Tags(HTMLParser):
    """Every element and attribute in a piece of HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    for tag, attrs in _Tags(html).tags:
        assert tag in markdown.ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            assert name in markdown.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
            if name == "href":
                scheme = urlsplit(value).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), value
                assert value.startswith(("/", "#", "http://", "https://", "mailto:")) or ":" not in value, value


def test_script_is_removed_with_its_content():
    html = markdown.render("Før\n\n<script>alert('x')</script>\n\nEtter <script src=/x.js></script>").html
    assert "<script" not in html and "alert(" not in html
    assert "Før" in html and "Etter" in html
    assert_safe(html)


@pytest.mark.parametrize("snippet", [
    '<a href="/x" onclick="steal()">lenke</a>',
    '<img src="x" onerror="steal()">',
    '<p onmouseover="steal()">tekst</p>',
    '<b ONLOAD="steal()">fet</b>',
    '<svg onload="steal()"><circle r="1"/></svg>',
    '<details open ontoggle="steal()"><summary>s</summary></details>',
    '<a href="/x" style="background:url(javascript:steal())">lenke</a>',
])
def test_event_handlers_and_styles_are_removed(snippet):
    html = markdown.render(f"Tekst {snippet} mer").html
    assert "steal()" not in html and "style=" not in html
    assert not re.search(r"\son\w+\s*=", html, re.IGNORECASE)
    assert_safe(html)


@pytest.mark.parametrize("source", [
    "[klikk](javascript:alert(1))",
    '<a href="javascript:alert(1)">klikk</a>',
    '<a href="JaVaScRiPt:alert(1)">klikk</a>',
    '<a href="jav&#x61;script:alert(1)">klikk</a>',
    '<a href=" javascript:alert(1)">klikk</a>',
    '<a href="vbscript:msgbox(1)">klikk</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">klikk</a>',
    "[klikk](data:text/html,<script>x</script>)",
    "<javascript:alert(1)>",
])
def test_javascript_and_data_links_are_removed(source):
    html = markdown.render(source).html
    hrefs = [attrs.get("href") for tag, attrs in _Tags(html).tags if tag == "a"]
    assert all(h is None or not re.match(r"\s*(javascript|vbscript|data):", h, re.IGNORECASE) for h in hrefs), html
    assert_safe(html)


def test_dangerous_elements_are_dropped():
    html = markdown.render('<iframe src="https://evil.example"></iframe><object data="x"></object>'
                           '<form action="/x"><input name="a"><button>b</button></form><style>p{}</style>'
                           '<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil">').html
    for tag in ("<iframe", "<object", "<form", "<input", "<style", "<meta", "<base"):
        assert tag not in html
    assert_safe(html)


def test_allowed_markdown_is_kept():
    rendered = markdown.render(
        "# Stor\n\n## Del én\n\nTekst med **fet**, *kursiv*, `kode` og [lenke](https://example.no) og "
        "[intern](/kategorier/lagring).\n\n- a\n- b\n\n1. en\n2. to\n\n| Kol | Tall |\n|:--|--:|\n| x | 1 |\n\n> sitat\n")
    html = rendered.html
    assert '<h2 id="art-stor">Stor</h2>' in html  # h1 is reserved for the page title
    assert '<h2 id="art-del-en">Del én</h2>' in html
    assert "<strong>fet</strong>" in html and "<em>kursiv</em>" in html and "<code>kode</code>" in html
    assert '<a href="https://example.no" rel="noopener noreferrer">lenke</a>' in html
    assert '<a href="/kategorier/lagring"' in html
    assert "<ul>" in html and "<ol>" in html and "<blockquote>" in html
    assert '<th scope="col">Kol</th>' in html and "text-align" not in html
    assert [h.anchor for h in rendered.headings] == ["art-stor", "art-del-en"]
    assert_safe(html)


def test_author_ids_cannot_clobber_page_ids():
    html = markdown.render('<h2 id="innhold">x</h2>\n\n## innhold').html
    assert 'id="innhold"' not in html


def test_plain_text_has_no_markup():
    text = markdown.plain_text("## Tittel\n\nTekst med **fet** og [lenke](/x).\n\n<script>x()</script>\n\n- punkt")
    assert text == "Tittel Tekst med fet og lenke. punkt"


DANGEROUS = st.sampled_from([
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", '<div onclick="alert(1)">y</div>', "<iframe src=//evil></iframe>",
    '<a href="JAVASCRIPT:alert(1)" onmouseover=alert(1)>z</a>', '<svg><script>alert(1)</script></svg>',
    "<style>*{}</style>", '<p style="x:y">s</p>', "<scr<script>ipt>alert(1)</script>", '"><img src=x onerror=alert(1)>',
])
MARKDOWN = st.sampled_from(["## Overskrift", "- punkt", "**fet**", "[lenke](/kategorier/lagring)", "| a |\n|---|\n| b |",
                            "`kode`", "> sitat", "tekst"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(DANGEROUS, MARKDOWN, st.text(max_size=20)), min_size=1, max_size=8))
def test_rendered_html_is_always_safe(parts):
    for joiner in ("\n\n", " "):
        html = markdown.render(joiner.join(parts)).html
        assert_safe(html)
        assert "<script" not in html.lower()


# ---------------------------------------------------------------------------
# the domain


def _form(**overrides) -> articles.ArticleForm:
    values = dict(title="Testartikkel om lagring", summary="En kort ingress om lagring i skyen.",
                  body_markdown="## Innledning\n\nLagring i skyen er nyttig.", lang="nb",
                  related_categories=("lagring",), related_terms=("data_locations",), slug="testartikkel")
    values.update(overrides)
    return articles.ArticleForm(**values)


def _counts(session: Session) -> tuple[int, int, int, int]:
    return (session.exec(select(func.count()).select_from(articles.Article)).one(),
            session.exec(select(func.count()).select_from(articles.ArticleVersion)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one(),
            session.exec(select(func.count()).select_from(SearchChange)).one())


@pytest.fixture(scope="module")
def guidance_app(template_db, tmp_path_factory):
    """A read-only app whose database has the seed articles."""
    from catalogue.db import make_engine, session_scope

    url = new_database(tmp_path_factory.mktemp("guidance"), template=template_db)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_articles(session)
    engine.dispose()
    application = make_app(url, tmp_path_factory.mktemp("guidance-instance"))
    yield application
    application.extensions["db_engine"].dispose()
    drop_database(url)


@pytest.fixture
def db(app):
    """A session on the test's own copy of the database (for tests that write)."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def ro_db(guidance_app):
    """A session on the shared guidance database (for tests that only read)."""
    with Session(guidance_app.extensions["db_engine"]) as session:
        yield session
        session.rollback()


@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"title": "ab"}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"title": "Tittel <script>"}, "title"),
    ({"summary": "kort"}, "summary"),
    ({"summary": "<b>fet</b> ingress som er lang nok"}, "summary"),
    ({"body_markdown": "   "}, "body_markdown"),
    ({"body_markdown": "<script>alert(1)</script>"}, "body_markdown"),
    ({"body_markdown": "tekst\x00"}, "body_markdown"),
    ({"body_markdown": "x" * 60_001}, "body_markdown"),
    ({"lang": "de"}, "lang"),
    ({"related_categories": ("lagring", "finnes-ikke")}, "related_categories"),
    ({"related_terms": ("governing_law", "ukjent_vilkar")}, "related_terms"),
    ({"slug": "Store Bokstaver"}, "slug"),
    ({"slug": "ordliste"}, "slug"),
    ({"slug": "ny"}, "slug"),
])
def test_validation_names_the_field(guidance_app, ro_db, overrides, field):
    clean, errors = articles.validate(ro_db, _form(**overrides), creating=True)
    assert field in errors
    with guidance_app.test_request_context("/?lang=en"):
        en = str(errors[field])
    nb = str(errors[field])  # no request: bokmål
    assert nb and en and nb != en


def test_duplicate_slug_is_refused(db):
    clean, errors = articles.validate(db, _form(), creating=True)
    assert not errors
    articles.create(db, MANAGER, clean)
    db.commit()
    _clean, errors = articles.validate(db, _form(title="En annen tittel"), creating=True)
    assert "slug" in errors


def test_slug_is_made_from_the_title_when_empty(ro_db):
    clean, errors = articles.validate(ro_db, _form(slug="", title="Å lagre data på én måte"), creating=True)
    assert not errors and clean["slug"] == "a-lagre-data-pa-en-mate"


def test_the_whole_workflow(db):
    before = _counts(db)
    clean, errors = articles.validate(db, _form(), creating=True)
    assert not errors
    article = articles.create(db, MANAGER, clean)
    db.commit()
    assert article.status == "draft" and article.current_version == 1 and article.published_version is None
    assert articles.article_document(db, article.id) is None  # drafts are not searchable
    assert articles.public_version(db, article) is None
    # A draft is not in the search change log: search shows nothing new.
    assert _counts(db)[3] == before[3]

    articles.publish(db, MANAGER, article)
    db.commit()
    doc = articles.article_document(db, article.id)
    assert doc["title"] == "Testartikkel om lagring" and doc["url"] == "/veiledning/testartikkel"
    assert doc["body"] == "Innledning Lagring i skyen er nyttig."
    assert doc["categories"][0]["slug"] == "lagring" and doc["terms"][0]["key"] == "data_locations"
    assert doc["terms"][0]["label_en"] == TERMS["data_locations"].label("en")

    clean2, _ = articles.validate(db, _form(body_markdown="## Innledning\n\nNy tekst."), creating=False)
    saved = articles.save_version(db, MANAGER, article, clean2, base_version=1)
    db.commit()
    assert saved.number == 2 and article.current_version == 2 and article.has_unpublished_changes
    # The public (and the search index) still sees version 1 until published again.
    assert articles.public_version(db, article).number == 1
    assert articles.article_document(db, article.id)["body"].endswith("nyttig.")

    articles.publish(db, MANAGER, article)
    db.commit()
    assert articles.article_document(db, article.id)["body"].endswith("Ny tekst.")
    articles.unpublish(db, MANAGER, article)
    db.commit()
    assert articles.article_document(db, article.id) is None
    assert [v.number for v in articles.versions(db, article.id)] == [2, 1]  # versions are kept

    after = _counts(db)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 2
    events = db.exec(select(AuditEvent).where(AuditEvent.object_type == "article", AuditEvent.object_id == article.id)
                     .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["article.created", "article.published", "article.edited",
                                          "article.published", "article.unpublished"]
    assert events[1].before == {"status": "draft", "published_version": None}
    assert events[-1].after == {"status": "unpublished", "published_version": 2}
    assert all(e.actor_name == "Test Forvalter" for e in events)
    changes = db.exec(select(SearchChange).where(SearchChange.entity == "article",
                                                 SearchChange.entity_id == article.id)).all()
    assert len(changes) == 3  # publish, publish, unpublish


def test_stale_editor_conflicts_and_writes_nothing(app, db):
    clean, _ = articles.validate(db, _form(), creating=True)
    article = articles.create(db, MANAGER, clean)
    db.commit()
    first, _ = articles.validate(db, _form(body_markdown="Første redaktør."), creating=False)
    articles.save_version(db, MANAGER, article, first, base_version=1)
    db.commit()
    before = _counts(db)
    second, _ = articles.validate(db, _form(body_markdown="Andre redaktør."), creating=False)
    with pytest.raises(articles.ArticleConflict) as conflict:
        articles.save_version(db, MANAGER, article, second, base_version=1)
    db.rollback()
    with app.test_request_context("/?lang=en"):
        assert "newer version" in str(conflict.value.message)
    assert _counts(db) == before
    assert articles.current(db, article).body_markdown == "Første redaktør."


def test_saving_unchanged_content_writes_nothing(db):
    clean, _ = articles.validate(db, _form(), creating=True)
    article = articles.create(db, MANAGER, clean)
    db.commit()
    before = _counts(db)
    same, _ = articles.validate(db, _form(), creating=False)
    assert articles.save_version(db, MANAGER, article, same, base_version=1) is None
    db.commit()
    assert _counts(db) == before


def test_transitions_that_are_not_allowed(db):
    clean, _ = articles.validate(db, _form(), creating=True)
    article = articles.create(db, MANAGER, clean)
    db.commit()
    with pytest.raises(articles.ArticleError):
        articles.unpublish(db, MANAGER, article)  # a draft
    articles.publish(db, MANAGER, article)
    with pytest.raises(articles.ArticleError):
        articles.publish(db, MANAGER, article)  # nothing new to publish


# ---------------------------------------------------------------------------
# the seed articles

SEEDS = seed_files()
SEED_SLUGS = {item.form.slug for item in SEEDS}
CATEGORY_SLUGS = {c["slug"] for top in json.loads((DATA / "categories.json").read_text(encoding="utf-8"))["categories"]
                  for c in [top, *top.get("children", [])]}


def test_there_are_at_least_six_substantive_seed_articles():
    assert len(SEEDS) >= 6
    for item in SEEDS:
        body = item.form.body_markdown
        words = len(markdown.plain_text(body).split())
        headings = [h for h in markdown.render(body).headings if h.level == 2]
        assert words >= 500, (item.path.name, words)
        assert len(headings) >= 4, item.path.name
        assert item.form.related_categories and item.form.related_terms, item.path.name
        assert item.form.lang == "nb"


@pytest.mark.parametrize("item", SEEDS, ids=lambda item: item.form.slug)
def test_seed_article_links_point_at_real_pages(item):
    terms = {t.key for t in TERMS}
    for href in markdown.internal_links(item.form.body_markdown):
        parts = urlsplit(href)
        path, query, anchor = parts.path, parse_qsl(parts.query), parts.fragment
        if path.startswith("/kategorier/"):
            assert path.removeprefix("/kategorier/") in CATEGORY_SLUGS, href
        elif path == "/veiledning/ordliste":
            assert anchor.startswith("vilkar-") and anchor.removeprefix("vilkar-") in terms, href
        elif path.startswith("/veiledning/"):
            assert path.removeprefix("/veiledning/") in SEED_SLUGS, href
        elif path == "/tjenester":
            assert query, href
            for key, value in query:
                term = TERMS.get(key)
                assert term is not None and term.filterable, href
                assert value in {c.value for c in term.options}, href
        else:
            assert path in ("/marked", "/dps/dps-skytjenester"), href
    for slug in item.form.related_categories:
        assert slug in CATEGORY_SLUGS
    for key in item.form.related_terms:
        assert key in terms


def test_seed_files_validate(ro_db):
    for item in SEEDS:
        clean, errors = articles.validate(ro_db, item.form, creating=True)
        # They are loaded in this database already, so only the slug may be "taken".
        assert set(errors) <= {"slug"}, (item.path.name, errors)
        assert articles.by_slug(ro_db, item.form.slug) is not None


def test_loading_seed_articles_is_idempotent(db):
    first = load_articles(db)
    db.commit()
    assert first + len(articles.published(db)) >= len(SEEDS)
    published = {a.slug for a, _v in articles.published(db)}
    assert SEED_SLUGS <= published
    before = _counts(db)
    assert load_articles(db) == 0
    db.commit()
    assert _counts(db) == before


def test_seed_articles_command(app, runner):
    first = runner.invoke(args=["seed", "articles"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["seed", "articles"])
    assert again.exit_code == 0 and "0 nye" in again.output
    with Session(app.extensions["db_engine"]) as session:
        assert SEED_SLUGS <= {a.slug for a, _v in articles.published(session)}


def test_a_manager_edit_survives_reseeding(db):
    load_articles(db)
    article = articles.by_slug(db, "skyreisen")
    clean, _ = articles.validate(db, articles.ArticleForm.from_version(articles.current(db, article), "skyreisen"),
                                 creating=False)
    clean["title"] = "Skyreisen – redigert av avtaleforvalteren"
    articles.save_version(db, MANAGER, article, clean, article.current_version)
    db.commit()
    load_articles(db)
    db.commit()
    assert articles.current(db, article).title == "Skyreisen – redigert av avtaleforvalteren"


def test_a_malformed_seed_file_is_refused(tmp_path, db):
    (tmp_path / "01-feil.md").write_text("slug: uten-front-matter\n\nTekst", encoding="utf-8")
    with pytest.raises(SeedArticleError):
        parse(tmp_path / "01-feil.md")
    (tmp_path / "01-feil.md").write_text("---\nslug: ugyldig\ntitle: Ok tittel\nsummary: kort\n---\nTekst",
                                         encoding="utf-8")
    with pytest.raises(SeedArticleError, match="summary"):
        load_articles(db, tmp_path)


# ---------------------------------------------------------------------------
# pages


@pytest.fixture
def reader(guidance_app):
    return guidance_app.test_client()


def test_article_list_and_pages(reader):
    html = reader.get("/veiledning").get_data(as_text=True)
    for item in SEEDS:
        assert f'href="/veiledning/{item.form.slug}"' in html
        page = reader.get(f"/veiledning/{item.form.slug}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert item.form.title.replace("'", "&#39;") in text
        assert 'class="toc"' in text and 'href="#art-' in text
        for slug in item.form.related_categories:
            assert f'href="/kategorier/{slug}"' in text
        for key in item.form.related_terms:
            assert f'href="/veiledning/ordliste#vilkar-{key}"' in text
        assert "<script>" not in text and " style=" not in text


def test_unknown_article_is_404(reader):
    assert reader.get("/veiledning/finnes-ikke").status_code == 404


def test_glossary_explains_every_term_and_links_articles(reader):
    html = reader.get("/veiledning/ordliste").get_data(as_text=True)
    for term in TERMS:
        assert f'id="vilkar-{term.key}"' in html
    # Articles that discuss a term are listed with it.
    section = html.split('id="vilkar-governing_law"')[1].split('class="glossary-term"')[0]
    assert 'href="/veiledning/lovvalg-og-verneting"' in section


def test_english_pages_keep_the_article_in_norwegian(reader, compiled_translations):
    html = reader.get("/veiledning/skyreisen?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<article class="article" lang="nb"' in html
    assert "This article is only available in Norwegian." in html
    assert "Skyreisen – fra behov til trygg bruk av skytjenester" in html  # the text as written


def test_every_guidance_view_declares_who_may_use_it(guidance_app):
    from catalogue.viewer import MANAGER as MANAGER_ROLE

    endpoints = [r.endpoint for r in guidance_app.url_map.iter_rules() if r.endpoint.startswith("guidance.")]
    assert len(endpoints) >= 11
    for endpoint in endpoints:
        roles = guidance_app.view_functions[endpoint].allowed_roles
        assert roles == (("*",) if endpoint in ("guidance.index", "guidance.article", "guidance.glossary")
                         else (MANAGER_ROLE,)), endpoint


MANAGER_PAGES = ["/forvaltning/veiledning", "/forvaltning/veiledning/ny", "/forvaltning/veiledning/skyreisen/rediger",
                 "/forvaltning/veiledning/skyreisen/versjoner", "/forvaltning/veiledning/skyreisen/versjoner/1"]


def test_manager_pages_need_a_login(reader):
    for url in MANAGER_PAGES:
        response = reader.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


@pytest.mark.parametrize("person", ["kommune-innkjoper", "leverandor-fjordsky"])
def test_manager_pages_are_refused_to_others(guidance_app, person):
    client = guidance_app.test_client()
    login(client, person)
    for url in MANAGER_PAGES:
        assert client.get(url).status_code == 403, url
    token = _token(client.get("/veiledning").get_data(as_text=True)) or ""
    for url in ("/forvaltning/veiledning/skyreisen/avpubliser", "/forvaltning/veiledning/skyreisen/publiser"):
        assert client.post(url, data={"bekreftet": "ja", "csrf_token": token}).status_code == 403


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(html: str) -> str | None:
    found = _CSRF.search(html)
    return found.group(1) if found else None


@pytest.fixture
def manager(app):
    client = app.test_client()
    login(client, "avtaleforvalter")
    return client


def _new_article_form(client, **overrides) -> dict:
    token = _token(client.get("/forvaltning/veiledning/ny").get_data(as_text=True))
    data = {"csrf_token": token, "title": "Slik måler du forbruket", "slug": "forbruk",
            "summary": "Om måling og tak på forbruket av skytjenester.", "lang": "nb",
            "body_markdown": "## Hvorfor\n\nFordi fakturaen kan overraske.\n\n<script>alert(1)</script>\n\n"
                             '<img src="x" onerror="alert(2)"> [farlig](javascript:alert(3))',
            "related_categories": ["lagring", "databaser"], "related_terms": ["consumption_metering"],
            "handling": "lagre"}
    data.update(overrides)
    return data


def _db_counts(app) -> tuple:
    with Session(app.extensions["db_engine"]) as session:
        return _counts(session)


def test_manager_writes_previews_publishes_edits_and_unpublishes(app, manager):
    anonymous = app.test_client()
    page = manager.get("/forvaltning/veiledning/ny")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for field in ("artikkel-tittel", "artikkel-adresse", "artikkel-ingress", "artikkel-tekst", "artikkel-sprak",
                  "artikkel-kategorier", "artikkel-vilkar"):
        assert f'id="{field}"' in html and f'for="{field}"' in html

    # No-JS preview: the whole page, with the sanitised rendering, and nothing saved.
    before = _db_counts(app)
    preview = manager.post("/forvaltning/veiledning/ny", data=_new_article_form(manager, handling="forhandsvis"))
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "<!doctype html>" in text
    shown = text.split('id="forhandsvisning"')[1].split("</section>")[0]  # the textarea keeps the source as typed
    assert "<h2 id=\"art-hvorfor\">Hvorfor</h2>" in shown
    assert "alert(1)" not in shown and "onerror" not in shown and "alert(2)" not in shown
    assert 'href="javascript' not in shown.lower()  # the javascript: link is left as plain text, not a link
    assert _db_counts(app) == before

    # htmx preview: only the preview block, with a live-region announcement when asked for.
    partial = manager.post("/forvaltning/veiledning/ny", data=_new_article_form(manager, handling="forhandsvis"),
                           headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith('<p id="forhandsvisning-status"') and "<!doctype" not in body
    assert 'hx-swap-oob="true"' in body and "Forhåndsvisningen er oppdatert." in body
    quiet = manager.post("/forvaltning/veiledning/ny", headers={"HX-Request": "true"},
                         data=_new_article_form(manager, handling="forhandsvis", stille="1")).get_data(as_text=True)
    assert "hx-swap-oob" not in quiet and 'id="forhandsvisning"' in quiet
    assert _db_counts(app) == before

    # Save: a draft, not public yet.
    saved = manager.post("/forvaltning/veiledning/ny", data=_new_article_form(manager))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/forvaltning/veiledning/forbruk/rediger")
    assert anonymous.get("/veiledning/forbruk").status_code == 404
    edit_page = manager.get("/forvaltning/veiledning/forbruk/rediger").get_data(as_text=True)
    assert "Artikkelen er lagret som utkast." in edit_page and "Utkast" in edit_page

    # Publish: now public, sanitised.
    assert manager.post("/forvaltning/veiledning/forbruk/publiser",
                        data={"bekreftet": "ja", "csrf_token": _token(edit_page)}).status_code == 302
    public = anonymous.get("/veiledning/forbruk")
    assert public.status_code == 200
    public_html = public.get_data(as_text=True)
    assert "Fordi fakturaen kan overraske." in public_html
    assert "alert(1)" not in public_html and "onerror" not in public_html and 'href="javascript' not in public_html
    assert 'href="/kategorier/lagring"' in public_html

    # Edit: a new version; the public keeps seeing version 1 until it is published.
    edit_page = manager.get("/forvaltning/veiledning/forbruk/rediger").get_data(as_text=True)
    assert 'name="base_version" value="1"' in edit_page
    changed = _new_article_form(manager, body_markdown="## Hvorfor\n\nNy og bedre tekst.", base_version="1")
    changed["csrf_token"] = _token(edit_page)
    assert manager.post("/forvaltning/veiledning/forbruk/rediger", data=changed).status_code == 302
    assert "Fordi fakturaen kan overraske." in anonymous.get("/veiledning/forbruk").get_data(as_text=True)
    edit_page = manager.get("/forvaltning/veiledning/forbruk/rediger").get_data(as_text=True)
    assert "Versjon 2 er lagret." in edit_page and "Upubliserte endringer" in edit_page
    manager.post("/forvaltning/veiledning/forbruk/publiser", data={"bekreftet": "ja", "csrf_token": _token(edit_page)})
    assert "Ny og bedre tekst." in anonymous.get("/veiledning/forbruk").get_data(as_text=True)

    # Versions: both kept; the old one can be read and restored as version 3.
    versions = manager.get("/forvaltning/veiledning/forbruk/versjoner").get_data(as_text=True)
    assert "/forvaltning/veiledning/forbruk/versjoner/1" in versions and "/versjoner/2" in versions
    old = manager.get("/forvaltning/veiledning/forbruk/versjoner/1").get_data(as_text=True)
    assert "Fordi fakturaen kan overraske." in old and "alert(1)" not in old
    restored = manager.post("/forvaltning/veiledning/forbruk/versjoner/1/gjenopprett",
                            data={"bekreftet": "ja", "csrf_token": _token(versions), "base_version": "2"})
    assert restored.status_code == 302
    with Session(app.extensions["db_engine"]) as session:
        article = articles.by_slug(session, "forbruk")
        assert article.current_version == 3 and article.published_version == 2
        assert "Fordi fakturaen" in articles.current(session, article).body_markdown

    # Unpublish: gone from the public site, still in the manager's list.
    edit_page = manager.get("/forvaltning/veiledning/forbruk/rediger").get_data(as_text=True)
    manager.post("/forvaltning/veiledning/forbruk/avpubliser", data={"bekreftet": "ja", "csrf_token": _token(edit_page)})
    assert anonymous.get("/veiledning/forbruk").status_code == 404
    assert "Avpublisert" in manager.get("/forvaltning/veiledning").get_data(as_text=True)


def test_bad_input_is_shown_at_the_field_and_writes_nothing(app, manager):
    before = _db_counts(app)
    response = manager.post("/forvaltning/veiledning/ny",
                            data=_new_article_form(manager, title="", slug="Ugyldig Adresse",
                                                   related_terms=["finnes_ikke"]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    for field in ("artikkel-tittel", "artikkel-adresse", "artikkel-vilkar"):
        assert f'href="#{field}"' in html
    assert re.search(r'id="artikkel-tittel"[^>]*aria-invalid="true"', html)
    assert "Om måling og tak på forbruket av skytjenester." in html  # what was typed is kept
    assert _db_counts(app) == before


def test_two_editors_the_second_gets_a_conflict(app, manager):
    manager.post("/forvaltning/veiledning/ny", data=_new_article_form(manager))
    page = manager.get("/forvaltning/veiledning/forbruk/rediger").get_data(as_text=True)
    first = _new_article_form(manager, body_markdown="Den første.", base_version="1")
    second = _new_article_form(manager, body_markdown="Den andre.", base_version="1")
    first["csrf_token"] = second["csrf_token"] = _token(page)
    assert manager.post("/forvaltning/veiledning/forbruk/rediger", data=first).status_code == 302
    before = _db_counts(app)
    conflict = manager.post("/forvaltning/veiledning/forbruk/rediger", data=second)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Noen andre har lagret en nyere versjon" in html and "Den andre." in html
    assert _db_counts(app) == before


def test_posts_need_the_csrf_token(app, manager):
    before = _db_counts(app)
    data = _new_article_form(manager)
    data.pop("csrf_token")
    assert manager.post("/forvaltning/veiledning/ny", data=data).status_code == 400
    assert _db_counts(app) == before
