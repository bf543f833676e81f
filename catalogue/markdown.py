"""Markdown for guidance articles: rendered with markdown-it-py, then sanitised with nh3.

Authors (contract managers) write CommonMark with tables. Raw HTML is parsed too, but the
sanitiser keeps only an allow-list of harmless tags and attributes: no script, style,
iframe or form elements, no event-handler or style attributes, and links only to http,
https, mailto or relative addresses. Everything shown on an article page goes through
``render``; the search index gets ``plain_text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from catalogue.text import slugify

# Tags an article may contain after sanitising. Headings start at h2: the page's h1 is the
# article title, and a Markdown "# heading" in the body is rendered as h2 (see _heading_level).
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Ids written by authors (or by us) are prefixed, so an article can never clobber an id the
# page itself uses (such as the skip link's target "innhold").
ID_PREFIX = "art-"
# Elements removed together with their content (not just unwrapped).
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
                     "select", "svg", "math"}

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str  # the id of the heading in the rendered HTML

    @property
    def numbered(self) -> bool:
        """The writer numbered the heading ("1. Start med behovet"): a list of them needs no numbers."""
        return bool(re.match(r"\d+[.)]\s", self.text))


@dataclass(frozen=True)
class Rendered:
    html: Markup
    headings: tuple[Heading, ...]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


_MD = _parser()


def _inline_text(token: Token) -> str:
    """The visible text of an inline token (markup and raw HTML left out)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


def _prepare(tokens: list[Token]) -> tuple[Heading, ...]:
    """Adjust the token stream before rendering; returns the headings for a table of contents.

    - headings: level at least 2, a stable id made from the heading text;
    - table header cells get ``scope="col"`` (and alignment styles are dropped: inline styles
      are not allowed under the Content Security Policy anyway).
    """
    headings = []
    used: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = max(2, int(token.tag[1]))
            token.tag = f"h{level}"
            if token.type == "heading_open":
                text = _inline_text(tokens[i + 1])
                base = slugify(text, 60)
                anchor, n = base, 2
                while anchor in used:
                    anchor, n = f"{base}-{n}", n + 1
                used.add(anchor)
                token.attrSet("id", anchor)
                headings.append(Heading(level, text, ID_PREFIX + anchor))
        elif token.type in ("th_open", "td_open"):
            token.attrs.pop("style", None)
            if token.type == "th_open":
                token.attrSet("scope", "col")
    return tuple(headings)


def sanitise(html: str) -> str:
    """Keep only the allow-listed HTML of an article."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        id_prefix=ID_PREFIX,
    )


def render(markdown: str) -> Rendered:
    """Markdown → safe HTML (a ``Markup`` ready for a template) and its headings."""
    tokens = _MD.parse(markdown or "")
    headings = _prepare(tokens)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(Markup(sanitise(html)), headings)  # HTML sanitised by nh3 first # nosec B704


def plain_text(markdown: str) -> str:
    """The readable text of *markdown*, for search and summaries: no markup, no raw HTML."""
    parts = []
    for token in _MD.parse(markdown or ""):
        if token.type == "inline":
            parts.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.strip())
    return _WHITESPACE.sub(" ", " ".join(p for p in parts if p)).strip()


def internal_links(markdown: str) -> list[str]:
    """Every relative link target in *markdown* (to check that articles point at real pages)."""
    found = []
    for token in _MD.parse(markdown or ""):
        for child in token.children or []:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href.startswith("/"):
                    found.append(href)
    return found
