"""The web side of ``catalogue.pending_uploads``: files survive a form that comes back with errors.

A view with file inputs reads the chosen files by field, then asks ``with_kept`` for the files
kept from its earlier refused post (those not replaced by a new choice). When the form is
refused again it calls ``keep_for_retry`` (the acceptable files are kept, committed on their own);
when it succeeds, ``release`` in its transaction and ``discard`` after the commit. Templates ask
``kept_upload(field id)`` (a template global) for the file to name beside the file input.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from flask import current_app, g

from auth.guards import current_viewer
from catalogue import pending_uploads
from catalogue.pending_uploads import PendingUpload
from marketplace.db import get_session

Files = dict[str, tuple[str, bytes]]


def _owner() -> tuple[int | None, int | None]:
    viewer = current_viewer()
    return viewer.user_id, viewer.supplier_id


def with_kept(form: str, chosen: Mapping[str, tuple[str, bytes]], fields: Iterable[str],
              posted: Mapping[str, str]) -> tuple[Files, list[PendingUpload]]:
    """*chosen* plus the kept files the posted form refers to for fields with no new file chosen; and every
    kept row the form refers to (a replaced one too: all are released when the form succeeds)."""
    user_id, supplier_id = _owner()
    files: Files = dict(chosen)
    g.kept_uploads = {}
    if user_id is None or supplier_id is None:
        return files, []
    upload_dir = current_app.config["UPLOAD_DIR"]
    held = pending_uploads.held(get_session(), user_id=user_id, supplier_id=supplier_id, form=form,
                                posted=posted, fields=fields)
    for field, row in held.items():
        if field in files:
            continue  # a new file was chosen: it replaces the kept one
        upload = pending_uploads.read(upload_dir, row)
        if upload is not None:
            files[field] = upload
            g.kept_uploads[field] = row
    return files, list(held.values())


def keep_for_retry(form: str, files: Mapping[str, tuple[str, bytes]], held: Iterable[PendingUpload]) -> None:
    """The form is refused: keep its acceptable new files (committed now), so the page shown again names them.

    Call after any rollback of the refused work; the kept rows are all this commit writes.
    """
    user_id, supplier_id = _owner()
    shown = dict(g.get("kept_uploads") or {})
    if user_id is None or supplier_id is None:
        return
    new = {field: upload for field, upload in files.items() if field not in shown}
    if new:
        session = get_session()
        shown.update(pending_uploads.keep(session, current_app.config["UPLOAD_DIR"], user_id=user_id,
                                          supplier_id=supplier_id, form=form, files=new))
        session.commit()
    g.kept_uploads = shown


def release(used: Iterable[PendingUpload]) -> list[str]:
    """The kept files became documents: drop their rows in the caller's transaction (files: ``discard``)."""
    return pending_uploads.release(get_session(), used)


def discard(tokens: Iterable[str]) -> None:
    pending_uploads.discard(current_app.config["UPLOAD_DIR"], tokens)


def kept_upload(field: str) -> PendingUpload | None:
    """For templates: the file kept for *field* from the refused post, if any."""
    return (g.get("kept_uploads") or {}).get(field)
