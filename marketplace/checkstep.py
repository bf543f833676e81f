"""The check step before a formal or irreversible action ("Sjekk før du sender").

A view that does such an action is decorated with ``check_first(...)``. A POST to it without the
confirmation field answers with a page that says what is about to happen and carries every posted
field on in hidden inputs, with a "Bekreft" button (posting the same form again, confirmed) and a
way back. It works without JavaScript; nothing is written before the confirmed post. Files cannot
ride along in hidden fields, so forms with uploads keep them as pending documents first (the view
does that before asking) – see ``pending_uploads``.

Every other view that takes a POST says why it is not formal with ``not_formal("…")`` (saving a draft,
a setting, a read mark); the test of the check steps (tests/test_check_steps.py) lists the POST
endpoints from the URL map and fails for one that is neither.
"""
from __future__ import annotations

import json
import secrets
import time
from functools import wraps
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterable

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage, MultiDict

from auth.guards import current_viewer

CONFIRM_FIELD = "bekreftet"
CONFIRMED = "ja"
PENDING_FIELD = "ventende-vedlegg"   # "<file field>:<token>" of an upload kept while asking
PENDING_HOURS = 2                     # a kept upload nobody confirmed is removed after this long
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
            if request.method == "POST" and confirmed():
                restore_pending_uploads()
                return view(*args, **kwargs)
            if request.method != "POST" or (when is not None and not when(request.form)):
                return view(*args, **kwargs)
            if guard is not None:
                guard(**kwargs)
            carried = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CARRIED]
            lines = list(describe(request.form)) if describe else []
            for field, token, filename in pending_uploads():
                carried.append((PENDING_FIELD, f"{field}:{token}"))
                lines.append((_l("Vedlegg"), filename))
            return ask(title, explain=explain, button=button, carried=carried, lines=lines)

        checked.check_first = title  # read by the test that lists the check steps from the URL map
        return checked

    return decorate


def ask(title: Any, *, explain: Any = "", button: Any = None, carried: Iterable[tuple[str, str]] = (),
        lines: Iterable[tuple[Any, Any]] = (), action: str | None = None, back: str | None = None):
    """The check page: posting *carried* on to *action* (this address by default), confirmed."""
    return render_template("checkstep.html", title=title, explain=explain, button=button, carried=list(carried),
                           lines=list(lines), action=action or request.full_path.rstrip("?"),
                           back=back or _back()), 200


def not_formal(reason: str) -> Callable:
    """Mark a POST view as not formal, saying why (read by the test of the check steps)."""
    def decorate(view: Callable) -> Callable:
        view.not_formal = reason
        return view

    return decorate


# --- uploads kept while asking -------------------------------------------------------------------------


# Where a formal form's files wait while the person is asked (files only: nothing in the database yet).
ASKING_DIR = "asking"


def _pending_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / ASKING_DIR


def pending_uploads() -> list[tuple[str, str, str]]:
    """Keep the files of a post that is about to be asked about: ``[(field, token, filename)]``.

    A file cannot ride along in a hidden field, so each one is kept server-side for a short while
    (``PENDING_HOURS``), bound to the person who sent it; the confirmed post brings it back
    (``restore_pending_uploads``). Nothing is recorded in the database before the confirmation.
    """
    kept = []
    files = [(field, f) for field, f in request.files.items(multi=True) if f and f.filename]
    if not files:
        return kept
    folder = _pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    for field, storage in files:
        token = secrets.token_hex(16)
        (folder / f"{token}.bin").write_bytes(storage.read())
        (folder / f"{token}.json").write_text(json.dumps({
            "field": field, "filename": storage.filename, "mimetype": storage.mimetype or "application/octet-stream",
            "owner": current_viewer().user_id}))
        kept.append((field, token, storage.filename))
    return kept


def restore_pending_uploads() -> None:
    """Put the files kept while asking back into ``request.files`` of the confirmed post.

    A file sent with the confirmed post itself wins; a token that is unknown, stale or someone
    else's is ignored.
    """
    tokens = request.form.getlist(PENDING_FIELD)
    if not tokens:
        return
    folder = _pending_dir()
    files = MultiDict(request.files.items(multi=True))
    for raw in tokens:
        field, _, token = raw.rpartition(":")
        if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
            continue
        meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
        try:
            meta = json.loads(meta_path.read_text())
            data = data_path.read_bytes()
        except (OSError, ValueError):
            continue
        if meta.get("owner") != current_viewer().user_id or meta.get("field") != field:
            continue
        existing = files.get(field)
        if existing is None or not existing.filename:
            files.setlist(field, [FileStorage(BytesIO(data), filename=meta["filename"], name=field,
                                              content_type=meta["mimetype"])])
        meta_path.unlink(missing_ok=True)
        data_path.unlink(missing_ok=True)
    request._get_current_object().__dict__["files"] = files  # where werkzeug keeps the parsed files


def _remove_stale(folder: Path) -> None:
    limit = time.time() - PENDING_HOURS * 3600
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _back() -> str:
    """Where "Tilbake" goes: the page the form was on (same site only), else the form's own address."""
    referrer = request.referrer or ""
    root = request.host_url
    if referrer.startswith(root):
        return "/" + referrer[len(root):]
    return request.path
