"""Guidance articles in the search index: their own kind of document, shown in their own group.

The articles module (``catalogue.articles``) logs ``entity="article"`` in the change log and
describes a published article with ``article_document``; this module turns that into an
index document (``kind="article"``) and registers it with the indexer's source registry.
Articles have no facets; services never include them and vice versa.
"""
from __future__ import annotations

from typing import Any, Collection, Iterator

from sqlmodel import Session, select

from catalogue.search.documents import Documents, Source, doc_id, epoch, name_sort_key, register_source, tiebreak

KIND_ARTICLE = "article"


def article_index_document(data: dict[str, Any]) -> dict[str, Any]:
    """The index fields of an article described by ``catalogue.articles.article_document``."""
    categories = "\n".join(f"{c['name_nb']}\n{c['name_en']}" for c in data.get("categories") or [])
    terms = "\n".join(f"{t['label_nb']}\n{t['label_en']}" for t in data.get("terms") or [])
    return {
        "id": doc_id(KIND_ARTICLE, data["id"]),
        "kind": KIND_ARTICLE,
        "ref": data["id"],
        "slug": data["slug"],
        "published": epoch(data.get("published_at")),
        "name_key": name_sort_key(data["title"]),
        "tiebreak": tiebreak(KIND_ARTICLE, data["id"]),
        "name": data["title"],
        "summary": data.get("summary") or "",
        "description": data.get("body") or "",
        "category": "\n".join(filter(None, [categories, terms])),
        "spelling": "\n".join([data["title"], data.get("summary") or ""]),
    }


def changed_articles(session: Session, ids: Collection[int]) -> Documents:
    from catalogue.articles import article_document

    docs: Documents = {}
    for article_id in set(ids):
        data = article_document(session, article_id)
        docs[doc_id(KIND_ARTICLE, article_id)] = article_index_document(data) if data else None
    return docs


def _published_ids(session: Session) -> list[int]:
    from catalogue.articles import Article, ArticleStatus

    return list(session.exec(select(Article.id).where(Article.status == ArticleStatus.PUBLISHED).order_by(Article.id)).all())


def all_articles(session: Session) -> Iterator[dict[str, Any]]:
    for docs in (changed_articles(session, [i]) for i in _published_ids(session)):
        yield from (doc for doc in docs.values() if doc is not None)


register_source(KIND_ARTICLE, Source(changed_articles, all_articles, lambda s: len(_published_ids(s))))
