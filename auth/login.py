"""Logins as plain Python (a SQLModel ``Session``, no Flask request).

* Users are keyed on an HMAC of the national identity number with a server secret
  (``pid_hash``); the number itself is never stored in clear.
* A login is a server-side ``LoginSession`` row, findable by the provider's ``sid`` (for
  front-channel logout) and by a random ``session_key`` (the only thing the browser holds).
  It ends on logout, on front-channel logout, after 30 minutes idle or 120 minutes in all
  (as ID-porten's own session).
* The role follows the organisation acted for: contract manager when the person is
  configured as one; otherwise a public body (by its organisational form in
  Enhetsregisteret) makes a buyer, any other organisation a supplier user; no organisation
  at all, no role. A person acts for one organisation at a time and may switch among the
  organisations the login listed (the ``reportees``).
Every change writes an audit event in the caller's transaction.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Optional

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.enhetsregisteret import Entity
from catalogue.models import LoginSession, Supplier, User, utcnow
from catalogue.suppliers import ensure_membership, is_valid_orgnr
from catalogue.viewer import BUYER, MANAGER, NO_ROLE, SUPPLIER, Viewer

IDLE_LIMIT = timedelta(minutes=30)
MAX_LIFETIME = timedelta(minutes=120)
# last_seen_at is written at most this often, so browsing does not mean a write per request.
LAST_SEEN_STEP = timedelta(seconds=60)
ORGNR_SCHEME = "0192"  # ISO 6523 identifier of Norwegian organisation numbers

Lookup = Callable[[str], Optional[Entity]]


def pid_hash(pid: str, key: str) -> str:
    """The keyed hash users are found by (hex, 64 characters)."""
    return hmac.new(key.encode("utf-8"), pid.strip().encode("utf-8"), hashlib.sha256).hexdigest()


# --- the id_token at rest ------------------------------------------------------
# The id_token is kept for logout (id_token_hint), but it carries the identity number, so it
# is stored encrypted and wiped when the login ends.


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"markedsplassen id_token at rest\x00" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(id_token: str, secret: str) -> str:
    return _fernet(secret).encrypt(id_token.encode("utf-8")).decode("ascii") if id_token else ""


def unseal(sealed: str, secret: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet(secret).decrypt(sealed.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return ""


# --- organisations of a login -----------------------------------------------------


@dataclass(frozen=True)
class Reportee:
    """An organisation the person may act for (Ansattporten's ``reportees[]`` entry)."""

    orgnr: str
    name: str
    rights: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{ORGNR_SCHEME}:{self.orgnr}"

    def as_json(self) -> dict[str, Any]:
        return {"ID": self.id, "Name": self.name, "Rights": list(self.rights)}


def reportees_from(entries: Iterable[Any]) -> list[Reportee]:
    """Parse ``reportees[]`` entries; anything that is not a valid "0192:<orgnr>" is skipped."""
    found: dict[str, Reportee] = {}
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        scheme, _, orgnr = str(entry.get("ID", "")).partition(":")
        if scheme != ORGNR_SCHEME or not is_valid_orgnr(orgnr) or orgnr in found:
            continue
        rights = entry.get("Rights") or []
        found[orgnr] = Reportee(orgnr=orgnr, name=str(entry.get("Name", ""))[:200],
                                rights=tuple(str(r) for r in rights) if isinstance(rights, list) else ())
    return list(found.values())


def reportees_from_claims(claims: dict[str, Any]) -> list[Reportee]:
    """The organisations in the id_token's ``authorization_details[].reportees[]`` (in order)."""
    details = claims.get("authorization_details") or []
    if isinstance(details, dict):
        details = [details]
    entries: list[Any] = []
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and isinstance(detail.get("reportees"), list):
            entries.extend(detail["reportees"])
    return reportees_from(entries)


@dataclass(frozen=True)
class Identity:
    """A verified login: who, from which provider session, acting for which organisations."""

    pid: str
    name: str
    issuer: str
    sid: str
    id_token: str
    reportees: tuple[Reportee, ...] = ()

    @classmethod
    def from_claims(cls, claims: dict[str, Any], id_token: str) -> "Identity":
        name = claims.get("name") or " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part)
        return cls(pid=str(claims["pid"]), name=str(name or "")[:200], issuer=str(claims["iss"]).rstrip("/"),
                   sid=str(claims.get("sid") or "")[:200], id_token=id_token,
                   reportees=tuple(reportees_from_claims(claims)))


@dataclass(frozen=True)
class Role:
    role: str
    orgnr: str = ""
    org_name: str = ""
    supplier_id: Optional[int] = None


def resolve_role(db: Session, *, is_manager: bool, reportee: Optional[Reportee], lookup: Lookup) -> Role:
    """The role of a person acting for *reportee*.

    May raise ``catalogue.enhetsregisteret.RegistryUnavailable``: without the register we
    cannot tell a public body from a company, and guessing would hand out the wrong role.
    """
    if is_manager:
        return Role(MANAGER, reportee.orgnr if reportee else "", reportee.name if reportee else "")
    if reportee is None:
        return Role(NO_ROLE)
    entity = lookup(reportee.orgnr)
    name = reportee.name or (entity.name if entity else "")
    if entity is not None and entity.is_public_body:
        return Role(BUYER, reportee.orgnr, name)
    supplier_id = db.exec(select(Supplier.id).where(Supplier.orgnr == reportee.orgnr)).first()
    return Role(SUPPLIER, reportee.orgnr, name, supplier_id)


def _actor(user: User, role: Role) -> Actor:
    return Actor(user_id=user.id, name=user.name or "anonym",
                 acting_for=f"{ORGNR_SCHEME}:{role.orgnr}" if role.orgnr else "", role=role.role)


def _role_state(login: LoginSession) -> dict[str, Any]:
    return {"role": login.role, "acting_for": login.acting_for}


@dataclass(frozen=True)
class Started:
    login: LoginSession
    viewer: Viewer


def start(db: Session, identity: Identity, *, hmac_key: str, seal_secret: str, manager_hashes: frozenset[str],
          lookup: Lookup, now: Optional[datetime] = None, replaces: Optional[str] = None) -> Started:
    """Record a verified login: the user (created on first login), its role, membership and session.

    Resolves the role *before* writing anything, so a registry failure leaves no trace.
    *replaces* is the browser's previous session key: logging in again ends that login.
    """
    now = now or utcnow()
    key = pid_hash(identity.pid, hmac_key)
    first = identity.reportees[0] if identity.reportees else None
    role = resolve_role(db, is_manager=key in manager_hashes, reportee=first, lookup=lookup)

    user = db.exec(select(User).where(User.pid_hash == key)).first()
    created = user is None
    if user is None:
        user = User(pid_hash=key, name=identity.name, created_at=now)
    elif identity.name:
        user.name = identity.name
    user.last_login_at = now
    db.add(user)
    db.flush()
    actor = _actor(user, role)
    if created:
        record(db, actor, "user.created", "user", user.id, after={"name": user.name})
    if replaces:
        previous = find_active(db, replaces)
        if previous is not None:
            end(db, previous, actor, reason="relogin", now=now)
    if role.supplier_id is not None:
        ensure_membership(db, user.id, role.supplier_id, actor)

    login = LoginSession(
        session_key=secrets.token_urlsafe(32), user_id=user.id, issuer=identity.issuer, sid=identity.sid,
        id_token=seal(identity.id_token, seal_secret), acting_for=actor.acting_for, role=role.role,
        reportees=[r.as_json() for r in identity.reportees], created_at=now, last_seen_at=now,
    )
    db.add(login)
    db.flush()
    record(db, actor, "auth.login", "login_session", login.id, supplier_id=role.supplier_id,
           after={**_role_state(login), "organisations": [r.id for r in identity.reportees]})
    return Started(login=login, viewer=_viewer(login, user, role.org_name, role.supplier_id))


def find_active(db: Session, session_key: str) -> Optional[LoginSession]:
    return db.exec(select(LoginSession).where(LoginSession.session_key == session_key,
                                              LoginSession.ended_at.is_(None))).first()


def end(db: Session, login: LoginSession, actor: Actor, *, reason: str, now: Optional[datetime] = None) -> None:
    """End *login* (idempotent) and wipe its id_token."""
    if login.ended_at is not None:
        return
    login.ended_at = now or utcnow()
    login.id_token = ""  # wiping the stored token, not a password # nosec B105
    db.add(login)
    record(db, actor, "auth.logout", "login_session", login.id, before={"ended": False},
           after={"ended": True, "reason": reason})


def end_by_sid(db: Session, issuer: str, sid: str, *, now: Optional[datetime] = None) -> int:
    """Front-channel logout: end the logins of the provider session *sid* (and no other)."""
    if not sid:
        return 0
    logins = db.exec(select(LoginSession).where(LoginSession.issuer == issuer, LoginSession.sid == sid,
                                                LoginSession.ended_at.is_(None))).all()
    for login in logins:
        end(db, login, Actor.system("frontchannel-logout"), reason="frontchannel", now=now)
    return len(logins)


def current(db: Session, session_key: str, *, now: Optional[datetime] = None,
            idle: timedelta = IDLE_LIMIT, lifetime: timedelta = MAX_LIFETIME) -> Optional[Viewer]:
    """The viewer of the live login *session_key*, or None (unknown, ended or timed out).

    A timed-out login is ended here; the caller commits.
    """
    now = now or utcnow()
    row = db.exec(select(LoginSession, User).join(User, User.id == LoginSession.user_id)
                  .where(LoginSession.session_key == session_key)).first()
    if row is None:
        return None
    login, user = row
    if login.ended_at is not None:
        return None
    last_seen = login.last_seen_at or login.created_at
    if now - login.created_at > lifetime or now - last_seen > idle:
        end(db, login, Actor.system("session-timeout"), reason="timeout", now=now)
        return None
    if now - last_seen >= LAST_SEEN_STEP:
        login.last_seen_at = now
        db.add(login)
    orgnr = acting_orgnr(login)
    supplier_id = None
    if login.role == SUPPLIER and orgnr:
        # Looked up per request: a company registered during this login counts at once.
        supplier_id = db.exec(select(Supplier.id).where(Supplier.orgnr == orgnr)).first()
    return _viewer(login, user, _org_name(login, orgnr), supplier_id)


def acting_orgnr(login: LoginSession) -> str:
    return login.acting_for.partition(":")[2] if login.acting_for else ""


def _org_name(login: LoginSession, orgnr: str) -> str:
    for reportee in reportees_from(login.reportees or []):
        if reportee.orgnr == orgnr:
            return reportee.name
    return ""


def _viewer(login: LoginSession, user: User, org_name: str, supplier_id: Optional[int]) -> Viewer:
    return Viewer(role=login.role, user_id=user.id, name=user.name, orgnr=acting_orgnr(login),
                  org_name=org_name, supplier_id=supplier_id)


class NotAReportee(ValueError):
    """The organisation is not one the login lists for this person."""


def switch(db: Session, login: LoginSession, orgnr: str, *, manager_hashes: frozenset[str], lookup: Lookup) -> Viewer:
    """Act for another of the login's organisations; the role follows it. Audited."""
    reportee = next((r for r in reportees_from(login.reportees or []) if r.orgnr == orgnr), None)
    if reportee is None:
        raise NotAReportee(orgnr)
    user = db.get(User, login.user_id)
    role = resolve_role(db, is_manager=user.pid_hash in manager_hashes, reportee=reportee, lookup=lookup)
    before = _role_state(login)
    actor = _actor(user, role)
    login.acting_for, login.role = actor.acting_for, role.role
    db.add(login)
    if role.supplier_id is not None:
        ensure_membership(db, user.id, role.supplier_id, actor)
    record(db, actor, "auth.organisation_switched", "login_session", login.id, supplier_id=role.supplier_id,
           before=before, after=_role_state(login))
    return _viewer(login, user, role.org_name, role.supplier_id)
