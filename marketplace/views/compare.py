"""Comparison of services' terms side by side, the compare tray, and comparison exports.

The comparison is one shareable URL: ``/sammenlign?id=12&id=34&krav-governing_law=norge``
holds the services and the buyer's requirements, so it can be bookmarked, mailed or
printed. The compare tray (the services a visitor has picked from search results or
service pages) lives in the session and works with or without JavaScript.
"""
from __future__ import annotations

import io
from urllib.parse import urlencode

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, session,
                   url_for)
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from sqlmodel import select

from auth.guards import current_viewer, public
from auth.oidc import LoginError, safe_next
from catalogue import compare as cmp
from catalogue.exports import FORMATS, export_comparison
from catalogue.models import Service, ServiceStatus
from catalogue.terms import TERMS
from marketplace.checkstep import not_formal
from marketplace.db import discard_session, get_session
from marketplace.errors import is_outage
from marketplace.extensions import limiter
from marketplace.htmx import hx_response, is_htmx, render_page
from marketplace.templating import current_lang

bp = Blueprint("compare", __name__)

TRAY_KEY = "compare_ids"


# ---------------------------------------------------------------------------
# the comparison page


def _compare_url(ids, requirements, *, external: bool = False, **extra) -> str:
    path = url_for("compare.compare_page")
    query = urlencode(cmp.compare_args(ids, requirements) + [(k, v) for k, v in extra.items() if v])
    url = f"{path}?{query}" if query else path
    return current_app.config["PUBLIC_BASE_URL"] + url if external else url


def _read_request():
    """``(entries, ids, requirements, req_errors, message, status)`` from the query string."""
    ids, message = cmp.parse_ids(request.args.getlist(cmp.ID_PARAM))
    requirements, req_errors = cmp.read_requirements(request.args)
    if message:
        asked = any(v.strip() for v in request.args.getlist(cmp.ID_PARAM))
        return [], ids, requirements, req_errors, message, (400 if asked else 200)
    entries, missing = cmp.live_entries(get_session(), ids)
    if missing:
        numbers = ", ".join(str(i) for i in missing)
        message = gettext("Disse tjenestene finnes ikke eller er ikke lenger publisert: %(numbers)s.", numbers=numbers)
        if len(entries) < cmp.MIN_SERVICES:
            return [], ids, requirements, req_errors, message, 404
    return entries, ids, requirements, req_errors, message, 200


@bp.get("/sammenlign")
@public
def compare_page():
    """The terms of 2–5 services side by side, rows that differ marked, requirements tested.

    Fewer or more services, or unknown ones, give a clear message (never a 500). An htmx
    request (the requirements form) gets only the comparison block.
    """
    lang = current_lang()
    viewer = current_viewer()
    entries, ids, requirements, req_errors, message, status = _read_request()
    only_diff = request.args.get("ulike") == "1"
    if not req_errors and any(v == "" for _, v in request.args.items(multi=True)):
        # The form sends its empty fields too; the shareable URL holds only what was asked for.
        clean = _compare_url(ids, requirements, ulike="1" if only_diff else "")
        if not is_htmx():
            return redirect(clean)
        push_url = clean
    else:
        push_url = None
    comparison = None
    if entries:
        comparison = cmp.compare(entries, requirements, include_buyer_only=viewer.sees_buyer_only,
                                 only_differences=only_diff, lang=lang)
    shown_ids = [e.service_id for e in entries]
    errors = {cmp.requirement_field_id(TERMS[k]): str(m) for k, m in req_errors.items()}
    context = dict(
        comparison=comparison, message=str(message) if message else "", ids=ids, shown_ids=shown_ids,
        requirement_groups=cmp.requirement_groups(), requirements=requirements,
        raw_requirements={t.key: request.args.getlist(cmp.REQ_PREFIX + t.key) for t in cmp.requirement_terms()},
        req_errors={k: str(m) for k, m in req_errors.items()}, errors=errors, only_diff=only_diff,
        share_url=_compare_url(shown_ids, requirements, external=True) if comparison else "",
        export_query=urlencode(cmp.compare_args(shown_ids, requirements)),
        remove_urls={i: _compare_url([j for j in shown_ids if j != i], requirements) for i in shown_ids},
        described=[cmp.describe_requirement(TERMS[k], v, lang) for k, v in requirements.items()],
        cmp=cmp, lang=lang,
    )
    response = hx_response(render_page("compare.html", "comparison", **context), push_url=push_url or None)
    response.status_code = status
    return response


@bp.get("/sammenlign/eksport.<fmt>")
@public
@limiter.limit(lambda: current_app.config.get("EXPORT_RATE_LIMIT", "30/minute"))
def export(fmt: str):
    """The comparison as CSV or ODS for the procurement file; each download is an audit event."""
    if fmt not in FORMATS:
        abort(404)
    entries, ids, requirements, req_errors, message, status = _read_request()
    if message or req_errors or not entries:
        # The page explains what is wrong, with the same query string.
        return redirect(_compare_url(ids, requirements))
    db = get_session()
    result = export_comparison(db, entries, requirements, current_viewer(), fmt,
                               link=_compare_url([e.service_id for e in entries], requirements, external=True),
                               lang=current_lang())
    db.commit()  # the audit event is stored before the file leaves
    return send_file(io.BytesIO(result.content), mimetype=result.mimetype, as_attachment=True,
                     download_name=result.filename, max_age=0)


# ---------------------------------------------------------------------------
# the compare tray (kept in the session)


def tray_ids() -> list[int]:
    return [i for i in session.get(TRAY_KEY, []) if isinstance(i, int)][: cmp.MAX_SERVICES]


def tray_items() -> list[tuple[int, str]]:
    """``[(id, name)]`` of the published services in the tray, in the order they were added."""
    ids = tray_ids()
    if not ids:
        return []
    try:
        names = dict(get_session().exec(
            select(Service.id, Service.name).where(Service.id.in_(ids), Service.status == ServiceStatus.PUBLISHED)).all())
    except Exception as error:
        if not is_outage(error):
            raise
        discard_session()  # the database is away: pages that need no database (search) still render
        return []
    return [(i, names[i]) for i in ids if i in names]


def _is_published(service_id: int) -> bool:
    service = get_session().get(Service, service_id)
    return service is not None and service.status == ServiceStatus.PUBLISHED


def compare_buttons(next_path: str | None = None) -> dict:
    """What every compare button of a page shares (macros/compare.html), made once per page: a result
    page has twenty buttons, and the tray, the token and the labels are the same for all."""
    return {"action": url_for("compare.tray"), "tray": tray_ids(), "next": next_path or request.full_path,
            "csrf": generate_csrf(), "add": gettext("Legg til sammenligning"),
            "remove": gettext("Fjern fra sammenligning")}


@bp.app_context_processor
def _tray_helpers():
    # Templates anywhere (search results, service page) can show the tray and the buttons.
    return {"compare_tray_items": tray_items, "compare_tray_ids": tray_ids, "compare_buttons": compare_buttons,
            "compare_tray_max": cmp.MAX_SERVICES}


def _safe_next(target: str | None) -> str:
    """Only a local path (the login's rule: no host, no backslash, no control characters)."""
    try:
        return safe_next(target) if target else url_for("compare.compare_page")
    except LoginError:
        return url_for("compare.compare_page")


@bp.post("/sammenlign/kurv")
@public
@not_formal("adds to or removes from the compare tray")
def tray():
    """Add a service to the compare tray or take it out (``handling`` = legg-til / fjern / tom).

    Without JavaScript the browser is sent back where it came from; with htmx only the
    tray (and the button that was pressed, out of band) is returned.
    """
    action = request.form.get("handling", "legg-til")
    raw_id = (request.form.get("tjeneste") or "").strip()
    service_id = int(raw_id) if raw_id.isdigit() and len(raw_id) <= 9 else None
    ids = tray_ids()
    ok = False
    if action == "tom":
        ids, ok = [], True
        note = gettext("Sammenligningen er tømt.")
    elif service_id is None or (action == "legg-til" and not _is_published(service_id)):
        note = gettext("Fant ikke tjenesten.")
        service_id = None
    elif action == "fjern":
        ids, ok = [i for i in ids if i != service_id], True
        note = gettext("Tjenesten er fjernet fra sammenligningen.")
    elif service_id in ids:
        ok = True
        note = gettext("Tjenesten er allerede valgt.")
    elif len(ids) >= cmp.MAX_SERVICES:
        note = gettext("Du kan sammenligne høyst %(most)s tjenester. Fjern en før du legger til en ny.", most=cmp.MAX_SERVICES)
    else:
        ids.append(service_id)
        ok = True
        note = gettext("Tjenesten er lagt til sammenligningen.")
    session[TRAY_KEY] = ids
    if is_htmx():
        return render_template("partials/compare_tray_update.html", note=note, note_ok=ok, service_id=service_id)
    flash(note, "success" if ok else "error")
    return redirect(_safe_next(request.form.get("neste")))
