"""The language switch: links to the same page and query in the other language(s).

``?lang=en`` is honoured and remembered by ``marketplace.templating`` (bokmål is the
default); this blueprint only gives templates ``language_links()``. It has no routes.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, request

from marketplace.templating import LANGUAGES, current_lang

bp = Blueprint("language", __name__)

# Each language is named in itself (an endonym), so a reader finds their own language
# whatever language the page is in: these names are deliberately not translated.
LANGUAGE_NAMES = {"nb": "Norsk", "en": "English"}


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str


def switch_url(code: str) -> str:
    """The current path and query with ``lang`` set to *code* (other parameters kept in order)."""
    pairs = [(k, v) for k, values in request.args.lists() if k != "lang" for v in values]
    pairs.append(("lang", code))
    return f"{request.path}?{urlencode(pairs)}"


@bp.app_template_global()
def language_links() -> list[LanguageLink]:
    """Links to this page in every language but the current one."""
    here = current_lang()
    return [LanguageLink(code, LANGUAGE_NAMES[code], switch_url(code)) for code in LANGUAGES if code != here]
