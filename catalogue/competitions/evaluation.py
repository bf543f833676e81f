"""Evaluation of the opened tenders: requirements met or not, quality scores, price scores from
the stated model, weighted totals and the ranking – with the arithmetic shown.

Exact arithmetic throughout (``Fraction``); figures are rounded only when shown. The
tender content is read-only here: the buyer records verdicts and scores beside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Mapping, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.competitions import rules
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import Competition, Tender, TenderStatus
from catalogue.lifecycle import N_, DomainError, IllegalTransition
from catalogue.models import Supplier
from catalogue.text import reject_markup


def show(value: Fraction | None, places: int = 2) -> str:
    """A figure for people: Norwegian decimal comma, rounded half up."""
    if value is None:
        return ""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)).replace(".", ",")


@dataclass
class Column:
    """One tender in the evaluation."""

    tender: Tender
    supplier_name: str
    price: Optional[Fraction]
    verdicts: dict[str, dict]
    scores: dict[str, dict]
    rejected: bool = False
    reasons: list[str] = field(default_factory=list)
    criterion_scores: dict[str, Fraction] = field(default_factory=dict)
    total: Optional[Fraction] = None
    arithmetic: str = ""
    rank: Optional[int] = None
    complete: bool = False

    @property
    def content(self) -> Mapping[str, Any]:
        return self.tender.opened or {}


@dataclass
class Evaluation:
    competition: Competition
    requirements: list[dict]
    criteria: list[dict]
    columns: list[Column]
    lowest_price: Optional[Fraction] = None

    @property
    def ranking(self) -> list[Column]:
        return sorted([c for c in self.columns if c.rank is not None], key=lambda c: (c.rank, c.supplier_name))

    @property
    def complete(self) -> bool:
        return bool(self.columns) and all(c.rejected or c.complete for c in self.columns)

    @property
    def winner(self) -> Optional[Column]:
        ranked = self.ranking
        return ranked[0] if ranked and self.complete else None

    def column(self, tender_id: int) -> Optional[Column]:
        return next((c for c in self.columns if c.tender.id == tender_id), None)


def opened_tenders(session: Session, comp: Competition) -> list[tuple[Tender, str]]:
    return list(session.exec(
        select(Tender, Supplier.name).join(Supplier, Supplier.id == Tender.supplier_id)
        .where(Tender.competition_id == comp.id, Tender.status == TenderStatus.SUBMITTED,
               Tender.opened.is_not(None)).order_by(Supplier.name, Tender.id)).all())


def _fraction(text: Any) -> Optional[Fraction]:
    try:
        return Fraction(Decimal(str(text)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def evaluate(session: Session, comp: Competition) -> Evaluation:
    """The whole evaluation, computed from the stored verdicts and scores."""
    requirements = list(comp.requirements or [])
    criteria = list(comp.criteria or [])
    columns = []
    for tender, name in opened_tenders(session, comp):
        content = tender.opened or {}
        column = Column(tender=tender, supplier_name=name, price=_fraction(content.get("price")),
                        verdicts=dict(tender.verdicts or {}), scores=dict(tender.scores or {}))
        for req in requirements:
            verdict = column.verdicts.get(req["key"])
            if verdict and verdict.get("met") is False:
                column.rejected = True
                column.reasons.append(verdict.get("reason", ""))
        columns.append(column)
    ev = Evaluation(comp, requirements, criteria, columns)
    competing = [c for c in columns if not c.rejected and c.price is not None]
    ev.lowest_price = rules.lowest(c.price for c in competing)
    weights = {c["key"]: int(c["weight"]) for c in criteria}
    for column in competing:
        scores: dict[str, Fraction] = {}
        for crit in criteria:
            if crit["kind"] == "price":
                scores[crit["key"]] = rules.price_score(column.price, ev.lowest_price)
            else:
                value = _fraction((column.scores.get(crit["key"]) or {}).get("score"))
                if value is not None:
                    scores[crit["key"]] = value
        column.criterion_scores = scores
        verdicts_done = all(column.verdicts.get(r["key"], {}).get("met") is not None for r in requirements)
        column.complete = verdicts_done and len(scores) == len(criteria)
        if column.complete:
            column.total = rules.weighted_total(scores, weights)
            parts = " + ".join(f"{weights[c['key']]} % × {show(scores[c['key']])}" for c in criteria)
            column.arithmetic = f"{parts} = {show(column.total)}"
    ranked = sorted([c for c in competing if c.complete], key=lambda c: c.total, reverse=True)
    previous, rank = None, 0
    for position, column in enumerate(ranked, start=1):
        if column.total != previous:
            rank, previous = position, column.total
        column.rank = rank
    return ev


# ---------------------------------------------------------------------------
# the buyer's assessment of one tender


def read_assessment(form, comp: Competition) -> tuple[dict[str, dict], dict[str, dict]]:
    verdicts = {}
    for req in comp.requirements or []:
        met = (form.get(f"oppfylt-{req['key']}") or "").strip()
        verdicts[req["key"]] = {"met": {"ja": True, "nei": False}.get(met, met or None),
                                "reason": (form.get(f"oppfylt-{req['key']}-begrunnelse") or "").strip()}
    scores = {}
    for crit in comp.criteria or []:
        if crit["kind"] == "quality":
            scores[crit["key"]] = {"score": (form.get(f"poeng-{crit['key']}") or "").strip().replace(",", "."),
                                   "reason": (form.get(f"poeng-{crit['key']}-begrunnelse") or "").strip()}
    return verdicts, scores


def _check_text(text: str, fid: str) -> None:
    if len(text) > 4000:
        raise DomainError(N_("Teksten er for lang."), field=fid)
    if text and reject_markup(text):
        raise DomainError(N_("Teksten kan ikke inneholde HTML, skript eller kontrolltegn."), field=fid)


def assess(session: Session, actor: Actor, comp: Competition, tender: Tender, verdicts: dict[str, dict],
           scores: dict[str, dict], now: datetime) -> None:
    """Record the buyer's verdicts and scores for *tender* (a failing requirement rejects it)."""
    if not CompetitionLife(comp, now).can_evaluate:
        raise IllegalTransition(N_("Tilbudene kan bare evalueres etter åpningen og før tildelingen."))
    if tender.competition_id != comp.id or tender.opened is None or tender.status != TenderStatus.SUBMITTED:
        raise DomainError(N_("Tilbudet hører ikke til denne evalueringen."))
    for key, verdict in verdicts.items():
        fid = f"oppfylt-{key}"
        if verdict["met"] not in (True, False, None):
            raise DomainError(N_("Velg oppfylt eller ikke oppfylt."), field=fid)
        _check_text(verdict["reason"], fid + "-begrunnelse")
        if verdict["met"] is False and not verdict["reason"]:
            raise DomainError(N_("Begrunn hvorfor kravet ikke er oppfylt."), field=fid + "-begrunnelse")
    for key, score in scores.items():
        fid = f"poeng-{key}"
        if score["score"]:
            value = _fraction(score["score"]) if len(score["score"]) <= 6 else None
            if value is None or not 0 <= value <= rules.MAX_SCORE:
                raise DomainError(N_("Poengene må være et tall fra 0 til 10."), field=fid)
            if not score["reason"]:
                raise DomainError(N_("Begrunn poengene."), field=fid + "-begrunnelse")
        _check_text(score["reason"], fid + "-begrunnelse")
    before = {"verdicts": tender.verdicts, "scores": tender.scores}
    tender.verdicts = verdicts
    tender.scores = scores
    tender.rejected_reason = "; ".join(v["reason"] for v in verdicts.values() if v["met"] is False)
    tender.updated_at = now
    session.add(tender)
    record(session, actor, "tender.evaluated", "tender", tender.id, supplier_id=tender.supplier_id,
           before=before, after={"verdicts": verdicts, "scores": scores, "rejected": tender.rejected_reason})


def letters(ev: Evaluation, winner: Column, reason: str, standstill_ends: datetime) -> list[dict]:
    """The award letters: one per tenderer, with the winner, its own scores and reasons."""
    out = []
    for column in ev.columns:
        out.append({
            "supplier_id": column.tender.supplier_id, "supplier": column.supplier_name,
            "winner": winner.supplier_name, "is_winner": column is winner,
            "rank": column.rank, "total": show(column.total), "arithmetic": column.arithmetic,
            "scores": {c["name"]: show(column.criterion_scores.get(c["key"])) for c in ev.criteria},
            "rejected_reason": "; ".join(column.reasons) if column.rejected else "",
            "award_reason": reason, "standstill_ends_at": standstill_ends.isoformat(),
            "winner_total": show(winner.total),
        })
    return out


def award(session: Session, actor: Actor, comp: Competition, tender_id: int, reason: str, now: datetime) -> None:
    """Award to a ranked tender; award letters go to every tenderer in the same transaction."""
    ev = evaluate(session, comp)
    if not ev.complete:
        raise DomainError(N_("Evalueringen er ikke ferdig: vurder alle krav og kriterier for alle tilbud."))
    winner = ev.column(tender_id)
    if winner is None or winner.rank is None:
        raise DomainError(N_("Velg et tilbud som ikke er avvist."), field="tilbud")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Begrunn tildelingen: egenskapene og de relative fordelene ved det valgte tilbudet."),
                          field="begrunnelse")
    _check_text(reason, "begrunnelse")
    ends = rules.standstill_end(now, comp.standstill_days)
    CompetitionLife(comp, now).award(session, actor, winner.tender, reason, now, letters(ev, winner, reason, ends))
