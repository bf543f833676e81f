"""Words in a query that name a facet value ("norsk lovvalg", "i Norge", "EØS", "ISO 27001").

They are not searched as text (no service writes "lovvalg" in its description); the search
offers the filter that expresses them ("Vis bare tjenester der lovvalg er Norsk rett?") and ranks
the services that have the value a little higher – it never applies the filter by itself.

The phrases are generated from the terms registry (the value labels) plus the few ways buyers
say them, per kind of term (``_PATTERNS``), so a new choice in the registry is recognised too.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from catalogue.search.analysis import TOKEN_RE, fold
from catalogue.terms import TERMS

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class FacetWords:
    """A recognised facet value: the span of the query it came from and the filter it means."""

    span: tuple[int, int]
    key: str
    values: tuple[str, ...]


def _tokens(text: str) -> Phrase:
    return tuple(fold(t) for t in TOKEN_RE.findall(text.replace("/", " ")))


def _law_phrases() -> dict[Phrase, tuple[str, tuple[str, ...]]]:
    out = {}
    for choice in TERMS.get("governing_law").options:
        adjective = _tokens(choice.label("nb"))[0]              # "Norsk rett" → "norsk"
        english = _tokens(choice.label("en"))[0]                # "Norwegian law" → "norwegian"
        for noun in ("rett", "lovvalg", "lov"):
            out[(adjective, noun)] = ("governing_law", (choice.value,))
        out[(english, "law")] = ("governing_law", (choice.value,))
    return out


def _venue_phrases() -> dict[Phrase, tuple[str, tuple[str, ...]]]:
    out = {}
    for choice in TERMS.get("venue").options:
        label = _tokens(choice.label("nb"))
        out[label] = ("venue", (choice.value,))
        if label and label[-1] == "tingrett":
            out[("verneting",) + label[:-1]] = ("venue", (choice.value,))   # "verneting oslo"
    return out


def _location_phrases() -> dict[Phrase, tuple[str, tuple[str, ...]]]:
    # "i Norge" means data only in Norway; "i EØS" data within Norway and the rest of the EEA.
    places = {("norge",): ("norge",), ("norway",): ("norge",), ("eøs",): ("norge", "eos"),
              ("eea",): ("norge", "eos"), ("eu", "eøs"): ("norge", "eos")}
    out = {}
    for place, values in places.items():
        for lead in (("i",), ("data", "i"), ("lagret", "i"), ("lagring", "i"), ("in",), ("data", "in")):
            out[lead + place] = ("data_locations", values)
    out[("eøs",)] = out[("eu", "eøs")] = ("data_locations", ("norge", "eos"))
    out[("kun", "eøs")] = out[("bare", "eøs")] = ("eea_only_option", ("ja",))
    out[("eea", "only")] = ("eea_only_option", ("ja",))
    return out


def _certificate_phrases() -> dict[Phrase, tuple[str, tuple[str, ...]]]:
    out = {}
    for choice in TERMS.get("certifications").options:
        if choice.value.startswith("iso"):
            number = choice.value[3:]
            for phrase in (("iso", number), (choice.value,), ("iso", "iec", number)):
                out[phrase] = ("certifications", (choice.value,))
    return out


@lru_cache(maxsize=1)
def phrases() -> dict[Phrase, tuple[str, tuple[str, ...]]]:
    return {**_location_phrases(), **_law_phrases(), **_venue_phrases(), **_certificate_phrases()}


def find(q: str) -> list[FacetWords]:
    """The facet values named in *q*, longest phrase first, left to right."""
    table = phrases()
    longest = max(len(p) for p in table)
    matches = list(TOKEN_RE.finditer(q.replace("/", " ")))
    folded = [fold(m.group()) for m in matches]
    out, i = [], 0
    while i < len(matches):
        for n in range(min(longest, len(matches) - i), 0, -1):
            hit = table.get(tuple(folded[i:i + n]))
            if hit is not None:
                out.append(FacetWords((matches[i].start(), matches[i + n - 1].end()), *hit))
                i += n
                break
        else:
            i += 1
    return out


def without(q: str, found: list[FacetWords]) -> str:
    """*q* with the facet words cut out (what is left is searched as text)."""
    for item in sorted(found, key=lambda f: f.span, reverse=True):
        q = q[:item.span[0]] + " " + q[item.span[1]:]
    return " ".join(q.split())
