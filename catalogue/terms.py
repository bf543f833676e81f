"""The terms registry: every term (vilkår) a service states, declared once.

Supplier forms, validation, the service page, search facets, the comparison table and the
exports are all generated from ``TERMS`` below. Nothing else in the code base lists the terms.

A term's value is stored in ``Service.terms`` (a JSON object keyed by ``Term.key``) in the
*clean* form returned by ``Term.clean``: strings for text and choices, lists for
multi-choices, ``True``/``False`` for yes/no, ``int``/``float`` for numbers, a dict
``{principle code: {"responsibility": ..., "how": ...}}`` for the NSM matrix and a list of
dicts for row fields (sub-processors).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator, Mapping, Protocol

from babel.support import LazyProxy

from catalogue import nsm, validity
from catalogue.i18n import _l, lazy_pick, pick
from catalogue.text import reject_markup


# ---------------------------------------------------------------------------
# building blocks


@dataclass(frozen=True)
class Choice:
    value: str
    nb: str
    en: str

    def label(self, lang: str | None = "nb") -> str:
        return pick(self.nb, self.en, lang)


@dataclass(frozen=True)
class Group:
    key: str
    nb: str
    en: str
    intro_nb: str = ""
    intro_en: str = ""

    def label(self, lang: str | None = "nb") -> str:
        return pick(self.nb, self.en, lang)


class FormData(Protocol):
    """What a form post looks like to the registry (werkzeug's MultiDict fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list: ...


TEXT, LONGTEXT, CHOICE, MULTICHOICE, BOOLEAN, INTEGER, DECIMAL, NSM_MATRIX, ROWS = (
    "text", "longtext", "choice", "multichoice", "boolean", "integer", "decimal", "nsm_matrix", "rows",
)
# Dated evidence: rows of certificates (standard, issuer, scope, issued, expires, PDF) whose facet
# values and requirement answers are the standards that count on the day (catalogue.validity);
# DATE and DOCUMENT are the types of their columns.
CERTIFICATES, DATE, DOCUMENT = "certificates", "date", "document"
ROW_TYPES = (ROWS, CERTIFICATES)

# How a buyer's requirement is tested against a value (comparison page).
REQ_ONE_OF = "one_of"        # choice: the value is one of the wanted ones
REQ_CONTAINS = "contains"    # multi-choice: every wanted value is offered (e.g. SCC module 2)
REQ_WITHIN = "within"        # multi-choice: nothing outside the wanted ones (e.g. data only in Norway/EEA)
REQ_IS = "is"                # yes/no: the value equals the wanted answer
REQ_AT_LEAST = "at_least"    # number: at least the wanted figure
REQ_AT_MOST = "at_most"      # number: at most the wanted figure
REQ_COVERS = "covers"        # NSM: every wanted principle is handled by the supplier (alone or shared)

YES_NO = (Choice("ja", "Ja", "Yes"), Choice("nei", "Nei", "No"))

# Which direction of change is worse for the buyer (risk flags when a contracted service's
# terms drift; evaluated generically in ``catalogue.contracts.drift``).
WORSE_ORDER = "order"        # choice / yes-no: tiers from best to worst; a later tier is worse
WORSE_LOWER = "lower"        # number: a lower figure is worse
WORSE_ADDED = "added"        # set (multi-choice, NSM coverage, rows): a value added is worse
WORSE_REMOVED = "removed"    # set: a value taken away is worse


@dataclass(frozen=True)
class Worse:
    direction: str
    tiers: tuple[tuple[Any, ...], ...] = ()
    harmless: tuple[Any, ...] = ()    # set values whose change is never a risk ("Ingen", Norway)


def worse_order(*tiers: Any) -> Worse:
    """Best first; each argument a value or a tuple of equally good values."""
    return Worse(WORSE_ORDER, tuple(t if isinstance(t, tuple) else (t,) for t in tiers))


LOWER_IS_WORSE = Worse(WORSE_LOWER)
YES_IS_BETTER = worse_order(True, False)


@dataclass(frozen=True)
class SortOrder:
    """A search order by a number term, lowest first; services that do not state it come last."""

    param: str   # the search's ``sorter`` value (Norwegian, as the other orders: "pris")
    nb: str      # the order's name in the sort menu
    en: str


@dataclass(frozen=True)
class Term:
    key: str
    group: str
    type: str
    nb: str
    en: str
    help_nb: str = ""
    help_en: str = ""
    choices: tuple[Choice, ...] = ()
    required: bool = True
    filterable: bool = False
    comparable: bool = True
    buyer_only: bool = False
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    unit_nb: str = ""
    unit_en: str = ""
    columns: tuple["Term", ...] = ()
    max_rows: int = 50
    requirement: str | None = None
    # A multi-choice value that cannot be combined with others ("Ingen" – none).
    exclusive: str | None = None
    # Short label for the facet / requirement, when the full label is a sentence.
    short_nb: str = ""
    short_en: str = ""
    # Which change of this term is worse for the buyer (None: no direction, shown as changed).
    worse: Worse | None = None
    # For a term that names a document (standard terms, DPA, price list): the kind of the uploaded
    # PDF it names (catalogue.documents.KINDS), so pages can link the title to the file.
    document: str = ""
    # A number term buyers can sort the search by (price: "Lavest pris først").
    sort: SortOrder | None = None

    # -- labels -----------------------------------------------------------
    def label(self, lang: str | None = "nb") -> str:
        """The label in *lang* (``None``: the language shown now)."""
        return pick(self.nb, self.en, lang)

    def short_label(self, lang: str | None = "nb") -> str:
        return pick(self.short_nb or self.nb, self.short_en or self.en, lang)

    def help(self, lang: str | None = "nb") -> str:
        return pick(self.help_nb, self.help_en, lang)

    def unit(self, lang: str | None = "nb") -> str:
        return pick(self.unit_nb, self.unit_en, lang)

    @property
    def shown_label(self) -> Any:
        """The label in the language shown when the text is shown (for lazy messages)."""
        return lazy_pick(self.nb, self.en)

    @property
    def field_name(self) -> str:
        """The HTML form field name (and the id of its input)."""
        return f"terms-{self.key}"

    @property
    def has_rows(self) -> bool:
        return self.type in ROW_TYPES

    @property
    def options(self) -> tuple[Choice, ...]:
        if self.type == BOOLEAN:
            return YES_NO
        if self.type == NSM_MATRIX:
            return tuple(Choice(p.code, f"{p.code} {p.nb}", f"{p.code} {p.en}") for p in nsm.PRINCIPLES)
        return self.choices

    def choice_label(self, value: Any, lang: str = "nb") -> str:
        for c in self.options:
            if c.value == value:
                return c.label(lang)
        return str(value)

    # -- form parsing -----------------------------------------------------
    def read_form(self, form: FormData) -> Any:
        """The raw submitted value of this term from a form post."""
        name = self.field_name
        if self.type == MULTICHOICE:
            return [v for v in form.getlist(name) if v != ""]
        if self.type == NSM_MATRIX:
            return {
                p.code: {
                    "responsibility": form.get(f"{name}-{p.code}-responsibility", "") or "",
                    "how": form.get(f"{name}-{p.code}-how", "") or "",
                }
                for p in nsm.PRINCIPLES
            }
        if self.has_rows:
            rows = []
            count = _row_count(form, name)
            for i in range(count):
                row = {c.key: form.get(f"{name}-{i}-{c.key}", "") or "" for c in self.columns}
                rows.append(row)
            return rows
        return form.get(name, "")

    # -- validation -------------------------------------------------------
    def clean(self, raw: Any) -> tuple[Any, Any]:
        """Validate *raw* (from a form or JSON) and return ``(clean value, error)``."""
        t = self.type
        if t in (TEXT, LONGTEXT):
            text = _as_text(raw)
            if not text:
                return (None, _missing(self)) if self.required else ("", None)
            limit = self.max_length or (200 if t == TEXT else 5000)
            if len(text) > limit:
                return None, _l("«%(term)s» kan være høyst %(limit)s tegn (nå %(length)s).", term=self.shown_label, limit=limit, length=len(text))
            bad = reject_markup(text)
            if bad:
                return None, bad
            return text, None
        if t == CHOICE:
            value = _as_text(raw)
            if not value:
                return (None, _missing(self)) if self.required else (None, None)
            if value not in {c.value for c in self.choices}:
                return None, _l("Velg et av alternativene for «%(term)s».", term=self.shown_label)
            return value, None
        if t == MULTICHOICE:
            values = raw if isinstance(raw, (list, tuple)) else ([raw] if raw not in (None, "") else [])
            allowed = [c.value for c in self.choices]
            if any(v not in allowed for v in values):
                return None, _l("Ukjent valg i «%(term)s».", term=self.shown_label)
            if not values and self.required:
                return None, _l("Velg minst ett alternativ for «%(term)s».", term=self.shown_label)
            if self.exclusive and self.exclusive in values and len(set(values)) > 1:
                choice = next(c for c in self.options if c.value == self.exclusive)
                return None, _l("«%(choice)s» kan ikke kombineres med andre valg i «%(term)s».", choice=lazy_pick(choice.nb, choice.en), term=self.shown_label)
            # Keep the registry's order so equal sets compare equal.
            return [v for v in allowed if v in values], None
        if t == BOOLEAN:
            if isinstance(raw, bool):
                return raw, None
            value = _as_text(raw).lower()
            if value in ("ja", "yes", "true", "1"):
                return True, None
            if value in ("nei", "no", "false", "0"):
                return False, None
            if not value:
                return (None, _missing(self, choose=True)) if self.required else (None, None)
            return None, _l("Svar ja eller nei på «%(term)s».", term=self.shown_label)
        if t in (INTEGER, DECIMAL):
            return _clean_number(self, raw)
        if t == NSM_MATRIX:
            return _clean_nsm(self, raw)
        if t == ROWS:
            return _clean_rows(self, raw)
        if t == CERTIFICATES:
            return _clean_certificates(self, raw)
        if t == DATE:
            return _clean_date(self, raw)
        if t == DOCUMENT:
            return _clean_document(self, raw)
        raise ValueError(f"unknown term type {t!r}")  # pragma: no cover - registry bug

    # -- presentation -----------------------------------------------------
    def compact(self, value: Any) -> Any:
        """*value* without what ``display`` never reads (the NSM matrix's explanations, a few
        kilobytes): what a search document keeps for its hit's line."""
        if self.type == NSM_MATRIX and isinstance(value, Mapping):
            return {code: {"responsibility": row.get("responsibility")} for code, row in value.items()
                    if isinstance(row, Mapping)}
        return value

    def display(self, value: Any, lang: str = "nb", today: date | None = None) -> str:
        """A one-line, human text for *value* (service page, comparison, exports)."""
        if value is None or value == "" or value == []:
            return pick("Ikke oppgitt", "Not stated", lang)
        t = self.type
        if t == CERTIFICATES:
            return "; ".join(certificate_text(self, row, lang, today) for row in value)
        if t == DATE:
            day = validity.parse_day(value)
            return day.strftime("%d.%m.%Y") if day else str(value)
        if t == DOCUMENT:
            return "PDF"
        if t == CHOICE:
            return self.choice_label(value, lang)
        if t == MULTICHOICE:
            return ", ".join(self.choice_label(v, lang) for v in value)
        if t == BOOLEAN:
            return YES_NO[0].label(lang) if value else YES_NO[1].label(lang)
        if t in (INTEGER, DECIMAL):
            number = _format_number(value, lang)
            unit = self.unit(lang)
            return f"{number} {unit}".strip()
        if t == NSM_MATRIX:
            covered = nsm_covered(value)
            total = len(nsm.PRINCIPLES)
            return pick(f"Leverandøren har ansvar alene eller delt for {len(covered)} av {total} prinsipper",
                        f"Supplier responsible or shared for {len(covered)} of {total} principles", lang)
        if t == ROWS:
            return "; ".join(
                ", ".join(col.display(row.get(col.key), lang) for col in self.columns) for row in value
            )
        return str(value)

    def sort_value(self, value: Any) -> float | None:
        """The number a service is sorted by for this term (``None``: not stated, sorted last)."""
        if self.sort is None or value is None or value == "" or isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if number == number else None  # NaN is not a price

    def facet_values(self, value: Any, today: date | None = None) -> list[str]:
        """The values a service contributes to this term's search facet (certificates: those valid *today*)."""
        if value is None or value == "":
            return []
        if self.type == CERTIFICATES:
            return validity.valid_standards(value, today)
        if self.type == CHOICE:
            return [value]
        if self.type == MULTICHOICE:
            return list(value)
        if self.type == BOOLEAN:
            return ["ja" if value else "nei"]
        if self.type == NSM_MATRIX:
            return nsm_covered(value)
        return []

    def meets(self, value: Any, wanted: Iterable[str], today: date | None = None) -> bool | None:
        """Does *value* meet a buyer's requirement *wanted*? ``None`` when nothing is required."""
        wanted = [w for w in wanted if w not in (None, "")]
        if not wanted or not self.requirement:
            return None
        mode = self.requirement
        if self.type == CERTIFICATES:  # only the certificates that count today meet a requirement
            value = validity.valid_standards(value, today)
        if value is None:
            return False
        if mode == REQ_ONE_OF:
            return value in wanted
        if mode == REQ_CONTAINS:
            return all(w in value for w in wanted)
        if mode == REQ_WITHIN:
            return bool(value) and all(v in wanted for v in value)
        if mode == REQ_IS:
            return value is (wanted[0] == "ja")
        if mode in (REQ_AT_LEAST, REQ_AT_MOST):
            try:
                figure = float(wanted[0].replace(",", "."))
            except ValueError:
                return None
            return value >= figure if mode == REQ_AT_LEAST else value <= figure
        if mode == REQ_COVERS:
            covered = set(nsm_covered(value))
            return all(w in covered for w in wanted)
        return None  # pragma: no cover


# ---------------------------------------------------------------------------
# helpers for Term


_ROW_INDEX = re.compile(r"-(\d+)-")


def _row_count(form: FormData, name: str) -> int:
    """Number of rows posted for a row field: explicit ``<name>-count`` or the highest index seen."""
    try:
        count = int(form.get(f"{name}-count", "") or 0)
    except (TypeError, ValueError):
        count = 0
    keys = getattr(form, "keys", lambda: [])()
    for key in keys:
        # A hostile multipart part can arrive without a usable name (werkzeug gives None).
        if isinstance(key, str) and key.startswith(name + "-"):
            m = _ROW_INDEX.match(key[len(name):])
            if m:
                count = max(count, int(m.group(1)) + 1)
    return min(count, 200)


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raw = str(raw)
    # Normalise line endings and trim; keep inner whitespace as written.
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def _missing(term: Term, choose: bool = False) -> Any:
    if choose or term.type in (CHOICE, BOOLEAN):
        return _l("Velg et svar for «%(term)s».", term=term.shown_label)
    return _l("Fyll ut «%(term)s».", term=term.shown_label)


def _clean_number(term: Term, raw: Any) -> tuple[Any, Any]:
    if isinstance(raw, bool):
        raw = ""
    if isinstance(raw, (int, float)):
        number = raw
    else:
        text = _as_text(raw).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return (None, _missing(term)) if term.required else (None, None)
        try:
            number = int(text) if term.type == INTEGER else float(text)
        except ValueError:
            if term.type == INTEGER:
                return None, _l("«%(term)s» må være et heltall.", term=term.shown_label)
            return None, _l("«%(term)s» må være et tall.", term=term.shown_label)
    if term.type == INTEGER and isinstance(number, float):
        if not number.is_integer():
            return None, _l("«%(term)s» må være et heltall.", term=term.shown_label)
        number = int(number)
    if number != number or number in (float("inf"), float("-inf")):  # NaN / infinity
        return None, _l("«%(term)s» må være et tall.", term=term.shown_label)
    if term.min_value is not None and number < term.min_value:
        return None, _l("«%(term)s» må være minst %(limit)s.", term=term.shown_label, limit=_shown_number(term.min_value))
    if term.max_value is not None and number > term.max_value:
        return None, _l("«%(term)s» kan være høyst %(limit)s.", term=term.shown_label, limit=_shown_number(term.max_value))
    return number, None


def _format_number(value: Any, lang: str | None = "nb") -> str:
    """``12 345`` / ``99,9`` (nb), ``12,345`` / ``99.9`` (en); *lang* ``None``: the language shown now."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", pick("\u00a0", ",", lang))
    return f"{value:g}".replace(".", pick(",", ".", lang))


def _shown_number(value: Any) -> LazyProxy:
    """A number in a message, formatted in the language the message is shown in."""
    return LazyProxy(_format_number, value, None, enable_cache=False)


def _clean_nsm(term: Term, raw: Any) -> tuple[Any, Any]:
    if not isinstance(raw, Mapping):
        raw = {}
    allowed = {r[0] for r in nsm.RESPONSIBILITIES}
    clean: dict[str, dict[str, str]] = {}
    missing: list[str] = []
    for p in nsm.PRINCIPLES:
        entry = raw.get(p.code) or {}
        if not isinstance(entry, Mapping):
            entry = {}
        resp = _as_text(entry.get("responsibility"))
        how = _as_text(entry.get("how"))
        if resp and resp not in allowed:
            return None, _l("Ukjent ansvar for prinsipp %(code)s.", code=p.code)
        if not resp:
            missing.append(p.code)
            continue
        if len(how) > 1000:
            return None, _l("Beskrivelsen for prinsipp %(code)s kan være høyst 1000 tegn.", code=p.code)
        bad = reject_markup(how)
        if bad:
            return None, bad
        clean[p.code] = {"responsibility": resp, "how": how}
    if missing and term.required:
        return None, _l("Oppgi hvem som har ansvaret for hvert prinsipp (mangler: %(join)s).", join=', '.join(missing))
    return clean, None


def _clean_rows(term: Term, raw: Any) -> tuple[Any, Any]:
    rows = raw if isinstance(raw, (list, tuple)) else []
    clean_rows = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            continue
        if all(not _as_text(row.get(c.key)) for c in term.columns):
            continue  # an empty row left in the form is not an error
        clean_row = {}
        for col in term.columns:
            value, error = col.clean(row.get(col.key))
            if error:
                return None, _l("Rad %(number)s i «%(term)s»: %(error)s", number=number, term=term.shown_label, error=error)
            clean_row[col.key] = value
        clean_rows.append(clean_row)
    if len(clean_rows) > term.max_rows:
        return None, _l("«%(term)s» kan ha høyst %(max_rows)s rader.", term=term.shown_label, max_rows=term.max_rows)
    if not clean_rows and term.required:
        return None, _l("Legg til minst én rad i «%(term)s».", term=term.shown_label)
    return clean_rows, None


def _clean_date(term: Term, raw: Any) -> tuple[Any, Any]:
    text = _as_text(raw)
    if not text:
        return (None, _missing(term)) if term.required else (None, None)
    day = validity.parse_day(text)
    if day is None:
        return None, _l("«%(term)s» må være en gyldig dato (dd.mm.åååå).", term=term.shown_label)
    return day.isoformat(), None


def _clean_document(term: Term, raw: Any) -> tuple[Any, Any]:
    """The id of an uploaded document (the upload itself is checked and stored by the caller)."""
    text = _as_text(raw)
    if not text:
        return (None, _missing(term)) if term.required else (None, None)
    if not text.isdigit() or len(text) > 9:
        return None, _l("Ukjent dokument i «%(term)s».", term=term.shown_label)
    return int(text), None


def _clean_certificates(term: Term, raw: Any) -> tuple[Any, Any]:
    rows, error = _clean_rows(term, raw)
    if error or not rows:
        return rows, error
    for number, row in enumerate(rows, start=1):
        if row["expires"] <= row["issued"]:
            return None, _l("Rad %(number)s i «%(term)s»: utløpsdatoen må være etter utstedelsesdatoen.", number=number, term=term.shown_label)
    return rows, None


def certificate_text(term: Term, row: Mapping[str, Any], lang: str = "nb", today: date | None = None) -> str:
    """``ISO/IEC 27001 (Utsteder, gyldig til 31.12.2027)`` – or marked expired from its expiry day."""
    standard = term.choice_label(row.get("standard"), lang)
    expires = validity.parse_day(row.get("expires"))
    when = expires.strftime("%d.%m.%Y") if expires else "?"
    issuer = row.get("issuer") or ""
    if validity.is_expired(row, today):
        status = pick(f"utløpt {when}", f"expired {when}", lang)
    elif not validity.counts_on(row, today):
        issued = validity.parse_day(row.get("issued"))
        start = issued.strftime("%d.%m.%Y") if issued else "?"
        status = pick(f"gyldig fra {start}", f"valid from {start}", lang)
    else:
        status = pick(f"gyldig til {when}", f"valid until {when}", lang)
    return f"{standard} ({', '.join(x for x in (issuer, status) if x)})"


def nsm_covered(value: Any) -> list[str]:
    """Principle codes the supplier handles alone or shared."""
    if not isinstance(value, Mapping):
        return []
    return [p.code for p in nsm.PRINCIPLES
            if (value.get(p.code) or {}).get("responsibility") in ("supplier", "shared")]


# ---------------------------------------------------------------------------
# the registry


class TermsRegistry:
    """All terms, in display order, with the groups they belong to."""

    def __init__(self, groups: Iterable[Group], terms: Iterable[Term]):
        self.groups: tuple[Group, ...] = tuple(groups)
        self.terms: tuple[Term, ...] = tuple(terms)
        self._by_key = {t.key: t for t in self.terms}
        group_keys = {g.key for g in self.groups}
        if len(self._by_key) != len(self.terms):
            raise ValueError("duplicate term key in the registry")
        for t in self.terms:
            if t.group not in group_keys:
                raise ValueError(f"term {t.key} names unknown group {t.group}")
            if t.type in (CHOICE, MULTICHOICE) and not t.choices:
                raise ValueError(f"term {t.key} needs choices")
            if t.sort is not None and t.type not in (INTEGER, DECIMAL):
                raise ValueError(f"term {t.key} is sortable but not a number")

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, key: str) -> Term:
        return self._by_key[key]

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Term | None:
        return self._by_key.get(key)

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def in_group(self, group_key: str, *, include_buyer_only: bool = True) -> list[Term]:
        return [t for t in self.terms if t.group == group_key and (include_buyer_only or not t.buyer_only)]

    def grouped(self, *, include_buyer_only: bool = True) -> list[tuple[Group, list[Term]]]:
        """``[(group, [terms])]`` in display order, leaving out empty groups."""
        out = []
        for g in self.groups:
            terms = self.in_group(g.key, include_buyer_only=include_buyer_only)
            if terms:
                out.append((g, terms))
        return out

    def filterable(self) -> list[Term]:
        return [t for t in self.terms if t.filterable]

    def sortable(self) -> list[Term]:
        """Number terms the search can be sorted by (lowest first, services without a value last)."""
        return [t for t in self.terms if t.sort is not None]

    def comparable(self, *, include_buyer_only: bool = False) -> list[Term]:
        return [t for t in self.terms if t.comparable and (include_buyer_only or not t.buyer_only)]

    def requirements(self) -> list[Term]:
        """Terms a buyer can state a requirement for on the comparison page."""
        return [t for t in self.terms if t.requirement and not t.buyer_only]

    def read_form(self, form: FormData) -> dict[str, Any]:
        return {t.key: t.read_form(form) for t in self.terms}

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Clean every term in *raw*. Returns ``(clean values, {term key: error})``."""
        clean: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for t in self.terms:
            value, error = t.clean(raw.get(t.key))
            if error:
                errors[t.key] = error
            else:
                clean[t.key] = value
        return clean, errors

    def visible(self, terms: Mapping[str, Any], *, buyer: bool) -> dict[str, Any]:
        """The terms a viewer may see: buyer-only terms only for public buyers and staff."""
        return {k: v for k, v in terms.items() if k in self._by_key and (buyer or not self._by_key[k].buyer_only)}


# ---------------------------------------------------------------------------
# the declaration


def _c(*triples: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*t) for t in triples)


COUNTRIES_LAW = _c(
    ("norge", "Norsk rett", "Norwegian law"),
    ("sverige", "Svensk rett", "Swedish law"),
    ("danmark", "Dansk rett", "Danish law"),
    ("finland", "Finsk rett", "Finnish law"),
    ("irland", "Irsk rett", "Irish law"),
    ("luxembourg", "Luxembourgsk rett", "Luxembourg law"),
    ("nederland", "Nederlandsk rett", "Dutch law"),
    ("tyskland", "Tysk rett", "German law"),
    ("england", "Engelsk rett", "English law"),
    ("usa", "Amerikansk rett (delstat)", "US (state) law"),
)

VENUES = _c(
    ("oslo-tingrett", "Oslo tingrett", "Oslo District Court"),
    ("vestland-tingrett", "Vestland tingrett (Bergen)", "Vestland District Court (Bergen)"),
    ("trondelag-tingrett", "Trøndelag tingrett", "Trøndelag District Court"),
    ("sor-rogaland-tingrett", "Sør-Rogaland tingrett", "Sør-Rogaland District Court"),
    ("voldgift-oslo", "Voldgift i Oslo", "Arbitration in Oslo"),
    ("stockholm", "Stockholms tingsrätt", "Stockholm District Court"),
    ("kobenhavn", "Københavns byret", "Copenhagen City Court"),
    ("helsinki", "Helsingfors tingsrätt", "Helsinki District Court"),
    ("dublin", "Domstolene i Dublin (Irland)", "Courts of Dublin (Ireland)"),
    ("luxembourg", "Domstolene i Luxembourg by", "Courts of Luxembourg City"),
    ("amsterdam", "Domstolene i Amsterdam", "Courts of Amsterdam"),
    ("london", "Domstolene i London", "Courts of London"),
    ("usa", "Domstol i USA", "Courts in the USA"),
)

DATA_LOCATIONS = _c(
    ("norge", "Norge", "Norway"),
    ("eos", "EU/EØS (utenfor Norge)", "EU/EEA (outside Norway)"),
    ("storbritannia", "Storbritannia", "United Kingdom"),
    ("usa", "USA", "USA"),
    ("india", "India", "India"),
    ("annet-tredjeland", "Annet tredjeland", "Other third country"),
)

LAW_ORDER = worse_order("norge", ("sverige", "danmark", "finland"),
                        ("irland", "luxembourg", "nederland", "tyskland"), "england", "usa")
VENUE_ORDER = worse_order(("oslo-tingrett", "vestland-tingrett", "trondelag-tingrett", "sor-rogaland-tingrett",
                           "voldgift-oslo"), ("stockholm", "kobenhavn", "helsinki"),
                          ("dublin", "luxembourg", "amsterdam"), "london", "usa")

CERTIFICATE_STANDARDS = _c(
    ("iso27001", "ISO/IEC 27001", "ISO/IEC 27001"), ("iso27017", "ISO/IEC 27017", "ISO/IEC 27017"),
    ("iso27018", "ISO/IEC 27018", "ISO/IEC 27018"), ("iso27701", "ISO/IEC 27701", "ISO/IEC 27701"),
    ("soc2", "SOC 2 Type II", "SOC 2 Type II"), ("c5", "BSI C5", "BSI C5"),
    ("csa-star", "CSA STAR", "CSA STAR"), ("iso9001", "ISO 9001", "ISO 9001"),
)

TERMS = TermsRegistry(
    groups=(
        Group("pris", "Pris", "Price",
              "Prismodell, enhetspriser med enhet, prisliste, gratis prøveperiode og minste bindingstid. "
              "Alle beløp er i norske kroner uten merverdiavgift.",
              "Pricing model, unit prices with their units, price list, free trial and minimum commitment. "
              "All amounts are in Norwegian kroner excluding VAT."),
        Group("vilkar", "Vilkår", "Terms",
              "Leverandørens standardvilkår, lovvalg og verneting, ansvar, API og uttak av data.",
              "The supplier's standard terms, governing law and venue, liability, API and data exit."),
        Group("referansearkitektur", "Referansearkitektur", "Reference architecture",
              "Kontraktsfestede sikkerhetskrav etter NSMs grunnprinsipper for IKT-sikkerhet.",
              "Contractual security requirements following NSM's basic principles for ICT security."),
        Group("databehandleravtale", "Databehandleravtale og SCC", "Data processing agreement and SCC",
              "Databehandleravtalen med EUs standard personvernbestemmelser (SCC, 2021/914), datalokasjon og underleverandører.",
              "The data processing agreement with the EU Standard Contractual Clauses (SCC, 2021/914), data location and sub-processors."),
        Group("andre", "Andre vilkår", "Other terms",
              "Tilgjengelighet, brukerstøtte, forbruksmåling og andre vilkår.",
              "Availability, support, consumption metering and other terms."),
    ),
    terms=(
        # --- Pris (issue 16: the price is what buyers ask first, seed 002) ---
        Term("pricing_model", "pris", CHOICE, "Prismodell", "Pricing model",
             "Hvordan tjenesten prises.", "How the service is priced.",
             choices=_c(
                 ("forbruk", "Betaling etter forbruk", "Pay as you go"),
                 ("abonnement", "Fast abonnement", "Fixed subscription"),
                 ("per-bruker", "Lisens per bruker", "Per-user licence"),
                 ("fast-og-forbruk", "Fast grunnpris og forbruk", "Base fee plus usage"),
                 ("timepris", "Timepris", "Hourly rate"),
             ), filterable=True, requirement=REQ_ONE_OF, required=False),
        Term("price_from", "pris", DECIMAL, "Pris fra, per måned", "Price from, per month",
             "Laveste månedspris for en bestilling som gir mening, i kroner uten mva. Brukes til å sortere og "
             "sammenligne; enhetsprisene og prislisten gjelder.",
             "The lowest monthly price for a meaningful order, in NOK excluding VAT. Used to sort and compare; "
             "the unit prices and the price list apply.",
             min_value=0, max_value=100_000_000, unit_nb="kr/mnd", unit_en="NOK/month", requirement=REQ_AT_MOST,
             required=False, short_nb="Pris fra", short_en="Price from",
             sort=SortOrder("pris", "Lavest pris først", "Lowest price first")),
        Term("unit_prices", "pris", ROWS, "Enhetspriser", "Unit prices",
             "Det viktigste kjøperen betaler for, med pris og enhet (for eksempel «Lagring – 0,25 kr – per GB per måned»).",
             "The main things the buyer pays for, with price and unit (e.g. “Storage – 0.25 NOK – per GB per month”).",
             columns=(
                 Term("item", "pris", TEXT, "Hva", "What", max_length=120),
                 Term("price", "pris", DECIMAL, "Pris (kr uten mva.)", "Price (NOK excl. VAT)",
                      min_value=0, max_value=10_000_000),
                 Term("unit", "pris", TEXT, "Per", "Per", max_length=60),
             ), max_rows=20, required=False),
        Term("price_list_document", "pris", TEXT, "Prisliste (dokument)", "Price list (document)",
             "Navnet på den fullstendige prislisten. Last opp prislisten som PDF.",
             "The name of the full price list. Upload the price list as a PDF.", max_length=160, required=False,
             document="price_list"),
        Term("free_trial", "pris", BOOLEAN, "Gratis prøveperiode", "Free trial",
             "Om kjøperen kan prøve tjenesten gratis før avtale.", "Whether the buyer can try the service free of charge.",
             filterable=True, requirement=REQ_IS, required=False, worse=YES_IS_BETTER),
        Term("free_trial_days", "pris", INTEGER, "Prøveperiodens lengde", "Length of the free trial",
             "", "", min_value=0, max_value=365, unit_nb="dager", unit_en="days", required=False, worse=LOWER_IS_WORSE),
        Term("minimum_commitment", "pris", CHOICE, "Minste bindingstid", "Minimum commitment",
             "Hvor lenge kjøperen minst må betale for tjenesten.", "How long the buyer must pay for the service at least.",
             choices=_c(
                 ("ingen", "Ingen binding", "No commitment"),
                 ("1-mnd", "1 måned", "1 month"),
                 ("12-mnd", "12 måneder", "12 months"),
                 ("36-mnd", "36 måneder eller mer", "36 months or more"),
             ), filterable=True, requirement=REQ_ONE_OF, required=False, short_nb="Binding", short_en="Commitment",
             worse=worse_order("ingen", "1-mnd", "12-mnd", "36-mnd")),
        # --- Vilkår -------------------------------------------------------
        Term("terms_document", "vilkar", TEXT, "Standardvilkår (dokument)", "Standard terms (document)",
             "Navnet på leverandørens standardvilkår, for eksempel «Enterprise Agreement».",
             "The name of the supplier's standard terms, e.g. “Enterprise Agreement”.", max_length=160,
             document="terms"),
        Term("terms_version", "vilkar", TEXT, "Versjon av standardvilkårene", "Version of the standard terms",
             "Versjonsnummer eller dato for vilkårene som gjelder.", "Version number or date of the terms in force.",
             max_length=60),
        Term("governing_law", "vilkar", CHOICE, "Lovvalg", "Governing law",
             "Hvilket lands rett avtalen reguleres av.", "Which country's law governs the agreement.",
             choices=COUNTRIES_LAW, filterable=True, requirement=REQ_ONE_OF, worse=LAW_ORDER),
        Term("venue", "vilkar", CHOICE, "Verneting", "Venue",
             "Hvor tvister skal avgjøres.", "Where disputes are settled.",
             choices=VENUES, filterable=True, requirement=REQ_ONE_OF, worse=VENUE_ORDER),
        Term("liability_cap", "vilkar", CHOICE, "Ansvarsbegrensning", "Limitation of liability",
             "Hvordan leverandørens erstatningsansvar er begrenset.", "How the supplier's liability is capped.",
             choices=_c(
                 ("12-mnd-vederlag", "Begrenset til 12 måneders vederlag", "Capped at 12 months' fees"),
                 ("24-mnd-vederlag", "Begrenset til 24 måneders vederlag", "Capped at 24 months' fees"),
                 ("fast-belop", "Begrenset til et fast beløp", "Capped at a fixed amount"),
                 ("direkte-tap", "Kun direkte tap, uten tak", "Direct loss only, no cap"),
                 ("ubegrenset-risiko", "Kunden bærer ubegrenset ansvarsrisiko", "Customer bears unlimited liability risk"),
             ), filterable=True, requirement=REQ_ONE_OF, worse=worse_order("direkte-tap", "24-mnd-vederlag", "12-mnd-vederlag", "fast-belop", "ubegrenset-risiko")),
        Term("liability_note", "vilkar", LONGTEXT, "Ansvar – utdyping", "Liability – details",
             "Beløp, unntak og særlige forhold ved ansvarsbegrensningen.", "Amounts, exceptions and particulars of the cap.",
             max_length=1000, required=False),
        Term("api_deprecation_notice_months", "vilkar", INTEGER, "Varsel før API endres eller fases ut",
             "Notice before an API changes or is retired",
             "Antall måneder varsel før et API fases ut eller endres på en måte som bryter integrasjoner.",
             "Months of notice before an API is retired or changed in a breaking way.",
             min_value=0, max_value=120, unit_nb="måneder", unit_en="months", requirement=REQ_AT_LEAST,
             short_nb="API-varsel", short_en="API notice", worse=LOWER_IS_WORSE),
        Term("data_export_formats", "vilkar", MULTICHOICE, "Uttak av data – formater", "Data export – formats",
             "Formatene kunden kan hente ut sine data i ved avslutning.", "Formats the customer can export their data in on exit.",
             choices=_c(
                 ("csv", "CSV", "CSV"), ("json", "JSON", "JSON"), ("xml", "XML", "XML"),
                 ("sql", "SQL-dump", "SQL dump"), ("parquet", "Parquet", "Parquet"),
                 ("vm-image", "Virtuelle maskinbilder", "Virtual machine images"),
                 ("s3-api", "Objektlager-API (S3-kompatibelt)", "Object storage API (S3-compatible)"),
                 ("proprietart", "Leverandørens eget format", "Supplier's own format"),
             ), requirement=REQ_CONTAINS, worse=Worse(WORSE_REMOVED)),
        Term("exit_period_days", "vilkar", INTEGER, "Tid til uttak av data etter avslutning",
             "Time to export data after termination",
             "Antall dager dataene er tilgjengelige for uttak etter at avtalen er avsluttet.",
             "Days the data stay available for export after the agreement ends.",
             min_value=0, max_value=730, unit_nb="dager", unit_en="days", requirement=REQ_AT_LEAST,
             short_nb="Uttaksperiode", short_en="Exit period", worse=LOWER_IS_WORSE),
        # --- Referansearkitektur ---------------------------------------------
        Term("nsm_principles", "referansearkitektur", NSM_MATRIX,
             "Ansvar for NSMs grunnprinsipper", "Responsibility for NSM's basic principles",
             "For hvert prinsipp: hvem har ansvaret (leverandør, kunde eller delt) og hvordan det ivaretas.",
             "For each principle: who is responsible (supplier, customer or shared) and how it is met.",
             filterable=True, requirement=REQ_COVERS, short_nb="NSM-dekning", short_en="NSM coverage", worse=Worse(WORSE_REMOVED)),
        Term("reference_architecture_optout", "referansearkitektur", BOOLEAN,
             "Kunden kan avbestille referansearkitekturen", "The customer can opt out of the reference architecture",
             "Om kunden kan velge bort de kontraktsfestede sikkerhetskravene.",
             "Whether the customer can opt out of the contractual security requirements.",
             short_nb="Kan avbestilles", short_en="Opt-out possible", worse=YES_IS_BETTER),
        Term("certifications", "referansearkitektur", CERTIFICATES, "Sertifiseringer og attestasjoner",
             "Certifications and attestations",
             "Én rad per sertifikat: standard, utsteder, omfang, utstedt, utløper og sertifikatet som PDF. "
             "Et sertifikat teller fra utstedelsesdagen til dagen før det utløper.",
             "One row per certificate: standard, issuer, scope, issued, expires and the certificate as a PDF. "
             "A certificate counts from its issue date until the day before it expires.",
             choices=CERTIFICATE_STANDARDS, columns=(
                 Term("standard", "referansearkitektur", CHOICE, "Standard", "Standard", choices=CERTIFICATE_STANDARDS),
                 Term("issuer", "referansearkitektur", TEXT, "Utsteder", "Issuer", max_length=120),
                 Term("scope", "referansearkitektur", TEXT, "Omfang", "Scope", max_length=200, required=False),
                 Term("issued", "referansearkitektur", DATE, "Utstedt", "Issued"),
                 Term("expires", "referansearkitektur", DATE, "Utløper", "Expires"),
                 Term("document", "referansearkitektur", DOCUMENT, "Sertifikat (PDF)", "Certificate (PDF)",
                      required=False),
             ), max_rows=20, required=False, filterable=True, requirement=REQ_CONTAINS,
             worse=Worse(WORSE_REMOVED)),
        Term("code_of_conduct", "referansearkitektur", MULTICHOICE, "Atferdsnormer (code of conduct)",
             "Codes of conduct", "Bransjenormer tjenesten følger.", "Industry codes the service adheres to.",
             choices=_c(
                 ("eu-cloud-coc", "EU Cloud Code of Conduct", "EU Cloud Code of Conduct"),
                 ("cispe", "CISPE Data Protection Code", "CISPE Data Protection Code"),
                 ("ingen", "Ingen", "None"),
             ), filterable=True, requirement=REQ_CONTAINS, exclusive="ingen", worse=Worse(WORSE_REMOVED, harmless=("ingen",))),
        Term("pentest_summary", "referansearkitektur", LONGTEXT, "Siste inntrengningstest – sammendrag",
             "Latest penetration test – summary",
             "Når og av hvem tjenesten sist ble testet, og hovedfunn. Vises bare for offentlige innkjøpere.",
             "When and by whom the service was last tested, and main findings. Shown to public buyers only.",
             max_length=2000, buyer_only=True),
        # --- Databehandleravtale og SCC --------------------------------------
        Term("dpa_document", "databehandleravtale", TEXT, "Databehandleravtale (dokument)", "Data processing agreement (document)",
             "Navnet på databehandleravtalen.", "The name of the data processing agreement.", max_length=160,
             document="dpa"),
        Term("dpa_version", "databehandleravtale", TEXT, "Versjon av databehandleravtalen", "Version of the DPA",
             "", "", max_length=60),
        Term("scc_modules", "databehandleravtale", MULTICHOICE, "SCC-moduler som tilbys", "SCC modules offered",
             "Modulene i EUs standard personvernbestemmelser (2021/914) leverandøren inngår.",
             "The modules of the EU Standard Contractual Clauses (2021/914) the supplier signs.",
             choices=_c(
                 ("1", "Modul 1: behandlingsansvarlig til behandlingsansvarlig", "Module 1: controller to controller"),
                 ("2", "Modul 2: behandlingsansvarlig til databehandler", "Module 2: controller to processor"),
                 ("3", "Modul 3: databehandler til databehandler", "Module 3: processor to processor"),
                 ("4", "Modul 4: databehandler til behandlingsansvarlig", "Module 4: processor to controller"),
             ), required=False, filterable=True, requirement=REQ_CONTAINS, short_nb="SCC-moduler", short_en="SCC modules", worse=Worse(WORSE_REMOVED)),
        Term("scc_clause9_option", "databehandleravtale", CHOICE, "SCC klausul 9: bruk av underdatabehandlere",
             "SCC clause 9: use of sub-processors", "Alternativ 1 krever særskilt forhåndsgodkjenning; alternativ 2 er generell godkjenning med varsel.",
             "Option 1 requires specific prior authorisation; option 2 is general authorisation with notice.",
             choices=_c(
                 ("saerskilt", "Alternativ 1: særskilt forhåndsgodkjenning", "Option 1: specific prior authorisation"),
                 ("generell", "Alternativ 2: generell godkjenning med varsel", "Option 2: general authorisation with notice"),
             ), requirement=REQ_ONE_OF, short_nb="Klausul 9", short_en="Clause 9", worse=worse_order("saerskilt", "generell")),
        Term("scc_clause9_notice_days", "databehandleravtale", INTEGER, "Varsel om nye underdatabehandlere",
             "Notice of new sub-processors", "Antall dager varsel før en ny underdatabehandler tas i bruk.",
             "Days of notice before a new sub-processor is engaged.",
             min_value=0, max_value=365, unit_nb="dager", unit_en="days", requirement=REQ_AT_LEAST,
             short_nb="Varsel, klausul 9", short_en="Clause 9 notice", worse=LOWER_IS_WORSE),
        Term("scc_clause17_law", "databehandleravtale", CHOICE, "SCC klausul 17: lovvalg", "SCC clause 17: governing law",
             "", "", choices=COUNTRIES_LAW[:8], requirement=REQ_ONE_OF, short_nb="Klausul 17", short_en="Clause 17", worse=LAW_ORDER),
        Term("scc_clause18_forum", "databehandleravtale", CHOICE, "SCC klausul 18: verneting", "SCC clause 18: forum",
             "", "", choices=VENUES[:11], requirement=REQ_ONE_OF, short_nb="Klausul 18", short_en="Clause 18", worse=VENUE_ORDER),
        Term("transfer_impact_assessment", "databehandleravtale", BOOLEAN,
             "Vurdering av overføringer (TIA) følger med", "Transfer impact assessment provided",
             "Om leverandøren gir kunden en vurdering av overføringer til tredjeland.",
             "Whether the supplier gives the customer an assessment of transfers to third countries.",
             requirement=REQ_IS, short_nb="TIA", short_en="TIA", worse=YES_IS_BETTER),
        Term("third_party_beneficiary", "databehandleravtale", BOOLEAN,
             "Tredjemanns rettigheter ivaretas", "Third-party beneficiary rights upheld",
             "Om de registrerte kan håndheve bestemmelsene som tredjemann.",
             "Whether data subjects can enforce the clauses as third-party beneficiaries.", requirement=REQ_IS, worse=YES_IS_BETTER),
        Term("data_locations", "databehandleravtale", MULTICHOICE, "Datalokasjon (lagring og behandling)",
             "Data location (storage and processing)", "Alle land eller områder der kundens data lagres eller behandles.",
             "Every country or region where customer data is stored or processed.",
             choices=DATA_LOCATIONS, filterable=True, requirement=REQ_WITHIN, short_nb="Datalokasjon", short_en="Data location", worse=Worse(WORSE_ADDED, harmless=("norge", "eos"))),
        Term("eea_only_option", "databehandleravtale", BOOLEAN, "Kan velge kun EU/EØS", "EU/EEA-only option",
             "Om kunden kan kreve at data bare lagres og behandles i EU/EØS.",
             "Whether the customer can require data to be stored and processed in the EU/EEA only.",
             filterable=True, requirement=REQ_IS, short_nb="Kun EØS", short_en="EEA only", worse=YES_IS_BETTER),
        Term("own_purpose_processing", "databehandleravtale", CHOICE, "Behandling for leverandørens egne formål",
             "Processing for the supplier's own purposes",
             "Om leverandøren bruker kundedata til egne formål som analyse, produktforbedring eller profilering.",
             "Whether the supplier uses customer data for its own purposes such as analytics, product improvement or profiling.",
             choices=_c(("nei", "Nei", "No"), ("begrenset", "Begrenset", "Limited"), ("ja", "Ja", "Yes")),
             filterable=True, requirement=REQ_ONE_OF, short_nb="Egne formål", short_en="Own purposes", worse=worse_order("nei", "begrenset", "ja")),
        Term("subprocessors", "databehandleravtale", ROWS, "Underdatabehandlere", "Sub-processors",
             "Én rad per underdatabehandler: navn, land og formål.", "One row per sub-processor: name, country and purpose.",
             columns=(
                 Term("name", "databehandleravtale", TEXT, "Navn", "Name", max_length=120),
                 Term("country", "databehandleravtale", TEXT, "Land", "Country", max_length=60),
                 Term("purpose", "databehandleravtale", TEXT, "Formål", "Purpose", max_length=200),
             ), required=False, worse=Worse(WORSE_ADDED)),
        # --- Andre vilkår -----------------------------------------------------
        Term("availability_sla", "andre", DECIMAL, "Avtalt tilgjengelighet (SLA)", "Agreed availability (SLA)",
             "Tilgjengelighet i prosent per måned.", "Availability in per cent per month.",
             min_value=90, max_value=100, unit_nb="%", unit_en="%", requirement=REQ_AT_LEAST, short_nb="SLA", short_en="SLA", worse=LOWER_IS_WORSE),
        Term("support_hours", "andre", CHOICE, "Brukerstøtte – åpningstid", "Support hours", "", "",
             choices=_c(("kontortid", "Kontortid (08–16)", "Business hours (08–16)"),
                        ("utvidet", "Utvidet (07–22)", "Extended (07–22)"),
                        ("24x7", "Døgnet rundt (24/7)", "Around the clock (24/7)")), requirement=REQ_ONE_OF, worse=worse_order("24x7", "utvidet", "kontortid")),
        Term("support_languages", "andre", MULTICHOICE, "Brukerstøtte – språk", "Support languages", "", "",
             choices=_c(("nb", "Norsk", "Norwegian"), ("sv", "Svensk", "Swedish"), ("da", "Dansk", "Danish"),
                        ("en", "Engelsk", "English")), requirement=REQ_CONTAINS, worse=Worse(WORSE_REMOVED)),
        Term("consumption_metering", "andre", CHOICE, "Måling og styring av forbruk", "Consumption metering",
             "Om forbruket kan måles og begrenses, for å unngå overforbruk.", "Whether usage can be measured and capped to avoid overspending.",
             choices=_c(("maling-og-tak", "Måling og kostnadstak", "Metering and spending caps"),
                        ("maling", "Kun måling", "Metering only"),
                        ("ingen", "Ingen måling for kunden", "No customer metering")),
             filterable=True, requirement=REQ_ONE_OF, short_nb="Forbruksmåling", short_en="Metering", worse=worse_order("maling-og-tak", "maling", "ingen")),
        Term("other_terms", "andre", LONGTEXT, "Andre vilkår", "Other terms",
             "Andre vilkår kjøperen bør kjenne til.", "Other terms the buyer should know about.", max_length=3000, required=False),
        Term("public_sector_contact", "andre", TEXT, "Kontaktpunkt for offentlige innkjøpere",
             "Contact for public buyers",
             "E-post eller telefon for avrop og spørsmål. Vises bare for offentlige innkjøpere.",
             "E-mail or phone for call-offs and questions. Shown to public buyers only.",
             max_length=160, buyer_only=True, comparable=False),
    ),
)
