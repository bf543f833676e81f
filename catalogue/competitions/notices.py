"""The notifications of a competition, sent through the notifications outbox (``notify``).

Each call runs inside the caller's transaction with an idempotency key, so a step and its
notifications are committed together or not at all. The kinds are registered in
``catalogue.notifications.kinds`` with their e-mail templates under templates/email/.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from catalogue.competitions.models import Competition, Tender
from catalogue.exports import time_text
from catalogue.notifications import notify


def _notify(session, kind: str, **kwargs) -> None:
    notify(session, kind, **kwargs)


def _url(comp: Competition, tail: str = "") -> str:
    return f"/konkurranser/{comp.id}{tail}"


def _base(comp: Competition) -> dict:
    return {"competition_id": comp.id, "title": comp.title, "buyer": comp.buyer_name,
            "tender_deadline": comp.tender_deadline.isoformat() if comp.tender_deadline else None,
            "deadline_text": time_text(comp.tender_deadline)}


def invited(session, comp: Competition, supplier_ids: Iterable[int], now: datetime) -> None:
    """The invitation to tender, to every supplier qualified at publication."""
    ids = list(supplier_ids)
    if ids:
        _notify(session, "competition.invited", suppliers=ids, context=_base(comp), url=_url(comp),
                key=f"competition:{comp.id}:invited", now=now)


def changed(session, comp: Competition, supplier_ids: Iterable[int], summary: str, now: datetime) -> None:
    ids = list(supplier_ids)
    if ids:
        _notify(session, "competition.changed", suppliers=ids, context={**_base(comp), "summary": summary,
                                                                        "version": comp.version},
                url=_url(comp), key=f"competition:{comp.id}:changed:{comp.version}", now=now)


def answered(session, comp: Competition, supplier_ids: Iterable[int], question_id: int, now: datetime) -> None:
    ids = list(supplier_ids)
    if ids:
        _notify(session, "competition.answered", suppliers=ids, context={**_base(comp), "question_id": question_id},
                url=_url(comp, "/sporsmal"), key=f"competition:{comp.id}:answer:{question_id}", now=now)


def receipt(session, comp: Competition, tender: Tender, now: datetime) -> None:
    """A receipt to the supplier: the tender is received (its fingerprint, never its content)."""
    _notify(session, "competition.tender_received", suppliers=[tender.supplier_id],
            context={**_base(comp), "fingerprint": tender.fingerprint,
                     "submitted_at": tender.submitted_at.isoformat() if tender.submitted_at else None},
            url=_url(comp, "/tilbud"), key=f"competition:{comp.id}:tender:{tender.id}:received", now=now)


def award_letters(session, comp: Competition, letters: list[dict], now: datetime) -> None:
    """The award letters (meddelelse om tildeling): one per tenderer, all in the same transaction."""
    for letter in letters:
        _notify(session, "competition.awarded", suppliers=[letter["supplier_id"]],
                context={**_base(comp), **letter, "standstill_text": time_text(comp.standstill_ends_at)},
                url=_url(comp),
                key=f"competition:{comp.id}:award:{letter['supplier_id']}", now=now)


def cancelled(session, comp: Competition, supplier_ids: Iterable[int], reason: str, now: datetime) -> None:
    ids = list(supplier_ids)
    if ids:
        _notify(session, "competition.cancelled", suppliers=ids, context={**_base(comp), "reason": reason},
                url=_url(comp), key=f"competition:{comp.id}:cancelled", now=now)


def ready(session, comp: Competition, now: datetime) -> None:
    """To the buyer: the standstill is over, the contract may be made."""
    _notify(session, "competition.ready", orgs=[comp.buyer_org], context=_base(comp), url=_url(comp),
            key=f"competition:{comp.id}:ready", now=now)
