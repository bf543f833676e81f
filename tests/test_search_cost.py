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
