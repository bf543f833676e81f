"""One translation path for the whole service (issue 11, item 4).

* **Text written in code** is bokmål, marked for gettext where it is made: ``_l("Fristen er %(when)s.",
  when=…)``. It is lazy – the language is chosen when the text is shown (a page, a mail under
  ``force_locale``, an API error), not when it was made – and its English lives in the one catalogue,
  ``marketplace/translations/en`` (``make translations`` extracts ``_l``, ``_nl`` and ``N_``).
* **Data that carries both languages** (the terms registry's labels, NSM principles, categories,
  articles) is read through :func:`pick`, the one place that chooses between a bokmål and an English
  value. Nothing else compares a language code.

The domain does not import Flask: the web layer installs flask-babel's ``gettext``/``ngettext`` once at
start (:func:`install`). Until then (plain scripts, a bare domain test) the bokmål source text is used.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, ContextManager

from babel.support import LazyProxy

DEFAULT_LANG = "nb"

_gettext: Callable[..., str] | None = None
_ngettext: Callable[..., str] | None = None
_pgettext: Callable[..., str] | None = None
_force_locale: Callable[[str], ContextManager[Any]] | None = None
_current_lang: Callable[[], str] = lambda: DEFAULT_LANG  # noqa: E731


def install(gettext: Callable[..., str], ngettext: Callable[..., str], current_lang: Callable[[], str],
            pgettext: Callable[..., str] | None = None,
            force_locale: Callable[[str], ContextManager[Any]] | None = None) -> None:
    """Let the web layer's translations (flask-babel: request locale, ``force_locale``) render domain text."""
    global _gettext, _ngettext, _pgettext, _current_lang, _force_locale
    _gettext, _ngettext, _pgettext, _current_lang = gettext, ngettext, pgettext, current_lang
    _force_locale = force_locale


def shown_in(lang: str) -> ContextManager[Any]:
    """Render the domain's texts in *lang* for a while (a text stored in both languages, made outside a request)."""
    return _force_locale(lang) if _force_locale is not None else nullcontext()


def current_lang() -> str:
    """The language being shown now (the request's, or bokmål outside one)."""
    return _current_lang()


def _translate(msgid: str, variables: dict[str, Any]) -> str:
    if _gettext is not None:
        return _gettext(msgid, **variables)
    return msgid % variables if variables else msgid


def _translate_in(context: str, msgid: str, variables: dict[str, Any]) -> str:
    if _pgettext is not None:
        return _pgettext(context, msgid, **variables)
    return msgid % variables if variables else msgid


def _translate_plural(singular: str, plural: str, num: int, variables: dict[str, Any]) -> str:
    if _ngettext is not None:
        return _ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}


def _l(msgid: str, **variables: Any) -> LazyProxy:
    """A bokmål text marked for translation, translated each time it is shown."""
    return LazyProxy(_translate, msgid, variables, enable_cache=False)


def _lp(context: str, msgid: str, **variables: Any) -> LazyProxy:
    """Like :func:`_l`, for a bokmål word that needs a different English by *context* ("sendt": "was sent"
    or "was submitted")."""
    return LazyProxy(_translate_in, context, msgid, variables, enable_cache=False)


def _nl(singular: str, plural: str, num: int, **variables: Any) -> LazyProxy:
    """A counted text (``%(num)s`` is the count), translated and pluralised each time it is shown."""
    return LazyProxy(_translate_plural, singular, plural, num, variables, enable_cache=False)


def N_(msgid: str) -> str:
    """Mark a constant for extraction only; translate it with ``_l(constant)`` where it is shown."""
    return msgid


def pick(nb: Any, en: Any, lang: str | None = None) -> Any:
    """The English value when *lang* (default: the language shown now) is English and an English value
    exists, otherwise bokmål."""
    return en if (lang or _current_lang()) == "en" and en not in (None, "") else nb


def lazy_pick(nb: Any, en: Any) -> LazyProxy:
    """:func:`pick`, chosen each time it is shown (for values kept longer than one request, e.g. cached
    figures)."""
    return LazyProxy(pick, nb, en, enable_cache=False)


def text(value: Any) -> str:
    """A plain ``str`` of a lazy text (for JSON, headers, CSV cells and comparisons)."""
    return str(value) if value is not None else ""
