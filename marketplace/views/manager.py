"""The contract manager's area (/forvaltning): DPS, qualification decisions, moderation, audit log.

Only the contract manager (avtaleforvalter) may use these views. Decisions go through
``catalogue.qualification`` and ``catalogue.moderation``; each writes its audit events in
the same transaction.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from auth.guards import current_viewer, roles_required
from catalogue import auditlog, auditview, listings, moderation, qualification
from catalogue import diff as diffs
from catalogue.lifecycle import IllegalTransition, Incomplete
from catalogue.listing import Conflict, Listing
from catalogue.models import DPS, Category, QualificationApplication, Service, Supplier
from catalogue.qualification import Application
from catalogue.viewer import MANAGER
from marketplace.checkstep import check_first
from marketplace.db import get_session
from marketplace.templating import current_lang
from marketplace.registry import offline_lookup
from marketplace.web import documents_of, render_versions, say, texts

bp = Blueprint("manager", __name__, url_prefix="/forvaltning")


def actor():
    return current_viewer().actor()


@bp.get("/")
@roles_required(MANAGER)
def dashboard():
    """What awaits the contract manager: applications, services to review, and the DPS list."""
    session = get_session()
    return render_template("manager/dashboard.html", applications=qualification.queue(session),
                           services=moderation.queue(session), dps_list=qualification.all_dps(session),
                           is_open=qualification.is_open)


@bp.route("/dps/ny", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Opprett ordningen"), button=_l("Opprett ordningen"),
             explain=_l("Ordningen blir offentlig, og leverandører kan søke om kvalifisering i den."),
             describe=lambda form: [(_l("Navn"), form.get(qualification.DPS_NAME.field_name, ""))])
def new_dps():
    """Create a dynamic purchasing system: name, description, validity period and categories."""
    session = get_session()
    categories = session.exec(select(Category).order_by(Category.position, Category.name_nb)).all()
    context = dict(application_form=qualification.APPLICATION_FORM, categories=categories)
    if request.method == "GET":
        return render_template("manager/dps_form.html", values={"categories": []}, errors={}, **context)
    raw = qualification.read_dps_form(request.form)
    clean, errors = qualification.validate_dps(session, raw)
    if errors:
        return render_template("manager/dps_form.html", values=raw, errors=texts(errors), **context), 422
    dps = qualification.create_dps(session, actor(), clean)
    session.commit()
    say(gettext("«%(name)s» er opprettet.", name=dps.name))
    return redirect(url_for("dps.dps", slug=dps.slug))


@bp.get("/soknader")
@roles_required(MANAGER)
def applications():
    """The queue of submitted applications, the earliest due date first (10 working days)."""
    return render_template("manager/applications.html", rows=qualification.queue(get_session()))


@bp.route("/soknader/<int:application_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Registrer vedtak om kvalifisering"),
             explain=_l("Leverandøren får vedtaket med begrunnelsen. Vedtaket kan ikke endres her etterpå."),
             describe=lambda form: [(_l("Begrunnelse"), v) for k, v in form.items() if "reason" in k and v.strip()],
             button=_l("Registrer vedtak"))
def application(application_id: int):
    """One application: the declarations and the tax certificate; approve or reject each category."""
    session = get_session()
    app_row = session.get(QualificationApplication, application_id)
    if app_row is None or Application(app_row).can_edit:  # a draft is the supplier's own business
        abort(404)
    context = dict(application=app_row, supplier=session.get(Supplier, app_row.supplier_id),
                   dps=session.get(DPS, app_row.dps_id), declarations=qualification.DECLARATIONS,
                   certificate=qualification.tax_certificate(session, app_row))
    if request.method == "GET":
        return render_template("manager/application.html", errors={}, values={},
                               outcomes=qualification.qualifications_of(session, app_row.id), **context)
    decisions = qualification.read_decisions(request.form, app_row.id, session)
    try:
        Application(app_row).decide(session, actor(), decisions)
        errors = {}
    except Incomplete as err:
        errors = err.errors
    except IllegalTransition as err:
        errors = {err.field: err.message}
    if errors:
        session.rollback()
        return render_template("manager/application.html", errors=texts(errors), values=request.form,
                               outcomes=qualification.qualifications_of(session, app_row.id), **context), 422
    session.commit()
    say(gettext("Vedtaket er registrert."))
    return redirect(url_for("manager.application", application_id=app_row.id))


@bp.get("/tjenester")
@roles_required(MANAGER)
def services():
    """The moderation queue: submitted new services and edits of live ones, oldest first."""
    return render_template("manager/services.html", items=moderation.queue(get_session()))


@bp.route("/tjenester/<int:service_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
@check_first(_l("Godkjenn eller avvis tjenesten"), when=lambda form: form.get("decision") in ("approve", "reject"),
             explain=_l("Godkjent blir tjenesten publisert med en gang; avvist får leverandøren begrunnelsen."),
             describe=lambda form: [(_l("Vedtak"), _l("Godkjenn og publiser") if form.get("decision") == "approve" else _l("Avvis"))]
             + [(_l("Begrunnelse"), v) for k, v in form.items() if "reason" in k and v.strip()])
def review(service_id: int):
    """Review one submission: a new service in full, or an edit as a diff against the live version."""
    session = get_session()
    service = session.get(Service, service_id)
    if service is None:
        abort(404)
    listing = Listing(session, service)
    if not listing.can_review:
        say(gettext("Tjenesten har ingenting som venter på godkjenning."), "error")
        return redirect(url_for("manager.services"))
    content, revision = listing.pending_content(), listing.revision
    kind = "edit" if revision is not None else "new"
    lang = current_lang()
    live = listings.listing_content(service) if kind == "edit" else {}
    changes = diffs.diff(live, content, name_of=diffs.names_from(session, lang), lang=lang)
    context = dict(service=service, kind=kind, content=content, revision=revision, changes=changes,
                   supplier=session.get(Supplier, service.supplier_id), category=session.get(Category, content["category_id"]),
                   documents=documents_of(content), problems=texts(listings.complete_errors(session, service.supplier_id, content)),
                   groups=listings.TERMS.grouped(), field=moderation.REASON, lock=service.lock_version)
    if request.method == "GET":
        return render_template("manager/review.html", errors={}, reason="", **context)
    decision = request.form.get("decision")
    reason, error = moderation.clean_reason(request.form.get(moderation.REASON.field_name),
                                            required=decision == "reject")
    lock = request.form.get(listings.LOCK_FIELD)
    if decision not in ("approve", "reject"):
        error = error or _l("Velg godkjenn eller avvis.")
    if error:
        return render_template("manager/review.html", reason=request.form.get(moderation.REASON.field_name, ""),
                               errors=texts({moderation.REASON.field_name: error}), **{**context, "lock": lock}), 422
    try:
        if decision == "approve":
            version = listing.approve(actor(), expected_lock=lock, reason=reason)
            message = gettext("Godkjent: «%(name)s» er publisert som versjon %(version)s.", name=service.name, version=version)
        else:
            listing.reject(actor(), expected_lock=lock, reason=reason)
            message = gettext("Avvist: «%(name)s» er sendt tilbake til leverandøren.", name=service.name)
        session.commit()
    except Conflict:
        session.rollback()
        abort(409)
    except Incomplete as err:
        session.rollback()
        return render_template("manager/review.html", reason=reason, errors=texts(err.errors),
                               **{**context, "lock": lock}), 422
    say(message)
    return redirect(url_for("manager.services"))


@bp.get("/tjenester/<int:service_id>/versjoner")
@roles_required(MANAGER)
def versions(service_id: int):
    """Every published version of any service, with the diff between consecutive versions."""
    service = get_session().get(Service, service_id)
    if service is None:
        abort(404)
    return render_versions("supplier/versions.html", service)


@bp.get("/logg")
@roles_required(MANAGER)
def log():
    """The audit log: who did what, for which organisation, when, before and after; filtered and paged."""
    session = get_session()
    log_filter, errors = auditlog.read_filter(request.args)
    page = max(1, min(request.args.get("side", 1, type=int) or 1, 100_000))
    total, rows = auditlog.query(session, log_filter if not errors else auditlog.LogFilter(), page=page)
    pages = max(1, -(-total // auditlog.PER_PAGE))
    if page > pages and total:
        abort(404)
    service_ids = {event.service_id for event, _ in rows if event.service_id}
    lang = current_lang()
    names: dict[str, str] = {}
    name_of = diffs.names_from(session, lang)
    lookup = offline_lookup(current_app.config)
    entries = [(event, supplier, auditview.action_label(event.action),
                auditview.org_label(session, event.acting_for, names, lookup),
                auditview.changes(event, name_of=name_of, lang=lang,
                                  org=lambda v: auditview.org_label(session, v, names, lookup))) for event, supplier in rows]
    return render_template("manager/log.html", entries=entries, total=total, page=page, pages=pages,
                           filter=log_filter, args=log_filter.to_args(), errors=texts(errors),
                           actions=[(a, auditview.action_label(a)) for a in auditlog.actions(session)],
                           suppliers=auditlog.suppliers(session),
                           service_names=auditlog.service_names(session, service_ids)), (422 if errors else 200)


@bp.get("/logg.csv")
@roles_required(MANAGER)
def log_csv():
    """The filtered audit log as CSV: one line per changed field (at most ``auditlog.MAX_EXPORT`` events)."""
    session = get_session()
    log_filter, errors = auditlog.read_filter(request.args)
    if errors:
        abort(400)
    _, rows = auditlog.query(session, log_filter, page=1, per_page=auditlog.MAX_EXPORT)
    names = auditlog.service_names(session, {event.service_id for event, _ in rows if event.service_id})
    body = auditview.csv_export(session, rows, lang=current_lang(), service_names=names,
                                lookup=offline_lookup(current_app.config))
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="revisjonslogg.csv"', "Cache-Control": "private, no-store"})
