"""DPS administration by the contract manager (/forvaltning/dps/<slug>/…), and the public list of
qualified suppliers as it stood on any date (/dps/<slug>/kvalifiserte?dato=…)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l

from auth.guards import current_viewer, public, roles_required
from catalogue.viewer import MANAGER
from catalogue import dpsadmin
from catalogue.documents import MAX_BYTES, StorageFailed
from catalogue.lifecycle import DomainError
from catalogue.models import DPS, Category
from catalogue.qualification import dps_by_slug, dps_categories
from catalogue.suspension import qualified_on
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.templating import current_lang
from marketplace.web import domain_message, post_limit

bp = Blueprint("dpsadmin", __name__)


def _dps(slug: str) -> DPS:
    found = dps_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    return found


def _done(message: str, slug: str):
    flash(message, "success")
    return redirect(url_for("dpsadmin.manage", slug=slug))


@bp.route("/forvaltning/dps/<slug>", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Endre ordningens varighet"), when=lambda form: form.get("action") in ("extend", "close"),
             explain=_l("Forlenget gjelder ordningen til den nye datoen; avsluttet tar den ikke imot flere søknader "
                        "eller konkurranser. Leverandørene varsles."),
             describe=lambda form: [(_l("Forleng til"), form.get("valid_to", ""))] if form.get("action") == "extend"
             else [(_l("Avslutt ordningen"), form.get("reason", ""))])
def manage(slug: str):
    """Edit the description and add categories; extend or close the DPS (each its own form)."""
    session = get_session()
    dps = _dps(slug)
    action = request.form.get("action", "") if request.method == "POST" else ""
    values = {"description": dps.description, "valid_to": "", "reason": ""}
    errors, status = {}, 200
    if request.method == "POST":
        values.update({k: request.form.get(k, "") for k in ("description", "valid_to", "reason")
                       if k in request.form})
        actor = current_viewer().actor()
        try:
            if action == "extend":
                until = dpsadmin.extend(session, actor, dps, values["valid_to"])
                session.commit()
                return _done(gettext("Ordningen er forlenget til %(until)s.", until=f'{until:%d.%m.%Y}'),
                             slug)
            if action == "close":
                dpsadmin.close(session, actor, dps, values["reason"])
                session.commit()
                return _done(gettext("Ordningen er avsluttet."), slug)
            changed = dpsadmin.edit(session, actor, dps, values["description"], request.form.getlist("add"))
            session.commit()
            return _done(gettext("Endringene er lagret.") if changed else gettext("Ingen endringer å lagre."), slug)
        except DomainError as error:
            session.rollback()
            errors = {error.field or "description": gettext(error.message, **error.params)}
            status = error.http_status
            dps = _dps(slug)
    return _manage_page(dps, values, errors, status)


def _manage_page(dps: DPS, values: dict, errors: dict, status: int):
    session = get_session()
    return render_template("dpsadmin/manage.html", dps=dps, categories=dps_categories(session, dps.id),
                           addable=[(str(c.id), c.name(current_lang())) for c in dpsadmin.addable_categories(session, dps)],
                           documents=dpsadmin.documents(session, dps), document_field=dpsadmin.DOCUMENT_FIELD,
                           title_field=dpsadmin.TITLE_FIELD, values=values, errors=errors), status


@bp.post("/forvaltning/dps/<slug>/dokumenter")
@roles_required(MANAGER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@not_formal("adds a document to the DPS page, as editing its description does")
def add_document(slug: str):
    """Upload a PDF to the DPS (listed on its public page); a bad title or file gives the page back with the reason."""
    session = get_session()
    dps = _dps(slug)
    storage = request.files.get(dpsadmin.DOCUMENT_FIELD)
    upload = (storage.filename, storage.stream.read(MAX_BYTES + 1)) if storage is not None and storage.filename else None
    title = request.form.get(dpsadmin.TITLE_FIELD, "")
    try:
        doc = dpsadmin.add_document(session, current_viewer().actor(), current_app.config["UPLOAD_DIR"], dps, title,
                                    upload)
        session.commit()
    except StorageFailed as failed:
        session.rollback()
        current_app.logger.error("DPS document not stored (errno %s)", failed.errno)
        errors, status = {dpsadmin.DOCUMENT_FIELD: str(failed.message)}, 503
    except DomainError as error:
        session.rollback()
        errors, status = {error.field or dpsadmin.DOCUMENT_FIELD: domain_message(error)}, error.http_status
    else:
        return _done(gettext("Dokumentet «%(title)s» er lagt ut på siden til ordningen.", title=doc.title), slug)
    dps = _dps(slug)
    return _manage_page(dps, {"description": dps.description, "valid_to": "", "reason": "", "title": title},
                        errors, status)


@bp.get("/dps/<slug>/kvalifiserte")
@public
def history(slug: str):
    """Who was qualified in each category at the end of a given day (qualifications and suspensions)."""
    session = get_session()
    dps = _dps(slug)
    day, ok = dpsadmin.history_day(request.args.get("dato", ""), dps)
    by_category = qualified_on(session, dps.id, day)
    rows: list[tuple[Category, list]] = [(c, by_category.get(c.id, [])) for c in dps_categories(session, dps.id)]
    return render_template("dpsadmin/history.html", dps=dps, day=day, rows=rows,
                           error=None if ok else gettext("Skriv en dato som ikke er fram i tid (dd.mm.åååå)."))
