"""The contract manager's register alerts (/forvaltning/registervarsler): what Enhetsregisteret reported.

The register follower (``flask register follow``) raises an alert when a supplier is reported
bankrupt, in winding-up or deleted, and suspends its qualifications. Here the contract manager
sees the alerts and decides each one with a reason: restore the qualifications or end them.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlmodel import select

from auth.guards import current_viewer, roles_required
from catalogue.viewer import MANAGER
from catalogue.lifecycle import DomainError
from catalogue.models import Supplier
from catalogue.registerwatch.apply import AlertLifeCycle
from catalogue.registerwatch.models import AlertStatus, RegisterAlert, RegisterUpdate
from catalogue.suspension import suspended_in
from marketplace.checkstep import check_first
from marketplace.db import get_session
from marketplace.web import say

bp = Blueprint("register", __name__, url_prefix="/forvaltning/registervarsler")


@bp.get("/")
@roles_required(MANAGER)
def alerts():
    """Every register alert, those awaiting a decision first."""
    rows = get_session().exec(select(RegisterAlert, Supplier).join(Supplier, Supplier.id == RegisterAlert.supplier_id)
                              .order_by(RegisterAlert.status != AlertStatus.OPEN, RegisterAlert.id.desc())).all()
    return render_template("registerwatch/alerts.html", rows=[(AlertLifeCycle(a), s) for a, s in rows])


@bp.route("/<int:alert_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Registrer avgjørelsen"), button=_l("Registrer avgjørelsen"),
             explain=_l("Avgjørelsen avgjør om de suspenderte kvalifikasjonene gjenopprettes eller avsluttes, og leverandøren varsles."),
             describe=lambda form: [(_l("Begrunnelse"), form.get("reason", ""))])
def alert(alert_id: int):
    """One alert: what the register said, the suspended qualifications, and the decision."""
    session = get_session()
    found = session.get(RegisterAlert, alert_id)
    if found is None:
        abort(404)
    supplier = session.get(Supplier, found.supplier_id)
    life = AlertLifeCycle(found)
    values, errors, status = {"decision": "", "reason": ""}, {}, 200
    if request.method == "POST":
        values = {"decision": request.form.get("decision", ""), "reason": request.form.get("reason", "")}
        try:
            life.decide(session, current_viewer().actor(), values["decision"], values["reason"])
        except DomainError as error:
            session.rollback()
            errors = {error.field or "decision": gettext(error.message, **error.params)}
            status = error.http_status
        else:
            session.commit()
            say(gettext("Avgjørelsen er registrert."))
            return redirect(url_for("register.alert", alert_id=alert_id))
    history = session.exec(select(RegisterUpdate).where(RegisterUpdate.supplier_id == supplier.id)
                           .order_by(RegisterUpdate.update_id.desc()).limit(20)).all()
    return render_template("registerwatch/alert.html", alert=life, supplier=supplier, history=history,
                           suspended=suspended_in(session, supplier.id), values=values, errors=errors), status
