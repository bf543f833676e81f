"""The life-cycle objects of a competition and of a tender: the questions and the transitions.

Competition: draft → published → opened (the deadline has passed; evaluation) → awarded
(standstill) → ready for contract; cancelled from any state before that. Tender: draft →
submitted ↔ withdrawn, submitted → replaced; nothing moves after the tender deadline.

Each transition writes its audit event (``LifeCycle._move``) and its notifications in the
caller's transaction; the caller commits once. ``now`` is always passed in.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Session, select

from catalogue import qualification
from catalogue.audit import Actor, record
from catalogue.competitions import notices, rules, sealing
from catalogue.competitions.models import (Competition, CompetitionChange, CompetitionStatus, Invitation, Tender,
                                           TenderStatus)
from catalogue.lifecycle import N_, DomainError, IllegalTransition, LifeCycle

C = CompetitionStatus
T = TenderStatus


class CompetitionLife(LifeCycle[CompetitionStatus]):
    AUDIT_TYPE = "competition"
    TRANSITIONS = {
        "publish": (frozenset({C.DRAFT}), C.PUBLISHED),
        "correct": (frozenset({C.PUBLISHED}), C.PUBLISHED),
        "open": (frozenset({C.PUBLISHED}), C.OPENED),
        "award": (frozenset({C.OPENED}), C.AWARDED),
        "conclude_standstill": (frozenset({C.AWARDED}), C.READY),
        "cancel": (frozenset({C.DRAFT, C.PUBLISHED, C.OPENED, C.AWARDED, C.READY}), C.CANCELLED),
    }

    def __init__(self, competition: Competition, now: Optional[datetime] = None):
        super().__init__(competition)
        self.now = now

    @property
    def competition(self) -> Competition:
        return self.obj

    # -- questions (views and templates ask these) ----------------------------------------------
    @property
    def is_public(self) -> bool:
        """Published at some point: the notice page is public."""
        return self.competition.published_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == C.CANCELLED

    @property
    def is_open_for_tenders(self) -> bool:
        return self.status == C.PUBLISHED and rules.before_deadline(self.now, self.competition.tender_deadline)

    @property
    def can_edit(self) -> bool:
        return self.status == C.DRAFT

    @property
    def can_correct(self) -> bool:
        return self.is_open_for_tenders

    @property
    def can_ask(self) -> bool:
        deadline = self.competition.question_deadline
        return self.status == C.PUBLISHED and rules.before_deadline(self.now, deadline)

    @property
    def can_answer(self) -> bool:
        return self.is_open_for_tenders

    @property
    def can_open(self) -> bool:
        return self.status == C.PUBLISHED and not rules.before_deadline(self.now, self.competition.tender_deadline)

    @property
    def is_opened(self) -> bool:
        """The tenders have been opened: their content may be read (by the buyer)."""
        return self.competition.opened_at is not None

    @property
    def can_evaluate(self) -> bool:
        return self.status == C.OPENED

    @property
    def can_award(self) -> bool:
        return self.status == C.OPENED

    @property
    def in_standstill(self) -> bool:
        return self.status == C.AWARDED

    @property
    def can_conclude_standstill(self) -> bool:
        ends = self.competition.standstill_ends_at
        return self.status == C.AWARDED and ends is not None and self.now is not None and self.now >= ends

    @property
    def can_cancel(self) -> bool:
        return self.can("cancel")

    @property
    def can_make_contract(self) -> bool:
        """For the contracts issue: the standstill is over and the award stands."""
        return self.status == C.READY

    @property
    def is_awarded(self) -> bool:
        return self.status in (C.AWARDED, C.READY)

    def awarded_tender(self, session: Session) -> Tender | None:
        """The winning tender (for the contracts issue), once awarded."""
        tid = self.competition.awarded_tender_id
        return session.get(Tender, tid) if tid and self.is_awarded else None

    # -- transitions ------------------------------------------------------------------------------
    def publish(self, session: Session, actor: Actor, now: datetime) -> list[Invitation]:
        """Check the rules, snapshot the qualified suppliers as invitations, notify each of them."""
        from catalogue.competitions import drafting

        comp = self.competition
        if not self.can("publish"):
            raise IllegalTransition(N_("Konkurransen er allerede kunngjort."))
        drafting.check_complete(comp)
        rules.check_criteria(comp.criteria or [])
        rules.check_tender_deadline(comp.tender_deadline, now)
        rules.check_question_deadline(comp.question_deadline, comp.tender_deadline, now)
        rules.check_standstill(comp.standstill_days, comp.standstill_reason)
        supplier_ids = qualification.qualified_supplier_ids(session, comp.dps_id, comp.category_id)
        if not supplier_ids:
            raise DomainError(N_("Ingen leverandører er kvalifisert i kategorien. Konkurransen kan ikke kunngjøres."))
        comp.impact = drafting.impact(session, comp, now)
        comp.published_at = now
        comp.updated_at = now
        invitations = [Invitation(competition_id=comp.id, supplier_id=sid, invited_at=now) for sid in supplier_ids]
        session.add_all(invitations)
        self._move(session, actor, "publish", after={
            "status": str(C.PUBLISHED), "published_at": now.isoformat(),
            "tender_deadline": comp.tender_deadline.isoformat(), "invited": supplier_ids,
            "impact": comp.impact})
        notices.invited(session, comp, supplier_ids, now)
        return invitations

    def correct(self, session: Session, actor: Actor, changes: dict, summary: str, now: datetime) -> None:
        """Correct or extend a published competition before the deadline; history and notification."""
        comp = self.competition
        self.now = now
        if not self.can_correct:
            raise IllegalTransition(N_("Konkurransen kan bare endres før tilbudsfristen."))
        if not summary.strip():
            raise DomainError(N_("Beskriv endringen for leverandørene."), field="summary")
        new_deadline = changes.get("tender_deadline", comp.tender_deadline)
        rules.check_tender_deadline(new_deadline, comp.published_at)
        rules.check_question_deadline(changes.get("question_deadline", comp.question_deadline), new_deadline,
                                      comp.published_at)
        before = {k: _plain(getattr(comp, k)) for k in changes}
        if all(before[k] == _plain(v) for k, v in changes.items()):
            raise DomainError(N_("Ingenting er endret."), field="summary")
        for key, value in changes.items():
            setattr(comp, key, value)
        comp.version += 1
        comp.updated_at = now
        after = {k: _plain(v) for k, v in changes.items()}
        session.add(CompetitionChange(competition_id=comp.id, version=comp.version, at=now, summary=summary.strip(),
                                      before=before, after=after))
        self._move(session, actor, "correct", detail=summary.strip(), after={**after, "version": comp.version})
        notices.changed(session, comp, invited_ids(session, comp), summary.strip(), now)

    def open(self, session: Session, actor: Actor, now: datetime, secret: str) -> list[Tender]:
        """The opening: after the deadline, unseal every submitted tender; logged per tender."""
        comp = self.competition
        self.now = now
        if not self.can_open:
            raise IllegalTransition(N_("Tilbudene kan først åpnes når tilbudsfristen er passert."))
        tenders = list(session.exec(select(Tender).where(Tender.competition_id == comp.id,
                                                         Tender.status == T.SUBMITTED)).all())
        for tender in tenders:
            tender.opened = sealing.unseal(secret, tender.sealed)
            session.add(tender)
            record(session, actor, "tender.opened", "tender", tender.id, supplier_id=tender.supplier_id,
                   after={"competition_id": comp.id, "fingerprint": tender.fingerprint})
        comp.opened_at = now
        comp.updated_at = now
        self._move(session, actor, "open", after={"status": str(C.OPENED), "opened_at": now.isoformat(),
                                                  "tenders": [t.id for t in tenders]})
        return tenders

    def award(self, session: Session, actor: Actor, tender: Tender, reason: str, now: datetime,
              letters: list[dict]) -> None:
        """Award to *tender*; letters to every tenderer at once; the standstill starts."""
        comp = self.competition
        if tender.competition_id != comp.id:
            raise DomainError(N_("Tilbudet hører ikke til konkurransen."))
        comp.awarded_tender_id = tender.id
        comp.award_reason = reason
        comp.awarded_at = now
        comp.standstill_ends_at = rules.standstill_end(now, comp.standstill_days)
        comp.updated_at = now
        self._move(session, actor, "award", detail=reason, after={
            "status": str(C.AWARDED), "awarded_tender_id": tender.id, "supplier_id": tender.supplier_id,
            "standstill_ends_at": comp.standstill_ends_at.isoformat(), "letters": len(letters)})
        notices.award_letters(session, comp, letters, now)
        if comp.standstill_days == 0:
            self.now = now
            self.conclude_standstill(session, actor, now)

    def conclude_standstill(self, session: Session, actor: Actor, now: datetime) -> None:
        comp = self.competition
        self.now = now
        if not self.can_conclude_standstill:
            raise IllegalTransition(N_("Karensperioden er ikke over."))
        comp.ready_at = now
        comp.updated_at = now
        self._move(session, actor, "conclude_standstill", after={"status": str(C.READY), "ready_at": now.isoformat()})

    def cancel(self, session: Session, actor: Actor, reason: str, now: datetime) -> None:
        comp = self.competition
        if not reason.strip():
            raise DomainError(N_("Oppgi begrunnelsen for avlysningen."), field="reason")
        if _has_contract(session, comp):
            raise IllegalTransition(N_("Det er inngått kontrakt etter konkurransen. Den kan ikke avlyses."))
        was_public = self.is_public
        comp.cancelled_at = now
        comp.cancel_reason = reason.strip()
        comp.updated_at = now
        self._move(session, actor, "cancel", detail=reason.strip())
        if was_public:
            notices.cancelled(session, comp, invited_ids(session, comp), reason.strip(), now)


class TenderLife(LifeCycle[TenderStatus]):
    AUDIT_TYPE = "tender"
    TRANSITIONS = {
        "submit": (frozenset({T.DRAFT}), T.SUBMITTED),
        "withdraw": (frozenset({T.SUBMITTED}), T.WITHDRAWN),
        "replace": (frozenset({T.SUBMITTED}), T.REPLACED),
    }

    def __init__(self, tender: Tender, competition: Competition, now: datetime):
        super().__init__(tender)
        self.competition_life = CompetitionLife(competition, now)
        self.now = now

    @property
    def tender(self) -> Tender:
        return self.obj

    @property
    def open_for_changes(self) -> bool:
        """Locked at the deadline: nothing is submitted, replaced or withdrawn after it."""
        return self.competition_life.is_open_for_tenders

    @property
    def can_edit(self) -> bool:
        return self.status == T.DRAFT and self.open_for_changes

    @property
    def can_submit(self) -> bool:
        return self.can("submit") and self.open_for_changes

    @property
    def can_withdraw(self) -> bool:
        return self.can("withdraw") and self.open_for_changes

    @property
    def is_submitted(self) -> bool:
        return self.status == T.SUBMITTED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == T.WITHDRAWN

    def _guard(self) -> None:
        if not self.open_for_changes:
            raise IllegalTransition(N_("Tilbudsfristen er passert. Tilbud kan ikke leveres, endres eller trekkes."))

    def submit(self, session: Session, actor: Actor, previous: Tender | None = None) -> None:
        """Submit the draft; a tender submitted earlier by the same supplier is replaced by it."""
        self._guard()
        tender = self.tender
        if previous is not None:
            TenderLife(previous, self.competition_life.competition, self.now)._move(
                session, actor, "replace", supplier_id=previous.supplier_id,
                after={"status": str(T.REPLACED), "replaced_by": tender.id})
        tender.submitted_at = self.now
        tender.updated_at = self.now
        self._move(session, actor, "submit", supplier_id=tender.supplier_id,
                   after={"status": str(T.SUBMITTED), "competition_id": tender.competition_id,
                          "fingerprint": tender.fingerprint, "submitted_at": self.now.isoformat()})
        notices.receipt(session, self.competition_life.competition, tender, self.now)

    def withdraw(self, session: Session, actor: Actor) -> None:
        self._guard()
        tender = self.tender
        tender.withdrawn_at = self.now
        tender.updated_at = self.now
        self._move(session, actor, "withdraw", supplier_id=tender.supplier_id,
                   after={"status": str(T.WITHDRAWN), "competition_id": tender.competition_id})


def _has_contract(session: Session, comp: Competition) -> bool:
    """A contract made from the award ends the competition's life (catalogue.contracts)."""
    from catalogue.contracts.models import Contract  # contracts import this module

    return session.exec(select(Contract.id).where(Contract.competition_id == comp.id)).first() is not None


def invited_ids(session: Session, comp: Competition) -> list[int]:
    return list(session.exec(select(Invitation.supplier_id).where(Invitation.competition_id == comp.id)
                             .order_by(Invitation.supplier_id)).all())


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value
