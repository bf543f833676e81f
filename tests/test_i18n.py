"""Translations: the English catalogue, the template scanner, the language switch.

Bokmål is the source language (the msgids); ``marketplace/translations/en`` holds English.

Every marked string is in the English catalogue (``test_catalogue_is_up_to_date_with_the_sources``:
run ``make translations`` and translate), every template string is marked
(``test_every_template_string_is_marked_for_translation``), and there is one translation path
(issue 11): no bilingual ``Msg`` pairs and no language-code comparison outside ``catalogue.i18n``.

Besides: the catalogue has no untranslated or fuzzy entry, the scanner works (its own cases),
and the language switch works.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

from marketplace.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
TRANSLATIONS = PROJECT_ROOT / "marketplace" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = EN_PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_lp": ((1, "c"), 2), "_nl": (1, 2),
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}

def read_catalogue():
    with EN_PO.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="session")
def compiled_translations():
    """The compiled English catalogue (``make install`` builds it; this covers a bare ``pytest``)."""
    if not EN_MO.exists() or EN_MO.stat().st_mtime < EN_PO.stat().st_mtime:
        with EN_MO.open("wb") as f:
            write_mo(f, read_catalogue())
    return EN_MO


# ---------------------------------------------------------------------------
# (a) the English catalogue


def test_every_english_entry_is_translated_and_not_fuzzy():
    catalogue = read_catalogue()
    assert not catalogue.fuzzy, "the catalogue header is marked fuzzy: pybabel compile would skip it"
    bad = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(s and s.strip() for s in strings):
            bad.append(message.id)
    assert not bad, f"{len(bad)} untranslated or fuzzy entries in {EN_PO.name}: {bad[:20]}"


def test_english_placeholders_match_the_bokmal_ones():
    problems = [(message.id, [str(e) for e in errors]) for message, errors in read_catalogue().check()]
    assert not problems, problems


def test_english_catalogue_is_not_empty_and_covers_the_core_pages():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalogue() if m.id}
    for msgid in ("Markedsplassen for skytjenester", "Veiledning", "Markedsoversikt", "Ordliste over vilkår"):
        assert msgid in ids


def _extracted_msgids() -> dict[str, str]:
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, filename)
    return found


def test_catalogue_is_up_to_date_with_the_sources():
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalogue() if m.id}
    missing = {msgid: where for msgid, where in _extracted_msgids().items() if msgid not in known}
    assert not missing, (f"{len(missing)} marked strings are not in {EN_PO.name} – run `make translations` and "
                         f"translate them: {list(missing.items())[:20]}")


def test_extraction_finds_the_strings_of_these_templates():
    """The extraction configuration (babel.cfg) reaches templates and Python code."""
    found = _extracted_msgids()
    assert found.get("Ordliste over vilkår", "").endswith("glossary.html")
    assert "Markedsoversikt" in found


# ---------------------------------------------------------------------------
# (b) the template scanner

# Attributes whose values people read or hear.
TEXT_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "aria-placeholder", "aria-valuetext",
                   "title", "alt", "placeholder", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Words that are the same in every language and are not translated: brand names and unit symbols.
ALLOWED_WORDS = {"htmx", "kb", "mb", "gb"}
# A line that holds this Jinja comment is not scanned: for text-level macros that produce
# values rather than text (e.g. form values "ja"/"nei"). Use sparingly; reviewers see it.
IGNORE_MARK = "i18n-ignore"
GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "_l"}
PLACEHOLDER = "\ue000"  # stands for a {{ … }} expression: not a letter, so never a word
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CODE_LIKE = re.compile(r"[{}<>=\\|@#_/]")
_FORMAT = re.compile(r"%\(\w+\)[sd]")
_ATTRIBUTE_TEXT = re.compile(r'([\w:.-]+)="([^"]*)"')  # attributes written out by a macro, outside a tag


def _words(text: str) -> list[str]:
    """The words in *text* a reader would see, minus addresses, symbols, numbers and allowed names."""
    out = []
    for token in _ATTRIBUTE_TEXT.sub(" ", text).replace(PLACEHOLDER, " ").split():
        if token.startswith(("/", "#", "http://", "https://", "mailto:")) or "@" in token:
            continue
        if not _LETTER.search(token):
            continue
        if token.strip(".,:;!?()[]«»“”\"'").lower() in ALLOWED_WORDS:
            continue
        out.append(token)
    return out


def _user_facing_literal(value: str) -> bool:
    """A string constant in a template expression that reads like a label or a sentence.

    Constants are also ids, classes, htmx triggers and the like, so only those that start
    with a capital letter (after opening quotes) count as text here.
    """
    text = _FORMAT.sub("", value).strip().lstrip("«“\"'(")
    if _CODE_LIKE.search(text) or not _words(text) or (text.isupper() and " " not in text):
        return False  # code, or a constant such as 'GET'

    return text[:1].isupper()


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            checked = name in TEXT_ATTRIBUTES or (
                name == "value" and tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS)
            if checked and _words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        for match in _ATTRIBUTE_TEXT.finditer(data):
            if match.group(1) in TEXT_ATTRIBUTES and _words(match.group(2)):
                self.found.append((self.getpos()[0], match.group(0)))
        if not self._skip and _words(data):
            leading = data[:len(data) - len(data.lstrip())]
            self.found.append((self.getpos()[0] + leading.count("\n"),
                               " ".join(data.replace(PLACEHOLDER, "{{…}}").split())))


def untranslated_text(source: str, env: Environment) -> list[tuple[int, str]]:
    """``(line, text)`` of every piece of user-facing text in a template not marked for translation.

    The template is lexed with Jinja: literal text is kept, ``{{ … }}`` becomes a neutral
    placeholder, tags and comments disappear, and everything inside ``{% trans %}`` is dropped
    (it is translated). The remaining HTML is parsed for text nodes and the attributes people
    read (aria-label, title, alt, placeholder, label, the value of input buttons). String
    constants inside expressions that read like text are reported too, unless they are
    arguments of a gettext call.
    """
    skeleton: list[str] = []
    line = 1  # the line the skeleton has reached, so positions match the template
    found: list[tuple[int, str]] = []
    tokens = list(env.lex(source))
    in_trans = in_raw = False
    i = 0
    while i < len(tokens):
        lineno, kind, value = tokens[i]
        if kind == "data":
            if not (in_trans or in_raw):
                skeleton.append("\n" * max(0, lineno - line))
                line = max(line, lineno)
                skeleton.append(value)
                line += value.count("\n")
            i += 1
            continue
        if kind in ("variable_begin", "block_begin"):
            end = "variable_end" if kind == "variable_begin" else "block_end"
            j = i + 1
            inner = []
            while j < len(tokens) and tokens[j][1] != end:
                if tokens[j][1] != "whitespace":
                    inner.append(tokens[j])
                j += 1
            if kind == "block_begin" and inner and inner[0][1] == "name":
                tag = inner[0][2]
                in_trans = {"trans": True, "pluralize": True, "endtrans": False}.get(tag, in_trans)
                in_raw = {"raw": True, "endraw": False}.get(tag, in_raw)
            if kind == "variable_begin" and not (in_trans or in_raw):
                skeleton.append(PLACEHOLDER)
            if not in_trans:
                found += _literal_strings(inner)
            i = j + 1
            continue
        i += 1  # comments and anything else vanish
    parser = _TextCollector()
    parser.feed("".join(skeleton))
    parser.close()
    ignored = {number for number, text in enumerate(source.splitlines(), start=1)
               if re.search(r"\{#-?\s*" + IGNORE_MARK + r"\s*-?#\}", text)}
    return sorted((item for item in found + parser.found if item[0] not in ignored), key=lambda item: item[0])


def _literal_strings(tokens) -> list[tuple[int, str]]:
    """String constants in one expression or tag that read like text, outside gettext calls."""
    out = []
    stack: list[str | None] = []  # the callee of each open parenthesis (None for brackets/braces)
    previous_name = None
    for lineno, kind, value in tokens:
        if kind == "operator" and value == "(":
            stack.append(previous_name)
        elif kind == "operator" and value in "[{":
            stack.append(None)
        elif kind == "operator" and value in ")]}" and stack:
            stack.pop()
        elif kind == "string" and not any(callee in GETTEXT_CALLS for callee in stack):
            text = value[1:-1]
            if _user_facing_literal(text):
                out.append((lineno, f"string {value}"))
        previous_name = value if kind == "name" else None
    return out


@pytest.fixture(scope="module")
def jinja_env():
    from marketplace import create_app

    return create_app({"TESTING": True}).jinja_env


SCANNER_CASES = [
    ('<p>{{ _("Hei") }}</p>', []),
    ("<p>Hei verden</p>", ["Hei verden"]),
    ('<a href="/x" aria-label="Lukk">×</a>', ['aria-label="Lukk"']),
    ('<a href="/x" aria-label="{{ _(\'Lukk\') }}">×</a>', []),
    ('<img src="/a.png" alt="Logo">', ['alt="Logo"']),
    ('<input type="search" placeholder="Søk her">', ['placeholder="Søk her"']),
    ('<input type="submit" value="Send">', ['value="Send"']),
    ('<input type="hidden" name="x" value="lagre">', []),
    ('<button type="submit" name="handling" value="lagre">{{ _("Lagre") }}</button>', []),
    ('<span title="Mer informasjon">i</span>', ['title="Mer informasjon"', "i"]),
    ("{% trans %}Hei {{ name }}{% endtrans %}", []),
    ("{# En kommentar #}<p>{{ value }} – {{ other }} (2–5) 12 %</p>", []),
    ("<!-- HTML-kommentar --><p>{{ x }}</p>", []),
    ("<p>htmx</p>", []),
    ("<p>{{ n }} kr</p>", ["{{…}} kr"]),
    ('<button class="{{ \'button button-secondary\' if x }}" hx-trigger="{{ \'input changed delay:800ms\' }}">', []),
    ('<p>{{ x or "Ingen data" }}</p>', ['string "Ingen data"']),
    ("<p>{{ url_for('guidance.article', slug=s) }}</p>", []),
    ('{% set title = "Min tittel" %}', ['string "Min tittel"']),
    ('{{ input("id", "name", _("Etikett")) }}', []),
    ('{{ input("id", "name", "Etikett") }}', ['string "Etikett"']),
    ("""{{ field(attrs={"hx-vals": '{"handling": "forhandsvis"}'}) }}""", []),
    ("<p>Adresse: <code>/veiledning/{{ slug }}</code></p>", ["Adresse:"]),
    ("<p>{{ ngettext('%(num)s rad', '%(num)s rader', n) }}</p>", []),
    ("<p>\n\n  Linje tre</p>", ["Linje tre"]),
    ("{% macro m(ids) %} aria-describedby=\"{{ ids }}\" aria-invalid=\"true\"{% endmacro %}", []),
    ("{% if request.method == 'GET' %}{{ x }}{% endif %}", []),
    ('{% macro m() %} aria-label="Lukk vinduet"{% endmacro %}', ['aria-label="Lukk vinduet"']),
    ("<p>{{ size }} kB</p>", []),
    ("{% if v %}ja{% else %}nei{% endif %}{# i18n-ignore #}\n<p>Neste linje</p>", ["Neste linje"]),
]


@pytest.mark.parametrize("source, expected", SCANNER_CASES)
def test_the_template_scanner(jinja_env, source, expected):
    assert [text for _line, text in untranslated_text(source, jinja_env)] == expected


def test_the_scanner_reports_the_template_line(jinja_env):
    source = '{% extends "base.html" %}\n{% block content %}\n<h1>{{ _("Ok") }}</h1>\n<p>Glemt</p>\n{% endblock %}'
    assert untranslated_text(source, jinja_env) == [(4, "Glemt")]
    source = '{# En lang\n   kommentar #}\n{% macro m() %}\n\nTekst{% endmacro %}'
    assert untranslated_text(source, jinja_env) == [(5, "Tekst")]


def _scan(paths, env) -> list[str]:
    problems = []
    for path in paths:
        for line, text in untranslated_text(path.read_text(encoding="utf-8"), env):
            problems.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {text}")
    return problems


def test_every_template_string_is_marked_for_translation(jinja_env):
    problems = _scan(sorted(TEMPLATES.rglob("*.html")), jinja_env)
    assert not problems, f"{len(problems)} untranslated strings:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# the language switch and English pages


def test_switch_keeps_the_path_and_the_query(shared_client):
    html = shared_client.get("/marked?utvalg=1&utvalg=2&side=3").get_data(as_text=True)
    assert 'href="/marked?utvalg=1&amp;utvalg=2&amp;side=3&amp;lang=en" lang="en" hreflang="en">English</a>' in html


def test_switching_replaces_an_earlier_lang_and_is_remembered(shared_app, compiled_translations):
    client = shared_app.test_client()
    html = client.get("/veiledning/ordliste?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'href="/veiledning/ordliste?lang=nb" lang="nb" hreflang="nb">Norsk</a>' in html
    assert "Glossary of terms" in html and "Ordliste over vilkår" not in html
    # The session remembers the choice on the next page, until switched back.
    assert '<html lang="en">' in client.get("/marked").get_data(as_text=True)
    assert '<html lang="nb">' in client.get("/marked?lang=nb").get_data(as_text=True)
    assert '<html lang="nb">' in client.get("/").get_data(as_text=True)


def test_terms_registry_labels_follow_the_language(shared_app, compiled_translations):
    from catalogue.terms import TERMS

    client = shared_app.test_client()
    english = client.get("/veiledning/ordliste?lang=en").get_data(as_text=True)
    norwegian = client.get("/veiledning/ordliste?lang=nb").get_data(as_text=True)
    for term in TERMS:
        assert f'id="vilkar-{term.key}"' in english
        assert term.label("en").replace("'", "&#39;") in english, term.key
        assert term.label("nb").replace("'", "&#39;") in norwegian, term.key


def test_every_page_of_the_base_layout_is_english_when_asked(shared_client, compiled_translations):
    html = shared_client.get("/?lang=en").get_data(as_text=True)
    for english in ("Cloud Services Marketplace", "Skip to main content", "Guidance", "Market overview"):
        assert english in html
    for norwegian in ("Hopp til hovedinnholdet", "Markedsoversikt</a>"):
        assert norwegian not in html


def test_api_errors_answer_in_the_language_asked_for(shared_app, compiled_translations):
    client = shared_app.test_client()
    norwegian = client.get("/api/finnes-ikke")
    assert norwegian.status_code == 404 and "Accept-Language" in norwegian.headers.get("Vary", "")
    assert norwegian.get_json() == {"status": 404, "error": "Fant ikke", "message": "Det finnes ingen slik adresse i API-et."}
    for english in (client.get("/api/finnes-ikke", headers={"Accept-Language": "en-GB,en;q=0.8,nb;q=0.5"}),
                    client.get("/api/finnes-ikke?lang=en")):
        assert english.get_json()["message"] == "No such API address."
        assert english.get_json()["error"] != "Fant ikke"
    refused = client.get("/api/v1/services?side=0", headers={"Accept-Language": "en"}).get_json()
    assert refused["message"] == "Invalid parameters."
    assert refused["problems"][0].startswith("side: must be a whole number from 1 to ")
    refused = client.get("/api/v1/services?side=0").get_json()
    assert refused["message"] == "Ugyldige parametre." and refused["problems"][0].startswith("side: må være et heltall")


# ---------------------------------------------------------------------------
# one translation path (issue 11): gettext for text, pick() for stored pairs, nothing else

CODE_DIRS = ("auth", "catalogue", "marketplace", "templates")
CODE_SUFFIXES = (".py", ".html", ".txt")
# The one chooser between two stored language values, and the language selector (it lists the languages).
MAY_COMPARE_LANGUAGES = {"catalogue/i18n.py", "marketplace/views/language.py"}
_CODE = r"""['"](?:en|nb|nn|no)(?:[-_][A-Za-z]+)?['"]"""
LANGUAGE_COMPARISON = re.compile(rf"(?:==|!=)\s*{_CODE}|{_CODE}\s*(?:==|!=)|\bin\s*[(\[{{]\s*{_CODE}")
BILINGUAL_PAIR = re.compile(r"\bMsg\b")


def _code_files():
    for folder in CODE_DIRS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file():
                yield path.relative_to(PROJECT_ROOT).as_posix(), path.read_text(encoding="utf-8")


@pytest.mark.parametrize("line, found", [
    ('return en if lang == "en" else nb', True), ("{{ p.en if lang == 'en' else p.nb }}", True),
    ('if "nb" != current_lang():', True), ("x = 'en' if wanted else 'nb'", False), ('lang = "en"', False),
    ('if lang in ("en", "en-GB"):', True), ("Msg('Ja', 'Yes')", True), ('message = "Melding"', False),
])
def test_the_translation_path_check_finds_what_it_should(line, found):
    assert bool(LANGUAGE_COMPARISON.search(line) or BILINGUAL_PAIR.search(line)) == found


def test_one_translation_path():
    """No bilingual ``Msg`` pairs and no language-code comparisons: text goes through gettext, stored
    pairs through ``catalogue.i18n.pick``."""
    problems = []
    for name, source in _code_files():
        for number, line in enumerate(source.splitlines(), start=1):
            if BILINGUAL_PAIR.search(line):
                problems.append(f"{name}:{number}: {line.strip()}")
            if name not in MAY_COMPARE_LANGUAGES and LANGUAGE_COMPARISON.search(line):
                problems.append(f"{name}:{number}: {line.strip()}")
    assert not problems, f"{len(problems)} lines outside the one translation path:\n" + "\n".join(problems)


def test_templates_translate_in_the_language_forced_for_a_mail_and_back(shared_app, compiled_translations):
    # The templates look the catalogue up once per request (marketplace/templating.py): a mail
    # rendered in another language inside a request (force_locale) must still get its own.
    from flask import render_template_string
    from flask_babel import force_locale

    with shared_app.test_request_context("/?lang=nb"):
        assert render_template_string("{{ _('Søk') }}") == "Søk"
        with force_locale("en"):
            assert render_template_string("{{ _('Søk') }}") == "Search"
            assert render_template_string("{{ ngettext('%(num)s tjeneste', '%(num)s tjenester', 2) }}") == "2 services"
        assert render_template_string("{{ _('Søk') }}") == "Søk"
    with shared_app.test_request_context("/?lang=en"):
        assert render_template_string("{{ _('Søk') }}") == "Search"
