"""How a buyer can buy a published service: through which dynamic purchasing system (DPS), and in
which of its categories the supplier is qualified (the service page's "how to buy this" box)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from catalogue import qualification
from catalogue.models import DPS, Category, Service


@dataclass
class Offer:
    dps: DPS | None = None
    # The DPS's categories the supplier is qualified in (the service's own is among them when it
    # can be bought through the DPS).
    qualified_in: list[Category] = field(default_factory=list)
    covers_service: bool = False
    # The DPS category the service falls under (its own category or its parent), if the DPS has it.
    category: Category | None = None

    @property
    def competition_key(self) -> str:
        """``<dps id>:<category id>``: how a competition names the category it is run in."""
        return f"{self.dps.id}:{self.category.id}" if self.dps and self.category else ""


def offer_of(session: Session, service: Service) -> Offer:
    """Where *service* can be bought: its DPS and the supplier's qualifications there."""
    if service.dps_id is None:
        return Offer()
    dps = session.get(DPS, service.dps_id)
    if dps is None:
        return Offer()
    qualified_in = [c for c in qualification.dps_categories(session, dps.id)
                    if qualification.is_qualified(session, service.supplier_id, dps.id, c.id)]
    covers = qualification.is_qualified(session, service.supplier_id, dps.id, service.category_id)
    own = session.get(Category, service.category_id)
    wanted = {service.category_id, own.parent_id if own else None}
    category = next((c for c in qualification.dps_categories(session, dps.id) if c.id in wanted), None)
    return Offer(dps=dps, qualified_in=qualified_in, covers_service=covers, category=category)
