"""The tables of a competition in a DPS category (konkurranse i ordningen).

Times are timezone-aware UTC (as everywhere); the rules in ``rules`` compute in Europe/Oslo.
Tender content is never stored in clear before the opening: ``Tender.sealed`` holds it
encrypted (``sealing``), and ``Tender.opened`` is written only by the opening step.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.lifecycle import status_check
from catalogue.models import utcnow


class CompetitionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"          # invitations sent, tenders may be submitted until the deadline
    OPENED = "opened"                # deadline passed, tenders opened: evaluation
    AWARDED = "awarded"              # award letters sent, standstill period running
    READY = "ready_for_contract"     # standstill over: a contract may be made
    CANCELLED = "cancelled"


class TenderStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _text() -> Any:
    return Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Competition(SQLModel, table=True):
    """A buyer's competition among the suppliers qualified in one category of a DPS."""

    __tablename__ = "competition"
    __table_args__ = (status_check("competition", CompetitionStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    status: str = Field(default=CompetitionStatus.DRAFT, max_length=20, index=True)
    buyer_org: str = Field(max_length=20, index=True)      # "0192:<orgnr>" of the public body
    buyer_name: str = Field(default="", max_length=200)
    created_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    title: str = Field(max_length=200)
    need: str = _text()
    estimated_value: Optional[int] = None                   # NOK excl. VAT
    contract_period: str = Field(default="", max_length=300)
    price_form: str = _text()                               # what the price covers (the buyer's price form)
    tender_deadline: Optional[datetime] = None
    question_deadline: Optional[datetime] = None
    standstill_days: int = Field(default=10)
    standstill_reason: str = _text()
    requirements: Any = _json()        # [{"key": "k1", "term": key|None, "values": [...], "text": ""}]
    criteria: Any = _json()            # [{"key": "pris", "kind": "price"|"quality", "name": "", "weight": 60}]
    impact: Any = _json(nullable=True)  # requirement impact recorded at publication
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    published_at: Optional[datetime] = None
    opened_at: Optional[datetime] = None
    awarded_at: Optional[datetime] = None
    standstill_ends_at: Optional[datetime] = None
    ready_at: Optional[datetime] = None
    cancelled_at: Optional[datetime] = None
    cancel_reason: str = _text()
    awarded_tender_id: Optional[int] = None
    award_reason: str = _text()


class Invitation(SQLModel, table=True):
    """A supplier qualified in the category when the competition was published (the snapshot)."""

    __tablename__ = "competition_invitation"
    __table_args__ = (UniqueConstraint("competition_id", "supplier_id", name="uq_invitation_supplier"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    invited_at: datetime = Field(default_factory=utcnow)


class CompetitionChange(SQLModel, table=True):
    """A correction or extension after publication: the visible change history."""

    __tablename__ = "competition_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True)
    version: int
    at: datetime = Field(default_factory=utcnow)
    summary: str = _text()
    before: Any = _json(nullable=True)
    after: Any = _json(nullable=True)


class Question(SQLModel, table=True):
    """A question from an invited supplier; the answer is published to all invited, anonymised."""

    __tablename__ = "competition_question"

    id: Optional[int] = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    asked_at: datetime = Field(default_factory=utcnow)
    text: str = _text()
    answer: str = _text()
    answered_at: Optional[datetime] = None


class CompetitionDocument(SQLModel, table=True):
    """A document of the competition (requirements, contract draft): for the invited suppliers."""

    __tablename__ = "competition_document"

    id: Optional[int] = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True)
    filename: str = Field(max_length=200)
    size: int = 0
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200, unique=True)
    uploaded_at: datetime = Field(default_factory=utcnow)


class Tender(SQLModel, table=True):
    """One tender (one submission) of an invited supplier. Content sealed until the opening."""

    __tablename__ = "tender"
    __table_args__ = (status_check("tender", TenderStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    status: str = Field(default=TenderStatus.DRAFT, max_length=20, index=True)
    sealed: str = _text()                 # Fernet token of the content (JSON)
    fingerprint: str = Field(default="", max_length=64)   # SHA-256 of the sealed token: the receipt
    opened: Any = _json(nullable=True)    # the content, written by the opening step only
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: Optional[datetime] = None
    withdrawn_at: Optional[datetime] = None
    # evaluation (after opening)
    verdicts: Any = _json(nullable=True)  # {requirement key: {"met": bool, "reason": ""}}
    scores: Any = _json(nullable=True)    # {criterion key: {"score": "7", "reason": ""}}
    rejected_reason: str = _text()


class TenderDocument(SQLModel, table=True):
    """A document of a tender. The file is encrypted at rest; its name and checksum are part of
    the sealed content, so nothing about it can be read before the opening."""

    __tablename__ = "tender_document"

    id: Optional[int] = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    storage_key: str = Field(max_length=200, unique=True)
    uploaded_at: datetime = Field(default_factory=utcnow)
