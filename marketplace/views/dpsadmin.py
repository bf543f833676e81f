"""DPS administration by the contract manager (/forvaltning/dps/<slug>/…), and the public list of
qualified suppliers as it stood on any date (/dps/<slug>/kvalifiserte?dato=…)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from auth.guards import current_viewer, public, roles_required
from catalogue.viewer import MANAGER
from catalogue import dpsadmin
from catalogue.lifecycle import DomainError
from catalogue.models import DPS, Category
from catalogue.qualification import dps_by_slug, dps_categories
from catalogue.suspension import qualified_on
from marketplace.db import get_session
from marketplace.templating import current_lang

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
    return render_template("dpsadmin/manage.html", dps=dps, categories=dps_categories(session, dps.id),
                           addable=[(str(c.id), c.name(current_lang())) for c in dpsadmin.addable_categories(session, dps)],
                           values=values, errors=errors), status


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
