"""The life cycle of a listing: a service together with the edit of it that is open, if any.

Before first publication the draft lives in the ``Service`` row itself; once the service is
live, edits go to a ``ServiceRevision`` and the live version stays as it is until the contract
manager approves the revision. ``Listing`` is the one place that knows what may happen next
(``can_edit`` …, from ``TRANSITIONS``) and performs it; every transition writes its audit
event and a search change-log entry in the caller's transaction (the caller commits once).

Every write carries the ``lock_version`` the person started from and is done with
``UPDATE … WHERE lock_version = :old``: when two people save the same service, the second is
told of the conflict (``Conflict``) and nothing of theirs is written.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from catalogue.audit import Actor, log_search_change, record
from catalogue.confirmation import Confirmation, confirmation_of, last_confirmed
from catalogue.documents import SERVICE_KINDS, store
from catalogue.lifecycle import N_, DomainError, IllegalTransition, Incomplete, LifeCycle
from catalogue.listings import DPS_FIELD, SUBMIT_FIELD, complete_errors, empty_content, listing_content, merge
from catalogue.models import DPS, ArchivedService, RevisionStatus, Service, ServiceRevision, ServiceStatus, utcnow
from catalogue.qualification import dps_covers, is_open, is_qualified
from catalogue.notifications import hooks
from catalogue.services import apply_content, content_of


class ListingState(StrEnum):
    """Where a listing stands: the service's status and, for a live one, its open edit."""

    DRAFT = "draft"                     # never published; the draft is the service row
    SUBMITTED = "submitted"             # a new service awaiting review
    PUBLISHED = "published"             # live, no edit open
    EDITING = "editing"                 # live, with an edit saved as a draft
    EDIT_SUBMITTED = "edit_submitted"   # live, with an edit awaiting review
    REMOVED = "removed"                 # gone (its page answers 410)


class PublicStatus(StrEnum):
    """What the public sees at the service's address."""

    LIVE = "live"          # the page (200)
    GONE = "gone"          # removed: 410 Gone
    UNKNOWN = "unknown"    # never published: 404, as if it did not exist


class Conflict(DomainError):
    """Somebody else saved first: nothing was written."""

    http_status = 409

    def __init__(self):
        super().__init__(N_("Noen andre har lagret tjenesten etter at du åpnet den. Ingenting er lagret. "
                            "Last inn siden på nytt."))


L = ListingState
OPEN_REVISION = (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED)
NOT_EDITABLE = {
    L.SUBMITTED: N_("Tjenesten er sendt til godkjenning og kan ikke endres nå. Trekk den tilbake for å endre den."),
    L.EDIT_SUBMITTED: N_("Tjenesten er sendt til godkjenning og kan ikke endres nå. Trekk den tilbake for å endre "
                         "den."),
    L.REMOVED: N_("Tjenesten er fjernet og kan ikke endres."),
}
NO_CHANGES = N_("Det er ingen endringer fra den publiserte versjonen å sende til godkjenning.")
NOTHING_TO_REVIEW = N_("Tjenesten har ingenting til godkjenning.")
NOTHING_TO_WITHDRAW = N_("Det var ingenting å trekke tilbake (eller noen andre har endret tjenesten).")
NOT_CONFIRMABLE = N_("Bare publiserte tjenester kan bekreftes.")
CONFIRMED_BY_REVIEW = N_("Tjenesten har en endring til godkjenning. Når den godkjennes, er opplysningene bekreftet.")
NEWER_VERSION = N_("En ny versjon av tjenesten er publisert etter at du åpnet siden. Se over den og bekreft på nytt.")
NOT_OFFERABLE = N_("Bare en publisert tjeneste uten en endring til godkjenning kan legges under en ordning på "
                   "denne måten.")
ALREADY_UNDER_DPS = N_("Tjenesten tilbys allerede under en innkjøpsordning. Endre tjenesten for å bytte ordning.")
NOT_QUALIFIED_IN_DPS = N_("Dere er ikke kvalifisert i tjenestens kategori i «%(name)s», eller ordningen er ikke "
                          "gyldig nå.")


def public_status(service: Service) -> PublicStatus:
    """What the public sees at the address of *service*."""
    if service.status == ServiceStatus.PUBLISHED:
        return PublicStatus.LIVE
    return PublicStatus.GONE if service.status == ServiceStatus.REMOVED else PublicStatus.UNKNOWN


def open_revision(session: Session, service_id: int) -> ServiceRevision | None:
    """The edit of a live service that is being written or awaits review, if any."""
    return session.exec(select(ServiceRevision).where(
        ServiceRevision.service_id == service_id, ServiceRevision.status.in_(OPEN_REVISION))
        .order_by(ServiceRevision.id.desc())).first()


def open_revisions_of(session: Session, supplier_id: int) -> dict[int, ServiceRevision]:
    """The open edits of a supplier's services, by service id."""
    return {r.service_id: r for r in session.exec(
        select(ServiceRevision).join(Service, Service.id == ServiceRevision.service_id)
        .where(Service.supplier_id == supplier_id, ServiceRevision.status.in_(OPEN_REVISION))).all()}


class Listing(LifeCycle[ListingState]):
    """A service and its open edit: the questions views and templates ask, and the transitions."""

    AUDIT_TYPE = "service"
    State = ListingState
    TRANSITIONS = {
        "save": {L.DRAFT: L.DRAFT, L.PUBLISHED: L.EDITING, L.EDITING: L.EDITING},
        "submit": {L.DRAFT: L.SUBMITTED, L.EDITING: L.EDIT_SUBMITTED},
        "withdraw": {L.SUBMITTED: L.DRAFT, L.EDIT_SUBMITTED: L.EDITING},
        "approve": {L.SUBMITTED: L.PUBLISHED, L.EDIT_SUBMITTED: L.PUBLISHED},
        "reject": {L.SUBMITTED: L.DRAFT, L.EDIT_SUBMITTED: L.PUBLISHED},
        # Make the service's current content its next version (approval does it; so do the demo data).
        "publish": {L.SUBMITTED: L.PUBLISHED, L.PUBLISHED: L.PUBLISHED},
        "remove": {state: L.REMOVED for state in L if state != L.REMOVED},
        # The supplier vouches for the live version as it is (no moderation round); an open draft edit stays.
        "confirm": {L.PUBLISHED: L.PUBLISHED, L.EDITING: L.EDITING},
        # Offer the live content under a DPS the supplier has since been qualified in: no new review (issue 16).
        "offer_under_dps": {L.PUBLISHED: L.PUBLISHED, L.EDITING: L.EDITING},
    }

    def __init__(self, session: Session, service: Service, revision: ServiceRevision | None | bool = False):
        super().__init__(service)
        self.session = session
        self.service = service
        # The open edit; pass it (or None) when already known, to spare a query.
        self._revision = revision

    @property
    def revision(self) -> ServiceRevision | None:
        if self._revision is False:
            live = self.service.status == ServiceStatus.PUBLISHED
            self._revision = open_revision(self.session, self.service.id) if live else None
        return self._revision

    # -- where it stands -------------------------------------------------------------------

    @property
    def status(self) -> ListingState:
        status = self.service.status
        if status == ServiceStatus.PUBLISHED and self.revision is not None:
            return L.EDIT_SUBMITTED if self.revision.status == RevisionStatus.SUBMITTED else L.EDITING
        return L(status)

    @property
    def can_edit(self) -> bool:
        return self.can("save")

    @property
    def can_submit(self) -> bool:
        return self.can("submit")

    @property
    def can_withdraw(self) -> bool:
        return self.can("withdraw")

    @property
    def can_review(self) -> bool:
        return self.can("approve")

    @property
    def can_remove(self) -> bool:
        return self.can("remove")

    @property
    def can_confirm(self) -> bool:
        return self.can("confirm")

    @property
    def confirmation(self) -> Confirmation:
        """When the live version was last approved or confirmed, and whether that still counts today."""
        return confirmation_of(self.service)

    @property
    def is_live(self) -> bool:
        return self.service.status == ServiceStatus.PUBLISHED

    @property
    def awaits_review(self) -> bool:
        return self.status in (L.SUBMITTED, L.EDIT_SUBMITTED)

    @property
    def public_status(self) -> PublicStatus:
        return public_status(self.service)

    def last_rejected_revision(self) -> ServiceRevision | None:
        """The rejected edit of the live version (the supplier fixes it and sends it again)."""
        return self.session.exec(select(ServiceRevision).where(
            ServiceRevision.service_id == self.service.id, ServiceRevision.status == RevisionStatus.REJECTED,
            ServiceRevision.base_version == self.service.version).order_by(ServiceRevision.id.desc())).first()

    @property
    def rejection_reason(self) -> Optional[str]:
        """Why the latest submission was sent back, while that is where the listing stands."""
        if self.status == L.DRAFT:
            return self.service.rejection_reason or None
        if self.status == L.PUBLISHED:
            rejected = self.last_rejected_revision()
            return rejected.reason if rejected is not None else None
        return None

    def editable_content(self) -> dict[str, Any]:
        """What the edit form starts from: the draft, the open edit, a rejected edit to fix, or the live version."""
        if self.is_live:
            revision = self.revision or self.last_rejected_revision()
            if revision is not None:
                return {**empty_content(), **revision.content}
        return listing_content(self.service)

    def pending_content(self) -> dict[str, Any]:
        """What awaits review: the submitted new service or the submitted edit."""
        if self.status == L.EDIT_SUBMITTED:
            return self.revision.content
        if self.status == L.SUBMITTED:
            return listing_content(self.service)
        raise IllegalTransition(NOTHING_TO_REVIEW)

    # -- transitions ---------------------------------------------------------------------

    def _check(self, transition: str, refusal: str = "") -> ListingState:
        return self.check(transition, refusal or NOT_EDITABLE.get(self.status, ""))

    def _record(self, actor: Actor, action: str, *, revision: ServiceRevision | None = None, **kwargs: Any) -> None:
        """The audit event and the search change-log entry of a transition (same transaction)."""
        obj_type, obj_id = ("service_revision", revision.id) if revision is not None else ("service", self.service.id)
        record(self.session, actor, action, obj_type, obj_id, supplier_id=self.service.supplier_id,
               service_id=self.service.id, **kwargs)
        log_search_change(self.session, self.service.id)

    @classmethod
    def create(cls, session: Session, actor: Actor, supplier_id: int, content: Mapping[str, Any], *,
               uploads: Mapping[str, tuple[str, bytes]] | None = None, upload_dir: str = "") -> "Listing":
        """A new draft listing of *supplier_id*."""
        content = merge(empty_content(), content)
        service = Service(supplier_id=supplier_id, category_id=content["category_id"], dps_id=content["dps_id"],
                          status=ServiceStatus.DRAFT, version=0, lock_version=1, name=content["name"],
                          summary=content["summary"], description=content["description"],
                          features=content["features"], terms=content["terms"], documents={})
        session.add(service)
        session.flush()
        listing = cls(session, service, None)
        if uploads:
            service.documents = listing._store_uploads(actor, uploads, upload_dir)
            session.add(service)
        listing._record(actor, "service.created", after={"status": str(ServiceStatus.DRAFT), **listing_content(service)})
        return listing

    def save(self, actor: Actor, partial: Mapping[str, Any], *, expected_lock: Any,
             uploads: Mapping[str, tuple[str, bytes]] | None = None, upload_dir: str = "") -> ServiceRevision | None:
        """Save an edit: into the draft itself, or – for a live service – into its revision.

        Returns the revision when the service is live. Raises ``Conflict`` (someone saved since
        *expected_lock*) or ``IllegalTransition`` (submitted or removed); nothing is written then.
        """
        self._check("save")
        service = self.service
        before = self.editable_content()
        after = merge(before, partial)
        if self.status == L.DRAFT:
            self.bump_lock(expected_lock, updated_at=utcnow(),
                           **{k: after[k] for k in ("name", "summary", "description", "features", "category_id",
                                                    "dps_id", "terms")})
            if uploads:
                service.documents = {**(service.documents or {}), **self._store_uploads(actor, uploads, upload_dir)}
                self.session.add(service)
            after = listing_content(service)
            keys = changed_keys(before, after)
            self._record(actor, "service.saved", before=_summary(before, keys), after=_summary(after, keys))
            return None
        # A live service: the edit becomes (or updates) its next version, reviewed before it goes live.
        self.bump_lock(expected_lock)
        if uploads:
            after["documents"] = {**after["documents"], **self._store_uploads(actor, uploads, upload_dir)}
        revision = self.revision
        if revision is None:
            revision = ServiceRevision(service_id=service.id, base_version=service.version,
                                       status=RevisionStatus.DRAFT, content=after, created_by=actor.user_id,
                                       lock_version=1)
        else:
            revision.content = after
            revision.lock_version += 1
            revision.updated_at = utcnow()
        self.session.add(revision)
        self.session.flush()
        self._revision = revision
        live = listing_content(service)
        keys = changed_keys(live, after)
        self._record(actor, "service.revision_saved", revision=revision, before=_summary(live, keys),
                     after=_summary(after, keys), detail=f"Endring av versjon {service.version}")
        return revision

    def submit(self, actor: Actor, *, expected_lock: Any = None, today=None) -> None:
        """Send the draft (or the open edit) for approval.

        Raises ``Incomplete`` (field → message) when something required is missing, writing nothing.
        """
        if self.status in (L.PUBLISHED, L.EDIT_SUBMITTED):
            raise IllegalTransition(NO_CHANGES, field=SUBMIT_FIELD)
        self._check("submit")
        service, revision = self.service, self.revision
        content = revision.content if revision is not None else listing_content(service)
        if revision is not None and not changed_keys(listing_content(service), content):
            raise IllegalTransition(NO_CHANGES, field=SUBMIT_FIELD)
        errors = complete_errors(self.session, service.supplier_id, content, today)
        if errors:
            raise Incomplete(errors)
        if expected_lock is not None:
            self.bump_lock(expected_lock)
        now = utcnow()
        if revision is not None:
            revision.status, revision.submitted_at, revision.updated_at = RevisionStatus.SUBMITTED, now, now
            self.session.add(revision)
            self._record(actor, "service.revision_submitted", revision=revision,
                         before={"status": str(RevisionStatus.DRAFT)},
                         after={"status": str(RevisionStatus.SUBMITTED), "base_version": revision.base_version})
        else:
            service.status, service.submitted_at, service.updated_at = ServiceStatus.SUBMITTED, now, now
            service.rejection_reason = ""
            self.session.add(service)
            self._record(actor, "service.submitted", before={"status": str(ServiceStatus.DRAFT)},
                         after={"status": str(ServiceStatus.SUBMITTED)})
        hooks.listing_submitted(self.session, service, revision)

    def withdraw(self, actor: Actor, *, expected_lock: Any) -> None:
        """Take a submission back to draft so it can be changed."""
        self._check("withdraw", NOTHING_TO_WITHDRAW)
        if self.status == L.SUBMITTED:
            self.bump_lock(expected_lock, status=ServiceStatus.DRAFT, updated_at=utcnow())
            self._record(actor, "service.withdrawn", before={"status": str(ServiceStatus.SUBMITTED)},
                         after={"status": str(ServiceStatus.DRAFT)})
            return
        revision = self.revision
        self.bump_lock(expected_lock)
        revision.status, revision.updated_at = RevisionStatus.DRAFT, utcnow()
        self.session.add(revision)
        self._record(actor, "service.revision_withdrawn", revision=revision,
                     before={"status": str(RevisionStatus.SUBMITTED)}, after={"status": str(RevisionStatus.DRAFT)})

    def approve(self, actor: Actor, *, expected_lock: Any, reason: str = "") -> int:
        """Publish what was submitted; returns the new version number.

        Raises ``Incomplete`` when the content is not (or no longer) complete – e.g. the supplier
        is not qualified in the DPS the service is offered under – and ``Conflict`` when the
        supplier changed it after the reviewer opened it.
        """
        self._check("approve", NOTHING_TO_REVIEW)
        content, revision = self.pending_content(), self.revision
        errors = complete_errors(self.session, self.service.supplier_id, content)
        if errors:
            raise Incomplete(errors)
        self.bump_lock(expected_lock)
        if revision is not None:
            apply_content(self.service, content)
        self.service.documents = dict(content.get("documents") or {})
        self._publish(actor, detail=reason or ("Endring godkjent" if revision is not None else "Ny tjeneste godkjent"))
        if revision is not None:
            self._decide_revision(actor, RevisionStatus.APPROVED, reason, version=self.service.version)
        hooks.listing_approved(self.session, self.service)
        return self.service.version

    def reject(self, actor: Actor, *, expected_lock: Any, reason: str) -> None:
        """Send the submission back to the supplier with *reason* (the caller has checked it is given)."""
        self._check("reject", NOTHING_TO_REVIEW)
        if self.status == L.EDIT_SUBMITTED:
            self.bump_lock(expected_lock)
            self._decide_revision(actor, RevisionStatus.REJECTED, reason)
        else:
            self.bump_lock(expected_lock, status=ServiceStatus.DRAFT, rejection_reason=reason, updated_at=utcnow())
            self._record(actor, "service.rejected", before={"status": str(ServiceStatus.SUBMITTED)},
                         after={"status": str(ServiceStatus.DRAFT)}, detail=reason)
        hooks.listing_rejected(self.session, self.service, reason)

    def publish(self, actor: Actor, *, detail: str = "") -> ArchivedService:
        """Make the current content of the service its next published version (with its snapshot)."""
        self._check("publish")
        return self._publish(actor, detail=detail)

    def confirm(self, actor: Actor, *, version: Any, now: Optional[datetime] = None) -> datetime:
        """The supplier confirms that published *version* is still true: "Sist bekreftet" becomes today.

        No moderation round: nothing of the content changes. Raises ``IllegalTransition`` when the
        listing is not live (or has an edit awaiting review, whose approval confirms it) or when a
        newer version was published after the supplier looked at *version*; nothing is written then.
        """
        self._check("confirm", CONFIRMED_BY_REVIEW if self.status == L.EDIT_SUBMITTED else NOT_CONFIRMABLE)
        try:
            seen = _lock(version)
        except Conflict:
            raise IllegalTransition(NEWER_VERSION) from None
        now = now or utcnow()
        before = last_confirmed(self.service)
        result = self.session.exec(update(Service).where(Service.id == self.service.id, Service.version == seen,
                                                         Service.status == ServiceStatus.PUBLISHED)
                                   .values(confirmed_at=now).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise IllegalTransition(NEWER_VERSION)
        self.session.refresh(self.service)
        self._record(actor, "service.confirmed", before={"confirmed_at": before.isoformat() if before else None},
                     after={"confirmed_at": now.isoformat(), "version": seen},
                     detail=f"Versjon {seen} bekreftet uendret")
        return now

    def _publish(self, actor: Actor, *, detail: str) -> ArchivedService:
        service = self.service
        before = {"status": str(service.status), "version": service.version}
        now = utcnow()
        service.status = ServiceStatus.PUBLISHED
        service.published_at = service.updated_at = service.confirmed_at = now
        service.removed_at = None
        service.rejection_reason = ""
        self.session.add(service)
        self.session.flush()
        # Count the version in the database, not in Python: two transactions publishing the same
        # service at once then get versions n+1 and n+2 (the row lock serialises them) instead of
        # both claiming n+1.
        new_version = self.session.execute(
            update(Service).where(Service.id == service.id)
            .values(version=func.coalesce(Service.version, 0) + 1).returning(Service.version)
        ).scalar_one()
        set_committed_value(service, "version", new_version)
        snapshot = ArchivedService(service_id=service.id, version=service.version, content=content_of(service),
                                   published_at=now)
        self.session.add(snapshot)
        self._record(actor, "service.published", before=before,
                     after={"status": str(ServiceStatus.PUBLISHED), "version": service.version}, detail=detail)
        # Contracts in force and frozen shortlists that hold an older version: their owners are told.
        from catalogue.contracts.drift import watch

        watch(self.session, snapshot)
        return snapshot

    @property
    def can_offer_under_dps(self) -> bool:
        """May the live service be put under a DPS without a new review (it is under none yet)?"""
        return self.can("offer_under_dps") and self.service.dps_id is None

    def offer_under_dps(self, actor: Actor, dps: DPS, *, expected_lock: Any, today: date | None = None) -> int:
        """Offer the live service under *dps*, where the supplier is now qualified in its category.

        The content was reviewed when it was published and does not change: the service gets a new
        version that differs only in the DPS, published at once (snapshot, audit events, search change
        log), with no new review. An edit being written gets the DPS too, so its approval keeps it.
        Returns the new version number. Raises ``IllegalTransition`` (nothing written) when the listing
        is not live, awaits review of an edit, is under a DPS already, or the supplier is not qualified.
        """
        self._check("offer_under_dps", NOT_OFFERABLE)
        service = self.service
        if service.dps_id is not None:
            raise IllegalTransition(ALREADY_UNDER_DPS, DPS_FIELD)
        if not (is_open(dps, today) and dps_covers(self.session, dps.id, service.category_id)
                and is_qualified(self.session, service.supplier_id, dps.id, service.category_id)):
            raise IllegalTransition(NOT_QUALIFIED_IN_DPS, DPS_FIELD, name=dps.name)
        revision = self.revision
        self.bump_lock(expected_lock, dps_id=dps.id)
        self._publish(actor, detail=f"Tilbys under «{dps.name}»")
        if revision is not None:
            revision.content = {**revision.content, "dps_id": dps.id}
            revision.updated_at = utcnow()
            self.session.add(revision)
        self._record(actor, "service.dps_added", before={"dps_id": None},
                     after={"dps_id": dps.id, "version": service.version}, detail=dps.name)
        return service.version

    def remove(self, actor: Actor, *, expected_lock: Any, reason: str = "") -> None:
        """Take the listing out of the catalogue: its page answers 410 Gone from now on; open edits are closed."""
        self._check("remove")
        self.bump_lock(expected_lock)
        service, revision = self.service, self.revision
        if revision is not None:
            revision.status, revision.reason, revision.decided_at = (RevisionStatus.REJECTED, "Tjenesten ble fjernet.",
                                                                     utcnow())
            self.session.add(revision)
        before = {"status": str(service.status), "version": service.version}
        service.status = ServiceStatus.REMOVED
        service.removed_at = service.updated_at = utcnow()
        service.removal_reason = reason
        self.session.add(service)
        self._revision = None
        self._record(actor, "service.removed", before=before, after={"status": str(ServiceStatus.REMOVED)},
                     detail=reason)

    # -- helpers -------------------------------------------------------------------------

    def _decide_revision(self, actor: Actor, status: RevisionStatus, reason: str, **after: Any) -> None:
        """Close the submitted edit as approved or rejected."""
        revision, now = self.revision, utcnow()
        revision.status, revision.reason, revision.decided_at, revision.decided_by = status, reason, now, actor.user_id
        revision.updated_at = now
        self.session.add(revision)
        self._revision = None
        self._record(actor, f"service.revision_{status}", revision=revision,
                     before={"status": str(RevisionStatus.SUBMITTED)}, after={"status": str(status), **after},
                     detail=reason)

    def bump_lock(self, expected_lock: Any, **values: Any) -> None:
        """``UPDATE service SET … , lock_version = old + 1 WHERE id = … AND lock_version = old``.

        Raises ``Conflict`` when the row has moved on since *expected_lock* was read.
        """
        old = _lock(expected_lock)
        result = self.session.exec(update(Service).where(Service.id == self.service.id, Service.lock_version == old)
                                   .values(lock_version=old + 1, **values)
                                   .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict()
        self.session.refresh(self.service)

    def _store_uploads(self, actor: Actor, uploads: Mapping[str, tuple[str, bytes]], upload_dir: str) -> dict[str, int]:
        stored = {}
        for kind, (name, data) in uploads.items():
            if kind in SERVICE_KINDS and data:
                stored[kind] = store(self.session, actor, upload_dir, supplier_id=self.service.supplier_id, kind=kind,
                                     filename=name, data=data, service_id=self.service.id).id
        return stored


def _lock(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Conflict() from None
    if not -2**31 < number < 2**31:  # no row holds it; comparing it in SQL would overflow
        raise Conflict()
    return number


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Top-level content keys (and ``terms.<key>``, ``documents.<kind>``) whose value differs."""
    keys = []
    for key in sorted(set(old) | set(new)):
        if key in ("terms", "documents"):
            a, b = old.get(key) or {}, new.get(key) or {}
            keys += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif old.get(key) != new.get(key):
            keys.append(key)
    return keys


def _summary(content: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The values of *keys* in *content*, for an audit event's before/after."""
    out: dict[str, Any] = {}
    for key in keys:
        group, _, sub = key.partition(".")
        if sub:
            out.setdefault(group, {})[sub] = (content.get(group) or {}).get(sub)
        else:
            out[key] = content.get(key)
    return out
