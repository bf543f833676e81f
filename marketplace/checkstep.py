"""The check step before a formal or irreversible action ("Sjekk før du sender").

A view that does such an action is decorated with ``check_first(...)``. A POST to it without the
confirmation field answers with a page that says what is about to happen and carries every posted
field on in hidden inputs, with a "Bekreft" button (posting the same form again, confirmed) and a
way back. It works without JavaScript; nothing is written before the confirmed post. Files cannot
ride along in hidden fields, so forms with uploads keep them as pending documents first (the view
does that before asking) – see ``pending_uploads``.

The test of the check steps (tests/test_check_steps.py) lists the decorated views from the URL map.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Iterable

from flask import render_template, request

CONFIRM_FIELD = "bekreftet"
CONFIRMED = "ja"
_NOT_CARRIED = {CONFIRM_FIELD, "csrf_token"}


def confirmed() -> bool:
    return request.form.get(CONFIRM_FIELD) == CONFIRMED


def check_first(title: Any, *, explain: Any = "", when: Callable[[Any], bool] | None = None,
                describe: Callable[[Any], Iterable[tuple[Any, Any]]] | None = None,
                button: Any = None, guard: Callable[..., Any] | None = None) -> Callable:
    """Ask before doing the decorated POST view's action.

    *title* and *explain* (lazy msgids) say what will happen; *when(form)* limits the check to the
    posts that do the action (a form with several buttons); *describe(form)* gives ``(label, value)``
    lines shown for checking (the reason written, the decision made); *button* is the confirm button's text;
    *guard(**view args)* is the view's own look-up (it aborts 404/403 for an object the person may not act
    on), so the check page is never shown for someone else's object.
    """
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if request.method != "POST" or confirmed() or (when is not None and not when(request.form)):
                return view(*args, **kwargs)
            if guard is not None:
                guard(**kwargs)
            carried = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CARRIED]
            lines = list(describe(request.form)) if describe else []
            return render_template("checkstep.html", title=title, explain=explain, button=button,
                                   carried=carried, lines=lines, action=request.full_path.rstrip("?"),
                                   back=_back()), 200

        checked.check_first = title  # read by the test that lists the check steps from the URL map
        return checked

    return decorate


def _back() -> str:
    """Where "Tilbake" goes: the page the form was on (same site only), else the form's own address."""
    referrer = request.referrer or ""
    root = request.host_url
    if referrer.startswith(root):
        return "/" + referrer[len(root):]
    return request.path
