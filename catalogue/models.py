"""The data model (SQLModel). Migrations in ``marketplace/migrations`` follow these classes.

Times are timezone-aware UTC datetimes (``utcnow()``): SQLModel stores them with time zone
(``timestamptz`` on PostgreSQL) and gives them back in UTC; templates render Norwegian time.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.i18n import pick
from catalogue.lifecycle import status_check


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# ---------------------------------------------------------------------------
# statuses: the stored values, one enum per status column (the only place they are spelled)


class Role(StrEnum):
    """What a logged-in person acts as (``login_session.role``)."""

    ANONYMOUS = "anonymous"
    BUYER = "buyer"          # acts for a public body
    SUPPLIER = "supplier"    # acts for a company (organisation number in the login's reportees)
    MANAGER = "manager"      # contract manager (avtaleforvalter) at the marketplace
    NO_ROLE = "none"         # logged in, acting for no organisation that gives a role: may browse only


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DECIDED = "decided"


class QualificationStatus(StrEnum):
    PENDING = "pending"
    QUALIFIED = "qualified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # on hold: the register reports bankruptcy etc., or a declaration was not updated
    REVOKED = "revoked"      # ended by the contract manager after a suspension


class ServiceStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REMOVED = "removed"


class RevisionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


def _status(default: StrEnum, **kwargs: Any) -> Any:
    """A status column: stored as its plain string value (CHECK constraint in ``__table_args__``)."""
    return Field(default=default, sa_type=String(20), nullable=False, **kwargs)


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


# ---------------------------------------------------------------------------
# organisations and people


class Supplier(SQLModel, table=True):
    """A company registered in the marketplace, identified by its organisation number."""

    __tablename__ = "supplier"
    __table_args__ = (CheckConstraint("length(orgnr) = 9", name="ck_supplier_orgnr_length"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    orgnr: str = Field(max_length=9, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    slug: str = Field(max_length=120, unique=True)
    org_form: str = Field(default="AS", max_length=20)
    address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="NO", max_length=2)
    website: str = Field(default="", max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Number of employees as Enhetsregisteret states it (antallAnsatte); gives the company's size.
    employees: Optional[int] = None
    # Kept by the company's members (catalogue.company).
    contact_name: str = Field(default="", max_length=120)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=30)
    updated_at: Optional[datetime] = None
    # Demo entries modelled on large international providers are labelled as such.
    is_demo: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """A person who has logged in. Keyed on an HMAC of the national identity number."""

    __tablename__ = "user_account"

    id: Optional[int] = Field(default=None, primary_key=True)
    pid_hash: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: Optional[datetime] = None


class Membership(SQLModel, table=True):
    """A user acting for a supplier (recorded from the login's reportees)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "supplier_id", name="uq_membership_user_supplier"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A server-side login, findable by the provider's ``sid`` for front-channel logout."""

    __tablename__ = "login_session"
    __table_args__ = (status_check("login_session", Role, "role"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_key: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    issuer: str = Field(max_length=300)
    sid: str = Field(default="", max_length=200, index=True)
    id_token: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    acting_for: str = Field(default="", max_length=20)  # "0192:<orgnr>" or ""
    role: Role = Field(default=Role.ANONYMOUS, sa_type=String(30), nullable=False)
    reportees: Any = _json()
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: Optional[datetime] = None  # for the 30-minute idle limit
    ended_at: Optional[datetime] = None


# ---------------------------------------------------------------------------
# taxonomy


class Category(SQLModel, table=True):
    """A CIPS category or sub-category. Slugs are stable: URLs and saved searches use them."""

    __tablename__ = "category"

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    parent_id: Optional[int] = Field(default=None, foreign_key="category.id", index=True)
    name_nb: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    description_nb: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    description_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = Field(default=0)

    def name(self, lang: str | None = "nb") -> str:
        return pick(self.name_nb, self.name_en, lang)


# ---------------------------------------------------------------------------
# dynamic purchasing system


class DPS(SQLModel, table=True):
    """A dynamic purchasing system (dynamisk innkjøpsordning), open while valid."""

    __tablename__ = "dps"

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    valid_from: date
    valid_to: date
    created_at: datetime = Field(default_factory=utcnow)


class DPSCategory(SQLModel, table=True):
    """A category a DPS covers."""

    __tablename__ = "dps_category"

    dps_id: int = Field(foreign_key="dps.id", primary_key=True)
    category_id: int = Field(foreign_key="category.id", primary_key=True)


class QualificationApplication(SQLModel, table=True):
    """A supplier's application to be qualified in a DPS, with its self-declarations."""

    __tablename__ = "qualification_application"
    __table_args__ = (status_check("qualification_application", ApplicationStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    status: ApplicationStatus = _status(ApplicationStatus.DRAFT)
    declarations: Any = _json()
    created_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: Optional[datetime] = None
    due_date: Optional[date] = None
    decided_at: Optional[datetime] = None


class Qualification(SQLModel, table=True):
    """The outcome for one category of an application: pending, qualified or rejected."""

    __tablename__ = "qualification"
    __table_args__ = (UniqueConstraint("application_id", "category_id", name="uq_qualification_app_category"),
                      status_check("qualification", QualificationStatus))

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="qualification_application.id", index=True)
    dps_id: int = Field(foreign_key="dps.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    status: QualificationStatus = _status(QualificationStatus.PENDING)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_at: Optional[datetime] = None
    decided_by: Optional[int] = Field(default=None, foreign_key="user_account.id")

    @property
    def is_pending(self) -> bool:
        return self.status == QualificationStatus.PENDING


# ---------------------------------------------------------------------------
# services


class Service(SQLModel, table=True):
    """A cloud service listing. Holds the live content (or, before first publication, the draft).

    ``version`` counts published versions; edits to a live service are kept as a
    ``ServiceRevision`` until approved, and the replaced content goes to ``ArchivedService``.
    ``lock_version`` guards against two people saving at once (optimistic locking).
    """

    __tablename__ = "service"
    __table_args__ = (Index("ix_service_status_category", "status", "category_id"),
                      status_check("service", ServiceStatus))

    id: Optional[int] = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    dps_id: Optional[int] = Field(default=None, foreign_key="dps.id")
    status: ServiceStatus = _status(ServiceStatus.DRAFT, index=True)
    version: int = Field(default=0)
    lock_version: int = Field(default=1)
    name: str = Field(max_length=200)
    summary: str = Field(default="", max_length=500)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    features: Any = _json()
    terms: Any = _json()
    # The uploaded documents of this version, by kind: {"terms": document id, "dpa": document id}.
    documents: Any = _json(nullable=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: Optional[datetime] = None
    published_at: Optional[datetime] = None
    # When the live content was last vouched for: approved by the contract manager, or confirmed unchanged by
    # the supplier (catalogue.confirmation: reminded after 12 months, shown as not confirmed after 13).
    confirmed_at: Optional[datetime] = None
    removed_at: Optional[datetime] = None
    removal_reason: str = Field(default="", max_length=500)
    # Why the contract manager sent the latest submission of a new service back (cleared when it is sent again).
    rejection_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ServiceRevision(SQLModel, table=True):
    """A proposed new version of a published service, reviewed before it replaces the live one."""

    __tablename__ = "service_revision"
    __table_args__ = (status_check("service_revision", RevisionStatus),)

    id: Optional[int] = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    base_version: int
    status: RevisionStatus = _status(RevisionStatus.DRAFT)
    content: Any = _json()
    lock_version: int = Field(default=1)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: Optional[datetime] = None
    decided_at: Optional[datetime] = None
    decided_by: Optional[int] = Field(default=None, foreign_key="user_account.id")


class ArchivedService(SQLModel, table=True):
    """An immutable snapshot of a published version of a service."""

    __tablename__ = "archived_service"
    __table_args__ = (UniqueConstraint("service_id", "version", name="uq_archived_service_version"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    version: int
    content: Any = _json()
    published_at: Optional[datetime] = None
    archived_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """An uploaded file (terms, DPA, tax certificate; a DPS's own documents). Stored outside ``static/``.

    It belongs to a supplier (its listings and applications) or to a DPS (uploaded by the contract manager).
    """

    __tablename__ = "document"
    __table_args__ = (CheckConstraint("supplier_id IS NOT NULL OR dps_id IS NOT NULL", name="ck_document_owner"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    supplier_id: Optional[int] = Field(default=None, foreign_key="supplier.id", index=True)
    dps_id: Optional[int] = Field(default=None, foreign_key="dps.id", index=True)
    service_id: Optional[int] = Field(default=None, foreign_key="service.id", index=True)
    application_id: Optional[int] = Field(default=None, foreign_key="qualification_application.id", index=True)
    kind: str = Field(max_length=40)  # terms / dpa / tax_certificate / dps_document / ...
    # What the document is, as the DPS page lists it ("Kvalifikasjonsgrunnlag"); the file name otherwise.
    title: str = Field(default="", max_length=200)
    filename: str = Field(max_length=200)
    content_type: str = Field(default="application/pdf", max_length=100)
    size: int = 0
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200, unique=True)
    uploaded_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    uploaded_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------------------
# audit and search change log


class AuditEvent(SQLModel, table=True):
    """Who, acting for which organisation, did what, when, with the state before and after."""

    __tablename__ = "audit_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    actor_name: str = Field(default="", max_length=200)
    acting_for: str = Field(default="", max_length=20)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=40)
    object_id: Optional[int] = None
    supplier_id: Optional[int] = Field(default=None, foreign_key="supplier.id", index=True)
    service_id: Optional[int] = Field(default=None, foreign_key="service.id", index=True)
    before: Any = _json(nullable=True)
    after: Any = _json(nullable=True)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class SearchChange(SQLModel, table=True):
    """Append-only log of changes the search indexes must apply, in sequence order.

    Written in the same transaction as the change itself, so an index that follows this
    log never misses a committed change. ``seq`` comes from the database's own sequence /
    rowid: monotonic, but values may *commit* out of order (see catalogue.search).
    """

    __tablename__ = "search_change"

    seq: Optional[int] = Field(
        default=None,
        # SQLite only auto-increments an INTEGER PRIMARY KEY (its rowid); PostgreSQL gets a bigint.
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    )
    entity: str = Field(default="service", max_length=20)
    entity_id: int = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)
    request_id: str = Field(default="", max_length=64)  # the web request that made the change (for the logs)
