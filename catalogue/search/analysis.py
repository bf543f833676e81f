"""Norwegian text analysis for the search index (bokmål first, English IT words as they come).

One word goes through these steps, and index and query use exactly the same ones:

1. **Tokenise**: letters and digits; hyphenated words ("e-post", "SSA-L") and dotted codes
   ("2.10") stay one token.
2. **Lowercase and fold accents – but keep æ, ø and å.** They are letters of their own in
   Norwegian ("for"/"fôr" aside, "bør" is not "bor", "får" is not "far"), so folding them would
   merge different words. Other accents are dropped ("kafé" → "kafe", "Müller" → "muller").
   Swedish/German **ä and ö become æ and ø** – the same letters in another spelling, so
   "Skärgård" and "Skærgård" meet – and "ß" becomes "ss".
3. **Stop words** (Whoosh's Norwegian list) are removed.
4. **Compound splitting**: Norwegian writes compounds as one word, so "overvåkning" must find
   "sikkerhetsovervåkning". A word is split against a curated list of morphemes
   (``catalogue.search.words``), allowing the linking letters "s" and "e"
   ("sikkerhet·s·overvåkning"). The whole word is kept and its parts are added, so an exact
   match still scores best.
5. **Stemming** with Snowball's Norwegian stemmer, with a guard against over-stemming: when the
   derivational step leaves fewer than ``MIN_STEM`` letters, only the inflectional endings are
   removed, so "billig" stays "billig" and never meets "bil"/"biler".

Everything per word is cached, so analysing a large catalogue costs one dictionary look-up
per token after the first sight of a word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.norwegian import NorwegianStemmer

from catalogue.search import words as lexicon

# Letters and digits; inner hyphens, dots and apostrophes keep a token together.
TOKEN_PATTERN = r"\w+(?:[-.'’]\w+)*"  # a regular expression # nosec B105
TOKEN_RE = re.compile(TOKEN_PATTERN)
MIN_TOKEN = 2           # single letters carry no meaning in a search
MIN_STEM = 4            # shorter derivational stems are suspect ("billig" → "bil")
MIN_COMPOUND = 6        # shorter words are never split
MIN_PART = 3            # nor split into shorter parts
PART_WEIGHT = 0.5       # a compound part counts half as much as a whole word

STOP_WORDS = frozenset(stopwords_for_language("no")) | lexicon.EXTRA_STOP_WORDS

# ä/ö are æ/ø in Swedish and German spelling; ß is "ss". Everything else is done by NFD below.
_NORDIC = str.maketrans({"ä": "æ", "ö": "ø", "ß": "ss", "ð": "d", "þ": "th", "’": "'"})
_RING_ABOVE = "\u030a"


def fold(word: str) -> str:
    """Lowercase *word* and drop accents, keeping æ, ø and å (see the module docstring)."""
    word = word.lower()
    if word.isascii():
        return word
    word = word.translate(_NORDIC)
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            # Keep the ring of "å" (a + ring above); drop every other combining accent.
            if ch == _RING_ABOVE and out and out[-1] == "a":
                out.append(ch)
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


class _InflectionalStemmer(NorwegianStemmer):
    """Snowball Norwegian without its last, derivational step (-lig, -ig, -els, -lov …)."""

    _NorwegianStemmer__step3_suffixes = ()


_snowball = NorwegianStemmer().stem
_inflectional = _InflectionalStemmer().stem


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of a folded word, guarded against over-stemming, with the verbal noun's
    ending normalised (see ``_verbal_noun``)."""
    exception = lexicon.STEM_EXCEPTIONS.get(word)
    if exception is not None:
        return exception
    full = _snowball(word)
    if len(full) >= MIN_STEM:
        return _verbal_noun(full)
    # The derivational step cut into the root ("billig" → "bil", "rimelig" → "rim"): keep the
    # inflectional stem instead ("billige" → "billig"). Plain inflection ("biler" → "bil") is
    # unaffected, because the inflectional stem is then the same short stem.
    return _verbal_noun(_inflectional(word))


def _verbal_noun(stemmed: str) -> str:
    """Norwegian verbal nouns meet their verb: "-ning" and "-ing" are both written
    ("overvåkning" = "overvåking"), and both name the act of the verb ("overvåker",
    "overvåke"). Both endings are cut when at least ``MIN_STEM`` letters remain, so
    "overvåkning", "overvåking" and "overvåker" share the stem "overvåk" (but "ring" stays)."""
    if stemmed.endswith("ning") and len(stemmed) - 4 >= MIN_STEM:
        return stemmed[:-4]
    if stemmed.endswith("ing") and len(stemmed) - 3 >= MIN_STEM:
        return stemmed[:-3]
    return stemmed


ACRONYM = "^"  # prefix of the case-aware acronym terms ("GIS" → "^gis"; the verb "gis" stays "gis")
MAX_ACRONYM = 6


def is_acronym(token: str) -> bool:
    """An acronym as written: two to six capital letters (digits allowed after the first), e.g. "GIS", "S3"."""
    return 2 <= len(token) <= MAX_ACRONYM and token.isupper() and token.isalnum() and token[0].isalpha()


def acronym_term(token: str) -> str:
    return ACRONYM + token.lower()


_MORPHEMES = frozenset(fold(w) for w in lexicon.MORPHEMES)
_MORPHEME_STEMS = frozenset(stem(w) for w in _MORPHEMES)


def is_morpheme(word: str) -> bool:
    """Is the folded *word* one of the curated morphemes (a known unit, even if a compound)?"""
    return word in _MORPHEMES


def _is_tail(part: str) -> bool:
    # The last part carries the inflection: "sikkerhetsovervåkningen" ends in an inflected
    # "overvåkning".
    return part in _MORPHEMES or stem(part) in _MORPHEME_STEMS


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a compound *word* (folded), or ``()`` when it is not a known compound.

    Tries the longest known tail first and then explains the rest as a morpheme (with or
    without a linking "s"/"e") or, recursively, as a compound itself.
    """
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return ()
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if not _is_tail(tail):
            continue
        head_parts = _explain_head(head)
        if head_parts:
            # A part that is itself a compound ("maskinlæring") also brings its own parts.
            return head_parts + (tail,) + split_compound(tail)
    return ()


def _explain_head(head: str) -> tuple[str, ...]:
    candidates = [head]
    if head[-1] in "se" and len(head) - 1 >= MIN_PART:
        candidates.append(head[:-1])  # the linking letter: "sikkerhet-s-", "barn-e-"
    for candidate in candidates:
        if is_morpheme(candidate):
            return (candidate,) + split_compound(candidate)
    for candidate in candidates:
        inner = split_compound(candidate)
        if inner:
            return inner
    return ()


@dataclass(frozen=True)
class Word:
    """One analysed word of a text or a query.

    ``term`` is what the whole word is indexed as; ``parts`` are the terms of its compound
    parts (empty for a simple word). ``surface`` is the folded word as written, for spelling.
    """

    surface: str
    term: str
    parts: tuple[str, ...] = ()

    @property
    def all_terms(self) -> tuple[str, ...]:
        return (self.term,) + self.parts


@lru_cache(maxsize=200_000)
def analyse_token(token: str) -> Word | None:
    """Analyse one raw token; ``None`` for stop words and tokens too short to matter."""
    return analyse_folded(fold(token))


@lru_cache(maxsize=200_000)
def analyse_folded(surface: str) -> Word | None:
    """``analyse_token`` of a word already folded: "Lagring" and "lagring" are analysed once (and a
    search process analyses the index's vocabulary at start, ``catalogue.search.query.warm_up``)."""
    if "-" in surface or "'" in surface:
        pieces = [p for p in re.split(r"[-']", surface) if p]
        joined = "".join(pieces)
        if len(joined) < MIN_TOKEN or joined in STOP_WORDS:
            return None
        # "e-post" is indexed as "epost" (how many write it) plus its meaningful pieces.
        parts = tuple(dict.fromkeys(
            t for p in pieces if len(p) >= MIN_TOKEN and p not in STOP_WORDS
            for t in (analyse_token(p).all_terms if analyse_token(p) else ())
        ))
        term = stem(joined)
        return Word(surface, term, tuple(p for p in parts if p != term))
    if len(surface) < MIN_TOKEN or surface in STOP_WORDS:
        return None
    term = stem(surface)
    parts = tuple(dict.fromkeys(stem(p) for p in split_compound(surface)))
    return Word(surface, term, tuple(p for p in parts if p != term))


def analyse(text: str) -> list[Word]:
    """Every meaningful word of *text*, in order."""
    out = []
    for match in TOKEN_RE.finditer(text):
        word = analyse_token(match.group())
        if word is not None:
            out.append(word)
    return out


# Indexing sees the same words over and over: plain dictionaries in front of the analysis
# (cheaper than the lru_cache call for each of the millions of tokens of a rebuild).
_TOKENS: dict[str, "Word | None"] = {}
_SPELLING: dict[str, "str | None"] = {}
_CACHE_LIMIT = 500_000


def term_weights(text: str | list | tuple) -> dict[str, float]:
    """``{term: weight}`` for indexing: a whole word weighs 1, each compound part ``PART_WEIGHT``."""
    if isinstance(text, (list, tuple)):
        text = "\n".join(str(t) for t in text)
    weights: dict[str, float] = {}
    get = weights.get
    cache = _TOKENS
    for token in TOKEN_RE.findall(text):
        try:
            word = cache[token]
        except KeyError:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            word = cache[token] = analyse_token(token)
        if word is None:
            if is_acronym(token):  # a capitalised stop word is an acronym ("IT", "DU")
                weights[acronym_term(token)] = get(acronym_term(token), 0.0) + 1.0
            continue
        weights[word.term] = get(word.term, 0.0) + 1.0
        if token.isupper() and is_acronym(token):
            weights[acronym_term(token)] = get(acronym_term(token), 0.0) + 1.0
        for part in word.parts:
            weights[part] = get(part, 0.0) + PART_WEIGHT
    return weights


def _spelling_word(token: str) -> str | None:
    surface = fold(token)
    if len(surface) >= 3 and surface not in STOP_WORDS and not surface.isdigit():
        return surface
    return None


def spelling_words(text: str) -> set[str]:
    """The folded, unstemmed words of *text* that spelling suggestions may offer."""
    out = set()
    cache = _SPELLING
    for token in TOKEN_RE.findall(text):
        try:
            word = cache[token]
        except KeyError:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            word = cache[token] = _spelling_word(token)
        if word is not None:
            out.add(word)
    return out


# ---------------------------------------------------------------------------
# Whoosh analyzers: the same analysis in Whoosh's filter chain, for Whoosh's own tools (the
# index writer uses the faster ``term_weights`` through ``fields.NorwegianText``).


class NorwegianFilter(Filter):
    """Fold, drop stop words, stem and add compound parts (same position as the word)."""

    is_morph = True

    def __eq__(self, other):
        return isinstance(other, NorwegianFilter)

    def __call__(self, tokens):
        for t in tokens:
            word = analyse_token(t.text)
            if word is None:
                continue
            boost = t.boost if hasattr(t, "boost") else 1.0
            t.text = word.term
            yield t
            for part in word.parts:
                t.text = part
                if hasattr(t, "boost"):
                    t.boost = boost * PART_WEIGHT
                yield t
            if hasattr(t, "boost"):
                t.boost = boost


class FoldFilter(Filter):
    """Fold accents (keeping æ/ø/å) and drop stop words: the unstemmed spelling vocabulary."""

    def __eq__(self, other):
        return isinstance(other, FoldFilter)

    def __call__(self, tokens):
        for t in tokens:
            text = _spelling_word(t.text)
            if text is not None:
                t.text = text
                yield t


def norwegian_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | NorwegianFilter()


def spelling_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | FoldFilter()
