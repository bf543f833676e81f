"""Dynamic purchasing systems (DPS) and the qualification of suppliers in their categories.

The contract manager creates a DPS with its categories and validity period. While it is
valid, a supplier may apply for one or more of its categories with the self-declarations
below; the manager has 10 working days to decide, per category, with reasons. A
qualification in a top-level category covers its sub-categories.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Iterable, Mapping, Optional

from babel.support import LazyProxy
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.audit import Actor, log_search_change, record
from catalogue.documents import DocumentError, check_pdf, store
from catalogue.i18n import N_, _l
from catalogue.lifecycle import N_, DomainError, Incomplete, LifeCycle
from catalogue.models import (DPS, ApplicationStatus, Category, DPSCategory, Document, Qualification,
                              QualificationApplication, QualificationStatus, Service, ServiceStatus, Supplier, utcnow)
from catalogue.notifications import hooks
from catalogue.terms import BOOLEAN, DATE, LONGTEXT, TEXT, Term
from catalogue.text import slugify
from catalogue.validity import parse_day, tax_certificate_too_old
from catalogue.workdays import add_working_days, oslo_today

EVALUATION_WORKING_DAYS = 10


class FieldTerm(Term):
    """A form field declared like a term, with its own id prefix (not part of the terms registry)."""

    prefix = "felt"

    @property
    def field_name(self) -> str:
        return f"{self.prefix}-{self.key}"


class DeclarationField(FieldTerm):
    prefix = "decl"


class DPSField(FieldTerm):
    prefix = "dps"


# ---------------------------------------------------------------------------
# the self-declarations of an application, declared once (form, validation, display)

DECLARATIONS: tuple[Term, ...] = (
    DeclarationField("no_exclusion_grounds", "egenerklaering", BOOLEAN,
                     "Bekrefter dere at ingen avvisningsgrunner foreligger?",
                     "Do you confirm that no grounds for exclusion apply?",
                     "Avvisningsgrunnene i anskaffelsesforskriften § 24-2, blant annet straffedommer for korrupsjon, "
                     "bedrageri eller hvitvasking, og ubetalte skatter og avgifter.",
                     "The grounds in the Public Procurement Regulations § 24-2, among them convictions for "
                     "corruption, fraud or money laundering, and unpaid taxes and duties."),
    DeclarationField("exclusion_note", "egenerklaering", LONGTEXT, "Utdyping om avvisningsgrunner",
                     "Details on grounds for exclusion",
                     "Påkrevd hvis dere svarer nei over: beskriv forholdet og tiltakene som gjenoppretter "
                     "påliteligheten.",
                     "Required if you answer no above: describe the matter and the measures restoring reliability.",
                     max_length=2000, required=False),
    DeclarationField("hms_confirmed", "egenerklaering", BOOLEAN,
                     "Oppfyller dere krav til HMS og lønns- og arbeidsvilkår?",
                     "Do you meet the requirements for health, safety and working conditions?",
                     "Herunder allmenngjorte tariffavtaler der de gjelder, og krav til underleverandører.",
                     "Including generally applicable collective agreements where they apply, and requirements "
                     "on subcontractors."),
    DeclarationField("hms_description", "egenerklaering", LONGTEXT, "Slik ivaretar dere HMS og arbeidsvilkår",
                     "How you ensure health, safety and working conditions",
                     "Kort beskrivelse av HMS-systemet og hvordan lønns- og arbeidsvilkår følges opp.",
                     "A short description of the HSE system and how pay and working conditions are followed up.",
                     max_length=2000),
    DeclarationField("financial_confirmed", "egenerklaering", BOOLEAN,
                     "Har dere tilstrekkelig økonomisk og finansiell kapasitet?",
                     "Do you have sufficient economic and financial standing?", "", ""),
    DeclarationField("financial_description", "egenerklaering", LONGTEXT, "Økonomisk og finansiell stilling",
                     "Economic and financial standing",
                     "Omsetning siste regnskapsår, egenkapitalandel og eventuell kredittvurdering.",
                     "Turnover in the last financial year, equity ratio and any credit rating.",
                     max_length=2000),
)
TAX_CERTIFICATE_FIELD = "decl-tax_certificate"
# The tax certificate's issue date: it may not be older than six months (catalogue.validity).
TAX_ISSUED = DeclarationField("tax_certificate_issued", "egenerklaering", DATE, "Skatteattesten er utstedt",
                              "The tax certificate was issued", "Datoen som står på attesten (dd.mm.åååå).",
                              "The date on the certificate (dd.mm.yyyy).")
CATEGORIES_FIELD = "application-categories"
PERIOD_FIELD = "application-period"

DPS_NAME = DPSField("name", "dps", TEXT, "Navn", "Name", max_length=200)
DPS_DESCRIPTION = DPSField("description", "dps", LONGTEXT, "Beskrivelse", "Description",
                           "Omfang, hvem som kan bruke ordningen og hvordan konkurranser gjennomføres.",
                           "Scope, who may use the system and how competitions are run.",
                           max_length=3000, required=False)
DPS_FROM, DPS_TO, DPS_CATEGORIES = "dps-valid_from", "dps-valid_to", "dps-categories"


# ---------------------------------------------------------------------------
# DPS


def parse_date(raw: str) -> date | None:
    raw = (raw or "").strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy")):
        m = re.fullmatch(pattern, raw)
        if m:
            a, b, c = (int(x) for x in m.groups())
            try:
                return date(a, b, c) if order == "ymd" else date(c, b, a)
            except ValueError:
                return None
    return None


def read_dps_form(form) -> dict[str, Any]:
    return {"name": form.get(DPS_NAME.field_name, ""), "description": form.get(DPS_DESCRIPTION.field_name, ""),
            "valid_from": form.get(DPS_FROM, ""), "valid_to": form.get(DPS_TO, ""),
            "categories": form.getlist(DPS_CATEGORIES)}


def validate_dps(session: Session, raw: Mapping[str, Any], today: date | None = None):
    """``(clean, errors)`` for a new DPS; errors keyed by field id."""
    today = today or oslo_today()
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for f in (DPS_NAME, DPS_DESCRIPTION):
        value, error = f.clean(raw.get(f.key))
        if error:
            errors[f.field_name] = error
        else:
            clean[f.key] = value or ""
    for key, fid, label in (("valid_from", DPS_FROM, N_("Gyldig fra")), ("valid_to", DPS_TO, N_("Gyldig til"))):
        text = (raw.get(key) or "").strip()
        parsed = parse_date(text)
        if not text:
            errors[fid] = _l("Fyll ut «%(field)s».", field=_l(label))
        elif parsed is None:
            errors[fid] = _l("«%(field)s» må være en gyldig dato (dd.mm.åååå).", field=_l(label))
        else:
            clean[key] = parsed
    if "valid_from" in clean and "valid_to" in clean:
        if clean["valid_to"] < clean["valid_from"]:
            errors[DPS_TO] = _l("«Gyldig til» kan ikke være før «Gyldig fra».")
        elif clean["valid_to"] < today:
            errors[DPS_TO] = _l("«Gyldig til» kan ikke være passert.")
    ids = _int_list(raw.get("categories") or [])
    known = set(session.exec(select(Category.id).where(Category.id.in_(ids))).all()) if ids else set()
    if not ids:
        errors[DPS_CATEGORIES] = _l("Velg minst én kategori.")
    elif known != set(ids):
        errors[DPS_CATEGORIES] = _l("Ukjent kategori.")
    clean["categories"] = ids
    return clean, errors


def create_dps(session: Session, actor: Actor, clean: Mapping[str, Any]) -> DPS:
    base = slugify(clean["name"], 70)
    slug, n = base, 2
    while session.exec(select(DPS.id).where(DPS.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    dps = DPS(slug=slug, name=clean["name"], description=clean.get("description", ""),
              valid_from=clean["valid_from"], valid_to=clean["valid_to"])
    session.add(dps)
    session.flush()
    for cat_id in clean["categories"]:
        session.add(DPSCategory(dps_id=dps.id, category_id=cat_id))
    record(session, actor, "dps.created", "dps", dps.id,
           after={"slug": slug, "name": dps.name, "valid_from": dps.valid_from.isoformat(),
                  "valid_to": dps.valid_to.isoformat(), "categories": list(clean["categories"])})
    return dps


def dps_by_slug(session: Session, slug: str) -> DPS | None:
    return session.exec(select(DPS).where(DPS.slug == slug)).first()


def all_dps(session: Session) -> list[DPS]:
    return list(session.exec(select(DPS).order_by(DPS.valid_to.desc(), DPS.name)).all())


def is_open(dps: DPS, today: date | None = None) -> bool:
    today = today or oslo_today()
    return dps.valid_from <= today <= dps.valid_to


def period_error(dps: DPS, today: date | None = None) -> LazyProxy | None:
    today = today or oslo_today()
    if today < dps.valid_from:
        return _l("Ordningen «%(name)s» åpner %(day)s. Du kan søke fra den dagen.", name=dps.name,
                  day=f"{dps.valid_from:%d.%m.%Y}")
    if today > dps.valid_to:
        return _l("Ordningen «%(name)s» var gyldig til %(day)s. Det er ikke lenger mulig å søke.", name=dps.name,
                  day=f"{dps.valid_to:%d.%m.%Y}")
    return None


def dps_categories(session: Session, dps_id: int) -> list[Category]:
    return list(session.exec(
        select(Category).join(DPSCategory, DPSCategory.category_id == Category.id)
        .where(DPSCategory.dps_id == dps_id).order_by(Category.position, Category.name_nb)).all())


def _with_parent(session: Session, category_id: int) -> list[int]:
    cat = session.get(Category, category_id)
    if cat is None:
        return []
    return [cat.id] + ([cat.parent_id] if cat.parent_id else [])


def dps_covers(session: Session, dps_id: int, category_id: int) -> bool:
    """Does the DPS cover this (sub-)category, directly or through its top-level category?"""
    ids = _with_parent(session, category_id)
    return bool(ids) and session.exec(select(DPSCategory.category_id).where(
        DPSCategory.dps_id == dps_id, DPSCategory.category_id.in_(ids))).first() is not None


def is_qualified(session: Session, supplier_id: int, dps_id: int, category_id: int) -> bool:
    """Is the supplier qualified in the DPS for this (sub-)category (or its top-level category)?"""
    ids = _with_parent(session, category_id)
    return bool(ids) and session.exec(select(Qualification.id).where(
        Qualification.supplier_id == supplier_id, Qualification.dps_id == dps_id,
        Qualification.category_id.in_(ids), Qualification.status == QualificationStatus.QUALIFIED)).first() is not None


def qualified_supplier_ids(session: Session, dps_id: int, category_id: int) -> list[int]:
    """The suppliers qualified in the DPS for this (sub-)category right now, by id (for invitations)."""
    ids = _with_parent(session, category_id)
    if not ids:
        return []
    return sorted(set(session.exec(select(Qualification.supplier_id).where(
        Qualification.dps_id == dps_id, Qualification.category_id.in_(ids),
        Qualification.status == QualificationStatus.QUALIFIED)).all()))


def qualified_by_category(session: Session, dps: DPS) -> list[tuple[Category, list[Supplier]]]:
    """For the public DPS page: each category of the DPS with its qualified suppliers, by name."""
    rows = session.exec(
        select(Qualification.category_id, Supplier).join(Supplier, Supplier.id == Qualification.supplier_id)
        .where(Qualification.dps_id == dps.id, Qualification.status == QualificationStatus.QUALIFIED)
        .order_by(Supplier.name)
    ).all()
    by_cat: dict[int, list[Supplier]] = {}
    for cat_id, supplier in rows:
        names = by_cat.setdefault(cat_id, [])
        if supplier.id not in {s.id for s in names}:
            names.append(supplier)
    return [(cat, by_cat.get(cat.id, [])) for cat in dps_categories(session, dps.id)]


# ---------------------------------------------------------------------------
# applications


@dataclass
class CategoryState:
    """Where a supplier stands in one category of a DPS."""

    category: Category
    status: Optional[QualificationStatus] = None    # None: never applied
    reason: str = ""
    application_id: Optional[int] = None            # the application the outcome belongs to

    @property
    def is_qualified(self) -> bool:
        return self.status == QualificationStatus.QUALIFIED

    @property
    def is_pending(self) -> bool:
        return self.status == QualificationStatus.PENDING

    @property
    def can_apply(self) -> bool:
        return self.status in (None, QualificationStatus.REJECTED)

    @property
    def was_rejected(self) -> bool:
        return self.status == QualificationStatus.REJECTED


def category_states(session: Session, dps_id: int, supplier_id: int) -> list[CategoryState]:
    """Every category of the DPS with the supplier's latest outcome in it."""
    latest: dict[int, Qualification] = {}
    for q in session.exec(select(Qualification).where(Qualification.dps_id == dps_id,
                                                      Qualification.supplier_id == supplier_id)
                          .order_by(Qualification.id)).all():
        latest[q.category_id] = q
    states = []
    for cat in dps_categories(session, dps_id):
        q = latest.get(cat.id)
        states.append(CategoryState(cat, q.status if q else None, q.reason if q else "",
                                    q.application_id if q else None))
    return states


@dataclass
class Standing:
    """Where a supplier stands in one DPS: the outcome per category and its open application, if any."""

    dps: DPS
    states: list[CategoryState]
    application: Optional[QualificationApplication] = None   # a draft, or sent and awaiting the decision

    @property
    def qualified(self) -> list[Category]:
        return [s.category for s in self.states if s.is_qualified]

    @property
    def pending(self) -> list[Category]:
        return [s.category for s in self.states if s.is_pending]

    @property
    def outcomes(self) -> list[CategoryState]:
        """The categories the supplier has applied for, with where each stands."""
        return [s for s in self.states if s.status is not None]

    @property
    def has_draft(self) -> bool:
        """An application begun and not sent yet."""
        return self.application is not None and Application(self.application).can_edit

    @property
    def involved(self) -> bool:
        return bool(self.outcomes) or self.application is not None


def standing_of(session: Session, supplier_id: int) -> list[Standing]:
    """Where the supplier stands in every DPS (the listing form's choices, the supplier's dashboard)."""
    return [Standing(dps, category_states(session, dps.id, supplier_id), open_application(session, dps.id, supplier_id))
            for dps in session.exec(select(DPS).order_by(DPS.name)).all()]


def open_application(session: Session, dps_id: int, supplier_id: int) -> QualificationApplication | None:
    """The supplier's draft or submitted (undecided) application to the DPS, if any."""
    return session.exec(select(QualificationApplication).where(
        QualificationApplication.dps_id == dps_id, QualificationApplication.supplier_id == supplier_id,
        QualificationApplication.status.in_([ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]))
        .order_by(QualificationApplication.id.desc())
    ).first()


def tax_certificate(session: Session, application: QualificationApplication | None) -> Document | None:
    if application is None or application.id is None:
        return None
    doc_id = (application.declarations or {}).get("tax_certificate")
    doc = session.get(Document, doc_id) if doc_id else None
    return doc if doc is not None and doc.application_id == application.id else None


def read_application_form(form) -> dict[str, Any]:
    return {"categories": form.getlist(CATEGORIES_FIELD),
            "answers": {d.key: d.read_form(form) for d in DECLARATIONS},
            "tax_certificate_issued": TAX_ISSUED.read_form(form)}


def previous_answers(session: Session, supplier_id: int) -> tuple[dict[str, Any], Optional[datetime]]:
    """The self-declarations to pre-fill a new application with, and when they were given: the supplier's
    stored declaration (catalogue.declarations) when there is one, else its latest submitted application."""
    from catalogue.declarations.requests import application_answers, current_declaration

    stored = current_declaration(session, supplier_id)
    if stored is not None:
        return application_answers(stored.answers), stored.given_at
    last = session.exec(select(QualificationApplication).where(
        QualificationApplication.supplier_id == supplier_id, QualificationApplication.submitted_at.is_not(None))
        .order_by(QualificationApplication.submitted_at.desc())).first()
    if last is None:
        return {}, None
    return dict((last.declarations or {}).get("answers") or {}), last.submitted_at


def _int_list(values: Iterable[Any]) -> list[int]:
    out = []
    for v in values:
        try:
            n = int(v)
        except (TypeError, ValueError):
            continue
        if not -2**31 < n < 2**31:
            n = -1  # beyond any id column: an unknown id, not a database overflow (500)
        if n not in out:
            out.append(n)
    return out


@dataclass
class ApplicationInput:
    categories: list[int] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    tax_certificate_issued: Optional[str] = None  # ISO date


def validate_application(session: Session, dps: DPS, supplier_id: int, raw: Mapping[str, Any], *, complete: bool,
                         has_tax_certificate: bool, today: date | None = None):
    """``(ApplicationInput, errors)``. A draft may be incomplete; a submission may not."""
    errors: dict[str, Any] = {}
    problem = period_error(dps, today)
    if problem:
        errors[PERIOD_FIELD] = problem
    states = {s.category.id: s for s in category_states(session, dps.id, supplier_id)}
    chosen = _int_list(raw.get("categories") or [])
    if any(c not in states for c in chosen):
        errors[CATEGORIES_FIELD] = _l("Ukjent kategori for denne ordningen.")
    elif any(not states[c].can_apply for c in chosen):
        errors[CATEGORIES_FIELD] = _l("Dere er allerede kvalifisert eller har en søknad til behandling i en av "
                                      "kategoriene.")
    elif complete and not chosen:
        errors[CATEGORIES_FIELD] = _l("Velg minst én kategori å søke kvalifisering i.")
    answers: dict[str, Any] = {}
    raw_answers = raw.get("answers") or {}
    for decl in DECLARATIONS:
        value, error = (decl if complete else replace(decl, required=False)).clean(raw_answers.get(decl.key))
        if error:
            errors[decl.field_name] = error
        elif value is not None:
            answers[decl.key] = value
    if complete and answers.get("no_exclusion_grounds") is False and not answers.get("exclusion_note"):
        errors["decl-exclusion_note"] = _l("Beskriv avvisningsgrunnen og tiltakene dere har gjort.")
    if complete and not has_tax_certificate:
        errors[TAX_CERTIFICATE_FIELD] = _l("Last opp skatteattesten som PDF.")
    issued, error = (TAX_ISSUED if complete else replace(TAX_ISSUED, required=False)).clean(
        raw.get("tax_certificate_issued"))
    day = parse_day(issued) if issued else None
    if error:
        errors[TAX_ISSUED.field_name] = error
    elif day is not None and day > (today or oslo_today()):
        errors[TAX_ISSUED.field_name] = _l("Utstedelsesdatoen kan ikke være fram i tid.")
    elif day is not None and tax_certificate_too_old(day, today):
        errors[TAX_ISSUED.field_name] = _l(
            "Skatteattesten er eldre enn seks måneder (utstedt %(day)s). Last opp en ny attest.", day=f"{day:%d.%m.%Y}")
    return ApplicationInput(chosen, answers, issued), errors


def check_upload(data: bytes | None) -> LazyProxy | None:
    return check_pdf(data) if data else None


class Outcome(LifeCycle[QualificationStatus]):
    """The outcome in one category of an application: pending until the contract manager decides."""

    AUDIT_TYPE = "qualification"
    TRANSITIONS = {
        "qualify": ({QualificationStatus.PENDING}, QualificationStatus.QUALIFIED),
        "reject": ({QualificationStatus.PENDING}, QualificationStatus.REJECTED),
    }


class Application(LifeCycle[ApplicationStatus]):
    """A supplier's application for qualification in a DPS: a draft, then submitted, then decided."""

    AUDIT_TYPE = "application"
    TRANSITIONS = {
        "save": ({ApplicationStatus.DRAFT}, ApplicationStatus.DRAFT),
        "apply": ({ApplicationStatus.DRAFT}, ApplicationStatus.SUBMITTED),
        # Decided when no category is pending any more; until then it stays submitted.
        "decide": ({ApplicationStatus.SUBMITTED}, ApplicationStatus.DECIDED),
    }

    @property
    def application(self) -> QualificationApplication:
        return self.obj

    @property
    def can_edit(self) -> bool:
        return self.can("save")

    @property
    def can_submit(self) -> bool:
        return self.can("apply")

    @property
    def can_decide(self) -> bool:
        return self.can("decide")

    @property
    def awaits_decision(self) -> bool:
        return self.status == ApplicationStatus.SUBMITTED

    @classmethod
    def save(cls, session: Session, actor: Actor, dps: DPS, supplier_id: int, clean: ApplicationInput, *,
             application: QualificationApplication | None, upload: tuple[str, bytes] | None,
             upload_dir: str, today: date | None = None) -> "Application":
        """Create or update the supplier's draft (refused outside the DPS period)."""
        problem = period_error(dps, today)
        if problem:
            raise DomainError(problem, PERIOD_FIELD)
        if application is not None:
            cls(application).check("save", N_("Søknaden er sendt og kan ikke endres."), PERIOD_FIELD)
        creating = application is None
        if creating:
            application = QualificationApplication(dps_id=dps.id, supplier_id=supplier_id, created_by=actor.user_id,
                                                   declarations={})
            session.add(application)
            session.flush()
        before = dict(application.declarations or {})
        declarations = {"categories": clean.categories, "answers": clean.answers,
                        "tax_certificate": before.get("tax_certificate"),
                        "tax_certificate_issued": clean.tax_certificate_issued}
        if upload:
            try:
                doc = store(session, actor, upload_dir, supplier_id=supplier_id, kind="tax_certificate",
                            filename=upload[0], data=upload[1], application_id=application.id)
            except DocumentError as err:
                raise DomainError(err.message, TAX_CERTIFICATE_FIELD) from None
            declarations["tax_certificate"] = doc.id
        application.declarations = declarations
        application.updated_at = utcnow()
        session.add(application)
        record(session, actor, "application.created" if creating else "application.saved", "application",
               application.id, supplier_id=supplier_id, before=None if creating else before, after=declarations)
        return cls(application)

    def apply(self, session: Session, actor: Actor, now: datetime | None = None) -> None:
        """Send a complete draft for evaluation; the due date is 10 Norwegian working days later."""
        application = self.application
        dps = session.get(DPS, application.dps_id)
        now = now or utcnow()
        today = oslo_today(now)
        problem = period_error(dps, today)
        if problem:
            raise DomainError(problem, PERIOD_FIELD)
        self.check("apply", N_("Søknaden er allerede sendt."), PERIOD_FIELD)
        decl = application.declarations or {}
        _, errors = validate_application(session, dps, application.supplier_id,
                                         {"categories": decl.get("categories"), "answers": decl.get("answers"),
                                          "tax_certificate_issued": decl.get("tax_certificate_issued")},
                                         complete=True,
                                         has_tax_certificate=tax_certificate(session, application) is not None,
                                         today=today)
        if errors:
            raise Incomplete(errors)
        application.submitted_at = now
        application.updated_at = now
        application.due_date = add_working_days(today, EVALUATION_WORKING_DAYS)
        for cat_id in decl["categories"]:
            session.add(Qualification(application_id=application.id, dps_id=application.dps_id,
                                      supplier_id=application.supplier_id, category_id=cat_id,
                                      status=QualificationStatus.PENDING))
        self._move(session, actor, "apply", action="application.submitted", supplier_id=application.supplier_id,
                   after={"status": str(ApplicationStatus.SUBMITTED), "due_date": application.due_date.isoformat(),
                          "categories": list(decl["categories"])})
        hooks.application_submitted(session, application)

    def decide(self, session: Session, actor: Actor, decisions: Mapping[int, tuple[str, str]]) -> None:
        """Decide the pending categories given; raises ``Incomplete`` (and writes nothing) when any is bad.

        A rejection needs a reason. When no category is pending any more the application is decided.
        """
        application = self.application
        self.check("decide", N_("Søknaden er ikke til behandling."), "decisions")
        errors: dict[str, Any] = {}
        pending = {q.category_id: q for q, _ in qualifications_of(session, application.id)
                   if q.status == QualificationStatus.PENDING}
        chosen: dict[int, tuple[str, str]] = {}
        for cat_id, (status, raw_reason) in decisions.items():
            if cat_id not in pending or not status:
                continue
            if status not in DECISIONS:
                errors[f"decision-{cat_id}"] = _l("Velg godkjent eller avslått.")
                continue
            reason, error = DECISION_REASON.clean(raw_reason)
            if error:
                errors[f"reason-{cat_id}"] = error
            elif status == QualificationStatus.REJECTED and not reason:
                errors[f"reason-{cat_id}"] = _l("Skriv en begrunnelse for avslaget.")
            else:
                chosen[cat_id] = (status, reason or "")
        if not chosen and not errors:
            first = next(iter(pending), None)
            errors[f"decision-{first}" if first else "decisions"] = _l("Velg utfallet for minst én kategori.")
        if errors:
            raise Incomplete(errors)
        now = utcnow()
        for cat_id, (status, reason) in chosen.items():
            q = pending[cat_id]
            q.reason, q.decided_at, q.decided_by = reason, now, actor.user_id
            transition = "qualify" if status == QualificationStatus.QUALIFIED else "reject"
            Outcome(q)._move(session, actor, transition, action=f"qualification.{status}", supplier_id=application.supplier_id,
                             detail=reason, before={"status": str(QualificationStatus.PENDING), "category_id": cat_id},
                             after={"status": str(status), "category_id": cat_id, "application_id": application.id})
            if status == QualificationStatus.QUALIFIED:
                # The search index shows "qualified in the DPS" per service: re-read the affected ones.
                for service_id in _published_in(session, application.supplier_id, cat_id):
                    log_search_change(session, service_id)
        if all(q.status != QualificationStatus.PENDING for q in pending.values()):
            application.decided_at = now
            application.updated_at = now
            self._move(session, actor, "decide", action="application.decided", supplier_id=application.supplier_id)
            hooks.application_decided(session, application)


def qualifications_of(session: Session, application_id: int) -> list[tuple[Qualification, Category]]:
    return list(session.exec(
        select(Qualification, Category).join(Category, Category.id == Qualification.category_id)
        .where(Qualification.application_id == application_id).order_by(Category.position, Category.name_nb)).all())


@dataclass
class QueueRow:
    application: QualificationApplication
    supplier: Supplier
    dps: DPS
    pending: int
    overdue: bool


def queue(session: Session, today: date | None = None) -> list[QueueRow]:
    """Submitted applications awaiting a decision, the earliest due date first."""
    today = today or oslo_today()
    pending = dict(session.exec(select(Qualification.application_id, func.count())
                                .where(Qualification.status == QualificationStatus.PENDING).group_by(Qualification.application_id)).all())
    rows = session.exec(
        select(QualificationApplication, Supplier, DPS)
        .join(Supplier, Supplier.id == QualificationApplication.supplier_id)
        .join(DPS, DPS.id == QualificationApplication.dps_id)
        .where(QualificationApplication.status == ApplicationStatus.SUBMITTED)
        .order_by(QualificationApplication.due_date, QualificationApplication.id)).all()
    return [QueueRow(app, sup, dps, pending.get(app.id, 0), bool(app.due_date and app.due_date < today))
            for app, sup, dps in rows]


DECISIONS = (QualificationStatus.QUALIFIED, QualificationStatus.REJECTED)
DECISION_REASON = DeclarationField("reason", "vedtak", LONGTEXT, "Begrunnelse", "Reason", max_length=2000,
                                   required=False)


def read_decisions(form, application_id: int, session: Session) -> dict[int, tuple[str, str]]:
    out = {}
    for q, _cat in qualifications_of(session, application_id):
        out[q.category_id] = ((form.get(f"decision-{q.category_id}") or "").strip(),
                              form.get(f"reason-{q.category_id}") or "")
    return out


def _published_in(session: Session, supplier_id: int, category_id: int) -> list[int]:
    sub_ids = [category_id] + list(session.exec(select(Category.id).where(Category.parent_id == category_id)).all())
    return list(session.exec(select(Service.id).where(Service.supplier_id == supplier_id,
                                                      Service.status == ServiceStatus.PUBLISHED,
                                                      Service.category_id.in_(sub_ids))).all())


def application_for_supplier(session: Session, application_id: int,
                             supplier_id: Optional[int]) -> QualificationApplication | None:
    """The application when it belongs to *supplier_id* (another supplier's is 'not found')."""
    app = session.get(QualificationApplication, application_id)
    if app is None or supplier_id is None or app.supplier_id != supplier_id:
        return None
    return app


# What the application and DPS forms' templates need by name (field ids and fields).
APPLICATION_FORM = SimpleNamespace(CATEGORIES_FIELD=CATEGORIES_FIELD, PERIOD_FIELD=PERIOD_FIELD,
                                   TAX_CERTIFICATE_FIELD=TAX_CERTIFICATE_FIELD, TAX_ISSUED=TAX_ISSUED, DPS_NAME=DPS_NAME,
                                   DPS_DESCRIPTION=DPS_DESCRIPTION, DPS_FROM=DPS_FROM, DPS_TO=DPS_TO,
                                   DPS_CATEGORIES=DPS_CATEGORIES)
