"""The contract tables. Status values are enums with CHECK constraints (``catalogue.lifecycle``).

A contract names the *exact* archived version of the service (``archived_id``): the
contract page, Bilag 10 and the open data read that snapshot only, so editing,
republishing or removing the service never changes a contract.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.lifecycle import status_check
from catalogue.models import utcnow


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


class ContractForm(StrEnum):
    """The state standard agreement the terms are carried into."""

    SSA_SKY = "ssa-sky"
    SSA_L = "ssa-l"
    OTHER = "annet"


class ContractOrigin(StrEnum):
    DIRECT = "direct"            # direct call-off from a frozen shortlist, below the threshold
    COMPETITION = "competition"  # awarded mini-competition, after the standstill


class DeviationStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


def _enum(enum: type[StrEnum], default: StrEnum | None = None, index: bool = False) -> Any:
    """A StrEnum column stored as its value (the CHECK constraint lists the values)."""
    length = max(len(m.value) for m in enum)
    return Field(default=default, sa_column=Column(String(length), nullable=False, index=index,
                                                   **({"default": default.value} if default else {})))


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _text() -> Any:
    return Field(default="", sa_column=Column(Text, nullable=False, default=""))


def _money() -> Any:
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class Contract(SQLModel, table=True):
    """A call-off contract between a public body and a supplier, on one exact service version."""

    __tablename__ = "contract"
    __table_args__ = (
        status_check("contract", ContractStatus),
        status_check("contract", ContractForm, column="form"),
        status_check("contract", ContractOrigin, column="origin"),
        CheckConstraint("value_nok >= 0", name="ck_contract_value"),
        CheckConstraint("end_date >= start_date", name="ck_contract_period"),
        Index("ix_contract_buyer_status", "buyer_orgnr", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    status: str = _enum(ContractStatus, ContractStatus.DRAFT, index=True)
    origin: str = _enum(ContractOrigin)
    title: str = Field(max_length=200)
    buyer_orgnr: str = Field(max_length=9, index=True)
    buyer_name: str = Field(default="", max_length=200)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    version: int
    archived_id: int = Field(foreign_key="archived_service.id")
    category_id: Optional[int] = Field(default=None, foreign_key="category.id")
    dps_id: Optional[int] = Field(default=None, foreign_key="dps.id")
    shortlist_id: Optional[int] = Field(default=None, foreign_key="shortlist.id")
    competition_id: Optional[int] = None
    value_nok: int = _money()          # estimated total value, NOK excluding VAT
    start_date: date
    end_date: date
    # [{"description": str, "months": int, "exercise_by": "YYYY-MM-DD", "exercised": bool}]
    options: Any = _json()
    form: str = _enum(ContractForm, ContractForm.SSA_L)
    # {"buyer": {"name", "email", "phone"}, "supplier": {...}}
    contacts: Any = _json()
    justification: str = _text()
    requirements: Any = _json()         # {term key: [wanted values]} the buyer stated
    verdicts: Any = _json()             # {term key: true/false} for the stated requirements
    reference_architecture_optout: bool = Field(default=False)   # "avbestilt"
    signed_on: Optional[date] = None
    signed_document_id: Optional[int] = Field(default=None, foreign_key="document.id")
    termination_reason: str = _text()
    created_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    awarded_at: Optional[datetime] = None     # when signed (the award date in the open data)
    closed_at: Optional[datetime] = None


class DeviationReport(SQLModel, table=True):
    """An avviksmelding: the buyer reports that a delivery does not meet the contract."""

    __tablename__ = "deviation_report"
    __table_args__ = (status_check("deviation_report", DeviationStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    status: str = _enum(DeviationStatus, DeviationStatus.OPEN)
    subject: str = Field(max_length=200)
    description: str = _text()
    filed_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    filed_at: datetime = Field(default_factory=utcnow)
    answer: str = _text()
    answered_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    answered_at: Optional[datetime] = None


class TurnoverReport(SQLModel, table=True):
    """A supplier's turnover in one category of one DPS for one quarter (zero is a report too)."""

    __tablename__ = "turnover_report"
    __table_args__ = (
        UniqueConstraint("dps_id", "supplier_id", "year", "quarter", "category_id", name="uq_turnover_period"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_turnover_quarter"),
        CheckConstraint("amount_nok >= 0", name="ck_turnover_amount"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    category_id: int = Field(foreign_key="category.id")
    year: int
    quarter: int
    amount_nok: int = _money()
    reported_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    reported_at: datetime = Field(default_factory=utcnow)


class ContractSettings(SQLModel, table=True):
    """Per-DPS settings for call-offs: the direct-award threshold (default in ``lifecycle``)."""

    __tablename__ = "contract_settings"

    dps_id: int = Field(foreign_key="dps.id", primary_key=True)
    direct_award_threshold_nok: int = _money()
