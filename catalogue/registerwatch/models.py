"""Tables of the register follower: its position, the updates it applied, the alerts it raised."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel

from catalogue.lifecycle import N_, status_check
from catalogue.models import utcnow

FEED_ENHETER = "enheter"


class RegisterFlag(StrEnum):
    """What the register says about a company that puts its qualifications on hold."""

    BANKRUPT = "konkurs"                  # konkurs
    WINDING_UP = "avvikling"              # under avvikling (voluntary liquidation)
    FORCED_WINDING_UP = "tvangsavvikling"  # under tvangsavvikling eller tvangsoppløsning
    DELETED = "slettet"                   # slettet fra Enhetsregisteret


FLAG_LABELS = {
    RegisterFlag.BANKRUPT: N_("konkurs"),
    RegisterFlag.WINDING_UP: N_("under avvikling"),
    RegisterFlag.FORCED_WINDING_UP: N_("under tvangsavvikling eller tvangsoppløsning"),
    RegisterFlag.DELETED: N_("slettet fra Enhetsregisteret"),
}


class AlertStatus(StrEnum):
    OPEN = "open"              # raised: qualifications suspended until the contract manager decides
    REINSTATED = "reinstated"  # the manager found the supplier may continue: qualifications restored
    EXCLUDED = "excluded"      # the manager ended the supplier's qualifications


class RegisterPosition(SQLModel, table=True):
    """How far the follower has read a feed: the last ``oppdateringsid`` it applied.

    Updated in the same transaction as the changes an update makes, so a follower killed at
    any moment neither misses nor repeats an update when it starts again.
    """

    __tablename__ = "register_position"

    feed: str = Field(primary_key=True, max_length=20)
    last_update_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_published_at: Optional[datetime] = None
    updated_at: datetime = Field(default_factory=utcnow)


class RegisterUpdate(SQLModel, table=True):
    """An update of the feed that concerned a registered supplier, as applied (one row per id)."""

    __tablename__ = "register_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    orgnr: str = Field(max_length=9, index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    change_type: str = Field(max_length=20)
    published_at: datetime
    applied_at: datetime = Field(default_factory=utcnow)
    changes: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class RegisterAlert(SQLModel, table=True):
    """The register reports a bankruptcy, a winding-up or a deletion of a supplier."""

    __tablename__ = "register_alert"
    __table_args__ = (status_check("register_alert", AlertStatus), status_check("register_alert", RegisterFlag, "flag"))

    id: Optional[int] = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    flag: RegisterFlag = Field(sa_type=String(20), nullable=False)
    status: AlertStatus = Field(default=AlertStatus.OPEN, sa_type=String(20), nullable=False, index=True)
    update_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    registered_at: datetime  # when the register published it
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: Optional[datetime] = None
    decided_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))

    @property
    def flag_label(self) -> str:
        """What the register reports, as a bokmål msgid (translate it where it is shown)."""
        return FLAG_LABELS[self.flag]
