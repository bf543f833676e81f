"""Self-declarations: the supplier keeps one (/leverandor/egenerklaering); the contract manager asks for
an updated one with a five-working-day deadline and may suspend when none comes (/forvaltning/egenerklaeringer)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlmodel import select

from auth.guards import current_viewer, roles_required
from catalogue.viewer import MANAGER, SUPPLIER
from catalogue.declarations import criteria
from catalogue.declarations.models import DeclarationRequest, RequestStatus
from catalogue.declarations.requests import (RequestLifeCycle, current_declaration, give_declaration,
                                             qualified_suppliers, request_update)
from catalogue.lifecycle import N_, DomainError
from catalogue.models import DPS, Supplier
from catalogue.registration import is_member
from marketplace.checkstep import check_first
from marketplace.db import get_session

bp = Blueprint("declarations", __name__)


def _flash(message: str) -> None:
    flash(message, "success")


def _texts(errors) -> dict[str, str]:
    return {key: str(message) for key, message in errors.items()}


def _domain_error(error: DomainError, default_field: str) -> dict[str, str]:
    return {error.field or default_field: gettext(error.message, **error.params)}


# --- the supplier --------------------------------------------------------------------------------


@bp.route("/leverandor/egenerklaering", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@check_first(_l("Bekreft egenerklæringen"), button=_l("Bekreft egenerklæringen"),
             explain=_l("Egenerklæringen gjelder for alle ordningene dere er kvalifisert i, og blir registrert med navnet ditt."))
def supplier_declaration():
    """The company's self-declaration: the stored one pre-filled, updated and confirmed."""
    viewer = current_viewer()
    session = get_session()
    supplier = session.get(Supplier, viewer.supplier_id) if viewer.supplier_id else None
    if supplier is None or not is_member(session, viewer.user_id, supplier.id):
        abort(403)
    stored = current_declaration(session, supplier.id)
    raw = {"answers": dict(stored.answers) if stored else {}, "confirm": ""}
    errors, status = {}, 200
    if request.method == "POST":
        raw = criteria.read_form(request.form)
        answers, problems = criteria.validate(raw)
        if problems:
            errors, status = _texts(problems), 422
        else:
            give_declaration(session, viewer.actor(), supplier.id, answers)
            session.commit()
            _flash(gettext("Egenerklæringen er lagret og bekreftet."))
            return redirect(url_for("declarations.supplier_declaration"))
    requests = session.exec(select(DeclarationRequest, DPS).join(DPS, DPS.id == DeclarationRequest.dps_id).where(
        DeclarationRequest.supplier_id == supplier.id).order_by(DeclarationRequest.id.desc())).all()
    return render_template("declarations/supplier.html", supplier=supplier, stored=stored, raw=raw, errors=errors,
                           criteria=criteria, requests=[(RequestLifeCycle(r), d) for r, d in requests]), status


# --- the contract manager ------------------------------------------------------------------------


def _candidates(session) -> list[tuple[str, str]]:
    """``("<dps id>:<supplier id>", "Supplier – DPS")`` for every supplier qualified in a DPS."""
    out = []
    for dps in session.exec(select(DPS).order_by(DPS.name)).all():
        out += [(f"{dps.id}:{s.id}", f"{s.name} – {dps.name}") for s in qualified_suppliers(session, dps.id)]
    return out


@bp.route("/forvaltning/egenerklaeringer", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Be om oppdatert egenerklæring"), button=_l("Send forespørselen"),
             explain=_l("Leverandøren får forespørselen med en frist. Uten svar innen fristen kan kvalifikasjonen suspenderes."),
             describe=lambda form: [(_l("Melding"), form.get("message", ""))] if form.get("message", "").strip() else [])
def requests_page():
    """Requests for updated declarations, those overdue first, and the form to ask for one."""
    session = get_session()
    values, errors, status = {"target": "", "message": ""}, {}, 200
    if request.method == "POST":
        values = {"target": request.form.get("target", ""), "message": request.form.get("message", "")}
        dps_id, _, supplier_id = values["target"].partition(":")
        try:
            if not (dps_id.isdigit() and supplier_id.isdigit() and len(dps_id) < 10 and len(supplier_id) < 10):
                raise DomainError(N_("Velg en leverandør som er kvalifisert i ordningen."), field="target")
            created = request_update(session, current_viewer().actor(), int(supplier_id), int(dps_id),
                                     values["message"])
        except DomainError as error:
            session.rollback()
            errors = _domain_error(error, "target")
            errors = {("target" if key == "supplier" else key): text for key, text in errors.items()}
            status = error.http_status
        else:
            session.commit()
            _flash(gettext("Forespørselen er sendt. Fristen er %(due_date)s.", due_date=f'{created.due_date:%d.%m.%Y}'))
            return redirect(url_for("declarations.request_page", request_id=created.id))
    rows = session.exec(select(DeclarationRequest, Supplier, DPS)
                        .join(Supplier, Supplier.id == DeclarationRequest.supplier_id)
                        .join(DPS, DPS.id == DeclarationRequest.dps_id)
                        .order_by(DeclarationRequest.status != RequestStatus.OVERDUE,
                                  DeclarationRequest.status != RequestStatus.OPEN, DeclarationRequest.id.desc())).all()
    return render_template("declarations/requests.html", rows=[(RequestLifeCycle(r), s, d) for r, s, d in rows],
                           candidates=_candidates(session), values=values, errors=errors), status


@bp.route("/forvaltning/egenerklaeringer/<int:request_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Suspender kvalifikasjonene"), button=_l("Suspender"),
             explain=_l("Leverandørens kvalifikasjoner i ordningen suspenderes, og leverandøren varsles med begrunnelsen."),
             describe=lambda form: [(_l("Begrunnelse"), form.get("reason", ""))])
def request_page(request_id: int):
    """One request: the deadline, the supplier's declaration, and – once overdue – the suspension."""
    session = get_session()
    found = session.get(DeclarationRequest, request_id)
    if found is None:
        abort(404)
    life = RequestLifeCycle(found)
    values, errors, status = {"reason": ""}, {}, 200
    if request.method == "POST":
        values = {"reason": request.form.get("reason", "")}
        try:
            count = life.suspend(session, current_viewer().actor(), values["reason"])
        except DomainError as error:
            session.rollback()
            errors, status = _domain_error(error, "reason"), error.http_status
        else:
            session.commit()
            _flash(gettext("%(count)s kvalifikasjon(er) er suspendert.", count=count))
            return redirect(url_for("declarations.request_page", request_id=request_id))
    supplier = session.get(Supplier, found.supplier_id)
    return render_template("declarations/request.html", request_=life, supplier=supplier,
                           dps=session.get(DPS, found.dps_id), declaration=current_declaration(session, supplier.id),
                           criteria=criteria, values=values, errors=errors), status
