"""Guidance (veiledning): public articles and the glossary; the contract manager's article editor.

Public: ``/veiledning`` (list), ``/veiledning/ordliste`` (every term explained, generated from
the terms registry), ``/veiledning/<slug>`` (an article's published version).
Contract manager: ``/forvaltning/veiledning/…`` to create, edit (with preview), publish,
unpublish and read old versions. The domain rules live in ``catalogue.articles``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from auth.guards import current_viewer, public, roles_required
from catalogue.viewer import MANAGER
from catalogue import articles, browse, markdown
from catalogue.terms import TERMS
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.htmx import is_htmx, render_page
from marketplace.templating import current_lang

bp = Blueprint("guidance", __name__)

# Form field → the id of its input (the error summary links to it).
FIELD_IDS = {
    "title": "artikkel-tittel",
    "summary": "artikkel-ingress",
    "body_markdown": "artikkel-tekst",
    "slug": "artikkel-adresse",
    "lang": "artikkel-sprak",
    "related_categories": "artikkel-kategorier",
    "related_terms": "artikkel-vilkar",
    "base_version": "artikkel-tekst",
}
PREVIEW, SAVE = "forhandsvis", "lagre"


def _published_or_404(slug: str):
    session = get_session()
    article = articles.by_slug(session, slug)
    version = articles.public_version(session, article) if article else None
    if version is None:
        abort(404)
    return article, version


def _managed_or_404(slug: str) -> articles.Article:
    article = articles.by_slug(get_session(), slug)
    if article is None:
        abort(404)
    return article


# ---------------------------------------------------------------------------
# public pages


@bp.get("/veiledning")
@public
def index():
    """Every published article, with its summary."""
    return render_template("guidance/index.html", items=articles.published(get_session()))


@bp.get("/veiledning/ordliste")
@public
def glossary():
    """Every term a service states, explained, with links to services and articles about it."""
    return render_template("guidance/glossary.html", groups=TERMS.grouped(include_buyer_only=True),
                           by_term=articles.articles_by_term(get_session()))


@bp.get("/veiledning/<slug>")
@public
def article(slug: str):
    """One published article, with the categories and terms it discusses."""
    art, version = _published_or_404(slug)
    session = get_session()
    others = [(a, v) for a, v in articles.published(session) if a.id != art.id]
    return render_template("guidance/article.html", article=art, version=version,
                           rendered=markdown.render(version.body_markdown),
                           categories=articles.related_categories(session, version.related_categories),
                           terms=[TERMS[k] for k in version.related_terms or () if k in TERMS], others=others)


# ---------------------------------------------------------------------------
# the contract manager's pages


@bp.get("/forvaltning/veiledning")
@roles_required(MANAGER)
def manage():
    """All articles, drafts included, with their status and what can be done next."""
    return render_template("guidance/manage.html", items=articles.all_with_current(get_session()))


def _form_from_request() -> articles.ArticleForm:
    f = request.form
    return articles.ArticleForm(
        title=f.get("title", ""), summary=f.get("summary", ""), body_markdown=f.get("body_markdown", ""),
        lang=f.get("lang", ""), slug=f.get("slug", ""),
        related_categories=tuple(f.getlist("related_categories")), related_terms=tuple(f.getlist("related_terms")),
    )


def _editor(form: articles.ArticleForm, *, article: articles.Article | None, base_version: int | None,
            errors: dict[str, Any] | None = None, preview: bool = False, status: int = 200):
    """The editor page; for an htmx preview request only its preview block."""
    lang = current_lang()
    messages = {FIELD_IDS[k]: str(m) for k, m in (errors or {}).items()}
    ctx = dict(form=form, article=article, base_version=base_version, errors=messages,
               field_errors={k: str(m) for k, m in (errors or {}).items()},
               rendered=markdown.render(form.body_markdown) if preview else None,
               category_options=_category_options(lang), term_options=[(t.key, t.label(lang)) for t in TERMS],
               ids=FIELD_IDS,
               # A live region announces a preview the person asked for, not every pause in typing.
               announce=preview and is_htmx() and not request.form.get("stille"))
    return render_page("guidance/edit.html", "preview", **ctx), status


def _category_options(lang: str) -> list[tuple[str, str]]:
    options = []
    for node in browse.category_tree(get_session()):
        options.append((node.category.slug, node.category.name(lang)))
        options += [(child.category.slug, f"{node.category.name(lang)} › {child.category.name(lang)}")
                    for child in node.children]
    return options


@bp.route("/forvaltning/veiledning/ny", methods=["GET", "POST"])
@roles_required(MANAGER)
@not_formal("saves a draft article")
def create():
    """Write a new article. It is saved as a draft; publishing is a separate step."""
    if request.method == "GET":
        return _editor(articles.ArticleForm(), article=None, base_version=None)
    form = _form_from_request()
    if request.form.get("handling") == PREVIEW or is_htmx():
        return _editor(form, article=None, base_version=None, preview=True)
    session = get_session()
    clean, errors = articles.validate(session, form, creating=True)
    if errors:
        return _editor(form, article=None, base_version=None, errors=errors, status=400)
    article = articles.create(session, current_viewer().actor(), clean)
    session.commit()
    flash(gettext("Artikkelen er lagret som utkast."), "success")
    return redirect(url_for("guidance.edit", slug=article.slug))


@bp.route("/forvaltning/veiledning/<slug>/rediger", methods=["GET", "POST"])
@roles_required(MANAGER)
@not_formal("saves a new draft version of the article")
def edit(slug: str):
    """Edit an article: each save is a new version; the public sees the published one until republished."""
    session = get_session()
    article = _managed_or_404(slug)
    if request.method == "GET":
        latest = articles.current(session, article)
        return _editor(articles.ArticleForm.from_version(latest, slug), article=article,
                       base_version=article.current_version)
    form = _form_from_request()
    base = _base_version(article)
    if request.form.get("handling") == PREVIEW or is_htmx():
        return _editor(form, article=article, base_version=base, preview=True)
    clean, errors = articles.validate(session, form, creating=False)
    if errors:
        return _editor(form, article=article, base_version=base, errors=errors, status=400)
    try:
        saved = articles.save_version(session, current_viewer().actor(), article, clean, base)
    except articles.ArticleConflict as conflict:
        session.rollback()
        return _editor(form, article=article, base_version=base, errors={"base_version": conflict.message},
                       status=409)
    session.commit()
    if saved is None:
        flash(gettext("Ingen endringer å lagre."), "info")
    else:
        flash(gettext("Versjon %(number)s er lagret.", number=saved.number), "success")
    return redirect(url_for("guidance.edit", slug=article.slug))


def _base_version(article: articles.Article) -> int:
    try:
        return int(request.form.get("base_version", ""))
    except ValueError:
        abort(400)


def _transition(slug: str, step, done: str):
    session = get_session()
    article = _managed_or_404(slug)
    try:
        step(session, current_viewer().actor(), article)
    except articles.ArticleError as refused:
        session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("guidance.edit", slug=slug))
    session.commit()
    flash(str(done), "success")
    return redirect(url_for("guidance.edit", slug=slug))


@bp.post("/forvaltning/veiledning/<slug>/publiser")
@roles_required(MANAGER)
@check_first(_l("Publiser artikkelen"), explain=_l("Artikkelen blir synlig for alle med en gang."), button=_l("Publiser"))
def publish(slug: str):
    """Publish the newest version of an article."""
    return _transition(slug, articles.publish, gettext("Artikkelen er publisert."))


@bp.post("/forvaltning/veiledning/<slug>/avpubliser")
@roles_required(MANAGER)
@check_first(_l("Avpubliser artikkelen"), explain=_l("Artikkelen blir borte fra nettstedet til den publiseres igjen."),
             button=_l("Avpubliser"))
def unpublish(slug: str):
    """Take an article off the public site; it can be published again later."""
    return _transition(slug, articles.unpublish,
                       gettext("Artikkelen er avpublisert."))


@bp.get("/forvaltning/veiledning/<slug>/versjoner")
@roles_required(MANAGER)
def versions(slug: str):
    """Every saved version of an article, newest first."""
    article = _managed_or_404(slug)
    return render_template("guidance/versions.html", article=article,
                           versions=articles.versions(get_session(), article.id))


@bp.get("/forvaltning/veiledning/<slug>/versjoner/<int:number>")
@roles_required(MANAGER)
def show_version(slug: str, number: int):
    """One old version, rendered as the public would have seen it."""
    article = _managed_or_404(slug)
    version = articles.version(get_session(), article.id, number)
    if version is None:
        abort(404)
    return render_template("guidance/version.html", article=article, version=version,
                           rendered=markdown.render(version.body_markdown))


@bp.post("/forvaltning/veiledning/<slug>/versjoner/<int:number>/gjenopprett")
@roles_required(MANAGER)
@check_first(_l("Gjenopprett denne versjonen"), explain=_l("Versjonen blir lagret som en ny versjon av artikkelen."),
             button=_l("Gjenopprett"))
def restore_version(slug: str, number: int):
    """Save an old version's content as the newest version (nothing is overwritten)."""
    session = get_session()
    article = _managed_or_404(slug)
    old = articles.version(session, article.id, number)
    if old is None:
        abort(404)
    try:
        saved = articles.save_version(session, current_viewer().actor(), article, old.content(),
                                      _base_version(article))
    except articles.ArticleConflict as conflict:
        session.rollback()
        flash(str(conflict.message), "error")
        return redirect(url_for("guidance.versions", slug=slug))
    session.commit()
    if saved is None:
        flash(gettext("Den nyeste versjonen har allerede dette innholdet."), "info")
    else:
        flash(gettext("Innholdet fra versjon %(old)s er lagret som versjon %(new)s.", old=number, new=saved.number), "success")
    return redirect(url_for("guidance.edit", slug=slug))
