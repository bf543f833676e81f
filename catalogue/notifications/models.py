"""The notification tables: the outbox, e-mail addresses, preferences and single-use links.

* ``NotificationEvent`` – one row per ``notify()`` call, unique on the caller's ``key`` (the
  idempotency key: the same key never makes a second notification).
* ``Notification`` – the outbox: one row per recipient of an event (a person, a supplier's
  functional address or the managers' team address), written in the caller's transaction. The
  dispatcher sends it; its status is a life cycle (``catalogue.notifications.lifecycle``).
* ``MailAddress`` – a person's work address for one organisation they act for, a supplier's
  functional address or the contract managers' team address; verified or not.
* ``MailVerification`` – one single-use verification link (the signed link names this row).
* ``NotificationPreference`` – per owner and kind: immediately, daily digest or off.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.lifecycle import status_check
from catalogue.models import utcnow


class NotificationStatus(StrEnum):
    QUEUED = "queued"        # an e-mail to send as soon as possible
    HELD = "held"            # waiting for the recipient's daily digest
    SENT = "sent"            # handed to the SMTP server
    FAILED = "failed"        # given up after the allowed attempts (shown to the contract managers)
    INBOX = "inbox"          # in the in-app inbox only: no verified address, or e-mail switched off


class Delivery(StrEnum):
    """A preference for one kind of notification."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


# Owners of addresses and preferences: "user:<id>", "supplier:<id>" (functional address) or TEAM.
TEAM = "team"
MANAGERS_ORG = "managers"  # the "organisation" of the contract managers' addresses


def user_owner(user_id: int) -> str:
    return f"user:{user_id}"


def supplier_owner(supplier_id: int) -> str:
    return f"supplier:{supplier_id}"


class NotificationEvent(SQLModel, table=True):
    """What happened (one ``notify`` call): kind, context and link, unique per key."""

    __tablename__ = "notification_event"
    __table_args__ = (UniqueConstraint("key", name="uq_notification_event_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=80, index=True)
    key: str = Field(max_length=200)
    context: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    url: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """One recipient's copy of an event: the outbox row the dispatcher sends, and the inbox entry."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", name="uq_notification_event_recipient"),
        Index("ix_notification_due", "status", "next_attempt_at"),
        Index("ix_notification_user", "user_id", "id"),
        status_check("notification", NotificationStatus),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="notification_event.id", index=True)
    kind: str = Field(max_length=80)
    recipient: str = Field(max_length=60)  # "user:<id>", "supplier:<id>" or "team"
    user_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    address_id: Optional[int] = Field(default=None, foreign_key="mail_address.id", index=True)
    email: str = Field(default="", max_length=320)
    lang: str = Field(default="nb", max_length=5)
    status: str = Field(default=NotificationStatus.INBOX.value, max_length=10)  # NotificationStatus
    attempts: int = Field(default=0)
    next_attempt_at: Optional[datetime] = None
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message_id: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: Optional[datetime] = None
    read_at: Optional[datetime] = None
    unsubscribed_at: Optional[datetime] = None


class MailAddress(SQLModel, table=True):
    """An e-mail address of one owner for one organisation; it receives mail only once verified."""

    __tablename__ = "mail_address"
    __table_args__ = (UniqueConstraint("owner", "org", name="uq_mail_address_owner_org"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    owner: str = Field(max_length=60, index=True)
    user_id: Optional[int] = Field(default=None, foreign_key="user_account.id", index=True)
    supplier_id: Optional[int] = Field(default=None, foreign_key="supplier.id", index=True)
    org: str = Field(max_length=20, index=True)  # "0192:<orgnr>" or "managers"
    email: str = Field(max_length=320)
    lang: str = Field(default="nb", max_length=5)
    verified_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class MailVerification(SQLModel, table=True):
    """A verification link sent to an address: usable once, for that exact address, until it expires."""

    __tablename__ = "mail_verification"

    id: Optional[int] = Field(default=None, primary_key=True)
    address_id: int = Field(foreign_key="mail_address.id", index=True)
    email: str = Field(max_length=320)
    nonce: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: Optional[datetime] = None


class NotificationPreference(SQLModel, table=True):
    """How one owner wants one kind delivered by e-mail."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        UniqueConstraint("owner", "kind", name="uq_notification_preference_owner_kind"),
        status_check("notification_preference", Delivery, column="delivery"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    owner: str = Field(max_length=60, index=True)
    kind: str = Field(max_length=80)
    delivery: str = Field(max_length=10)  # Delivery
    updated_at: datetime = Field(default_factory=utcnow)
