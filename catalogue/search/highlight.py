"""Result snippets: the part of a text where the searched words occur, marked with ``<mark>``.

A word is marked when it analyses to a searched term – its stem, or one of its compound parts
– so "databaser" is marked for the query "database" and "sikkerhetsovervåkning" for
"overvåkning". Everything else is escaped: the result is safe to insert into a page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from catalogue.search.analysis import TOKEN_RE, Word, analyse_token

SNIPPET_CHARS = 240
SCAN_CHARS = 4000  # long descriptions: look for matches in the first few thousand characters


@dataclass(frozen=True)
class Marks:
    """What to mark: the searched words' own terms, and the parts of searched compounds.

    A text word is marked when it *is* a searched word or one of its parts, or when one of
    its parts is a searched word ("overvåkning" marks "sikkerhetsovervåkning") – but not
    merely for sharing a part with a searched compound ("database" does not mark "Fjellbase").
    """

    words: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    # token as written → marked? (a result page's snippets share most of their words)
    seen: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.words or self.parts)

    def hit(self, word: Word) -> bool:
        return word.term in self.words or word.term in self.parts or any(p in self.words for p in word.parts)


def _matches(text: str, marks: Marks) -> list[tuple[int, int]]:
    spans = []
    seen = marks.seen
    for match in TOKEN_RE.finditer(text, 0, min(len(text), SCAN_CHARS)):
        token = match.group()
        marked = seen.get(token)
        if marked is None:
            word = analyse_token(token)
            marked = seen[token] = word is not None and marks.hit(word)
        if marked:
            spans.append(match.span())
    return spans


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """The *size*-character window holding the most matches, widened to word boundaries."""
    if len(text) <= size:
        return 0, len(text)
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + size:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
    # Start a little before the best match, at a word boundary, for context.
    start = max(0, best_start - size // 5)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def snippet(text: str, marks: Marks, size: int = SNIPPET_CHARS) -> Markup | None:
    """*text* around its matches with the matches marked; ``None`` when nothing matches."""
    if not text or not marks:
        return None
    spans = _matches(text, marks)
    if not spans:
        return None
    start, end = _window(text, spans, size)
    out = [Markup("… ") if start > 0 else Markup("")]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup(" …"))
    return Markup("").join(out)


def plain(text: str, size: int = SNIPPET_CHARS) -> Markup:
    """The start of *text*, escaped, shortened at a word boundary."""
    text = text or ""
    if len(text) <= size:
        return escape(text)
    cut = text.rfind(" ", 0, size)
    return escape(text[:cut if cut > 0 else size]) + Markup(" …")


def best_snippet(texts: list[str], marks: Marks, size: int = SNIPPET_CHARS) -> Markup:
    """The first of *texts* with a match, marked; else the start of the first text."""
    for text in texts:
        found = snippet(text, marks, size)
        if found is not None:
            return found
    return plain(texts[0] if texts else "", size)
