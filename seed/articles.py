"""Load the guidance articles in ``seed/articles/*.md`` (idempotent, keyed on the slug).

Each file is Markdown with a small front matter block::

    ---
    slug: skyreisen
    title: Skyreisen – …
    summary: …
    categories: beregning, lagring        (category slugs, comma-separated)
    terms: governing_law, data_locations  (term keys from catalogue.terms.TERMS)
    lang: nb
    ---
    The body in Markdown …

The files go through the same validation as the editor, and are created and published as
the system actor "artikkel-seed". An article that exists already is never touched, so the
contract manager's later edits always win over the files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from catalogue import articles
from catalogue.audit import Actor
from catalogue.db import session_scope
from seed import DATA

ARTICLE_DIR = DATA / "articles"
ACTOR = Actor.system("artikkel-seed")


class SeedArticleError(ValueError):
    """A seed file is malformed or does not validate."""


@dataclass(frozen=True)
class SeedArticle:
    path: Path
    form: articles.ArticleForm


def parse(path: Path) -> SeedArticle:
    """Read one seed file: front matter (``key: value`` lines between ``---``) and the body."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SeedArticleError(f"{path.name}: the file must start with a '---' front matter block")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SeedArticleError(f"{path.name}: the front matter block is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise SeedArticleError(f"{path.name}: front matter line without ':': {line!r}")
        meta[key.strip()] = value.strip()
    missing = {"slug", "title", "summary"} - meta.keys()
    if missing:
        raise SeedArticleError(f"{path.name}: front matter lacks {', '.join(sorted(missing))}")

    def listed(key: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in meta.get(key, "").split(",") if v.strip())

    form = articles.ArticleForm(
        slug=meta["slug"], title=meta["title"], summary=meta["summary"], lang=meta.get("lang", "nb"),
        related_categories=listed("categories"), related_terms=listed("terms"),
        body_markdown="\n".join(lines[end + 1:]).strip(),
    )
    return SeedArticle(path, form)


def seed_files(directory: Path = ARTICLE_DIR) -> list[SeedArticle]:
    return [parse(p) for p in sorted(directory.glob("*.md"))]


def load_articles(session: Session, directory: Path = ARTICLE_DIR) -> int:
    """Create and publish every seed article whose slug does not exist yet; returns how many.

    The caller commits. Categories must be loaded first (``seed.taxonomy.load_taxonomy``):
    articles link to them, and validation refuses unknown category slugs.
    """
    created = 0
    for item in seed_files(directory):
        if articles.by_slug(session, item.form.slug) is not None:
            continue
        clean, errors = articles.validate(session, item.form, creating=True)
        if errors:
            detail = "; ".join(f"{field}: {msg}" for field, msg in errors.items())
            raise SeedArticleError(f"{item.path.name}: {detail}")
        article = articles.create(session, ACTOR, clean)
        articles.publish(session, ACTOR, article)
        session.flush()
        created += 1
    return created


@click.command("articles")
@with_appcontext
def articles_command() -> None:
    """Load the guidance articles from seed/articles (idempotent; run after ``seed demo``)."""
    with session_scope(current_app.extensions["db_engine"]) as session:
        created = load_articles(session)
    click.echo(f"Veiledningsartikler lastet: {created} nye.")
