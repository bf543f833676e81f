"""Contracts (avtaler): the register, the direct call-off, the contract page, Bilag 10 and deviations.

The rules live in ``catalogue.contracts``; these views read the form, ask the life-cycle
object and answer. Only the buyer organisation, the supplier party and the contract manager
see a contract (``lifecycle.can_read``); everyone else gets 404, so its existence is not given away.
"""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlmodel import select

from auth.guards import current_viewer, roles_required
from catalogue.viewer import BUYER, MANAGER, SUPPLIER
from catalogue import compare as cmp
from catalogue import documents
from catalogue import shortlists as sl
from catalogue.contracts import bilag10, drift, followup
from catalogue.contracts import lifecycle as lc
from catalogue.contracts.models import Contract, ContractForm, DeviationReport
from catalogue.diff import names_from
from catalogue.lifecycle import DomainError
from catalogue.models import ArchivedService, Category, Document, Supplier
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.web import domain_message, field_errors, format_nok, post_limit
from marketplace.htmx import render_page
from marketplace.templating import current_lang

bp = Blueprint("contracts", __name__, url_prefix="/innkjop/avtaler")


bp.add_app_template_filter(format_nok, "nok")


def readable_or_404(contract_id: int) -> Contract:
    contract = get_session().get(Contract, contract_id)
    if contract is None or not lc.can_read(current_viewer(), contract):
        abort(404)
    return contract


def buyer_party_or_403(contract_id: int) -> Contract:
    contract = readable_or_404(contract_id)
    if not lc.is_buyer_party(current_viewer(), contract):
        abort(403)
    return contract


def _done(contract: Contract, message: str):
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("contracts.contract", contract_id=contract.id))


def _refused(contract: Contract, exc: DomainError):
    get_session().rollback()
    flash(domain_message(exc), "error")
    return redirect(url_for("contracts.contract", contract_id=contract.id), code=303)


# ---------------------------------------------------------------------------
# the register


@bp.get("/")
@roles_required(BUYER, SUPPLIER, MANAGER)
def register():
    """The contracts of my organisation (buyer), my company (supplier) or all (contract manager)."""
    viewer = current_viewer()
    status = request.args.get("status", "")
    rows = followup.register(get_session(), viewer, status=status)
    ready = lc.competitions_ready(get_session(), viewer.orgnr) if viewer.is_buyer else []
    return render_page("contracts/register.html", "results", rows=rows, status=status, ready=ready,
                       statuses=[(s, gettext(label)) for s, label in lc.STATUS_LABELS.items()])


# ---------------------------------------------------------------------------
# the direct call-off


def _call_off_context(shortlist: sl.Shortlist, snapshot: ArchivedService, form: Any, errors: dict[str, str]):
    db = get_session()
    content = snapshot.content or {}
    supplier = db.get(Supplier, _supplier_of(snapshot))
    return dict(shortlist=shortlist, snapshot=snapshot, content=content, supplier=supplier, form=form, errors=errors,
                threshold=lc.threshold_for(db, content.get("dps_id")), forms=_form_options(),
                requirement_groups=cmp.requirement_groups(), cmp=cmp,
                optout_allowed=(content.get("terms") or {}).get("reference_architecture_optout") is not False,
                max_options=lc.MAX_OPTIONS)


def _supplier_of(snapshot: ArchivedService) -> int:
    from catalogue.models import Service

    return get_session().get(Service, snapshot.service_id).supplier_id


def _form_options() -> list[tuple[str, str]]:
    return [(f.value, gettext(lc.FORM_LABELS[f])) for f in ContractForm]


def _frozen_item(shortlist_id: int, service_id: int) -> tuple[sl.Shortlist, ArchivedService]:
    db = get_session()
    shortlist = sl.get_readable(db, current_viewer(), shortlist_id)
    if shortlist is None or not shortlist.is_frozen:
        abort(404)
    item = db.exec(select(sl.ShortlistItem).where(sl.ShortlistItem.shortlist_id == shortlist.id,
                                                  sl.ShortlistItem.service_id == service_id)).first()
    if item is None:
        abort(404)
    return shortlist, db.get(ArchivedService, item.archived_id)


@bp.route("/ny/<int:shortlist_id>/<int:service_id>", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("makes a draft contract; it binds only when the signature is recorded")
def new(shortlist_id: int, service_id: int):
    """A direct call-off of one service in a frozen shortlist, in the version the list holds."""
    shortlist, snapshot = _frozen_item(shortlist_id, service_id)
    if request.method == "GET":
        return render_page("contracts/new.html", None, **_call_off_context(shortlist, snapshot, request.args, {}))
    viewer = current_viewer()
    db = get_session()
    requirements, req_errors = cmp.read_requirements(request.form)
    try:
        if req_errors:
            raise lc.InvalidInput({cmp.requirement_field_id(cmp.TERMS[k]): lc.from_msg(m, cmp.requirement_field_id(
                cmp.TERMS[k])) for k, m in req_errors.items()})
        call_off = lc.read_call_off(request.form)
        contract = lc.direct_call_off(db, viewer.actor(), buyer_orgnr=viewer.orgnr, buyer_name=viewer.org_name,
                                      shortlist=shortlist, service_id=service_id, call_off=call_off,
                                      requirements=requirements, user_id=viewer.user_id)
    except DomainError as exc:
        db.rollback()
        return render_page("contracts/new.html", None,
                           **_call_off_context(shortlist, snapshot, request.form, field_errors(exc))), 422
    return _done(contract, gettext("Avtaleutkastet er laget. Last opp den signerte avtalen når den er signert."))


@bp.route("/fra-konkurranse/<int:competition_id>", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("makes a draft contract; it binds only when the signature is recorded")
def from_competition(competition_id: int):
    """The contract with the winner of the buyer's competition, once the standstill is over."""
    db = get_session()
    viewer = current_viewer()
    competition = lc.competition_of_buyer(db, competition_id, viewer.orgnr)
    if competition is None:
        abort(404)
    lang = current_lang()
    offered = lc.offered_services(db, competition)
    context = dict(competition=competition, supplier=db.get(Supplier, offered[0].supplier_id) if offered else None,
                   services=[(str(s.id), f"{s.name} ({gettext('versjon %(n)s', n=s.version)})") for s in offered],
                   forms=_form_options(), max_options=lc.MAX_OPTIONS,
                   requirement_lines=[cmp.describe_requirement(cmp.TERMS[k], v, lang)
                                      for k, v in lc.competition_requirements(competition).items()])
    if request.method == "GET":
        defaults = {"tittel": competition.title, "verdi": str(competition.estimated_value or ""),
                    "begrunnelse": competition.award_reason}
        return render_page("contracts/from_competition.html", None, form={**defaults, **request.args.to_dict()},
                           errors={}, **context)
    try:
        contract = lc.from_competition(db, viewer.actor(), competition=competition, buyer_orgnr=viewer.orgnr,
                                       service_id=request.form.get("tjeneste"),
                                       call_off=lc.read_call_off(request.form, justification_required=False),
                                       user_id=viewer.user_id)
    except DomainError as exc:
        db.rollback()
        return render_page("contracts/from_competition.html", None, form=request.form, errors=field_errors(exc),
                           **context), exc.http_status
    return _done(contract, gettext("Avtaleutkastet er laget. Last opp den signerte avtalen når den er signert."))


# ---------------------------------------------------------------------------
# the contract


@bp.get("/<int:contract_id>")
@roles_required(BUYER, SUPPLIER, MANAGER)
def contract(contract_id: int):
    """The contract, its terms drift, its deviation reports and what can be done now."""
    contract = readable_or_404(contract_id)
    db = get_session()
    lang = current_lang()
    viewer = current_viewer()
    snapshot = db.get(ArchivedService, contract.archived_id)
    current, drifts = drift.contract_drift(db, contract, name_of=names_from(db, lang), lang=lang)
    reports = followup.deviations_of(db, contract)
    return render_page(
        "contracts/contract.html", None, contract=contract, life=lc.ContractLife(contract), snapshot=snapshot,
        content=snapshot.content or {}, supplier=db.get(Supplier, contract.supplier_id),
        category=db.get(Category, contract.category_id) if contract.category_id else None,
        current=current, drifts=drifts, worse=sum(1 for d in drifts if d.worse), reports=reports,
        is_buyer=lc.is_buyer_party(viewer, contract), is_supplier=lc.is_supplier_party(viewer, contract),
        form_label=gettext(lc.FORM_LABELS[contract.form]), origin_label=gettext(lc.ORIGIN_LABELS[contract.origin]),
        requirement_lines=[(cmp.describe_requirement(cmp.TERMS[k], v, lang), (contract.verdicts or {}).get(k))
                           for k, v in (contract.requirements or {}).items() if k in cmp.TERMS],
        today=lc.today(), errors={})


def _step(contract_id: int, do, message: str):
    """One step of the buyer party on the contract's life cycle: done, or refused with the reason."""
    contract = buyer_party_or_403(contract_id)
    try:
        do(lc.ContractLife(contract), get_session(), current_viewer().actor())
    except DomainError as exc:
        return _refused(contract, exc)
    return _done(contract, message)


@bp.post("/<int:contract_id>/signer")
@roles_required(BUYER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@check_first(_l("Registrer avtalen som signert"), button=_l("Registrer signert avtale"), guard=lambda contract_id: buyer_party_or_403(contract_id),
             explain=_l("Den signerte avtalen lagres som dokumentasjon, og avtalen blir bindende. Det kan ikke angres."),
             describe=lambda form: [(_l("Signert dato"), form.get("signert-dato", ""))])
def sign(contract_id: int):
    """Record the signature: date and the signed PDF."""
    upload = request.files.get("signert-pdf")
    data = upload.read(documents.MAX_BYTES + 1) if upload else b""
    return _step(contract_id, lambda life, db, actor: life.sign(
        db, actor, current_app.config["UPLOAD_DIR"], signed_on=request.form.get("signert-dato", ""),
        filename=upload.filename if upload else "", data=data), gettext("Avtalen er registrert som signert."))


@bp.post("/<int:contract_id>/aktiver")
@roles_required(BUYER)
@check_first(_l("Sett avtalen i kraft"), button=_l("Sett i kraft"), guard=lambda contract_id: buyer_party_or_403(contract_id),
             explain=_l("Avtalen blir gjeldende fra nå og vises i oversikten over avtaler."))
def activate(contract_id: int):
    return _step(contract_id, lambda life, db, actor: life.activate(db, actor), gettext("Avtalen er satt i kraft."))


@bp.post("/<int:contract_id>/avslutt")
@roles_required(BUYER)
@check_first(_l("Registrer avtalen som utløpt"), button=_l("Registrer som utløpt"), guard=lambda contract_id: buyer_party_or_403(contract_id),
             explain=_l("Avtalen avsluttes. Det kan ikke angres."))
def end(contract_id: int):
    return _step(contract_id, lambda life, db, actor: life.end(db, actor),
                 gettext("Avtalen er registrert som utløpt."))


@bp.post("/<int:contract_id>/si-opp")
@roles_required(BUYER)
@check_first(_l("Si opp avtalen"), button=_l("Si opp avtalen"), guard=lambda contract_id: buyer_party_or_403(contract_id),
             explain=_l("Avtalen blir sagt opp, og leverandøren ser begrunnelsen. Det kan ikke angres."),
             describe=lambda form: [(_l("Begrunnelse"), form.get("begrunnelse-oppsigelse", ""))])
def terminate(contract_id: int):
    return _step(contract_id, lambda life, db, actor: life.terminate(
        db, actor, reason=request.form.get("begrunnelse-oppsigelse", "")), gettext("Avtalen er sagt opp."))


@bp.get("/<int:contract_id>/signert.pdf")
@roles_required(BUYER, SUPPLIER, MANAGER)
def signed_pdf(contract_id: int):
    contract = readable_or_404(contract_id)
    if not contract.signed_document_id:
        abort(404)
    doc = get_session().get(Document, contract.signed_document_id)
    data = documents.read_bytes(current_app.config["UPLOAD_DIR"], doc)
    return send_file(io.BytesIO(data), mimetype=documents.PDF_TYPE, as_attachment=True, download_name=doc.filename,
                     max_age=0)


# ---------------------------------------------------------------------------
# Bilag 10


@bp.get("/<int:contract_id>/bilag-10")
@roles_required(BUYER, SUPPLIER, MANAGER)
def bilag(contract_id: int):
    """Bilag 10 as a print-ready page."""
    contract = readable_or_404(contract_id)
    built = bilag10.build(get_session(), contract, current_lang())
    return render_page("contracts/bilag10.html", None, bilag=built, contract=contract,
                       form_label=gettext(lc.FORM_LABELS[contract.form]))


@bp.get("/<int:contract_id>/bilag-10.odt")
@roles_required(BUYER, SUPPLIER, MANAGER)
def bilag_odt(contract_id: int):
    """Bilag 10 as an editable OpenDocument text."""
    contract = readable_or_404(contract_id)
    built = bilag10.build(get_session(), contract, current_lang())
    data = bilag10.to_odt(built, form_label=gettext(lc.FORM_LABELS[contract.form]))
    return send_file(io.BytesIO(data), mimetype="application/vnd.oasis.opendocument.text", as_attachment=True,
                     download_name=built.filename, max_age=0)


# ---------------------------------------------------------------------------
# deviation reports (avviksmeldinger)


@bp.post("/<int:contract_id>/avvik")
@roles_required(BUYER)
@check_first(_l("Send avviksmeldingen"), button=_l("Send avviksmeldingen"), guard=lambda contract_id: buyer_party_or_403(contract_id),
             explain=_l("Avviksmeldingen sendes til leverandøren og avtaleforvalteren og blir en del av avtalens historikk."),
             describe=lambda form: [(_l("Emne"), form.get("avvik-emne", "")), (_l("Beskrivelse"), form.get("avvik-beskrivelse", ""))])
def file_deviation(contract_id: int):
    contract = buyer_party_or_403(contract_id)
    viewer = current_viewer()
    try:
        followup.file_deviation(get_session(), viewer.actor(), contract, subject=request.form.get("avvik-emne", ""),
                                description=request.form.get("avvik-beskrivelse", ""), user_id=viewer.user_id)
    except DomainError as exc:
        return _refused(contract, exc)
    return _done(contract, gettext("Avviksmeldingen er sendt til leverandøren og avtaleforvalteren."))


@bp.post("/<int:contract_id>/avvik/<int:report_id>/svar")
@roles_required(SUPPLIER)
@not_formal("the supplier's reply to a deviation report")
def answer_deviation(contract_id: int, report_id: int):
    contract = readable_or_404(contract_id)
    viewer = current_viewer()
    if not lc.is_supplier_party(viewer, contract):
        abort(403)
    report = get_session().get(DeviationReport, report_id)
    if report is None or report.contract_id != contract.id:
        abort(404)
    try:
        followup.answer_deviation(get_session(), viewer.actor(), contract, report, request.form.get("svar", ""),
                                  user_id=viewer.user_id)
    except DomainError as exc:
        return _refused(contract, exc)
    return _done(contract, gettext("Svaret er sendt til kunden."))
