"""The domain thesaurus (``seed/thesaurus.txt``): related expressions a search also finds.

The file is reviewed data (bokmål and English): one group of equivalent expressions per line,
or a one-way line starting with ">". Expressions are matched by their analysed terms (stems,
stop words dropped), so "virtuelle maskiner" and "virtuell maskin" are the same expression.
It is used at query time only, at a lower weight than the words as typed, so changing it needs
no re-indexing.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from catalogue.search.analysis import Word, analyse

PATH = Path(__file__).resolve().parents[2] / "seed" / "thesaurus.txt"
MAX_WORDS = 4   # the longest expression looked up in a query

Key = tuple[str, ...]


def key_of(words: list[Word] | tuple[Word, ...]) -> Key:
    return tuple(w.term for w in words)


class Thesaurus:
    def __init__(self, text: str):
        self.related: dict[Key, list[tuple[Word, ...]]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            one_way = line.startswith(">")
            expressions = [tuple(analyse(e)) for e in line.lstrip(">").split("|")]
            expressions = [e for e in expressions if e]
            if len(expressions) < 2:
                raise ValueError(f"{PATH.name}:{number}: a group needs two expressions")
            sources = expressions[:1] if one_way else expressions
            for source in sources:
                known = self.related.setdefault(key_of(source), [])
                for other in expressions:
                    if key_of(other) != key_of(source) and key_of(other) not in {key_of(k) for k in known}:
                        known.append(other)

    def lookup(self, words: list[Word] | tuple[Word, ...]) -> list[tuple[Word, ...]] | None:
        """The expressions related to *words* (``None`` when the expression is not in the thesaurus)."""
        return self.related.get(key_of(words))

    def single(self, word: Word) -> list[Word]:
        """The one-word expressions related to one word (for compound parts)."""
        return [e[0] for e in self.related.get((word.term,), ()) if len(e) == 1]


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    return Thesaurus(PATH.read_text(encoding="utf-8"))
