"""Guidance articles (veiledning): written in Markdown by the contract manager, versioned.

An ``Article`` is the stable thing with a slug (its URL) and a status; every save makes a new
immutable ``ArticleVersion``. Publishing makes the latest version the public one, so later
edits stay private drafts until published again; unpublishing hides the article. Every change
is audited, and publishing/unpublishing tells the search index (entity ``"article"``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint, update
from sqlmodel import Field, Session, SQLModel, select

from catalogue import markdown
from catalogue.audit import Actor, log_search_change, record
from catalogue.i18n import N_, _l
from catalogue.lifecycle import status_check
from catalogue.models import Category, utcnow
from catalogue.terms import TERMS
from catalogue.text import reject_markup, slugify



class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


LANGUAGES = ("nb", "en")
# Slugs that name pages of their own under /veiledning or /forvaltning/veiledning.
RESERVED_SLUGS = {"ny", "ordliste"}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TITLE_MAX, SUMMARY_MAX, BODY_MAX = 160, 400, 60_000


class Article(SQLModel, table=True):
    """A guidance article: its slug, status and which version is the public one."""

    __tablename__ = "article"
    __table_args__ = (status_check("article", ArticleStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    status: ArticleStatus = Field(default=ArticleStatus.DRAFT, sa_type=String(20), nullable=False, index=True)
    current_version: int = Field(default=1)  # the newest version (what the editor shows)
    published_version: Optional[int] = None  # the version the public sees, when published
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    first_published_at: Optional[datetime] = None
    published_at: Optional[datetime] = None
    unpublished_at: Optional[datetime] = None

    @property
    def has_unpublished_changes(self) -> bool:
        return self.is_published and self.published_version != self.current_version

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def is_unpublished(self) -> bool:
        return self.status == ArticleStatus.UNPUBLISHED


class ArticleVersion(SQLModel, table=True):
    """One saved version of an article's content. Never changed after it is written."""

    __tablename__ = "article_version"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_version_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    number: int
    lang: str = Field(default="nb", max_length=5)
    title: str = Field(max_length=TITLE_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    body_markdown: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    related_categories: Any = Field(default=None, sa_column=Column(JSON, nullable=False))
    related_terms: Any = Field(default=None, sa_column=Column(JSON, nullable=False))
    created_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

    def content(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in CONTENT_FIELDS}


CONTENT_FIELDS = ("lang", "title", "summary", "body_markdown", "related_categories", "related_terms")


class ArticleError(Exception):
    """A workflow step that is not allowed now (e.g. unpublishing a draft)."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


class ArticleConflict(ArticleError):
    """Someone else saved a newer version since the editor was opened."""


# ---------------------------------------------------------------------------
# validation


@dataclass
class ArticleForm:
    """What the editor posts (plain strings and lists), before validation."""

    title: str = ""
    summary: str = ""
    body_markdown: str = ""
    lang: str = "nb"
    related_categories: tuple[str, ...] = ()
    related_terms: tuple[str, ...] = ()
    slug: str = ""  # only used when creating

    @classmethod
    def from_version(cls, version: "ArticleVersion", slug: str = "") -> "ArticleForm":
        return cls(title=version.title, summary=version.summary, body_markdown=version.body_markdown,
                   lang=version.lang, related_categories=tuple(version.related_categories or ()),
                   related_terms=tuple(version.related_terms or ()), slug=slug)


# What a one-line field says when it is empty, too short or too long.
LINE_MESSAGES = {
    "title": (N_("Fyll ut tittelen."), N_("Tittelen må ha minst %(minimum)s tegn."),
              N_("Tittelen kan ha høyst %(maximum)s tegn (nå %(now)s).")),
    "summary": (N_("Fyll ut ingressen."), N_("Ingressen må ha minst %(minimum)s tegn."),
                N_("Ingressen kan ha høyst %(maximum)s tegn (nå %(now)s).")),
}


def _clean_line(value: str, field: str, *, minimum: int, maximum: int) -> tuple[str, Any]:
    missing, too_short, too_long = LINE_MESSAGES[field]
    text = " ".join((value or "").split())
    if not text:
        return "", _l(missing)
    if len(text) < minimum:
        return text, _l(too_short, minimum=minimum)
    if len(text) > maximum:
        return text, _l(too_long, maximum=maximum, now=len(text))
    return text, reject_markup(text)


def validate(session: Session, form: ArticleForm, *, creating: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check everything the editor sent. Returns ``(clean content, {field: error})``.

    Nothing is written here: the caller saves only when the error dict is empty.
    """
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}

    clean["title"], error = _clean_line(form.title, "title", minimum=3, maximum=TITLE_MAX)
    if error:
        errors["title"] = error
    clean["summary"], error = _clean_line(form.summary, "summary", minimum=10, maximum=SUMMARY_MAX)
    if error:
        errors["summary"] = error

    body = (form.body_markdown or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    clean["body_markdown"] = body
    if not body:
        errors["body_markdown"] = _l("Skriv brødteksten.")
    elif len(body) > BODY_MAX:
        errors["body_markdown"] = _l("Brødteksten kan ha høyst %(maximum)s tegn (nå %(now)s).", maximum=BODY_MAX,
                                     now=len(body))
    elif CONTROL_CHARS.search(body):
        errors["body_markdown"] = _l("Brødteksten inneholder ugyldige kontrolltegn.")
    elif not markdown.plain_text(body):
        errors["body_markdown"] = _l("Brødteksten har ingen tekst igjen når HTML som ikke er tillatt, er fjernet.")

    clean["lang"] = form.lang if form.lang in LANGUAGES else None
    if clean["lang"] is None:
        errors["lang"] = _l("Velg språket artikkelen er skrevet på.")

    wanted_cats = _unique(form.related_categories)
    known = set(session.exec(select(Category.slug).where(Category.slug.in_(wanted_cats))).all()) if wanted_cats else set()
    unknown = [s for s in wanted_cats if s not in known]
    clean["related_categories"] = wanted_cats
    if unknown:
        errors["related_categories"] = _l("Ukjent kategori: %(slugs)s.", slugs=", ".join(unknown))

    wanted_terms = _unique(form.related_terms)
    unknown = [k for k in wanted_terms if k not in TERMS]
    clean["related_terms"] = [t.key for t in TERMS if t.key in wanted_terms]  # registry order
    if unknown:
        errors["related_terms"] = _l("Ukjent vilkår: %(keys)s.", keys=", ".join(unknown))

    if creating:
        slug = (form.slug or "").strip().lower() or slugify(clean["title"] or "", 80)
        clean["slug"] = slug
        if not SLUG_PATTERN.match(slug) or len(slug) > 80:
            errors["slug"] = _l("Adressen kan bare ha små bokstaver a–z, sifre og bindestrek (høyst 80 tegn).")
        elif slug in RESERVED_SLUGS:
            errors["slug"] = _l("Adressen «%(slug)s» er reservert. Velg en annen.", slug=slug)
        elif by_slug(session, slug) is not None:
            errors["slug"] = _l("Det finnes allerede en artikkel med adressen «%(slug)s».", slug=slug)
    return clean, errors


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for v in values or ():
        v = (v or "").strip()
        if v and v not in seen:
            seen.append(v)
    return seen


# ---------------------------------------------------------------------------
# workflow (the caller commits)


def _version_from(article_id: int, number: int, content: Mapping[str, Any], actor: Actor) -> ArticleVersion:
    return ArticleVersion(article_id=article_id, number=number, created_by=actor.user_id,
                          created_by_name=actor.name, **{k: content[k] for k in CONTENT_FIELDS})


def create(session: Session, actor: Actor, clean: Mapping[str, Any]) -> Article:
    """A new draft article from validated content (``validate(..., creating=True)``)."""
    article = Article(slug=clean["slug"], status=ArticleStatus.DRAFT, current_version=1)
    session.add(article)
    session.flush()
    session.add(_version_from(article.id, 1, clean, actor))
    record(session, actor, "article.created", "article", article.id,
           after={"slug": article.slug, "version": 1, "title": clean["title"]})
    return article


def save_version(session: Session, actor: Actor, article: Article, clean: Mapping[str, Any],
                 base_version: int) -> ArticleVersion | None:
    """Save validated content as the next version; ``None`` when nothing changed.

    *base_version* is the version the editor was opened on: when someone has saved since,
    ``ArticleConflict`` is raised and nothing is written.
    """
    latest = current(session, article)
    if article.current_version != base_version:
        raise ArticleConflict(_conflict_msg())
    if latest is not None and all(latest.content()[k] == clean[k] for k in CONTENT_FIELDS):
        return None
    number = base_version + 1
    # Compare-and-set, so two editors saving at the same moment cannot both win.
    result = session.execute(
        update(Article).where(Article.id == article.id, Article.current_version == base_version)
        .values(current_version=number, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise ArticleConflict(_conflict_msg())
    session.refresh(article)
    version = _version_from(article.id, number, clean, actor)
    session.add(version)
    record(session, actor, "article.edited", "article", article.id,
           before={"version": base_version, "title": latest.title if latest else ""},
           after={"version": number, "title": clean["title"]})
    return version


def _conflict_msg() -> Any:
    return _l("Noen andre har lagret en nyere versjon av artikkelen mens du redigerte. Ingenting av det du sendte er "
              "lagret. Åpne artikkelen på nytt og gjør endringene dine der.")


def publish(session: Session, actor: Actor, article: Article) -> None:
    """Make the newest version the public one."""
    if article.is_published and article.published_version == article.current_version:
        raise ArticleError(_l("Den nyeste versjonen er allerede publisert."))
    before = {"status": article.status, "published_version": article.published_version}
    now = utcnow()
    article.status = ArticleStatus.PUBLISHED
    article.published_version = article.current_version
    article.published_at = now
    article.first_published_at = article.first_published_at or now
    article.updated_at = now
    session.add(article)
    record(session, actor, "article.published", "article", article.id, before=before,
           after={"status": ArticleStatus.PUBLISHED.value, "published_version": article.published_version})
    log_search_change(session, article.id, entity="article")


def unpublish(session: Session, actor: Actor, article: Article) -> None:
    """Take a published article off the public site (its versions are kept)."""
    if not article.is_published:
        raise ArticleError(_l("Bare publiserte artikler kan avpubliseres."))
    before = {"status": article.status, "published_version": article.published_version}
    now = utcnow()
    article.status = ArticleStatus.UNPUBLISHED
    article.unpublished_at = now
    article.updated_at = now
    session.add(article)
    record(session, actor, "article.unpublished", "article", article.id, before=before,
           after={"status": ArticleStatus.UNPUBLISHED.value, "published_version": article.published_version})
    log_search_change(session, article.id, entity="article")


# ---------------------------------------------------------------------------
# reading


def by_slug(session: Session, slug: str) -> Article | None:
    return session.exec(select(Article).where(Article.slug == slug)).first()


def version(session: Session, article_id: int, number: int | None) -> ArticleVersion | None:
    if number is None:
        return None
    return session.exec(select(ArticleVersion).where(ArticleVersion.article_id == article_id,
                                                     ArticleVersion.number == number)).first()


def current(session: Session, article: Article) -> ArticleVersion | None:
    return version(session, article.id, article.current_version)


def public_version(session: Session, article: Article) -> ArticleVersion | None:
    """The version the public sees, or ``None`` when the article is not published."""
    if not article.is_published:
        return None
    return version(session, article.id, article.published_version)


def versions(session: Session, article_id: int) -> list[ArticleVersion]:
    return list(session.exec(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                             .order_by(ArticleVersion.number.desc())).all())


def published(session: Session) -> list[tuple[Article, ArticleVersion]]:
    """Published articles with their public versions, in the order they were first published."""
    return list(session.exec(
        select(Article, ArticleVersion)
        .join(ArticleVersion, (ArticleVersion.article_id == Article.id)
              & (ArticleVersion.number == Article.published_version))
        .where(Article.status == ArticleStatus.PUBLISHED)
        .order_by(Article.first_published_at, Article.id)
    ).all())


def all_with_current(session: Session) -> list[tuple[Article, ArticleVersion]]:
    """Every article (drafts too) with its newest version, for the manager's list."""
    return list(session.exec(
        select(Article, ArticleVersion)
        .join(ArticleVersion, (ArticleVersion.article_id == Article.id)
              & (ArticleVersion.number == Article.current_version))
        .order_by(Article.updated_at.desc(), Article.id.desc())
    ).all())


def related_categories(session: Session, slugs: Iterable[str]) -> list[Category]:
    """The categories an article points at, in the article's order (unknown slugs left out)."""
    slugs = list(slugs or ())
    if not slugs:
        return []
    found = {c.slug: c for c in session.exec(select(Category).where(Category.slug.in_(slugs))).all()}
    return [found[s] for s in slugs if s in found]


def articles_by_term(session: Session) -> dict[str, list[tuple[Article, ArticleVersion]]]:
    """Term key → the published articles that discuss it (for the glossary)."""
    out: dict[str, list[tuple[Article, ArticleVersion]]] = {}
    for article, ver in published(session):
        for key in ver.related_terms or ():
            out.setdefault(key, []).append((article, ver))
    return out


def article_url(slug: str) -> str:
    return f"/veiledning/{slug}"


def article_document(session: Session, article_id: int) -> dict[str, Any] | None:
    """What the search index needs for one article; ``None`` when it is not published.

    Called by the indexer when the change log names ``entity="article"``.
    """
    article = session.get(Article, article_id)
    if article is None:
        return None
    ver = public_version(session, article)
    if ver is None:
        return None
    cats = related_categories(session, ver.related_categories)
    return {
        "id": article.id,
        "slug": article.slug,
        "url": article_url(article.slug),
        "lang": ver.lang,
        "title": ver.title,
        "summary": ver.summary,
        "body": markdown.plain_text(ver.body_markdown),
        "published_at": article.published_at,
        "version": ver.number,
        "categories": [{"slug": c.slug, "name_nb": c.name_nb, "name_en": c.name_en} for c in cats],
        "terms": [{"key": k, "label_nb": TERMS[k].label("nb"), "label_en": TERMS[k].label("en")}
                  for k in ver.related_terms or () if k in TERMS],
    }
