"""Asking a qualified supplier for an updated self-declaration, and what happens when none comes.

Rule (one place): during the validity of a DPS the contracting authority may at any time require an
admitted supplier to submit a renewed and updated self-declaration within five working days –
Directive 2014/24/EU art. 34 (7), implemented in anskaffelsesforskriften kapittel 26 (dynamiske
innkjøpsordninger). Working days are Norwegian (catalogue.workdays: weekends and public holidays,
Easter included). The supplier has until the end of the fifth working day, Norwegian time; from the
first moment of the next day the request is overdue, the contract managers are told, and the manager
may suspend the supplier's qualifications in the DPS with a reason.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Mapping, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.declarations.models import DeclarationRequest, RequestStatus, SupplierDeclaration
from catalogue.lifecycle import N_, DomainError, LifeCycle
from catalogue.models import DPS, Qualification, QualificationStatus, Supplier, utcnow
from catalogue.notifications import notify
from catalogue.notifications.schedule import scheduled
from catalogue.suspension import suspend_supplier
from catalogue.workdays import OSLO, add_working_days, oslo_today

ANSWER_WORKING_DAYS = 5  # Directive 2014/24/EU art. 34 (7): "within five working days"


def due_date_for(requested_at: datetime) -> date:
    """The last day to answer a request made at *requested_at*: five Norwegian working days later."""
    return add_working_days(oslo_today(requested_at), ANSWER_WORKING_DAYS)


def overdue_from(due: date) -> datetime:
    """The first moment the request is overdue: the start of the day after *due*, Norwegian time."""
    return datetime.combine(due + timedelta(days=1), time(0, 0), tzinfo=OSLO)


def current_declaration(session: Session, supplier_id: int) -> Optional[SupplierDeclaration]:
    return session.exec(select(SupplierDeclaration).where(SupplierDeclaration.supplier_id == supplier_id)
                        .order_by(SupplierDeclaration.given_at.desc(), SupplierDeclaration.id.desc())).first()


def give_declaration(session: Session, actor: Actor, supplier_id: int, answers: Mapping[str, Any],
                     now: Optional[datetime] = None) -> SupplierDeclaration:
    """Store the supplier's declaration (checked by ``criteria.validate``); it answers every open request."""
    now = now or utcnow()
    declaration = SupplierDeclaration(supplier_id=supplier_id, answers=dict(answers), given_at=now,
                                      given_by=actor.user_id, given_by_name=actor.name)
    session.add(declaration)
    session.flush()
    record(session, actor, "declaration.given", "supplier_declaration", declaration.id, supplier_id=supplier_id,
           after={"answers": dict(answers)})
    for request in session.exec(select(DeclarationRequest).where(
            DeclarationRequest.supplier_id == supplier_id,
            DeclarationRequest.status.in_([RequestStatus.OPEN, RequestStatus.OVERDUE]))).all():
        RequestLifeCycle(request).answer(session, actor, declaration, now)
    return declaration


def application_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """A stored (ESPD-structured) declaration as the answers of a qualification application's form."""
    from catalogue.declarations.criteria import CRITERIA

    grounds = [c for c in CRITERIA if c.exclusion and (answers.get(c.key) or {}).get("answer")]
    out: dict[str, Any] = {"no_exclusion_grounds": not grounds}
    if grounds:
        out["exclusion_note"] = "\n".join(f"{c.question.nb} {(answers.get(c.key) or {}).get('details', '')}".strip()
                                          for c in grounds)[:2000]
    for key, confirmed, described in (("working_conditions", "hms_confirmed", "hms_description"),
                                      ("financial_standing", "financial_confirmed", "financial_description")):
        entry = answers.get(key) or {}
        if "answer" in entry:
            out[confirmed] = bool(entry["answer"])
        if entry.get("details"):
            out[described] = entry["details"]
    return out


def qualified_suppliers(session: Session, dps_id: int) -> list[Supplier]:
    ids = set(session.exec(select(Qualification.supplier_id).where(
        Qualification.dps_id == dps_id, Qualification.status == QualificationStatus.QUALIFIED)).all())
    return list(session.exec(select(Supplier).where(Supplier.id.in_(sorted(ids) or [0])).order_by(Supplier.name)).all())


def request_update(session: Session, actor: Actor, supplier_id: int, dps_id: int, message: str = "",
                   now: Optional[datetime] = None) -> DeclarationRequest:
    """Ask a supplier qualified in the DPS for an updated declaration within five working days."""
    now = now or utcnow()
    if session.get(DPS, dps_id) is None or supplier_id not in {s.id for s in qualified_suppliers(session, dps_id)}:
        raise DomainError(N_("Velg en leverandør som er kvalifisert i ordningen."), field="supplier")
    message = (message or "").strip()
    if len(message) > 2000:
        raise DomainError(N_("Meldingen kan være høyst 2000 tegn."), field="message")
    if session.exec(select(DeclarationRequest.id).where(
            DeclarationRequest.supplier_id == supplier_id, DeclarationRequest.dps_id == dps_id,
            DeclarationRequest.status == RequestStatus.OPEN)).first() is not None:
        raise DomainError(N_("Leverandøren har allerede en åpen forespørsel i denne ordningen."), field="supplier")
    request = DeclarationRequest(supplier_id=supplier_id, dps_id=dps_id, message=message, requested_at=now,
                                 requested_by=actor.user_id, due_date=due_date_for(now))
    session.add(request)
    session.flush()
    record(session, actor, "declaration_request.created", "declaration_request", request.id, supplier_id=supplier_id,
           after={"status": str(RequestStatus.OPEN), "dps_id": dps_id, "due_date": request.due_date.isoformat()})
    dps = session.get(DPS, dps_id)
    notify(session, "declaration.requested", suppliers=[supplier_id], url="/leverandor/egenerklaering",
           key=f"declaration_request:{request.id}:requested", now=now,
           context={"dps": dps.name, "due": request.due_date.strftime("%d.%m.%Y"), "message": message})
    return request


class RequestLifeCycle(LifeCycle[RequestStatus]):
    AUDIT_TYPE = "declaration_request"
    TRANSITIONS = {
        "answer": (frozenset({RequestStatus.OPEN, RequestStatus.OVERDUE, RequestStatus.SUSPENDED}),
                   RequestStatus.ANSWERED),
        "lapse": (frozenset({RequestStatus.OPEN}), RequestStatus.OVERDUE),
        "suspend": (frozenset({RequestStatus.OVERDUE}), RequestStatus.SUSPENDED),
    }

    @property
    def can_suspend(self) -> bool:
        return self.can("suspend")

    @property
    def is_waiting(self) -> bool:
        return self.can("lapse")

    def answer(self, session: Session, actor: Actor, declaration: SupplierDeclaration, now: datetime) -> None:
        request = self.obj
        self._move(session, actor, "answer", supplier_id=request.supplier_id)
        request.answered_at, request.declaration_id = now, declaration.id
        session.add(request)

    def lapse(self, session: Session, actor: Actor, now: datetime) -> None:
        request = self.obj
        if now < overdue_from(request.due_date):
            raise DomainError(N_("Fristen er ikke ute ennå."))
        self._move(session, actor, "lapse", supplier_id=request.supplier_id)
        request.overdue_at = now
        session.add(request)
        supplier = session.get(Supplier, request.supplier_id)
        notify(session, "declaration.overdue", managers=True, url=f"/forvaltning/egenerklaeringer/{request.id}",
               key=f"declaration_request:{request.id}:overdue", now=now,
               context={"supplier": supplier.name, "due": request.due_date.strftime("%d.%m.%Y")})

    def suspend(self, session: Session, actor: Actor, reason: str, now: Optional[datetime] = None) -> int:
        """Suspend the supplier's qualifications in the DPS; the number suspended."""
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(N_("Skriv en begrunnelse for suspensjonen."), field="reason")
        if len(reason) > 2000:
            raise DomainError(N_("Begrunnelsen kan være høyst 2000 tegn."), field="reason")
        request = self.obj
        now = now or utcnow()
        self._move(session, actor, "suspend", detail=reason, supplier_id=request.supplier_id)
        request.suspended_at, request.reason = now, reason
        session.add(request)
        return suspend_supplier(session, actor, request.supplier_id, reason=reason, dps_id=request.dps_id, now=now)


@scheduled("declarations.overdue")
def surface_overdue_requests(session: Session, now: datetime) -> int:
    """Requests whose deadline has passed become overdue, and the contract managers are told (once)."""
    actor = Actor.system("Fristkontroll")
    count = 0
    for request in session.exec(select(DeclarationRequest).where(DeclarationRequest.status == RequestStatus.OPEN,
                                                                 DeclarationRequest.due_date < oslo_today(now))).all():
        if now >= overdue_from(request.due_date):
            RequestLifeCycle(request).lapse(session, actor, now)
            count += 1
    return count
