"""The notifications of the existing domain transitions (issue 12's first kinds).

Each function is called with one line from the transition it belongs to, inside that
transition's transaction, so the notification commits (or rolls back) with the change.
Keys name the object and the step, so a repeated call records nothing twice.
"""
from __future__ import annotations

from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.models import DPS, Category, QualificationApplication, Qualification, Service, Supplier
from catalogue.notifications.outbox import notify
from catalogue.services import content_of


def _supplier_name(session: Session, supplier_id: int) -> str:
    supplier = session.get(Supplier, supplier_id)
    return supplier.name if supplier else ""


def application_submitted(session: Session, application: QualificationApplication) -> None:
    dps = session.get(DPS, application.dps_id)
    context = {"supplier": _supplier_name(session, application.supplier_id), "dps": dps.name if dps else "",
               "due": application.due_date.isoformat() if application.due_date else ""}
    stamp = application.submitted_at.isoformat() if application.submitted_at else ""
    notify(session, "application.received", suppliers=[application.supplier_id], context=context,
           url=f"/leverandor/soknader/{application.id}", key=f"application:{application.id}:received:{stamp}")
    notify(session, "manager.queue", managers=True,
           context={"item": f"{context['supplier']} – {context['dps']}"},
           url=f"/forvaltning/soknader/{application.id}", key=f"application:{application.id}:queued:{stamp}")


def application_decided(session: Session, application: QualificationApplication) -> None:
    dps = session.get(DPS, application.dps_id)
    outcome: dict[str, list[str]] = {}  # status of each decided category → names (the templates read them)
    for q, category in session.exec(select(Qualification, Category).join(Category, Category.id == Qualification.category_id)
                                    .where(Qualification.application_id == application.id)):
        if q.decided_at is not None:
            outcome.setdefault(str(q.status), []).append(category.name_nb + (f" ({q.reason})" if q.reason else ""))
    notify(session, "application.decided", suppliers=[application.supplier_id],
           context={"supplier": _supplier_name(session, application.supplier_id), "dps": dps.name if dps else "",
                    **outcome},
           url=f"/leverandor/soknader/{application.id}", key=f"application:{application.id}:decided")


def listing_submitted(session: Session, service: Service, revision: Optional[Any] = None) -> None:
    what = f"revision:{revision.id}" if revision is not None else f"service:{service.id}:{service.lock_version}"
    notify(session, "manager.queue", managers=True,
           context={"item": f"{_supplier_name(session, service.supplier_id)} – {service.name}"},
           url=f"/forvaltning/tjenester/{service.id}", key=f"{what}:queued")


def listing_approved(session: Session, service: Service) -> None:
    notify(session, "listing.approved", suppliers=[service.supplier_id],
           context={"service": service.name, "version": service.version},
           url=f"/tjenester/{service.id}", key=f"service:{service.id}:v{service.version}:approved")
    terms_published(session, service)


def listing_rejected(session: Session, service: Service, reason: str) -> None:
    notify(session, "listing.rejected", suppliers=[service.supplier_id],
           context={"service": service.name, "reason": reason},
           url=f"/leverandor/tjenester/{service.id}", key=f"service:{service.id}:lock{service.lock_version}:rejected")


def terms_published(session: Session, service: Service) -> None:
    """A new version of a service on frozen shortlists: tell each list's owner, with the changes.

    An organisation with a contract in force on the service is told by the contract's watch
    (``catalogue.contracts.drift``) already, so its lists are left out: one notice per publication.
    """
    from catalogue.contracts import drift
    from catalogue.shortlists import Shortlist, ShortlistItem, ShortlistStatus

    told = drift.orgs_told(session, service.id, service.version)
    new_content = content_of(service)

    lists = session.exec(select(Shortlist, ShortlistItem).join(ShortlistItem, ShortlistItem.shortlist_id == Shortlist.id)
                         .where(ShortlistItem.service_id == service.id, Shortlist.status == ShortlistStatus.FROZEN,
                                ShortlistItem.version < service.version))
    summaries: dict[int, dict] = {}   # the diff once per version held, not once per list
    for shortlist, item in lists:
        if shortlist.orgnr in told:
            continue
        if item.archived_id not in summaries:
            summaries[item.archived_id] = drift.summary(session, item.archived_id, new_content)
        notify(session, "shortlist.terms_changed", users=[shortlist.user_id],
               context={"service": service.name, "shortlist": shortlist.name, "version": service.version,
                        "frozen_version": item.version, **summaries[item.archived_id]},
               url=f"/innkjop/lister/{shortlist.id}/endringer/{service.id}",
               key=f"shortlist:{shortlist.id}:service:{service.id}:v{service.version}")
