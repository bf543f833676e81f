"""The stored self-declarations and the requests for an updated one."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from catalogue.lifecycle import status_check
from catalogue.models import utcnow


class SupplierDeclaration(SQLModel, table=True):
    """A supplier's self-declaration as given on a date. The newest is the one in force; the earlier
    ones are kept (an application refers to the one it was submitted with)."""

    __tablename__ = "supplier_declaration"

    id: Optional[int] = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    answers: Any = Field(default=None, sa_column=Column(JSON, nullable=False))
    given_at: datetime = Field(default_factory=utcnow, index=True)
    given_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    given_by_name: str = Field(default="", max_length=200)


class RequestStatus(StrEnum):
    OPEN = "open"            # asked for; the supplier has until the end of the due date
    ANSWERED = "answered"    # an updated declaration was given
    OVERDUE = "lapsed"       # the deadline passed unanswered: the contract managers are told
    SUSPENDED = "suspended"  # the manager suspended the supplier's qualifications for it


class DeclarationRequest(SQLModel, table=True):
    """The contract manager asks a qualified supplier for an updated self-declaration (5 working days)."""

    __tablename__ = "declaration_request"
    __table_args__ = (status_check("declaration_request", RequestStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    status: RequestStatus = Field(default=RequestStatus.OPEN, sa_type=String(20), nullable=False, index=True)
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    requested_at: datetime = Field(default_factory=utcnow)
    requested_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    due_date: date
    answered_at: Optional[datetime] = None
    declaration_id: Optional[int] = Field(default=None, foreign_key="supplier_declaration.id")
    overdue_at: Optional[datetime] = None
    suspended_at: Optional[datetime] = None
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
