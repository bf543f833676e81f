"""Competitions in the market overview: how many were run, tenders per competition, and who won.

Who won and who tendered are counted by company size as Enhetsregisteret states it (the number of
employees the register follower keeps current, ``catalogue.company.company_size``): the share of the
awarded competitions won by small and medium-sized suppliers (under 250 employees, the EU's SME
headcount) is the figure's headline. Suppliers whose size the register does not state are counted
apart, never guessed.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.company import CompanySize, company_size
from catalogue.competitions.models import Competition, Tender, TenderStatus
from catalogue.i18n import _l, _lp, _nl, lazy_pick
from catalogue.market import BARS, Figure, Row
from catalogue.models import Supplier

SME = (CompanySize.SMALL, CompanySize.MEDIUM)


def _sizes(session: Session, *conditions) -> Counter:
    """Tenders (one per row) matching *conditions*, counted by their supplier's size (``None``: not stated)."""
    rows = session.exec(select(Supplier.employees).select_from(Tender)
                        .join(Competition, Competition.id == Tender.competition_id)
                        .join(Supplier, Supplier.id == Tender.supplier_id).where(*conditions)).all()
    return Counter(company_size(employees) for employees in rows)


def _share(part: int, whole: int) -> object:
    percent = round(100 * part / whole)
    return lazy_pick(f"{percent}\u00a0%", f"{percent}%")


def competitions_figure(session: Session) -> Figure:
    published = session.exec(select(func.count()).select_from(Competition)
                             .where(Competition.published_at.is_not(None))).one()
    opened = session.exec(select(func.count()).select_from(Competition)
                          .where(Competition.opened_at.is_not(None))).one()
    tendered = _sizes(session, Competition.opened_at.is_not(None), Tender.status == TenderStatus.SUBMITTED)
    won = _sizes(session, Competition.awarded_tender_id == Tender.id)
    tenders, awarded = sum(tendered.values()), sum(won.values())
    won_by_sme = sum(won[size] for size in SME)
    average = f"{tenders / opened:.1f}" if opened else "–"
    rows = (
        Row("kunngjort", _lp("figur", "Kunngjorte konkurranser"), (published,)),
        Row("apnet", _l("Konkurranser med åpnede tilbud"), (opened,)),
        Row("tilbud", _l("Tilbud mottatt i åpnede konkurranser"), (tenders,)),
        Row("tilbud-smb", _l("… av dem fra små og mellomstore leverandører"), (sum(tendered[s] for s in SME),)),
        Row("tildelt", _l("Tildelte konkurranser"), (awarded,)),
        Row("tildelt-smb", _l("… av dem vunnet av små og mellomstore leverandører"), (won_by_sme,)),
    )
    average_text = lazy_pick(average.replace(".", ","), average)  # the decimal mark of the language shown
    if awarded:
        sme = _l("Små og mellomstore leverandører (under 250 ansatte i Enhetsregisteret) vant %(share)s av de "
                 "tildelte konkurransene.", share=_share(won_by_sme, awarded))
    else:
        sme = _l("Ingen konkurranser er tildelt ennå, så andelen vunnet av små og mellomstore leverandører er ikke "
                 "kjent.")
    if won[None]:
        sme = _l("%(sme)s %(unknown)s", sme=sme, unknown=_nl(
            "Enhetsregisteret oppgir ikke antall ansatte for %(num)s vinner.",
            "Enhetsregisteret oppgir ikke antall ansatte for %(num)s vinnere.", won[None]))
    return Figure(
        "konkurranser", BARS, _l("Konkurranser i ordningene"),
        _l("Konkurranser kunngjort i de dynamiske innkjøpsordningene, i gjennomsnitt %(average)s tilbud per åpnet "
           "konkurranse. %(sme)s", average=average_text, sme=sme),
        (_l("Antall"),), rows, published, show_share=False)
