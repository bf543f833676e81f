"""Who is looking: the person, the organisation acted for, the role, and what each role may see.

The acting person/organisation is part of the domain (shortlists, exports, registration ask it);
the login (``auth``) builds it and the web layer (``marketplace``) hands it to the domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from catalogue.audit import Actor
from catalogue.i18n import pick
from catalogue.models import Role

ANONYMOUS, BUYER, SUPPLIER, MANAGER, NO_ROLE = Role.ANONYMOUS, Role.BUYER, Role.SUPPLIER, Role.MANAGER, Role.NO_ROLE

# Every role a logged-in person can have (for views open to anyone who is logged in).
AUTHENTICATED_ROLES = (BUYER, SUPPLIER, MANAGER, NO_ROLE)

ROLE_LABELS = {
    ANONYMOUS: ("Ikke innlogget", "Not logged in"),
    BUYER: ("Offentlig innkjøper", "Public buyer"),
    SUPPLIER: ("Leverandør", "Supplier"),
    MANAGER: ("Avtaleforvalter", "Contract manager"),
    NO_ROLE: ("Uten rolle", "No role"),
}


@dataclass(frozen=True)
class Viewer:
    """The person behind a request, as far as the marketplace is concerned."""

    role: str = ANONYMOUS
    user_id: Optional[int] = None
    name: str = ""
    orgnr: str = ""            # the organisation acted for now ("" when none)
    org_name: str = ""
    supplier_id: Optional[int] = None  # set when acting for a registered supplier

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_buyer(self) -> bool:
        return self.role == BUYER

    @property
    def is_supplier(self) -> bool:
        return self.role == SUPPLIER

    @property
    def is_manager(self) -> bool:
        return self.role == MANAGER

    @property
    def sees_buyer_only(self) -> bool:
        """Terms marked buyer-only are shown to logged-in public buyers and staff alone."""
        return self.role in (BUYER, MANAGER)

    def role_label(self, lang: str = "nb") -> str:
        return pick(*ROLE_LABELS[self.role], lang)

    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, name=self.name or "anonym",
                     acting_for=f"0192:{self.orgnr}" if self.orgnr else "", role=self.role)


ANONYMOUS_VIEWER = Viewer()
