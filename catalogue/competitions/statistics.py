"""Competitions in the market overview: how many were run, tenders per competition, and who won.

The share won by small and medium-sized suppliers needs the company size; the register data the
marketplace holds (Enhetsregisteret: name, form, address, sector) has no employee count yet, so
the figure says so instead of guessing.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.competitions.models import Competition, Tender, TenderStatus
from catalogue.i18n import _l, _lp, lazy_pick
from catalogue.market import BARS, Figure, Row


def competitions_figure(session: Session) -> Figure:
    published = session.exec(select(func.count()).select_from(Competition)
                             .where(Competition.published_at.is_not(None))).one()
    opened = session.exec(select(func.count()).select_from(Competition)
                          .where(Competition.opened_at.is_not(None))).one()
    tenders = session.exec(select(func.count()).select_from(Tender).join(Competition, Competition.id == Tender.competition_id)
                           .where(Competition.opened_at.is_not(None), Tender.status == TenderStatus.SUBMITTED)).one()
    awarded = session.exec(select(func.count()).select_from(Competition)
                           .where(Competition.awarded_tender_id.is_not(None))).one()
    average = f"{tenders / opened:.1f}" if opened else "–"
    rows = (
        Row("kunngjort", _lp("figur", "Kunngjorte konkurranser"), (published,)),
        Row("apnet", _l("Konkurranser med åpnede tilbud"), (opened,)),
        Row("tilbud", _l("Tilbud mottatt i åpnede konkurranser"),
            (tenders,)),
        Row("tildelt", _l("Tildelte konkurranser"), (awarded,)),
    )
    return Figure(
        "konkurranser", BARS, _l("Konkurranser i ordningene"),
        _l("Konkurranser kunngjort i de dynamiske innkjøpsordningene, i gjennomsnitt %(average)s "
           "tilbud per åpnet konkurranse. Andelen vunnet av små og mellomstore leverandører kan ikke beregnes "
           "ennå: registeropplysningene markedsplassen har, inneholder ikke antall ansatte eller omsetning.",
           average=lazy_pick(average.replace(".", ","), average)),  # the decimal mark of the language shown
        (_l("Antall"),), rows, published, show_share=False)
