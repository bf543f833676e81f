"""The follower's merge policy: small segments are merged, the large ones a rebuild wrote are left alone.

Whoosh's default policy folds everything into one segment now and then – at 50 000 services
one such commit took about a minute with nothing new searchable meanwhile.
"""
from __future__ import annotations

from whoosh import fields, index

from catalogue.search import indexer

LARGE, REBUILT = 40, 12


def _counts(ix):
    return sorted(seg.doc_count_all() for seg in ix._segments())


def _rebuilt_index(path):
    ix = index.create_in(path, fields.Schema(id=fields.ID(unique=True, stored=True)))
    for batch in range(REBUILT):  # the many large segments a rebuild leaves
        writer = ix.writer()
        for n in range(LARGE):
            writer.add_document(id=f"big-{batch}-{n}")
        writer.commit(merge=False)
    return ix


def test_small_segments_merge_and_large_ones_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SMALL_SEGMENT_DOCS", 20)
    monkeypatch.setattr(indexer, "MAX_SMALL_SEGMENTS", 4)
    ix = _rebuilt_index(tmp_path)
    for n in range(30):  # the follower's one-document commits
        writer = ix.writer()
        writer.update_document(id=f"small-{n}")
        writer.commit(mergetype=indexer.merge_small_segments)
        counts = _counts(ix)
        assert counts.count(LARGE) == REBUILT, counts   # the large segments are never rewritten
        assert sum(1 for c in counts if c < 20) <= 4 + 1, counts  # the small ones stay few
    with ix.searcher() as searcher:
        assert searcher.doc_count() == REBUILT * LARGE + 30


def test_the_segment_count_stays_bounded_over_many_single_publications(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SMALL_SEGMENT_DOCS", 20)
    ix = index.create_in(tmp_path, fields.Schema(id=fields.ID(unique=True, stored=True)))
    for batch in range(indexer.MAX_SEGMENTS + 2):  # more large segments than allowed: a big rebuild
        writer = ix.writer()
        for n in range(LARGE):
            writer.add_document(id=f"big-{batch}-{n}")
        writer.commit(merge=False)
    most = 0
    for n in range(150):
        writer = ix.writer()
        writer.update_document(id=f"small-{n}")
        writer.commit(mergetype=indexer.merge_small_segments)
        most = max(most, len(ix._segments()))
    assert most <= indexer.MAX_SEGMENTS
    with ix.searcher() as searcher:
        assert searcher.doc_count() == (indexer.MAX_SEGMENTS + 2) * LARGE + 150
