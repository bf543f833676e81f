"""Helpers for the contract tests: a buyer, a frozen shortlist and a draft contract, through the domain."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from catalogue.viewer import MANAGER, SUPPLIER, Viewer
from catalogue import shortlists as sl
from catalogue.contracts import lifecycle as lc
from catalogue.contracts.models import Contract
from catalogue.models import Service, Supplier, User
from tests.test_shortlist import buyer as buyer_viewer  # noqa: F401
from tests.test_shortlist import make_user  # noqa: F401  (the tests' one way to make a user)

KOMMUNE = "976240391"
STAT = "922152799"


def supplier_viewer(db: Session, service: Service, user: User | None = None) -> Viewer:
    supplier = db.get(Supplier, service.supplier_id)
    return Viewer(role=SUPPLIER, user_id=user.id if user else None, name="Leverandør", orgnr=supplier.orgnr,
                  org_name=supplier.name, supplier_id=supplier.id)


def manager_viewer(user: User | None = None) -> Viewer:
    return Viewer(role=MANAGER, user_id=user.id if user else None, name="Forvalter", orgnr="925792403")


def published(db: Session, n: int = 1) -> list[Service]:
    return list(db.exec(select(Service).where(Service.status == "published").order_by(Service.id).limit(n)).all())


def frozen_list(db: Session, viewer: Viewer, services: list[Service], name: str = "Avropsliste") -> sl.Shortlist:
    shortlist, errors = sl.save_search(db, viewer, name, [("q", "lagring")])
    assert not errors
    assert sl.freeze(db, shortlist, viewer.actor(), [s.id for s in services], len(services)) is None
    db.commit()
    return shortlist


def call_off_form(**overrides: Any) -> dict[str, str]:
    start = date.today() + timedelta(days=1)
    form = {
        "tittel": "Lagring for arkivet", "verdi": "250 000", "start": start.isoformat(),
        "slutt": (start + timedelta(days=730)).isoformat(), "avtaleform": "ssa-l",
        "begrunnelse": "Best på datalokasjon og lovvalg i den frosne listen.",
        "opsjon-1-beskrivelse": "Forlengelse 1 år", "opsjon-1-maneder": "12",
        "opsjon-1-frist": (start + timedelta(days=640)).isoformat(),
        "kontakt-kunde-navn": "Kari Innkjøper", "kontakt-kunde-email": "kari@fjellvik.kommune.no",
    }
    form.update(overrides)
    return form


def make_contract(db: Session, viewer: Viewer, shortlist: sl.Shortlist, service: Service,
                  requirements: dict | None = None, **overrides: Any) -> Contract:
    contract = lc.direct_call_off(db, viewer.actor(), buyer_orgnr=viewer.orgnr, buyer_name=viewer.org_name,
                                  shortlist=shortlist, service_id=service.id,
                                  call_off=lc.read_call_off(call_off_form(**overrides)),
                                  requirements=requirements or {}, user_id=viewer.user_id)
    db.commit()
    return contract
