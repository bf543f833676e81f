"""Competitions in a DPS category: the buyer's drafting, publication, questions, opening,
evaluation, award and record; the invited supplier's questions and tender; the public notice;
the contract manager's overview. The domain (catalogue.competitions) decides; views only ask.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlmodel import select

from auth.guards import current_viewer, public, roles_required
from catalogue.viewer import BUYER, MANAGER, SUPPLIER
from catalogue import compare as cmp
from catalogue import qualification
from catalogue.competitions import drafting, evaluation, questions, record, tendering
from catalogue.competitions.lifecycle import CompetitionLife, TenderLife, invited_ids
from catalogue.competitions.models import Competition, CompetitionChange, CompetitionDocument, Question, Tender, \
    TenderStatus
from catalogue.competitions.store import competition_documents, read_competition_document, store_competition_document
from catalogue.documents import check_pdf
from catalogue.lifecycle import N_, DomainError
from catalogue.models import DPS, Category, Supplier
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.web import post_limit
from marketplace.htmx import render_page
from marketplace.templating import current_lang

bp = Blueprint("competitions", __name__, url_prefix="/konkurranser")


# --- small helpers ----------------------------------------------------------------------------


def now() -> datetime:
    """Server time: every deadline is checked against it, to the second."""
    return datetime.now(timezone.utc)


def seal_secret() -> str:
    return current_app.config.get("TENDER_SEAL_KEY") or current_app.config["SECRET_KEY"]


def message(err: DomainError) -> str:
    text = gettext(err.message)
    return text % err.params if err.params else text


def buyer_org() -> str:
    return current_viewer().actor().acting_for


def competition_or_404(competition_id: int) -> Competition:
    comp = get_session().get(Competition, competition_id)
    if comp is None:
        abort(404)
    return comp


def visible_or_404(competition_id: int) -> Competition:
    """A draft exists only for its buyer; a published competition's notice is public."""
    comp = competition_or_404(competition_id)
    if not CompetitionLife(comp).is_public and not is_owner(comp):
        abort(404)
    return comp


def is_owner(comp: Competition) -> bool:
    viewer = current_viewer()
    return viewer.is_buyer and comp.buyer_org == buyer_org()


def own_or_404(competition_id: int) -> Competition:
    comp = competition_or_404(competition_id)
    if not is_owner(comp):
        abort(404)
    return comp


def invited_or_404(competition_id: int) -> Competition:
    comp = visible_or_404(competition_id)
    if not tendering.is_invited(get_session(), comp, current_viewer().supplier_id):
        abort(404)
    return comp


def done(comp: Competition, text: str, endpoint: str = "competitions.notice"):
    get_session().commit()
    flash(text, "success")
    return redirect(url_for(endpoint, competition_id=comp.id), code=303)


def refused(comp: Competition, err: DomainError, endpoint: str = "competitions.notice"):
    """A refused step: nothing is written, the person is told why on the page it came from."""
    get_session().rollback()
    flash(message(err), "error")
    return redirect(url_for(endpoint, competition_id=comp.id), code=303)


def categories_for_buyer() -> list[tuple[str, str]]:
    """(``<dps id>:<category id>``, label) for every category of every open DPS."""
    db = get_session()
    lang = current_lang()
    out = []
    for dps in qualification.all_dps(db):
        if qualification.is_open(dps):
            for cat in qualification.dps_categories(db, dps.id):
                out.append((f"{dps.id}:{cat.id}", f"{dps.name} – {cat.name(lang)}"))
    return out


def form_context(comp: Competition | None, data: drafting.DraftInput, errors: dict, req_errors: dict | None = None):
    db = get_session()
    impact = drafting.impact(db, comp, now()) if comp is not None else None
    return dict(comp=comp, data=data, errors={k: gettext(v) for k, v in errors.items()},
                req_errors=req_errors or {}, requirement_groups=cmp.requirement_groups(), cmp=cmp,
                lang=current_lang(), categories=categories_for_buyer(), impact=impact,
                impact_rows={r["key"]: r for r in (impact or {}).get("requirements", [])},
                describe=drafting.describe, life=CompetitionLife(comp, now()) if comp else None,
                documents=competition_documents(db, comp) if comp else [], max_quality=drafting.MAX_QUALITY)


# --- lists ----------------------------------------------------------------------------------------


@bp.get("/")
@public
def index():
    """Published competitions (public notices); the buyer's own; the supplier's invitations."""
    db = get_session()
    viewer = current_viewer()
    published = db.exec(select(Competition).where(Competition.published_at.is_not(None))
                        .order_by(Competition.published_at.desc())).all()
    own = db.exec(select(Competition).where(Competition.buyer_org == buyer_org())
                  .order_by(Competition.updated_at.desc())).all() if viewer.is_buyer else []
    invited = []
    if viewer.is_supplier and viewer.supplier_id:
        invited = [c for c in published if tendering.is_invited(db, c, viewer.supplier_id)]
    return render_page("competitions/index.html", published=published, own=own, invited=invited,
                       life=lambda c: CompetitionLife(c, now()))


@bp.get("/oversikt")
@roles_required(MANAGER)
def oversight():
    """The contract manager: every competition with its state and outcome."""
    db = get_session()
    rows = db.exec(select(Competition, Category).join(Category, Category.id == Competition.category_id)
                   .order_by(Competition.created_at.desc())).all()
    counts = {}
    for comp, _cat in rows:
        counts[comp.id] = (len(invited_ids(db, comp)),
                           len(evaluation.opened_tenders(db, comp)) if comp.opened_at else None)
    winners = dict(db.exec(select(Tender.id, Supplier.name).join(Supplier, Supplier.id == Tender.supplier_id)
                           .where(Tender.id.in_([c.awarded_tender_id for c, _ in rows if c.awarded_tender_id]))).all())
    return render_page("competitions/oversight.html", rows=rows, counts=counts, winners=winners,
                       life=lambda c: CompetitionLife(c, now()))


# --- drafting -------------------------------------------------------------------------------------


@bp.route("/ny", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("saves a draft competition")
def new():
    """A new competition in one category of a DPS (the draft)."""
    data = drafting.read_form(request.form) if request.method == "POST" else drafting.DraftInput()
    chosen = (request.form.get("kategori") if request.method == "POST" else request.args.get("kategori")) or ""
    if request.method == "GET":
        chosen = chosen or _from_shortlist(request.args.get("liste", ""), data)
        return render_page("competitions/form.html", chosen=chosen, **form_context(None, data, {}))
    db = get_session()
    clean, errors = drafting.validate(data)
    errors.update(drafting.requirement_errors(request.form))
    dps, category = _category_choice(chosen)
    if category is None:
        errors["kategori"] = N_("Velg ordning og kategori.")
    if not errors:
        viewer = current_viewer()
        try:
            comp = drafting.create(db, viewer.actor(), dps, category, viewer.org_name, clean, now())
        except DomainError as err:
            errors[err.field or "kategori"] = err.message
        else:
            return done(comp, gettext("Utkastet er lagret."), "competitions.edit")
    db.rollback()
    return render_page("competitions/form.html", chosen=chosen, **form_context(None, data, errors)), 422


def _from_shortlist(raw_id: str, data: drafting.DraftInput) -> str:
    """Starting from a frozen shortlist: its name as the title, and its category when the
    services in it share one top-level category that an open DPS covers."""
    from catalogue import shortlists

    if not raw_id.isdigit() or len(raw_id) > 9:
        return ""
    db = get_session()
    shortlist = shortlists.get_readable(db, current_viewer(), int(raw_id))
    if shortlist is None or not shortlist.is_frozen:
        return ""
    data.title = shortlist.name[:200]
    tops = {e.category.parent_id or e.category.id for e in shortlists.frozen_entries(db, shortlist) if e.category}
    if len(tops) != 1:
        return ""
    top = tops.pop()
    for value, _label in categories_for_buyer():
        if value.endswith(f":{top}"):
            return value
    return ""


def _category_choice(raw: str) -> tuple[DPS | None, Category | None]:
    db = get_session()
    try:
        dps_id, cat_id = (int(x) for x in raw.split(":", 1))
    except ValueError:
        return None, None
    if not (0 < dps_id < 2**31 and 0 < cat_id < 2**31):
        return None, None
    dps, category = db.get(DPS, dps_id), db.get(Category, cat_id)
    if dps is None or category is None or not qualification.is_open(dps) or \
            not qualification.dps_covers(db, dps.id, category.id):
        return None, None
    return dps, category


@bp.route("/<int:competition_id>/rediger", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("saves the draft competition")
def edit(competition_id: int):
    """Edit the draft; the requirement impact is shown beside each requirement from the registry."""
    comp = own_or_404(competition_id)
    db = get_session()
    if request.method == "GET":
        return render_page("competitions/form.html", "impact", chosen="",
                           **form_context(comp, drafting.DraftInput.from_competition(comp), {}))
    data = drafting.read_form(request.form)
    clean, errors = drafting.validate(data)
    errors.update(drafting.requirement_errors(request.form))
    if not errors:
        try:
            drafting.save(db, current_viewer().actor(), comp, clean, now())
        except DomainError as err:
            errors[err.field or "tittel"] = err.message
        else:
            return done(comp, gettext("Utkastet er lagret."), "competitions.edit")
    db.rollback()
    db.refresh(comp)
    return render_page("competitions/form.html", "impact", chosen="", **form_context(comp, data, errors)), 422


@bp.post("/<int:competition_id>/dokumenter")
@roles_required(BUYER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@not_formal("adds a document to the draft, or to the published competition before the deadline")
def upload(competition_id: int):
    """Add a document (PDF) to the draft or, before the deadline, to the published competition."""
    comp = own_or_404(competition_id)
    life = CompetitionLife(comp, now())
    file = request.files.get("dokument")
    data = file.read() if file else b""
    target = "competitions.edit" if life.can_edit else "competitions.notice"
    if not (life.can_edit or life.can_correct):
        return refused(comp, DomainError(N_("Dokumenter kan bare legges til før tilbudsfristen.")), target)
    problem = check_pdf(data)
    if problem:
        return refused(comp, DomainError(N_("Dokumentet må være en PDF på høyst 10 MB.")), target)
    store_competition_document(get_session(), current_viewer().actor(), current_app.config["UPLOAD_DIR"], comp,
                               file.filename, data, now())
    return done(comp, gettext("Dokumentet er lagt til."), target)


@bp.get("/<int:competition_id>/dokumenter/<int:document_id>")
@roles_required(BUYER, SUPPLIER, MANAGER)
def document(competition_id: int, document_id: int):
    """A competition document: for the buyer, the invited suppliers and the contract manager."""
    comp = competition_or_404(competition_id)
    viewer = current_viewer()
    allowed = is_owner(comp) or viewer.is_manager or (
        CompetitionLife(comp).is_public and tendering.is_invited(get_session(), comp, viewer.supplier_id))
    doc = get_session().get(CompetitionDocument, document_id)
    if not allowed or doc is None or doc.competition_id != comp.id:
        abort(404)
    data = read_competition_document(current_app.config["UPLOAD_DIR"], doc)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=doc.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:competition_id>/kunngjor")
@roles_required(BUYER)
@check_first(_l("Kunngjør konkurransen"), button=_l("Kunngjør og inviter"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("Alle leverandører som er kvalifisert i kategorien nå, blir invitert og varslet. "
                        "Kunngjøringen blir offentlig og kan ikke trekkes tilbake, bare rettes eller avlyses."))
def publish(competition_id: int):
    """Publish: the rules are checked, every qualified supplier is invited and notified."""
    comp = own_or_404(competition_id)
    try:
        invitations = CompetitionLife(comp, now()).publish(get_session(), current_viewer().actor(), now())
    except DomainError as err:
        return refused(comp, err, "competitions.edit")
    return done(comp, gettext("Konkurransen er kunngjort. %(num)s leverandører er invitert.", num=len(invitations)))


@bp.route("/<int:competition_id>/endre", methods=["GET", "POST"])
@roles_required(BUYER)
@check_first(_l("Kunngjør endringen"), button=_l("Kunngjør endringen"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("Endringen vises i endringshistorikken, og alle inviterte leverandører varsles."),
             describe=lambda form: [(_l("Hva er endret, og hvorfor"), form.get("endring", ""))])
def correct(competition_id: int):
    """Correct or extend the published competition before the deadline (change history, notification)."""
    comp = own_or_404(competition_id)
    db = get_session()
    data = drafting.DraftInput.from_competition(comp)
    errors: dict[str, str] = {}
    summary = ""
    if request.method == "POST":
        data.need = (request.form.get("behov") or "").strip()
        data.tender_date = (request.form.get("tilbudsfrist-dato") or "").strip()
        data.tender_time = (request.form.get("tilbudsfrist-tid") or "").strip()
        data.question_date = (request.form.get("sporsmalsfrist-dato") or "").strip()
        data.question_time = (request.form.get("sporsmalsfrist-tid") or "").strip()
        summary = request.form.get("endring") or ""
        clean, all_errors = drafting.validate(data)
        errors = {k: v for k, v in all_errors.items() if k in ("behov", "tilbudsfrist-dato", "sporsmalsfrist-dato")}
        if not errors:
            changes = {k: clean[k] for k in ("need", "tender_deadline", "question_deadline")}
            try:
                CompetitionLife(comp, now()).correct(db, current_viewer().actor(), changes, summary[:2000], now())
            except DomainError as err:
                errors[{"tender_deadline": "tilbudsfrist-dato", "question_deadline": "sporsmalsfrist-dato",
                        "summary": "endring"}.get(err.field, "endring")] = message(err)
            else:
                return done(comp, gettext("Endringen er kunngjort og de inviterte er varslet."))
        db.rollback()
        db.refresh(comp)
    errors = {k: gettext(v) if k != "endring" and "%" not in v else v for k, v in errors.items()}
    status = 422 if errors else 200
    return render_page("competitions/correct.html", comp=comp, data=data, errors=errors, summary=summary,
                       life=CompetitionLife(comp, now())), status


@bp.route("/<int:competition_id>/avlys", methods=["GET", "POST"])
@roles_required(BUYER)
@check_first(_l("Avlys konkurransen"), button=_l("Avlys konkurransen"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("Alle inviterte leverandører varsles med begrunnelsen. Avlysningen kan ikke angres."),
             describe=lambda form: [(_l("Begrunnelse"), form.get("begrunnelse", ""))])
def cancel(competition_id: int):
    """Cancel (before a contract), with a reason; everyone invited is notified."""
    comp = own_or_404(competition_id)
    life = CompetitionLife(comp, now())
    errors = {}
    reason = request.form.get("begrunnelse") or ""
    if request.method == "POST":
        try:
            life.cancel(get_session(), current_viewer().actor(), reason[:2000], now())
        except DomainError as err:
            get_session().rollback()
            errors["begrunnelse"] = message(err)
        else:
            return done(comp, gettext("Konkurransen er avlyst."))
    return render_page("competitions/cancel.html", comp=comp, life=life, errors=errors,
                       reason=reason), 422 if errors else 200


# --- the competition page (public notice and the role's actions) -----------------------------------


@bp.get("/<int:competition_id>")
@public
def notice(competition_id: int):
    """The notice: what is bought, by whom, the deadline and how many were invited – never tenders."""
    comp = visible_or_404(competition_id)
    db = get_session()
    viewer = current_viewer()
    life = CompetitionLife(comp, now())
    invited = tendering.is_invited(db, comp, viewer.supplier_id) if viewer.is_supplier else False
    own = is_owner(comp)
    changes = db.exec(select(CompetitionChange).where(CompetitionChange.competition_id == comp.id)
                      .order_by(CompetitionChange.version)).all()
    category = db.get(Category, comp.category_id)
    qualified_now = viewer.is_supplier and viewer.supplier_id is not None and qualification.is_qualified(
        db, viewer.supplier_id, comp.dps_id, comp.category_id)
    return render_page("competitions/notice.html", comp=comp, life=life, category=category, dps=db.get(DPS, comp.dps_id),
                       invited_count=len(invited_ids(db, comp)), invited=invited, own=own, changes=changes,
                       qualified_now=qualified_now, describe=drafting.describe, lang=current_lang(),
                       documents=competition_documents(db, comp) if (own or invited or viewer.is_manager) else [],
                       winner=_winner_name(comp, life))


def _winner_name(comp: Competition, life: CompetitionLife) -> str:
    tender = life.awarded_tender(get_session())
    supplier = get_session().get(Supplier, tender.supplier_id) if tender else None
    return supplier.name if supplier else ""


# --- questions and answers ---------------------------------------------------------------------------


@bp.get("/<int:competition_id>/sporsmal")
@roles_required(BUYER, SUPPLIER, MANAGER)
def qa(competition_id: int):
    """Questions and answers: invited suppliers ask; the buyer answers; answers go to all invited."""
    comp = visible_or_404(competition_id)
    return _render_qa(comp, {}, "")


def _render_qa(comp: Competition, errors: dict, text: str):
    db = get_session()
    viewer = current_viewer()
    invited = viewer.is_supplier and tendering.is_invited(db, comp, viewer.supplier_id)
    own = is_owner(comp)
    if not (own or invited or viewer.is_manager):
        abort(404)
    return render_page("competitions/questions.html", comp=comp, life=CompetitionLife(comp, now()), own=own,
                       invited=invited, errors=errors, text=text,
                       answered=questions.published(db, comp),
                       all_questions=questions.all_of(db, comp) if own else [],
                       mine=questions.own(db, comp, viewer.supplier_id) if invited else []), 422 if errors else 200


@bp.post("/<int:competition_id>/sporsmal/nytt")
@roles_required(SUPPLIER)
@not_formal("sends a question to the buyer, who decides whether and how to answer")
def ask(competition_id: int):
    """An invited supplier asks (until the question deadline)."""
    comp = invited_or_404(competition_id)
    db = get_session()
    viewer = current_viewer()
    text = request.form.get("sporsmal") or ""
    try:
        questions.ask(db, viewer.actor(), comp, viewer.supplier_id, text, now())
    except DomainError as err:
        db.rollback()
        return _render_qa(comp, {"sporsmal": message(err)}, text[:4000])
    return done(comp, gettext("Spørsmålet er sendt til oppdragsgiveren."), "competitions.qa")


@bp.post("/<int:competition_id>/sporsmal/<int:question_id>/svar")
@roles_required(BUYER)
@check_first(_l("Publiser svaret"), button=_l("Publiser svaret"), guard=lambda competition_id, question_id: own_or_404(competition_id),
             explain=_l("Svaret publiseres til alle inviterte leverandører og kan ikke trekkes tilbake."),
             describe=lambda form: [(_l("Svar"), form.get("svar", ""))])
def answer(competition_id: int, question_id: int):
    comp = own_or_404(competition_id)
    db = get_session()
    question = db.get(Question, question_id)
    if question is None or question.competition_id != comp.id:
        abort(404)
    try:
        questions.answer(db, current_viewer().actor(), comp, question, request.form.get("svar") or "", now())
    except DomainError as err:
        return refused(comp, err, "competitions.qa")
    return done(comp, gettext("Svaret er publisert til alle inviterte leverandører."), "competitions.qa")


# --- the supplier's tender ------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/tilbud", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@post_limit("UPLOAD_RATE_LIMIT", "30/minute")
@check_first(_l("Lever tilbudet"), button=_l("Lever tilbudet"), when=lambda form: form.get("handling") == "lever",
             guard=lambda competition_id: invited_or_404(competition_id),
             explain=_l("Tilbudet forsegles til åpningen etter fristen. Et tidligere levert tilbud erstattes. "
                        "Dere kan trekke tilbudet og levere et nytt før fristen."))
def tender(competition_id: int):
    """The invited supplier's tender: save the draft, submit (replacing an earlier one)."""
    comp = invited_or_404(competition_id)
    db = get_session()
    viewer = current_viewer()
    secret = seal_secret()
    errors: dict[str, str] = {}
    draft = tendering.of_supplier(db, comp, viewer.supplier_id, TenderStatus.DRAFT)
    data = tendering.own_draft_input(secret, draft)
    if request.method == "POST":
        data = tendering.read_form(request.form, comp)
        submitting = request.form.get("handling") == "lever"
        errors = tendering.validate(data, comp, complete=False)
        upload = request.files.get("dokument")
        upload_pair = (upload.filename, upload.read()) if upload and upload.filename else None
        if not errors:
            try:
                tendering.save_draft(db, viewer.actor(), comp, viewer.supplier_id, data, secret=secret,
                                     upload_dir=current_app.config["UPLOAD_DIR"], now=now(), upload=upload_pair,
                                     remove=request.form.getlist("fjern-dokument"))
                if submitting:
                    tendering.submit(db, viewer.actor(), comp, viewer.supplier_id, secret=secret, now=now())
            except DomainError as err:
                errors[err.field or "pris"] = err.message if not err.params else message(err)
            else:
                text = gettext("Tilbudet er levert.") if submitting else gettext("Utkastet til tilbud er lagret.")
                return done(comp, text, "competitions.tender")
        db.rollback()
        errors = {k: gettext(v) for k, v in errors.items()}
    submitted = tendering.of_supplier(db, comp, viewer.supplier_id, TenderStatus.SUBMITTED)
    life = CompetitionLife(comp, now())
    return render_page("competitions/tender.html", comp=comp, life=life, data=data, errors=errors,
                       submitted=submitted, submitted_life=TenderLife(submitted, comp, now()) if submitted else None,
                       history=tendering.history(db, comp, viewer.supplier_id), describe=drafting.describe,
                       lang=current_lang(), tender_life=lambda t: TenderLife(t, comp, now())), 422 if errors else 200


@bp.post("/<int:competition_id>/tilbud/trekk")
@roles_required(SUPPLIER)
@check_first(_l("Trekk tilbudet"), button=_l("Trekk tilbudet"), guard=lambda competition_id: invited_or_404(competition_id),
             explain=_l("Det leverte tilbudet trekkes og blir ikke vurdert. Dere kan levere et nytt før fristen."))
def withdraw(competition_id: int):
    comp = invited_or_404(competition_id)
    viewer = current_viewer()
    try:
        tendering.withdraw(get_session(), viewer.actor(), comp, viewer.supplier_id, now())
    except DomainError as err:
        return refused(comp, err, "competitions.tender")
    return done(comp, gettext("Tilbudet er trukket. Dere kan levere et nytt før fristen."), "competitions.tender")


# --- opening, evaluation, award ---------------------------------------------------------------------------


@bp.post("/<int:competition_id>/apne")
@roles_required(BUYER)
@check_first(_l("Åpne tilbudene"), button=_l("Åpne tilbudene"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("De forseglede tilbudene dekrypteres, og åpningen blir protokollført. Det kan ikke angres."))
def open_tenders(competition_id: int):
    """The opening, after the deadline: the sealed tenders are decrypted and the opening logged."""
    comp = own_or_404(competition_id)
    try:
        opened = CompetitionLife(comp, now()).open(get_session(), current_viewer().actor(), now(), seal_secret())
    except DomainError as err:
        return refused(comp, err)
    return done(comp, gettext("Tilbudene er åpnet (%(num)s).", num=len(opened)), "competitions.evaluation_page")


def _record_or_404(competition_id: int) -> Competition:
    """The buyer's own competition, or any for the contract manager."""
    comp = competition_or_404(competition_id)
    if not (is_owner(comp) or current_viewer().is_manager):
        abort(404)
    return comp


def _evaluation_or_404(competition_id: int) -> Competition:
    """The evaluation exists only after the opening (sealed before), for the buyer and the manager."""
    comp = _record_or_404(competition_id)
    if not CompetitionLife(comp).is_opened:
        abort(404)
    return comp


@bp.get("/<int:competition_id>/evaluering")
@roles_required(BUYER, MANAGER)
def evaluation_page(competition_id: int):
    """The tenders side by side (read-only), verdicts, scores, totals and ranking with the arithmetic."""
    comp = _evaluation_or_404(competition_id)
    return _render_evaluation(comp, {}, None)


def _render_evaluation(comp: Competition, errors: dict, failed_tender: int | None, status: int = 200):
    ev = evaluation.evaluate(get_session(), comp)
    return render_page("competitions/evaluation.html", comp=comp, ev=ev, life=CompetitionLife(comp, now()),
                       own=is_owner(comp), errors=errors, failed_tender=failed_tender, show=evaluation.show,
                       describe=drafting.describe, lang=current_lang(), max_score=evaluation.rules.MAX_SCORE), status


@bp.route("/<int:competition_id>/evaluering/<int:tender_id>", methods=["GET", "POST"])
@roles_required(BUYER)
@not_formal("saves the assessment of one tender; it can be changed until the award")
def assess(competition_id: int, tender_id: int):
    """The buyer's assessment of one tender: each requirement met or not, each quality score."""
    comp = own_or_404(competition_id)
    db = get_session()
    tender = db.get(Tender, tender_id)
    if tender is None or tender.competition_id != comp.id or not CompetitionLife(comp).is_opened:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        verdicts, scores = evaluation.read_assessment(request.form, comp)
        try:
            evaluation.assess(db, current_viewer().actor(), comp, tender, verdicts, scores, now())
        except DomainError as err:
            db.rollback()
            db.refresh(tender)
            errors[err.field or "oppfylt"] = message(err)
        else:
            return done(comp, gettext("Vurderingen er lagret."), "competitions.evaluation_page")
    column = evaluation.evaluate(db, comp).column(tender.id)
    if column is None:
        abort(404)
    return render_page("competitions/assess.html", comp=comp, column=column, life=CompetitionLife(comp, now()),
                       errors=errors, describe=drafting.describe, lang=current_lang(),
                       form=request.form if errors else None), (422 if errors else 200)


@bp.post("/<int:competition_id>/tildel")
@roles_required(BUYER)
@check_first(_l("Tildel kontrakten"), button=_l("Tildel og send tildelingsbrev"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("Tildelingsbrevene sendes samtidig til alle tilbydere, og karensperioden starter. Tildelingen kan ikke angres her."),
             describe=lambda form: [(_l("Begrunnelse"), form.get("begrunnelse", ""))] if form.get("begrunnelse") else [])
def award(competition_id: int):
    """Award: the letters go to every tenderer at once; the standstill starts."""
    comp = own_or_404(competition_id)
    try:
        tender_id = int(request.form.get("tilbud") or 0)
    except ValueError:
        tender_id = 0
    try:
        evaluation.award(get_session(), current_viewer().actor(), comp, tender_id if 0 < tender_id < 2**31 else 0,
                         (request.form.get("begrunnelse") or "")[:4000], now())
    except DomainError as err:
        get_session().rollback()
        if not CompetitionLife(comp).is_opened:
            return refused(comp, err)
        return _render_evaluation(comp, {"tildeling": message(err)}, None, err.http_status)
    return done(comp, gettext("Tildelingen er meddelt alle tilbydere."))


@bp.post("/<int:competition_id>/karens")
@roles_required(BUYER)
@check_first(_l("Avslutt karensperioden"), button=_l("Avslutt karensperioden"), guard=lambda competition_id: own_or_404(competition_id),
             explain=_l("Konkurransen blir klar for kontrakt med den valgte leverandøren."))
def conclude(competition_id: int):
    """After the standstill: the competition is ready for a contract."""
    comp = own_or_404(competition_id)
    try:
        CompetitionLife(comp, now()).conclude_standstill(get_session(), current_viewer().actor(), now())
    except DomainError as err:
        return refused(comp, err)
    return done(comp, gettext("Karensperioden er over. Konkurransen er klar for kontrakt."))


@bp.get("/<int:competition_id>/tilbud/<int:tender_id>/dokumenter/<int:document_id>")
@roles_required(BUYER, MANAGER)
def tender_document(competition_id: int, tender_id: int, document_id: int):
    """A document of an opened tender (never before the opening)."""
    comp = _evaluation_or_404(competition_id)
    db = get_session()
    tender = db.get(Tender, tender_id)
    if tender is None or tender.competition_id != comp.id:
        abort(404)
    found = tendering.opened_document(db, comp, tender, document_id, secret=seal_secret(),
                                      upload_dir=current_app.config["UPLOAD_DIR"])
    if found is None:
        abort(404)
    meta, data = found
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=meta["filename"], max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the record -------------------------------------------------------------------------------------------


@bp.get("/<int:competition_id>/protokoll")
@roles_required(BUYER, MANAGER)
def record_page(competition_id: int):
    """The procurement record (anskaffelsesprotokoll), ready to print."""
    comp = _record_or_404(competition_id)
    return render_page("competitions/record.html", comp=comp,
                       sections=record.sections(get_session(), comp, gettext, current_lang()))


@bp.get("/<int:competition_id>/protokoll.ods")
@roles_required(BUYER, MANAGER)
def record_export(competition_id: int):
    comp = _record_or_404(competition_id)
    db = get_session()
    viewer = current_viewer()
    result = record.export(db, comp, gettext, f"{viewer.name}, {viewer.org_name}", now(), current_lang())
    record.log_export(db, viewer.actor(), comp)
    db.commit()
    return send_file(io.BytesIO(result.content), mimetype=result.mimetype, as_attachment=True,
                     download_name=result.filename, max_age=0)
