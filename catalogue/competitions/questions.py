"""Questions and answers: invited suppliers ask until the question deadline; the buyer answers,
and the answer is published to every invited supplier without the asker's name."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.competitions import notices
from catalogue.competitions.lifecycle import CompetitionLife, invited_ids
from catalogue.competitions.models import Competition, Question
from catalogue.lifecycle import N_, DomainError, IllegalTransition
from catalogue.text import reject_markup

MAX_LENGTH = 4000


def _clean(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(N_("Skriv teksten."), field=field)
    if len(text) > MAX_LENGTH:
        raise DomainError(N_("Teksten er for lang."), field=field)
    if reject_markup(text):
        raise DomainError(N_("Teksten kan ikke inneholde HTML, skript eller kontrolltegn."), field=field)
    return text


def ask(session: Session, actor: Actor, comp: Competition, supplier_id: int, text: str, now: datetime) -> Question:
    if not CompetitionLife(comp, now).can_ask:
        raise IllegalTransition(N_("Fristen for spørsmål er passert."))
    question = Question(competition_id=comp.id, supplier_id=supplier_id, asked_at=now,
                        text=_clean(text, "sporsmal"))
    session.add(question)
    session.flush()
    record(session, actor, "competition.question_asked", "competition_question", question.id,
           supplier_id=supplier_id, after={"competition_id": comp.id, "text": question.text})
    return question


def answer(session: Session, actor: Actor, comp: Competition, question: Question, text: str,
           now: datetime) -> None:
    if question.competition_id != comp.id:
        raise DomainError(N_("Spørsmålet hører ikke til konkurransen."))
    if not CompetitionLife(comp, now).can_answer:
        raise IllegalTransition(N_("Spørsmål kan bare besvares før tilbudsfristen."))
    if question.answered_at is not None:
        raise IllegalTransition(N_("Spørsmålet er allerede besvart."))
    question.answer = _clean(text, f"svar-{question.id}")
    question.answered_at = now
    session.add(question)
    record(session, actor, "competition.question_answered", "competition_question", question.id,
           after={"competition_id": comp.id, "answer": question.answer})
    notices.answered(session, comp, invited_ids(session, comp), question.id, now)


def published(session: Session, comp: Competition) -> list[Question]:
    """The answered questions, for every invited supplier (the asker is never shown)."""
    return list(session.exec(select(Question).where(Question.competition_id == comp.id,
                                                    Question.answered_at.is_not(None))
                             .order_by(Question.answered_at, Question.id)).all())


def all_of(session: Session, comp: Competition) -> list[Question]:
    return list(session.exec(select(Question).where(Question.competition_id == comp.id)
                             .order_by(Question.asked_at, Question.id)).all())


def own(session: Session, comp: Competition, supplier_id: int) -> list[Question]:
    return list(session.exec(select(Question).where(Question.competition_id == comp.id,
                                                    Question.supplier_id == supplier_id)
                             .order_by(Question.asked_at, Question.id)).all())
