"""Competitions in the market overview: how many were run, tenders per competition, and who won.

The share won by small and medium-sized suppliers needs the company size; the register data the
marketplace holds (Enhetsregisteret: name, form, address, sector) has no employee count yet, so
the figure says so instead of guessing.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.competitions.models import Competition, Tender, TenderStatus
from catalogue.market import BARS, Figure, Row
from catalogue.text import Msg


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
        Row("kunngjort", Msg("Kunngjorte konkurranser", "Competitions published"), (published,)),
        Row("apnet", Msg("Konkurranser med åpnede tilbud", "Competitions with opened tenders"), (opened,)),
        Row("tilbud", Msg("Tilbud mottatt i åpnede konkurranser", "Tenders received in opened competitions"),
            (tenders,)),
        Row("tildelt", Msg("Tildelte konkurranser", "Competitions awarded"), (awarded,)),
    )
    return Figure(
        "konkurranser", BARS, Msg("Konkurranser i ordningene", "Competitions in the purchasing systems"),
        Msg(f"Konkurranser kunngjort i de dynamiske innkjøpsordningene, i gjennomsnitt {average.replace('.', ',')} "
            "tilbud per åpnet konkurranse. Andelen vunnet av små og mellomstore leverandører kan ikke beregnes "
            "ennå: registeropplysningene markedsplassen har, inneholder ikke antall ansatte eller omsetning.",
            f"Competitions published in the dynamic purchasing systems, on average {average} tenders per opened "
            "competition. The share won by small and medium-sized suppliers cannot be computed yet: the register "
            "data the marketplace holds has no employee count or turnover."),
        (Msg("Antall", "Number"),), rows, published, show_share=False)
