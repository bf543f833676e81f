"""The mixed search workload, drawn deterministically from the corpus.

Each request takes 1–3 words from one published service's own text (so, like a real
search, it finds something, and the words follow the corpus's own word frequencies), half
of the requests add two filters, and pages 1–3 are asked for in equal shares. The mix of
(words × filters × page) is balanced and then shuffled with a fixed seed.

Filters are chosen the way a visitor picks them: from the facet values the search page
offers (values with a count above zero), one click after the other – the second from the
facets as they are after the first. That needs the search itself, so the workload is built
in process against the same index the servers use.
"""
from __future__ import annotations

import itertools
import random
from typing import Sequence
from urllib.parse import urlencode

from bench.corpus import Text
from catalogue.search.analysis import STOP_WORDS, TOKEN_RE, analyse_token
from catalogue.search.query import SearchRequest, search


def candidate_words(text: Text) -> list[str]:
    """The words a buyer could type from this service's text: lower case, no stop words."""
    words = set()
    for part in (text.name, text.summary, text.features, text.description):
        for match in TOKEN_RE.finditer(part):
            word = match.group().lower()
            if len(word) >= 3 and word.isalpha() and word not in STOP_WORDS and analyse_token(word) is not None:
                words.add(word)
    return sorted(words)


def _pick_filter(rng: random.Random, index, req: SearchRequest) -> tuple[str, str] | None:
    """A facet value the search page offers for *req* (count above zero, not chosen yet)."""
    # Facet counts do not depend on the order; "nyeste" skips relevance ranking, which is costly.
    result = search(index, req.but(sort="nyeste"))
    offered = [(facet.key, value.value) for facet in result.facets if facet.key not in req.filters
               for value in facet.values if value.count > 0 and not value.selected]
    if not offered:
        return None
    keys = sorted({key for key, _ in offered})
    key = rng.choice(keys)  # first the facet, then one of its values: every facet gets its turn
    return key, rng.choice([value for k, value in offered if k == key])


def build(index, texts: Sequence[Text], count: int, seed: int) -> list[SearchRequest]:
    """*count* search requests: (1–3 words) × (none or two filters) × (page 1–3), balanced."""
    rng = random.Random(seed)
    combos = list(itertools.product((1, 2, 3), (False, True), (1, 2, 3)))
    mix = [combos[i % len(combos)] for i in range(count)]
    rng.shuffle(mix)
    out: list[SearchRequest] = []
    for n_words, filtered, page in mix:
        words: list[str] = []
        while len(words) < n_words:
            words = candidate_words(rng.choice(texts))
        q = " ".join(rng.sample(words, n_words))
        req = SearchRequest(q=q)
        if filtered:
            for _ in range(2):
                chosen = _pick_filter(rng, index, req)
                if chosen is None:
                    break
                key, value = chosen
                req = SearchRequest(q=q, filters={**req.filters, key: [value]})
        out.append(SearchRequest(q=req.q, filters=req.filters, page=page))
    return out


def path(req: SearchRequest) -> str:
    """The search page's address for *req* (the page's own parameter names)."""
    args = req.to_args()
    return "/tjenester" + ("?" + urlencode(args) if args else "")


def describe(requests: Sequence[SearchRequest]) -> dict[str, int]:
    """How the workload is made up (for the note)."""
    return {
        "requests": len(requests),
        "one_word": sum(1 for r in requests if len(r.q.split()) == 1),
        "two_words": sum(1 for r in requests if len(r.q.split()) == 2),
        "three_words": sum(1 for r in requests if len(r.q.split()) == 3),
        "two_filters": sum(1 for r in requests if sum(len(v) for v in r.filters.values()) == 2),
        "page_2_or_3": sum(1 for r in requests if r.page > 1),
    }
