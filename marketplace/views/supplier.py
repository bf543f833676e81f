"""The supplier area (/leverandor): company registration, DPS applications, service listings.

Views are thin: they read the request, call ``catalogue.registration`` /
``catalogue.qualification`` / ``catalogue.listings`` and render. Every view needs the
supplier role; everything a supplier touches is checked to be its own (another supplier's
service, application or document answers 404, as if it did not exist).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from auth.guards import current_viewer, roles_required
from catalogue.viewer import SUPPLIER
from catalogue import diff as diffs
from catalogue import certificates, listings, qualification, registration
from catalogue.documents import MAX_BYTES, SERVICE_KINDS, StorageFailed
from catalogue.lifecycle import DomainError, IllegalTransition, Incomplete
from catalogue.listing import NOTHING_TO_WITHDRAW, Conflict, Listing, open_revisions_of
from catalogue.models import Category, Service, Supplier
from catalogue.pending_uploads import token_field
from catalogue.qualification import Application
from catalogue.suppliers import by_orgnr
from catalogue.terms import TERMS
from marketplace.checkstep import ask, check_first, not_formal
from marketplace.db import get_session
from marketplace.registry import register_lookup
from marketplace.htmx import hx_page, is_htmx, render_page
from marketplace.kept_uploads import discard, keep_for_retry, release, with_kept
from marketplace.templating import current_lang
from marketplace.web import (commit_or_conflict, documents_of, domain_message, message_text, post_limit,
                             render_versions, say, texts)

bp = Blueprint("supplier", __name__, url_prefix="/leverandor")


# ---------------------------------------------------------------------------
# helpers


def own_supplier() -> Supplier | None:
    viewer = current_viewer()
    return get_session().get(Supplier, viewer.supplier_id) if viewer.supplier_id else None


def require_supplier() -> Supplier:
    """The registered company the person acts for; otherwise off to registration."""
    supplier = own_supplier()
    if supplier is None:
        say(gettext("Registrer selskapet før du går videre."), "error")
        abort(redirect(url_for("supplier.register")))
    return supplier


def own_service(service_id: int) -> Service:
    service = listings.service_for_supplier(get_session(), service_id, current_viewer().supplier_id)
    if service is None:
        abort(404)
    return service


DOCUMENT_FIELDS = {listings.document_field(kind): kind for kind in SERVICE_KINDS}


def listing_files(form_key: str):
    """The listing form's files by field id – the chosen ones (read to at most one byte over the limit, so
    size is checked without reading more) and those kept from its refused post – and the kept rows used."""
    chosen = {}
    for name, storage in request.files.items(multi=True):
        if storage.filename and (name in DOCUMENT_FIELDS or certificates.ROW_FILE.fullmatch(name or "")):
            chosen[name] = (storage.filename, storage.stream.read(MAX_BYTES + 1))
    fields = list(DOCUMENT_FIELDS) + [f"terms-{certificates.CERTIFICATES_TERM}-{i}-document-file"
                                      for i in range(TERMS[certificates.CERTIFICATES_TERM].max_rows * 4)]
    return with_kept(form_key, chosen, fields, request.form)


def split_listing_files(files) -> tuple[dict[str, tuple[str, bytes]], dict[int, tuple[str, bytes]]]:
    """``(documents by kind, certificate PDFs by row number)``."""
    uploads = {DOCUMENT_FIELDS[name]: f for name, f in files.items() if name in DOCUMENT_FIELDS}
    rows = {}
    for name, f in files.items():
        found = certificates.ROW_FILE.fullmatch(name)
        if found:
            rows[int(found.group(1))] = f
    return uploads, rows


def listing_form_key(service: Service | None) -> str:
    return f"listing:{service.id}" if service is not None else "listing:new"


def upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def actor():
    return current_viewer().actor()


def form_context(listing: Listing | None, values: Mapping[str, Any], errors: Mapping[str, Any], *,
                 lock: Any = None) -> dict[str, Any]:
    session = get_session()
    service = listing.service if listing else None
    return dict(service=service, listing=listing, values=values, errors=texts(errors), listing_form=listings.LISTING_FORM,
                lock=lock if lock is not None else (service.lock_version if service else None),
                categories=listings.subcategory_options(session),
                dps_list=listings.dps_options(session, service.supplier_id if service else current_viewer().supplier_id,
                                           values.get("dps_id")),
                sections=listings.sections(), documents=documents_of(listing.editable_content() if listing else {}),
                rejection=listing.rejection_reason if listing else None)


def form_page(listing: Listing | None, values: Mapping[str, Any], errors: Mapping[str, Any], status: int = 200, *,
              lock: Any = None, conflict: bool = False):
    return render_template("supplier/service_form.html", **form_context(listing, values, errors, lock=lock),
                           conflict=conflict), status


def storage_failed(listing: Listing | None, raw: Mapping[str, Any], failed: StorageFailed, *, lock: Any = None):
    """The upload could not be written: the same form back, filled in, with the reason at the file field."""
    current_app.logger.error("Upload not stored (errno %s): nothing saved", failed.errno)
    return form_page(listing, raw, {listings.document_field(failed.kind): failed.message}, 503, lock=lock)


def with_extra_row(raw: dict[str, Any], action: str) -> dict[str, Any]:
    """No-JS "Legg til rad": the same form back with one more empty row in that row field."""
    term = TERMS.get(action.partition(":")[2])
    if term is not None and term.has_rows:
        rows = list(raw["terms"].get(term.key) or [])
        raw["terms"][term.key] = (rows or [{}]) + [{}]
    return raw


# ---------------------------------------------------------------------------
# dashboard and registration


@bp.get("/")
@roles_required(SUPPLIER)
def dashboard():
    """The supplier's own page: services with their status, DPS applications, what to do next."""
    session = get_session()
    supplier = own_supplier()
    if supplier is None:
        return render_template("supplier/dashboard.html", supplier=None,
                               existing=by_orgnr(session, current_viewer().orgnr))
    revisions = open_revisions_of(session, supplier.id)
    services = session.exec(select(Service).where(Service.supplier_id == supplier.id)
                            .order_by(Service.status, Service.name)).all()
    return render_template("supplier/dashboard.html", supplier=supplier,
                           listings=[Listing(session, s, revisions.get(s.id)) for s in services],
                           standings=[s for s in qualification.standing_of(session, supplier.id) if s.involved],
                           dps_list=qualification.all_dps(session), is_open=qualification.is_open)


def register_page(**context):
    return render_template("supplier/register.html", registration_fields=(registration.WEBSITE, registration.DESCRIPTION), **context)


def _lookup():
    return register_lookup(current_app.config)


@bp.route("/registrer", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@post_limit("REGISTRATION_RATE_LIMIT", "10/minute")
@not_formal("registration has its own check step: the register's details are shown before «Registrer»")
def register():
    """Register the company the person acts for: check the number, show the register's data, confirm."""
    viewer = current_viewer()
    session = get_session()
    if viewer.supplier_id is not None:
        existing = session.get(Supplier, viewer.supplier_id)
        if registration.is_member(session, viewer.user_id, existing.id):
            say(gettext("Selskapet er allerede registrert."))
            return redirect(url_for("supplier.dashboard"))
        return register_page(step="number", orgnr=viewer.orgnr, existing=existing, can_join=True,
                             errors=texts({registration.ORGNR_FIELD: registration.already_registered(existing)}))
    if request.method == "GET":
        return register_page(step="number", orgnr=viewer.orgnr, errors={})
    raw_orgnr = request.form.get(registration.ORGNR_FIELD, "")
    check = registration.check_company(session, raw_orgnr, acting_orgnr=viewer.orgnr, lookup=_lookup())
    if not check.ok:
        return register_page(step="number", orgnr=raw_orgnr, errors=texts(check.errors), existing=check.existing,
                             can_join=check.existing is not None and check.existing.orgnr == viewer.orgnr), 422
    if request.form.get("action") != "confirm":
        return register_page(step="confirm", entity=check.entity, errors={}, details={})
    details, errors = registration.clean_details({f.key: f.read_form(request.form)
                                                  for f in (registration.WEBSITE, registration.DESCRIPTION)})
    if errors:
        return register_page(step="confirm", entity=check.entity, errors=texts(errors), details=request.form), 422
    def taken():
        # Someone registered the same number a moment ago: tell them which one, as above.
        existing = by_orgnr(session, check.orgnr)
        return register_page(step="number", orgnr=raw_orgnr, existing=existing, can_join=existing is not None,
                             errors=texts({registration.ORGNR_FIELD: registration.already_registered(existing)})), 409

    try:
        supplier = registration.register(session, actor(), viewer.user_id, check.entity, details)
    except IntegrityError:  # the insert itself may meet the other registration
        session.rollback()
        return taken()
    conflict = commit_or_conflict(session, taken)
    if conflict is not None:
        return conflict
    say(gettext("%(name)s er registrert. Du kan nå legge inn tjenester og søke kvalifisering.", name=supplier.name))
    return redirect(url_for("supplier.dashboard"))


@bp.post("/registrer/bli-med")
@roles_required(SUPPLIER)
@post_limit("REGISTRATION_RATE_LIMIT", "10/minute")
@not_formal("asks to join a company already registered")
def join():
    """Join the existing registration of the company the person acts for."""
    viewer = current_viewer()
    session = get_session()
    supplier = by_orgnr(session, viewer.orgnr)
    if supplier is None:
        abort(404)
    registration.join(session, actor(), viewer.user_id, supplier, acting_orgnr=viewer.orgnr)
    session.commit()
    say(gettext("Du er nå registrert som bruker for %(name)s.", name=supplier.name))
    return redirect(url_for("supplier.dashboard"))


# ---------------------------------------------------------------------------
# service listings


# "Send til godkjenning" in the form saves the draft (uploads and all) and then asks at the check step
# of submit_service, which does the formal step.
_SAVES = "saves the draft; «Send til godkjenning» saves it and asks at the check step of supplier.submit_service"
_SENDS_TITLE, _SENDS_BUTTON = _l("Send tjenesten til godkjenning"), _l("Send til godkjenning")
_SENDS_EXPLAIN = _l("Forvalterne kontrollerer tjenesten før den publiseres. Du kan trekke innsendingen tilbake "
                    "så lenge den ikke er behandlet.")


def ask_to_send(service: Service):
    """The draft is saved: ask before sending it for approval (the check step of ``submit_service``)."""
    return ask(_SENDS_TITLE, explain=_SENDS_EXPLAIN, button=_SENDS_BUTTON,
               carried=[(listings.LOCK_FIELD, str(service.lock_version))],
               lines=[(_l("Tjeneste"), service.name)], action=url_for("supplier.submit_service", service_id=service.id),
               back=url_for("supplier.edit_service", service_id=service.id))


@bp.route("/tjenester/ny", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@not_formal(_SAVES)
def new_service():
    """A new listing: the form generated from the terms registry; saved as a draft or sent for approval."""
    supplier = require_supplier()
    session = get_session()
    if request.method == "GET":
        values = listings.empty_content()
        values["category_id"] = request.args.get("kategori", type=int)
        return form_page(None, values, {})
    raw = listings.read_form(request.form)
    action = request.form.get("action", "save")
    if action.startswith("add-row"):
        return form_page(None, with_extra_row(raw, action), {})
    submit = action == "submit"
    content, errors = listings.validate(session, supplier.id, raw, complete=submit)
    files, kept = listing_files(listing_form_key(None))
    uploads, cert_files = split_listing_files(files)
    errors.update(listings.check_uploads(uploads))
    errors.update(certificates.check_certificate_files(session, supplier.id, raw["terms"], cert_files))
    if errors:
        keep_for_retry(listing_form_key(None), files, kept)
        return form_page(None, raw, errors, 422)
    try:
        stored = certificates.store_certificate_files(session, actor(), upload_dir(), supplier.id, raw["terms"],
                                                      content, cert_files)
        listing = Listing.create(session, actor(), supplier.id, content, uploads=uploads, upload_dir=upload_dir())
        certificates.attach_to_service(session, stored, listing.service.id)
    except StorageFailed as failed:
        session.rollback()
        return storage_failed(None, raw, failed)
    done = release(kept)
    session.commit()
    discard(done)
    if submit:
        return ask_to_send(listing.service)
    say(gettext("Utkastet er lagret."))
    return redirect(url_for("supplier.service", service_id=listing.service.id))


@bp.route("/tjenester/<int:service_id>/rediger", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@not_formal(_SAVES)
def edit_service(service_id: int):
    """Edit a draft, or write the next version of a live service (reviewed before it goes live)."""
    require_supplier()
    service = own_service(service_id)
    session = get_session()
    listing = Listing(session, service)
    if not listing.can_edit:
        say(gettext("Tjenesten kan ikke endres nå: den er sendt til godkjenning eller fjernet."), "error")
        return redirect(url_for("supplier.service", service_id=service.id))
    if request.method == "GET":
        errors = {}
        if request.args.get("kontroller"):
            errors = listings.complete_errors(session, service.supplier_id, listing.editable_content())
        return form_page(listing, listing.editable_content(), errors, 422 if errors else 200)
    raw = listings.read_form(request.form)
    action = request.form.get("action", "save")
    lock = request.form.get(listings.LOCK_FIELD)
    if action.startswith("add-row"):
        return form_page(listing, with_extra_row(raw, action), {}, lock=lock)
    submit = action == "submit"
    content, errors = listings.validate(session, service.supplier_id, raw, complete=submit)
    form_key = listing_form_key(service)
    files, kept = listing_files(form_key)
    uploads, cert_files = split_listing_files(files)
    errors.update(listings.check_uploads(uploads))
    errors.update(certificates.check_certificate_files(session, service.supplier_id, raw["terms"], cert_files))
    if errors:
        keep_for_retry(form_key, files, kept)
        return form_page(listing, raw, errors, 422, lock=lock)
    try:
        stored = certificates.store_certificate_files(session, actor(), upload_dir(), service.supplier_id,
                                                      raw["terms"], content, cert_files)
        certificates.attach_to_service(session, stored, service.id)
        listing.save(actor(), content, expected_lock=lock, uploads=uploads, upload_dir=upload_dir())
        done = release(kept)
        session.commit()
        discard(done)
    except Conflict:
        session.rollback()
        keep_for_retry(form_key, files, kept)
        return form_page(Listing(session, service), raw, {}, 409, lock=lock, conflict=True)
    except StorageFailed as failed:
        session.rollback()
        return storage_failed(Listing(session, service), raw, failed, lock=lock)
    except Incomplete as err:
        session.rollback()
        keep_for_retry(form_key, files, kept)
        return form_page(Listing(session, service), raw, err.errors, 422, lock=lock)
    except IllegalTransition as err:
        session.rollback()
        if err.field:
            keep_for_retry(form_key, files, kept)
            return form_page(Listing(session, service), raw, {err.field: err.message}, 422, lock=lock)
        flash(domain_message(err), "error")
        return redirect(url_for("supplier.service", service_id=service.id))
    if submit:
        session.refresh(service)
        return ask_to_send(service)
    say(gettext("Endringene er lagret som utkast."))
    return redirect(url_for("supplier.service", service_id=service.id))


@bp.post("/tjenester/<int:service_id>/seksjon/<section>")
@roles_required(SUPPLIER)
@not_formal("saves one section of the draft")
def save_section(service_id: int, section: str):
    """htmx: save one section of the listing form (the rest of the form is left as it is)."""
    require_supplier()
    service = own_service(service_id)
    if section not in listings.sections():
        abort(404)
    session = get_session()
    raw = listings.read_form(request.form)
    lock = request.form.get(listings.LOCK_FIELD)
    content, errors = listings.validate(session, service.supplier_id, raw, complete=False, only=[section])
    problem = ""
    if not errors:
        try:
            Listing(session, service).save(actor(), content, expected_lock=lock)
            session.commit()
            lock = service.lock_version
        except DomainError as err:
            session.rollback()
            problem = domain_message(err)
    if not is_htmx():
        return redirect(url_for("supplier.edit_service", service_id=service.id))
    # htmx swaps only successful responses, so problems come back as 200 with the message in the section.
    # A failed save goes to the section (with its error summary), whatever the button aimed at, and the
    # summary takes the focus (HX-Retarget, HX-Reswap, HX-Trigger through Flask-HTMX).
    failed = bool(errors or problem)
    where = f"#seksjon-{section}"
    return hx_page("supplier/service_form.html", "section_fragment", section=section, problem=problem,
                   retarget=where if failed else None, reswap="outerHTML" if failed else None,
                   focus=f"{where} .error-summary" if failed else None,
                   **form_context(Listing(session, service), raw, errors, lock=lock))


def _field(key: str):
    for f in (*listings.TEXT_FIELDS, listings.FEATURES):
        if f.key == key:
            return f
    term = TERMS.get(key)
    # Tables of rows are checked on save, not field by field: swapping a whole table back while the
    # person types in its next row would drop what they typed (and chosen files).
    if term is None or term.type == "nsm_matrix" or term.has_rows:
        abort(404)
    return term


@bp.post("/tjenester/felt/<key>")
@roles_required(SUPPLIER)
@not_formal("checks one field while typing; writes nothing")
def validate_field(key: str):
    """htmx: check one field as the person leaves it; returns the field with its message."""
    field = _field(key)
    value = field.read_form(request.form)
    _clean, error = field.clean(value)
    if not is_htmx():
        return redirect(url_for("supplier.dashboard"))
    return render_page("supplier/service_form.html", "field_fragment", field=field, value=value,
                       error=str(error) if error else "")


@bp.get("/tjenester/rad/<term_key>")
@roles_required(SUPPLIER)
def add_row(term_key: str):
    """htmx: one more empty row for a row field (sub-processors)."""
    term = TERMS.get(term_key)
    if term is None or not term.has_rows:
        abort(404)
    index = min(request.args.get(f"{term.field_name}-count", 0, type=int), term.max_rows * 4)
    if not is_htmx():
        return redirect(url_for("supplier.dashboard"))
    return render_page("supplier/service_form.html", "row_fragment", term=term, index=max(index, 0))


@bp.get("/tjenester/<int:service_id>")
@roles_required(SUPPLIER)
def service(service_id: int):
    """One of the supplier's services: status, what awaits review and what changed, documents, actions."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    listing = Listing(session, svc)
    revision = listing.revision
    changes = []
    if revision is not None:
        changes = diffs.diff(listings.listing_content(svc), revision.content,
                             name_of=diffs.names_from(session, current_lang()), lang=current_lang())
    content = revision.content if revision is not None else listings.listing_content(svc)
    category = session.get(Category, svc.category_id)
    offers = listings.dps_to_offer_under(session, svc) if listing.can_offer_under_dps else []
    return render_template("supplier/service.html", service=svc, listing=listing, revision=revision,
                           changes=changes, category=category, documents=documents_of(content), offers=offers,
                           dps=session.get(qualification.DPS, svc.dps_id) if svc.dps_id else None,
                           dps_field=listings.DPS_FIELD,
                           live_documents=documents_of(listings.listing_content(svc)),
                           rejection=listing.rejection_reason, complete=not listings.complete_errors(
                               session, svc.supplier_id, content))


@bp.get("/tjenester/<int:service_id>/visning")
@roles_required(SUPPLIER)
def preview(service_id: int):
    """The listing read-only, with every term, as a logged-in buyer would see it – the version awaiting
    review when there is one (no need to withdraw it to read it), else the one being written or the live one."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    listing = Listing(session, svc)
    if listing.awaits_review:
        content = listing.pending_content()
    elif listing.can_edit:
        content = listing.editable_content()
    else:
        content = listings.listing_content(svc)
    return render_template("supplier/preview.html", service=svc, listing=listing, content=content,
                           supplier=session.get(Supplier, svc.supplier_id),
                           category=session.get(Category, content["category_id"]) if content.get("category_id") else None,
                           dps=session.get(qualification.DPS, content["dps_id"]) if content.get("dps_id") else None,
                           documents=documents_of(content), groups=TERMS.grouped())


def _chosen_dps(form) -> qualification.DPS | None:
    """The DPS a form names in its DPS field, if it exists."""
    raw = str(form.get(listings.DPS_FIELD) or "")
    return get_session().get(qualification.DPS, int(raw)) if raw.isdigit() and len(raw) < 10 else None


def _dps_named(form) -> list[tuple[Any, Any]]:
    """The check step's line: the DPS chosen."""
    dps = _chosen_dps(form)
    return [(_l("Innkjøpsordning"), dps.name)] if dps is not None else []


@bp.post("/tjenester/<int:service_id>/ordning")
@roles_required(SUPPLIER)
@check_first(_l("Tilby tjenesten under innkjøpsordningen"), button=_l("Tilby under ordningen"),
             guard=lambda service_id: (require_supplier(), own_service(service_id)), describe=_dps_named,
             explain=_l("Tjenesten får en ny versjon som bare skiller seg fra den publiserte ved ordningen. Innholdet "
                        "er godkjent fra før, så versjonen publiseres med en gang, uten ny godkjenning. Kjøpere i "
                        "ordningen finner den i søket."))
def offer_under_dps(service_id: int):
    """Put a published service under a DPS the supplier has since been qualified in: no new review round."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    dps = _chosen_dps(request.form)
    if dps is None:
        flash(gettext("Velg ordningen tjenesten skal tilbys under."), "error")
        return redirect(url_for("supplier.service", service_id=svc.id))
    try:
        version = Listing(session, svc).offer_under_dps(actor(), dps, expected_lock=request.form.get(listings.LOCK_FIELD))
    except Conflict:
        session.rollback()
        flash(gettext("Noen andre har endret tjenesten i mellomtiden. Ingenting er endret; prøv igjen."), "error")
        return redirect(url_for("supplier.service", service_id=svc.id))
    except IllegalTransition as err:
        session.rollback()
        flash(domain_message(err), "error")
        return redirect(url_for("supplier.service", service_id=svc.id))
    session.commit()
    flash(gettext("«%(service)s» tilbys nå under «%(dps)s» (versjon %(version)s).", service=svc.name, dps=dps.name,
                  version=version), "success")
    return redirect(url_for("supplier.service", service_id=svc.id))


@bp.post("/tjenester/<int:service_id>/send")
@roles_required(SUPPLIER)
@check_first(_SENDS_TITLE, button=_SENDS_BUTTON, explain=_SENDS_EXPLAIN,
             guard=lambda service_id: (require_supplier(), own_service(service_id)))
def submit_service(service_id: int):
    """Send the saved draft (or the saved edit) for approval."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    try:
        Listing(session, svc).submit(actor(), expected_lock=request.form.get(listings.LOCK_FIELD))
    except Conflict:
        session.rollback()
        say(gettext("Noen andre har endret tjenesten i mellomtiden. Ingenting er sendt; se over og prøv igjen."), "error")
        return redirect(url_for("supplier.service", service_id=svc.id)), 303
    except Incomplete:
        session.rollback()
        return redirect(url_for("supplier.edit_service", service_id=svc.id, kontroller=1))
    except IllegalTransition as err:
        session.rollback()
        flash(domain_message(err), "error")
        return redirect(url_for("supplier.service", service_id=svc.id))
    session.commit()
    say(gettext("Sendt til godkjenning."))
    return redirect(url_for("supplier.service", service_id=svc.id))


@bp.post("/tjenester/<int:service_id>/bekreft")
@roles_required(SUPPLIER)
@check_first(_l("Bekreft at opplysningene stemmer"), button=_l("Bekreft"),
             guard=lambda service_id: (require_supplier(), own_service(service_id)),
             explain=_l("Du bekrefter at den publiserte versjonen av tjenesten fortsatt er riktig og fullstendig. "
                        "Den går ikke til ny godkjenning; «Sist bekreftet» blir dagens dato. Er noe endret, "
                        "endre tjenesten i stedet."))
def confirm_service(service_id: int):
    """Confirm that the published version is still true, without a moderation round."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    try:
        Listing(session, svc).confirm(actor(), version=request.form.get("version"))
    except IllegalTransition as err:
        session.rollback()
        flash(domain_message(err), "error")
        return redirect(url_for("supplier.service", service_id=svc.id), 303)
    session.commit()
    flash(gettext("Opplysningene om «%(name)s» er bekreftet.", name=svc.name), "success")
    return redirect(url_for("supplier.service", service_id=svc.id), 303)


@bp.post("/tjenester/<int:service_id>/trekk-tilbake")
@roles_required(SUPPLIER)
@not_formal("takes a submission back to draft; it can be sent again")
def withdraw_service(service_id: int):
    """Take a submission back to draft, to change it before review."""
    require_supplier()
    svc = own_service(service_id)
    session = get_session()
    try:
        Listing(session, svc).withdraw(actor(), expected_lock=request.form.get(listings.LOCK_FIELD))
        session.commit()
        say(gettext("Innsendingen er trukket tilbake og kan endres."))
    except DomainError:
        session.rollback()
        flash(message_text(NOTHING_TO_WITHDRAW), "error")
    return redirect(url_for("supplier.service", service_id=svc.id))


@bp.route("/tjenester/<int:service_id>/fjern", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@check_first(_l("Fjern tjenesten fra markedsplassen"), button=_l("Fjern tjenesten"),
             guard=lambda service_id: (require_supplier(), own_service(service_id)),
             explain=_l("Tjenesten blir borte fra søk og sammenligning, og siden svarer at den er fjernet. Det kan ikke angres."))
def remove_service(service_id: int):
    """Remove a service from the marketplace (after confirmation); its page then answers 410 Gone."""
    require_supplier()
    svc = own_service(service_id)
    listing = Listing(get_session(), svc)
    if not listing.can_remove:
        abort(404)
    if request.method == "GET":
        return render_template("supplier/remove.html", service=svc, errors={}, reason="", lock=svc.lock_version,
                               field=listings.REMOVAL_REASON)
    session = get_session()
    reason, error = listings.REMOVAL_REASON.clean(request.form.get(listings.REMOVAL_REASON.field_name))
    lock = request.form.get(listings.LOCK_FIELD)
    if error:
        return render_template("supplier/remove.html", service=svc, reason=request.form.get(
            listings.REMOVAL_REASON.field_name, ""), lock=lock, field=listings.REMOVAL_REASON,
                               errors=texts({listings.REMOVAL_REASON.field_name: error})), 422
    try:
        listing.remove(actor(), expected_lock=lock, reason=reason or "")
        session.commit()
    except Conflict:
        session.rollback()
        abort(409)
    say(gettext("«%(name)s» er fjernet fra markedsplassen.", name=svc.name))
    return redirect(url_for("supplier.dashboard"))


@bp.get("/tjenester/<int:service_id>/versjoner")
@roles_required(SUPPLIER)
def versions(service_id: int):
    """Every published version of the service; with ?versjon=N, what changed from N-1 to N."""
    require_supplier()
    svc = own_service(service_id)
    return render_versions("supplier/versions.html", svc)


# ---------------------------------------------------------------------------
# DPS qualification


def _dps_or_404(slug: str):
    dps = qualification.dps_by_slug(get_session(), slug)
    if dps is None:
        abort(404)
    return dps


def read_tax_upload() -> dict[str, tuple[str, bytes]]:
    """The chosen tax certificate by field id (read to at most one byte over the limit), or nothing."""
    storage = request.files.get(qualification.TAX_CERTIFICATE_FIELD)
    if storage is None or not storage.filename:
        return {}
    return {qualification.TAX_CERTIFICATE_FIELD: (storage.filename, storage.stream.read(MAX_BYTES + 1))}


def _application_ready(form) -> bool:
    """Ask before sending only an application that would be accepted: one with errors gets them first."""
    if form.get("action") != "submit":
        return False
    supplier, dps, session = require_supplier(), _dps_or_404(request.view_args["slug"]), get_session()
    certificate = qualification.tax_certificate(session, qualification.open_application(session, dps.id, supplier.id))
    field = qualification.TAX_CERTIFICATE_FIELD
    chosen = request.files.get(field)
    has_file = bool(chosen and chosen.filename) or bool(form.get(token_field(field)))
    _, errors = qualification.validate_application(session, dps, supplier.id, qualification.read_application_form(form),
                                                   complete=True, has_tax_certificate=certificate is not None or has_file)
    return not errors


@bp.route("/dps/<slug>/soknad", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@check_first(_l("Send søknaden om kvalifisering"), button=_l("Send søknaden"), when=_application_ready,
             guard=lambda slug: (require_supplier(), _dps_or_404(slug)),
             explain=_l("Avtaleforvalteren behandler søknaden innen ti arbeidsdager. Den kan ikke endres mens den behandles."))
def application(slug: str):
    """Apply for qualification in categories of a DPS: self-declarations, tax certificate; draft, then submit."""
    supplier = require_supplier()
    dps = _dps_or_404(slug)
    session = get_session()
    app_row = qualification.open_application(session, dps.id, supplier.id)
    if app_row is not None and Application(app_row).awaits_decision:
        return redirect(url_for("supplier.application_status", application_id=app_row.id))
    states = qualification.category_states(session, dps.id, supplier.id)
    certificate = qualification.tax_certificate(session, app_row)
    context = dict(dps=dps, application=app_row, states=states, certificate=certificate,
                   declarations=qualification.DECLARATIONS, application_form=qualification.APPLICATION_FORM, closed=qualification.period_error(dps))
    if request.method == "GET":
        decl = (app_row.declarations or {}) if app_row else {}
        answers, given_at = decl.get("answers", {}), None
        if app_row is None:  # a new application starts from the declarations given before (once-only)
            answers, given_at = qualification.previous_answers(session, supplier.id)
        errors = texts({qualification.PERIOD_FIELD: context["closed"]}) if context["closed"] else {}
        return render_template("supplier/application.html", values={
            "categories": decl.get("categories", []), "answers": answers,
            "tax_certificate_issued": decl.get("tax_certificate_issued") or ""}, prefilled_at=given_at,
            errors=errors, **context)
    raw = qualification.read_application_form(request.form)
    submit = request.form.get("action") == "submit"
    form_key, field = f"application:{dps.id}", qualification.TAX_CERTIFICATE_FIELD
    files, kept = with_kept(form_key, read_tax_upload(), [field], request.form)
    upload = files.get(field)
    clean, errors = qualification.validate_application(
        session, dps, supplier.id, raw, complete=submit, has_tax_certificate=certificate is not None or bool(upload))
    problem = qualification.check_upload(upload[1] if upload else None)
    if problem:
        errors[qualification.TAX_CERTIFICATE_FIELD] = problem
    if errors:
        keep_for_retry(form_key, files, kept)
        return render_template("supplier/application.html", values=raw, errors=texts(errors), **context), 422
    try:
        saved = Application.save(session, actor(), dps, supplier.id, clean, application=app_row, upload=upload,
                                 upload_dir=upload_dir())
        if submit:
            session.flush()
            saved.apply(session, actor())
        done = release(kept)
        session.commit()
        discard(done)
        app_row = saved.application
    except Incomplete as err:
        session.rollback()
        keep_for_retry(form_key, files, kept)
        return render_template("supplier/application.html", values=raw, errors=texts(err.errors), **context), 422
    except DomainError as err:
        session.rollback()
        keep_for_retry(form_key, files, kept)
        return render_template("supplier/application.html", values=raw,
                               errors=texts({err.field: err.message}), **context), 422
    if submit:
        say(gettext("Søknaden er sendt. Avtaleforvalteren svarer innen %(due_date)s.", due_date=f'{app_row.due_date:%d.%m.%Y}'))
        return redirect(url_for("supplier.application_status", application_id=app_row.id))
    say(gettext("Søknaden er lagret som utkast."))
    return redirect(url_for("supplier.application", slug=dps.slug))


@bp.get("/soknader/<int:application_id>")
@roles_required(SUPPLIER)
def application_status(application_id: int):
    """An application of the supplier's: status per category, reasons, due date."""
    require_supplier()
    session = get_session()
    app_row = qualification.application_for_supplier(session, application_id, current_viewer().supplier_id)
    if app_row is None:
        abort(404)
    dps = session.get(qualification.DPS, app_row.dps_id)
    return render_template("supplier/application_status.html", application=Application(app_row), dps=dps,
                           outcomes=qualification.qualifications_of(session, app_row.id),
                           certificate=qualification.tax_certificate(session, app_row),
                           declarations=qualification.DECLARATIONS)
