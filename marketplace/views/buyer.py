"""The buyer's shortlists for the procurement file: save a search, freeze it, export it.

A saved search keeps the query and filters of the search page. Freezing runs that search
once more and records the exact version of every service it finds (at most 30); the
frozen list and its exports are read from the version snapshots only, so later changes to
a service never change them. Who may see what is decided in ``catalogue.shortlists``.
"""
from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from auth.guards import current_viewer, roles_required
from catalogue.viewer import BUYER, MANAGER
from catalogue import shortlists as sl
from catalogue.exports import FORMATS, export_shortlist
from catalogue.models import ArchivedService, Service, User
from catalogue.search.query import SearchRequest, search
from catalogue.search.store import IndexMissing
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.templating import current_lang
from marketplace.web import current_search_index

bp = Blueprint("buyer", __name__, url_prefix="/innkjop")


def _search_url(pairs) -> str:
    """The search page for a saved query."""
    base = url_for("search.search")
    query = urlencode(list(pairs))
    return f"{base}?{query}" if query else base


def run_search(pairs, per_page: int):
    """Run a saved query on this app's search index: ``(total, [service ids])``, or None without an index."""
    index = current_search_index()
    if index is None:
        return None
    try:
        result = search(index, SearchRequest.from_args(MultiDict(list(pairs)), per_page=per_page), lang=current_lang())
    except IndexMissing:
        return None
    return result.total, [hit.service_id for hit in result.hits]


def _readable_or_404(shortlist_id: int) -> sl.Shortlist:
    shortlist = sl.get_readable(get_session(), current_viewer(), shortlist_id)
    if shortlist is None:
        abort(404)  # also when it exists but is not the viewer's: its existence is not revealed
    return shortlist


def _changeable(shortlist_id: int) -> sl.Shortlist:
    shortlist = _readable_or_404(shortlist_id)
    if not sl.can_change(current_viewer(), shortlist):
        abort(403)  # a colleague in the same organisation (or the manager) may read, not change
    return shortlist


@bp.get("/")
@roles_required(BUYER)
def shortlists():
    """My shortlists and saved searches, and those of my colleagues in the same organisation."""
    viewer = current_viewer()
    rows = sl.for_viewer(get_session(), viewer)
    return render_template("buyer/shortlists.html", rows=rows, viewer=viewer)


@bp.get("/lagre")
@roles_required(BUYER)
def save_form():
    """The form that saves the search given in the query string (reached from the search page)."""
    pairs = [(k, v) for k, v in request.args.items(multi=True)]
    db = get_session()
    return render_template("buyer/save.html", query=urlencode(pairs),
                       described=sl.describe_query(db, pairs, current_lang()),
                       name=sl.default_name(db, pairs, lang=current_lang()), errors={},
                       search_url=_search_url(pairs))


@bp.post("/lagre")
@roles_required(BUYER)
@not_formal("saves a search; it can be deleted until it is frozen")
def save():
    """Save a search (name and query); a bad name comes back at the field and nothing is stored."""
    viewer = current_viewer()
    lang = current_lang()
    query = request.form.get("sok", "")
    pairs = parse_qsl(query, keep_blank_values=False)
    db = get_session()
    shortlist, errors = sl.save_search(db, viewer, request.form.get("name", ""), pairs)
    if errors:
        db.rollback()
        field_errors = {("navn" if key == "name" else "sok"): str(msg) for key, msg in errors.items()}
        return render_template("buyer/save.html", query=query, described=sl.describe_query(db, pairs, lang),
                           name=request.form.get("name", ""), errors=field_errors,
                           search_url=_search_url(pairs)), 400
    db.commit()
    flash(gettext("Søket er lagret."), "success")
    return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id))


@bp.get("/lister/<int:shortlist_id>")
@roles_required(BUYER, MANAGER)
def shortlist(shortlist_id: int):
    """A saved search (with how many it finds now) or a frozen list (with the versions it holds)."""
    shortlist = _readable_or_404(shortlist_id)
    db = get_session()
    lang = current_lang()
    viewer = current_viewer()
    entries, current, set_aside = [], None, {}
    if shortlist.is_frozen:
        entries = sl.frozen_entries(db, shortlist)
        set_aside = sl.set_aside_of(db, shortlist)
    else:
        current = run_search(shortlist.pairs, sl.MAX_FROZEN)
    return render_template("buyer/shortlist.html", shortlist=shortlist, entries=entries,
                       current_total=current[0] if current else None, max_frozen=sl.MAX_FROZEN,
                       described=sl.describe_query(db, shortlist.pairs, lang),
                       search_url=_search_url(shortlist.pairs), can_change=sl.can_change(viewer, shortlist),
                       owner=db.get(User, shortlist.user_id), formats=sorted(FORMATS),
                       can_call_off=viewer.is_buyer and shortlist.is_frozen, set_aside=set_aside)


@bp.get("/lister/<int:shortlist_id>/endringer/<int:service_id>")
@roles_required(BUYER, MANAGER)
def changes(shortlist_id: int, service_id: int):
    """What changed in a service since the version frozen in the list (linked from the notification)."""
    from catalogue import diff as diffs
    from catalogue.services import version_snapshot

    shortlist = _readable_or_404(shortlist_id)
    db = get_session()
    item = db.exec(select(sl.ShortlistItem).where(sl.ShortlistItem.shortlist_id == shortlist.id,
                                                  sl.ShortlistItem.service_id == service_id)).first()
    service = db.get(Service, service_id)
    if item is None or service is None:
        abort(404)
    frozen, latest = db.get(ArchivedService, item.archived_id), version_snapshot(db, service_id, service.version)
    if frozen is None or latest is None:
        abort(404)
    found = diffs.diff(frozen.content, latest.content, name_of=diffs.names_from(db, current_lang()), lang=current_lang())
    return render_template("buyer/changes.html", shortlist=shortlist, service=service, frozen=frozen, latest=latest,
                           changes=found)


@bp.post("/lister/<int:shortlist_id>/frys")
@roles_required(BUYER)
@check_first(_l("Frys kortlisten nå"), button=_l("Frys listen nå"), guard=lambda shortlist_id: _changeable(shortlist_id),
             explain=_l("Søket kjøres nå, og de nøyaktige versjonene av tjenestene det finner, lagres som dokumentasjon. "
                        "En frosset liste kan ikke endres eller slettes."))
def freeze(shortlist_id: int):
    """Freeze a saved search: run it now and record the exact service versions (≤ 30 results)."""
    shortlist = _changeable(shortlist_id)
    found = run_search(shortlist.pairs, sl.MAX_FROZEN)
    if found is None:
        flash(gettext("Søket er ikke tilgjengelig akkurat nå, så listen kan ikke fryses. Prøv igjen om litt."),
              "error")
        return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id))
    total, ids = found
    db = get_session()
    error = sl.freeze(db, shortlist, current_viewer().actor(), ids, total)
    if error:
        db.rollback()
        flash(str(error), "error")
    else:
        db.commit()
        flash(gettext("Listen er frosset. Tjenestene er lagret i versjonene de har nå."), "success")
    return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id))


@bp.post("/lister/<int:shortlist_id>/slett")
@roles_required(BUYER)
@check_first(_l("Slett det lagrede søket"), explain=_l("Søket blir slettet og kan ikke hentes tilbake."), button=_l("Slett"),
             guard=lambda shortlist_id: _changeable(shortlist_id))
def delete(shortlist_id: int):
    """Delete a saved search (a frozen list is part of the procurement file and stays)."""
    shortlist = _changeable(shortlist_id)
    db = get_session()
    error = sl.delete(db, shortlist, current_viewer().actor())
    if error:
        db.rollback()
        flash(str(error), "error")
        return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id))
    db.commit()
    flash(gettext("Det lagrede søket er slettet."), "success")
    return redirect(url_for("buyer.shortlists"))


def _item_or_404(shortlist: sl.Shortlist, service_id: int) -> sl.ShortlistItem:
    item = sl.frozen_item(get_session(), shortlist, service_id)
    if item is None:
        abort(404)
    return item


@bp.route("/lister/<int:shortlist_id>/tjenester/<int:service_id>/velg-bort", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("records that a service of a frozen list is set aside, with the reason; audited, and it can be undone")
def set_aside(shortlist_id: int, service_id: int):
    """Set a service of a frozen list aside ("valgt bort") with a reason; it stays in the list and its exports."""
    shortlist = _changeable(shortlist_id)
    db = get_session()
    item = _item_or_404(shortlist, service_id)
    entry = next((e for e in sl.frozen_entries(db, shortlist) if e.service_id == service_id), None)
    reason, errors = item.set_aside_reason or "", {}
    if request.method == "POST":
        reason = request.form.get("begrunnelse", "")
        error = sl.set_aside(db, shortlist, item, current_viewer().actor(), reason)
        if error is None:
            db.commit()
            flash(gettext("«%(name)s» er valgt bort. Den står fortsatt i listen, med begrunnelsen.",
                          name=entry.name if entry else ""), "success")
            return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id, _anchor=f"tjeneste-{service_id}"),
                            code=303)
        db.rollback()
        errors = {"begrunnelse": str(error)}
    return render_template("buyer/set_aside.html", shortlist=shortlist, item=item, entry=entry, reason=reason,
                           errors=errors, max_length=sl.SET_ASIDE_REASON_MAX), 422 if errors else 200


@bp.post("/lister/<int:shortlist_id>/tjenester/<int:service_id>/angre-bortvalg")
@roles_required(BUYER)
@not_formal("takes a set-aside service back into consideration; audited, and it can be set aside again")
def undo_set_aside(shortlist_id: int, service_id: int):
    """Undo a set-aside: the service is considered again (the earlier reason stays in the audit log)."""
    shortlist = _changeable(shortlist_id)
    db = get_session()
    item = _item_or_404(shortlist, service_id)
    error = sl.undo_set_aside(db, shortlist, item, current_viewer().actor())
    if error is None:
        db.commit()
        flash(gettext("Tjenesten er tatt inn i vurderingen igjen."), "success")
    else:
        db.rollback()
        flash(str(error), "error")
    return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id, _anchor=f"tjeneste-{service_id}"), code=303)


@bp.get("/lister/<int:shortlist_id>/eksport.<fmt>")
@roles_required(BUYER, MANAGER)
def export(shortlist_id: int, fmt: str):
    """A frozen list as CSV or ODS, with its query, filters, time and service versions (an audit event)."""
    if fmt not in FORMATS:
        abort(404)
    shortlist = _readable_or_404(shortlist_id)
    if not shortlist.is_frozen:
        flash(gettext("Frys listen før du eksporterer den."),
              "error")
        return redirect(url_for("buyer.shortlist", shortlist_id=shortlist.id))
    db = get_session()
    result = export_shortlist(db, shortlist, current_viewer(), fmt, lang=current_lang())
    db.commit()  # the audit event is stored before the file leaves
    return send_file(io.BytesIO(result.content), mimetype=result.mimetype, as_attachment=True,
                     download_name=result.filename, max_age=0)
