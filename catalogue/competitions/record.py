"""The procurement record (anskaffelsesprotokoll) of a competition: who did what, when.

One list of sections feeds the print page and the ODS export: the competition, every audit
event of it, its tenders and questions (in time order), the invited suppliers, questions and
answers, the tenders received (after the opening only), the evaluation, award and standstill.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, and_, select

from catalogue.competitions import drafting, questions
from catalogue.competitions.evaluation import evaluate, show
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import Competition, Invitation, Question, Tender
from catalogue.exports import Export, Sheet, render, time_text
from catalogue.models import AuditEvent, Category, Supplier
from catalogue.text import slugify


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


def events(session: Session, comp: Competition) -> list[AuditEvent]:
    tender_ids = list(session.exec(select(Tender.id).where(Tender.competition_id == comp.id)).all())
    question_ids = list(session.exec(select(Question.id).where(Question.competition_id == comp.id)).all())
    conditions = [and_(AuditEvent.object_type == "competition", AuditEvent.object_id == comp.id)]
    if tender_ids:
        conditions.append(and_(AuditEvent.object_type == "tender", AuditEvent.object_id.in_(tender_ids)))
    if question_ids:
        conditions.append(and_(AuditEvent.object_type == "competition_question",
                               AuditEvent.object_id.in_(question_ids)))
    return list(session.exec(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.at, AuditEvent.id)).all())


def sections(session: Session, comp: Competition, _, lang: str = "nb") -> list[Section]:
    """*_* translates a msgid (the web layer's gettext)."""
    life = CompetitionLife(comp)
    category = session.get(Category, comp.category_id)
    names = dict(session.exec(select(Supplier.id, Supplier.name)).all())
    out = [Section(_("Konkurransen"), [_("Felt"), _("Verdi")], [
        [_("Tittel"), comp.title], [_("Oppdragsgiver"), comp.buyer_name],
        [_("Kategori"), category.name(lang) if category else ""],
        [_("Anslått verdi (kr eks. mva.)"), str(comp.estimated_value or "")],
        [_("Tilbudsfrist"), time_text(comp.tender_deadline)],
        [_("Frist for spørsmål"), time_text(comp.question_deadline)],
        [_("Karensperiode (dager)"), str(comp.standstill_days)],
        [_("Begrunnelse for karensperiode"), comp.standstill_reason],
        [_("Kunngjort"), time_text(comp.published_at)], [_("Åpnet"), time_text(comp.opened_at)],
        [_("Tildelt"), time_text(comp.awarded_at)], [_("Karensperioden slutter"), time_text(comp.standstill_ends_at)],
        [_("Klar for kontrakt"), time_text(comp.ready_at)], [_("Avlyst"), time_text(comp.cancelled_at)],
        [_("Begrunnelse for avlysning"), comp.cancel_reason],
    ])]
    out.append(Section(_("Tildelingskriterier"), [_("Kriterium"), _("Vekt (%)")],
                       [[c["name"], str(c["weight"])] for c in comp.criteria or []]))
    impact = {r["key"]: r for r in (comp.impact or {}).get("requirements", [])}
    out.append(Section(_("Krav og virkning ved kunngjøring"),
                       [_("Krav"), _("Leverandører som oppfyller"), _("Ville falle bort")],
                       [[drafting.describe(r, lang), ", ".join(impact.get(r["key"], {}).get("meeting", [])),
                         ", ".join(impact.get(r["key"], {}).get("excluded", []))] for r in comp.requirements or []]))
    invited = session.exec(select(Invitation).where(Invitation.competition_id == comp.id)
                           .order_by(Invitation.invited_at, Invitation.supplier_id)).all()
    out.append(Section(_("Inviterte leverandører"), [_("Leverandør"), _("Invitert")],
                       [[names.get(i.supplier_id, ""), time_text(i.invited_at)] for i in invited]))
    out.append(Section(_("Spørsmål og svar"), [_("Stilt"), _("Spørsmål"), _("Besvart"), _("Svar")],
                       [[time_text(q.asked_at), q.text, time_text(q.answered_at), q.answer]
                        for q in questions.all_of(session, comp)]))
    if life.is_opened:
        ev = evaluate(session, comp)
        out.append(Section(_("Mottatte tilbud og evaluering"),
                           [_("Leverandør"), _("Levert"), _("Pris"), _("Avvist"), _("Poeng"), _("Utregning"),
                            _("Rangering")],
                           [[c.supplier_name, time_text(c.tender.submitted_at), c.content.get("price", ""),
                             "; ".join(c.reasons), show(c.total), c.arithmetic, str(c.rank or "")]
                            for c in ev.columns]))
    out.append(Section(_("Hvem gjorde hva, når"), [_("Tid"), _("Hvem"), _("For"), _("Handling"), _("Merknad")],
                       [[time_text(e.at), e.actor_name, e.acting_for, e.action, e.detail]
                        for e in events(session, comp)]))
    return out


def export(session: Session, comp: Competition, _, exported_by: str, now: datetime, lang: str = "nb") -> Export:
    """The record as an ODS file (one sheet, the sections one after another)."""
    sheet = Sheet(title=f"{_('Anskaffelsesprotokoll')}: {comp.title}",
                  meta=[(_("Eksportert"), time_text(now)), (_("Eksportert av"), exported_by)],
                  columns=[])
    for section in sections(session, comp, _, lang):
        sheet.rows.append([section.title])
        sheet.rows.append(section.columns)
        sheet.rows.extend(section.rows)
        sheet.rows.append([])
    return render(sheet, "ods", f"protokoll-{slugify(comp.title, 40)}", now)


def log_export(session: Session, actor, comp: Competition) -> None:
    """Exporting the record is itself recorded."""
    from catalogue.audit import record as audit

    audit(session, actor, "competition.record_exported", "competition", comp.id)
