"""Follow-up of contracts (seeds 000 and 001): the register, deviation reports and quarterly turnover.

* the register: a buyer sees its organisation's contracts, a supplier its own, the contract
  manager all of them;
* deviation reports (avviksmeldinger): the buyer files, the supplier answers, the DPS
  administrator (contract manager) sees all, by supplier;
* turnover: each supplier qualified in a DPS reports its turnover per quarter in every
  category it is qualified in, zero included; the manager sees who has not reported.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

from babel.support import LazyProxy
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.contracts.lifecycle import (ContractLife, DeviationLife, DomainError, N_, Viewer, clean_text,
                                           parse_amount)
from catalogue.contracts.models import Contract, ContractStatus, DeviationReport, DeviationStatus, TurnoverReport
from catalogue.i18n import _l, lazy_pick
from catalogue.models import (DPS, ArchivedService, Category, Qualification, QualificationStatus, Service, Supplier,
                              utcnow)

QUALIFIED = QualificationStatus.QUALIFIED     # the qualification outcome that admits a supplier


# ---------------------------------------------------------------------------
# the register


@dataclass
class RegisterRow:
    contract: Contract
    life: ContractLife
    supplier: str
    service: str
    new_terms: bool           # the supplier has published a newer version since
    next_deadline: Optional[tuple[date, str]]


def next_deadline(contract: Contract, today: date) -> Optional[tuple[date, str]]:
    """The next date that needs the buyer: an option's exercise date or the end date."""
    dates = [(date.fromisoformat(o["exercise_by"]), "option") for o in (contract.options or [])
             if o.get("exercise_by") and not o.get("exercised")]
    dates.append((contract.end_date, "end"))
    upcoming = sorted(d for d in dates if d[0] >= today)
    return upcoming[0] if upcoming else None


def register(session: Session, viewer: Viewer, *, status: str = "", today: date | None = None) -> list[RegisterRow]:
    """The contracts *viewer* may see, newest first; optionally of one status."""
    from catalogue.contracts.lifecycle import today as oslo_today

    query = (select(Contract, Supplier.name, Service.version, ArchivedService.content)
             .join(Supplier, Supplier.id == Contract.supplier_id)
             .join(Service, Service.id == Contract.service_id)
             .join(ArchivedService, ArchivedService.id == Contract.archived_id))
    if viewer.is_buyer:
        query = query.where(Contract.buyer_orgnr == (viewer.orgnr or "-"))
    elif viewer.is_supplier:
        query = query.where(Contract.supplier_id == (viewer.supplier_id or -1), Contract.status != ContractStatus.DRAFT)
    elif not viewer.is_manager:
        return []
    if status in {s.value for s in ContractStatus}:
        query = query.where(Contract.status == status)
    now = today or oslo_today()
    rows = []
    for contract, supplier, live_version, content in session.exec(
            query.order_by(Contract.created_at.desc(), Contract.id.desc())).all():
        life = ContractLife(contract)
        rows.append(RegisterRow(contract, life, supplier, (content or {}).get("name", ""),
                                life.in_force and live_version > contract.version,
                                next_deadline(contract, now) if life.in_force else None))
    return rows


# ---------------------------------------------------------------------------
# deviation reports


def deviations_of(session: Session, contract: Contract) -> list[tuple[DeviationReport, DeviationLife]]:
    reports = session.exec(select(DeviationReport).where(DeviationReport.contract_id == contract.id)
                           .order_by(DeviationReport.filed_at.desc(), DeviationReport.id.desc())).all()
    return [(r, DeviationLife(r)) for r in reports]


def file_deviation(session: Session, actor: Actor, contract: Contract, *, subject: str, description: str,
                   user_id: Optional[int]) -> DeviationReport:
    """The buyer reports a deviation; the supplier and the contract manager are told."""
    from catalogue.notifications import notify

    if not ContractLife(contract).can_report_deviation:
        raise DomainError(N_("Avvik kan bare meldes på en avtale som er signert eller i kraft."))
    errors = {}
    try:
        subject = clean_text(subject, "avvik-emne", 200, N_("Skriv et kort emne for avviket."))
    except DomainError as exc:
        errors["avvik-emne"] = exc
    try:
        description = clean_text(description, "avvik-beskrivelse", 4000, N_("Beskriv avviket."))
    except DomainError as exc:
        errors["avvik-beskrivelse"] = exc
    if errors:
        from catalogue.contracts.lifecycle import InvalidInput

        raise InvalidInput(errors)
    report = DeviationReport(contract_id=contract.id, supplier_id=contract.supplier_id, subject=subject,
                             description=description, filed_by=user_id, status=DeviationStatus.OPEN)
    session.add(report)
    session.flush()
    record(session, actor, "deviation_report.filed", "deviation_report", report.id, supplier_id=contract.supplier_id,
           service_id=contract.service_id, after={"status": str(report.status), "contract": contract.id,
                                                  "subject": subject}, detail=description)
    notify(session, "contract.deviation_filed", suppliers=[contract.supplier_id], managers=True,
           context={"contract": contract.title, "subject": subject, "buyer": contract.buyer_name},
           url=f"/innkjop/avtaler/{contract.id}#avvik-{report.id}", key=f"deviation:{report.id}:filed")
    return report


def answer_deviation(session: Session, actor: Actor, contract: Contract, report: DeviationReport, text: str,
                     user_id: Optional[int]) -> None:
    from catalogue.notifications import notify

    DeviationLife(report).answer(session, actor, text, user_id)
    notify(session, "contract.deviation_answered", orgs=[f"0192:{contract.buyer_orgnr}"],
           context={"contract": contract.title, "subject": report.subject},
           url=f"/innkjop/avtaler/{contract.id}#avvik-{report.id}", key=f"deviation:{report.id}:answered")


@dataclass
class SupplierDeviations:
    supplier: Supplier
    reports: list[tuple[DeviationReport, Contract]]

    @property
    def open(self) -> int:
        return sum(1 for r, _ in self.reports if r.status == DeviationStatus.OPEN)


def deviations_by_supplier(session: Session) -> list[SupplierDeviations]:
    """Every deviation report, grouped by supplier (the DPS administrator's view)."""
    grouped: dict[int, SupplierDeviations] = {}
    for report, contract, supplier in session.exec(
            select(DeviationReport, Contract, Supplier).join(Contract, Contract.id == DeviationReport.contract_id)
            .join(Supplier, Supplier.id == DeviationReport.supplier_id)
            .order_by(Supplier.name, DeviationReport.filed_at.desc())).all():
        grouped.setdefault(supplier.id, SupplierDeviations(supplier, [])).reports.append((report, contract))
    return list(grouped.values())


# ---------------------------------------------------------------------------
# turnover


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(day: date) -> tuple[int, int]:
    year, quarter = quarter_of(day)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_label(year: int, quarter: int) -> str:
    return f"{quarter}. kvartal {year}"


def qualified_categories(session: Session, supplier_id: int) -> dict[int, list[Category]]:
    """DPS id → the categories *supplier_id* is qualified in."""
    out: dict[int, list[Category]] = defaultdict(list)
    for dps_id, category in session.exec(
            select(Qualification.dps_id, Category).join(Category, Category.id == Qualification.category_id)
            .where(Qualification.supplier_id == supplier_id, Qualification.status == QUALIFIED)
            .order_by(Category.position, Category.name_nb)).all():
        if category not in out[dps_id]:
            out[dps_id].append(category)
    return dict(out)


def reported(session: Session, supplier_id: int, dps_id: int, year: int, quarter: int) -> dict[int, int]:
    return dict(session.exec(select(TurnoverReport.category_id, TurnoverReport.amount_nok).where(
        TurnoverReport.supplier_id == supplier_id, TurnoverReport.dps_id == dps_id, TurnoverReport.year == year,
        TurnoverReport.quarter == quarter)).all())


def report_turnover(session: Session, actor: Actor, *, supplier_id: int, dps_id: int, year: int, quarter: int,
                    amounts: dict[int, Any], user_id: Optional[int], today: date) -> None:
    """Record the quarter's turnover per qualified category (zero included); a correction replaces it."""
    categories = qualified_categories(session, supplier_id).get(dps_id)
    if not categories:
        raise DomainError(N_("Dere er ikke kvalifisert i denne innkjøpsordningen."))
    if (year, quarter) > quarter_of(today) or not 1 <= quarter <= 4 or year < 2000:
        raise DomainError(N_("Omsetning kan bare rapporteres for et kvartal som har begynt."), "kvartal")
    errors: dict[str, DomainError] = {}
    clean: dict[int, int] = {}
    for category in categories:
        field = f"omsetning-{category.id}"
        try:
            clean[category.id] = parse_amount(amounts.get(category.id), field,
                                              N_("Oppgi omsetningen i kroner, også når den er 0."))
        except DomainError as exc:
            errors[field] = exc
    if errors:
        from catalogue.contracts.lifecycle import InvalidInput

        raise InvalidInput(errors)
    before = reported(session, supplier_id, dps_id, year, quarter)
    for category_id, amount in clean.items():
        row = session.exec(select(TurnoverReport).where(
            TurnoverReport.supplier_id == supplier_id, TurnoverReport.dps_id == dps_id, TurnoverReport.year == year,
            TurnoverReport.quarter == quarter, TurnoverReport.category_id == category_id)).first()
        row = row or TurnoverReport(supplier_id=supplier_id, dps_id=dps_id, year=year, quarter=quarter,
                                    category_id=category_id)
        row.amount_nok, row.reported_by, row.reported_at = amount, user_id, utcnow()
        session.add(row)
    record(session, actor, "turnover.reported", "dps", dps_id, supplier_id=supplier_id,
           before={"year": year, "quarter": quarter, "amounts": {str(k): v for k, v in before.items()}} if before else None,
           after={"year": year, "quarter": quarter, "amounts": {str(k): v for k, v in clean.items()}})


@dataclass
class Missing:
    dps: DPS
    supplier: Supplier


def not_reported(session: Session, year: int, quarter: int) -> list[Missing]:
    """Qualified suppliers that have not reported *year*/*quarter* in a DPS."""
    done = set(session.exec(select(TurnoverReport.dps_id, TurnoverReport.supplier_id).where(
        TurnoverReport.year == year, TurnoverReport.quarter == quarter).distinct()).all())
    pairs = session.exec(select(DPS, Supplier).join(Qualification, Qualification.dps_id == DPS.id)
                         .join(Supplier, Supplier.id == Qualification.supplier_id)
                         .where(Qualification.status == QUALIFIED).distinct()
                         .order_by(DPS.name, Supplier.name)).all()
    return [Missing(d, s) for d, s in pairs if (d.id, s.id) not in done]


def turnover_totals(session: Session, year: int, quarter: int) -> list[tuple[DPS, Supplier, int]]:
    return list(session.exec(
        select(DPS, Supplier, func.sum(TurnoverReport.amount_nok)).join(TurnoverReport, TurnoverReport.dps_id == DPS.id)
        .join(Supplier, Supplier.id == TurnoverReport.supplier_id)
        .where(TurnoverReport.year == year, TurnoverReport.quarter == quarter)
        .group_by(DPS.id, Supplier.id).order_by(DPS.name, Supplier.name)).all())


# ---------------------------------------------------------------------------
# the market overview


def by_category(session: Session) -> list[tuple[Category, int, int]]:
    """Per category: contracted value of awarded contracts, and all reported turnover (NOK)."""
    awarded = [s.value for s in ContractLife.AWARDED]
    value = dict(session.exec(select(Contract.category_id, func.sum(Contract.value_nok))
                              .where(Contract.status.in_(awarded)).group_by(Contract.category_id)).all())
    turnover = dict(session.exec(select(TurnoverReport.category_id, func.sum(TurnoverReport.amount_nok))
                                 .group_by(TurnoverReport.category_id)).all())
    ids = [i for i in set(value) | set(turnover) if i is not None]
    if not ids:
        return []
    categories = session.exec(select(Category).where(Category.id.in_(ids))
                              .order_by(Category.position, Category.name_nb)).all()
    return [(c, int(value.get(c.id) or 0), int(turnover.get(c.id) or 0)) for c in categories]


def market_figures(session: Session) -> tuple[Any, Any]:
    """Two figures for the market overview: contracted value and reported turnover, by category (NOK)."""
    from catalogue.market import BARS, Figure, Row

    rows = by_category(session)

    def figure(key: str, column: int, title: LazyProxy, description: LazyProxy, label: LazyProxy) -> Figure:
        values = [(c, v) for c, *amounts in rows for v in (amounts[column],) if v]
        return Figure(key, BARS, title, description, (label,),
                      tuple(Row(c.slug, lazy_pick(c.name_nb, c.name_en), (v,)) for c, v in values),
                      sum(v for _, v in values), show_share=False)

    return (
        figure("avtaleverdi", 0, _l("Avtaleverdi per kategori"),
               _l("Samlet anslått verdi (kroner eksklusive mva.) av signerte avtaler gjennom markedsplassen, "
                  "per kategori."), _l("Avtaleverdi (kr)")),
        figure("omsetning", 1, _l("Rapportert omsetning per kategori"),
               _l("Omsetning leverandørene har rapportert i de dynamiske innkjøpsordningene (kroner eksklusive mva.), "
                  "alle kvartaler, per kategori."), _l("Omsetning (kr)")),
    )


def iter_in_force(session: Session) -> Iterable[Contract]:
    return session.exec(select(Contract).where(Contract.status.in_([s.value for s in ContractLife.IN_FORCE]))).all()
