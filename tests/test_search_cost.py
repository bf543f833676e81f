"""Bounded cost per search (issue 17): what the reader answers from its own tables must equal what
Whoosh's files say, a forked worker takes over what its parent derived, and a query of many
unknown words looks for no spelling correction."""
from __future__ import annotations

from functools import reduce
from operator import or_

import pytest

from catalogue.search.query import MAX_CORRECTED_WORDS, SearchRequest, search, warm_up
from catalogue.search.reader import SearchIndex
from catalogue.search.schema import SPELLING_FIELD, TEXT_FIELDS
from tests.search_fixtures import install_index


@pytest.fixture
def index(search_template, tmp_path):
    handle = SearchIndex(install_index(search_template, str(tmp_path / "index")).link)
    yield handle
    handle.close()


def test_text_bits_and_completions_equal_the_index_files(index):
    with index.snapshot() as snap:
        for term in ("lagr", "backup", "sikkerhetskopi", "postgresql", "xqzvw", "og"):
            assert snap.text_bits(term) == reduce(or_, (snap.term_bits(name, term) for name in TEXT_FIELDS))
        assert snap.text_bits("lagr") and not snap.text_bits("xqzvw")
        for prefix in ("postgre", "sikker", "lagring", "xqz", "a"):
            expected = [t.decode("utf-8") for t in snap.reader.expand_prefix(SPELLING_FIELD, prefix)]
            assert snap.completions(prefix) == expected
        assert snap.completions("sikker") and not snap.completions("xqz")


def test_a_forked_handle_opens_its_own_files_and_takes_over_the_warmed_data(index):
    assert warm_up(index)
    child = index.forked()
    with index.snapshot() as mine, child.snapshot() as theirs:
        assert theirs is not mine and theirs.reader is not mine.reader  # Whoosh file objects are never shared
        assert theirs.generation == mine.generation
        assert theirs.facet_cache is mine.facet_cache and theirs.suggestions is mine.suggestions
        assert [data for data, _, _ in theirs.leaves] == [data for data, _, _ in mine.leaves]
    for q in ("lagring", "sikkerhetskopi database", "lagirng"):
        ours, theirs = search(index, SearchRequest(q=q)), search(child, SearchRequest(q=q))
        assert [h.service_id for h in theirs.hits] == [h.service_id for h in ours.hits]
        assert theirs.suggestion == ours.suggestion and theirs.total == ours.total
    child.close()


def test_many_unknown_words_get_no_correction_a_few_do(index):
    assert search(index, SearchRequest(q="lagirng")).suggestion == "lagring"
    few = " ".join(["lagirng"] + ["xqzvw"] * (MAX_CORRECTED_WORDS - 1))
    assert search(index, SearchRequest(q=few)).suggestion is not None
    many = " ".join(["lagirng"] + [f"xqzv{c}" for c in "abcdefghij"[:MAX_CORRECTED_WORDS]])
    result = search(index, SearchRequest(q=many))
    assert result.total == 0 and result.suggestion is None


def test_preloaded_postings_equal_the_files_and_keep_to_their_budget(index):
    from catalogue.search.reader import _postings

    with index.snapshot() as snap:
        whole = snap.preload(10**9)   # everything: the demo catalogue is small
        assert whole > 0
        assert any(data._hot for data, _, _ in snap.leaves)
        held = {id(arrays) for data, _, _ in snap.leaves for arrays in data._hot.values()}
        assert snap.preload(10**9) == whole  # once: a forked worker's warm-up keeps its parent's arrays
        assert held == {id(arrays) for data, _, _ in snap.leaves for arrays in data._hot.values()}
        for data, leaf, _ in snap.leaves:
            for (name, term), (ids, weights) in list(data._hot.items())[:200]:
                file_ids, file_weights = _postings(leaf, name, term)
                assert ids.tolist() == file_ids.tolist() and weights.tolist() == file_weights.tolist()
                assert data.postings(leaf, name, term) is data._hot[(name, term)]
    small = SearchIndex(index.location.link)
    with small.snapshot() as snap:
        budget = whole // 10
        read = snap.preload(budget)
        assert 0 < read <= budget
        kept = [len(ids) for data, _, _ in snap.leaves for ids, _ in data._hot.values()]
        assert sum(kept) == read
        # The most frequent first: nothing left out is more frequent than the least frequent kept.
        for data, leaf, _ in snap.leaves:
            if data._hot:
                least = min(len(ids) for ids, _ in data._hot.values())
                for name in TEXT_FIELDS:
                    if name in leaf.indexed_field_names():
                        for text, info in leaf.iter_field(name):
                            if (name, text) not in data._hot:
                                assert info.doc_frequency() <= least or read + info.doc_frequency() > budget
    small.close()
    for q in ("lagring", "sikkerhetskopi database"):
        assert [h.service_id for h in search(index, SearchRequest(q=q)).hits] == \
            [h.service_id for h in search(SearchIndex(index.location.link), SearchRequest(q=q)).hits]


def test_supplier_counts_equal_counting_one_by_one(index):
    with index.snapshot() as snap:
        slugs, ordinals = snap.supplier_ordinals()
        for bits in (snap.live, snap.text_bits("lagr") & snap.live, 0):
            mask = snap.mask(bits)
            counted: dict[str, int] = {}
            for docnum, ordinal in enumerate(ordinals):
                if mask[docnum] and ordinal >= 0:
                    counted[slugs[ordinal]] = counted.get(slugs[ordinal], 0) + 1
            expected = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
            for limit in (None, 1, 3, 5, 1000):
                named = [slugs[0], "ingen-slik-leverandor"]
                ranked, total, counts = snap.supplier_counts(bits, limit, named)
                assert ranked == (expected if limit is None else expected[:limit])
                assert total == len(counted)
                assert counts == {slugs[0]: counted.get(slugs[0], 0), "ingen-slik-leverandor": 0}


def test_the_summed_scores_cache_is_bounded_by_bytes():
    import numpy as np

    from catalogue.search.reader import ArrayCache

    cache = ArrayCache(max_bytes=10_000)
    big = (np.zeros(600, dtype=np.int32), np.zeros(600, dtype=np.float32))   # 4 800 bytes
    small = (np.zeros(10, dtype=np.int32), np.zeros(10, dtype=np.float32))   # 80 bytes
    cache.put("a", big)
    cache.put("b", small)
    assert cache.get("a") is big          # used: now the most recent
    cache.put("c", big)                   # 9 680 bytes: all fit
    assert cache.get("b") is small
    cache.put("d", big)                   # over: the least recently used go first
    assert cache.get("a") is None and cache.get("b") is small and cache.get("d") is big
    assert cache._bytes == sum(a.nbytes for pair in cache._items.values() for a in pair) <= 10_000
    cache.put("d", small)                 # replacing counts the old arrays out
    assert cache._bytes == sum(a.nbytes for pair in cache._items.values() for a in pair)
