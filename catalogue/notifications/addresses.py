"""E-mail addresses: add or change (validated), verify through a single-use link, remove; preferences.

ID-porten and Ansattporten give no e-mail address, so a person adds a work address for each
organisation they act for; a supplier's members manage its functional address; the contract
managers share a team address. An address receives mail only once verified: adding or
changing it sends a verification link (``links``) to the new address and nothing else.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Optional

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.lifecycle import N_, DomainError
from catalogue.models import utcnow
from catalogue.notifications import kinds, links
from catalogue.notifications.models import (Delivery, MailAddress, MailVerification, Notification,
                                            NotificationEvent, NotificationPreference, NotificationStatus)
from catalogue.notifications.outbox import delivery_for

VERIFY_KIND = "address.verify"
LANGS = ("nb", "en")


def clean_email(raw: object) -> str:
    """The normalised address, or a DomainError saying what is wrong with it."""
    text = str(raw or "").strip()
    if not text:
        raise DomainError(N_("Skriv inn en e-postadresse."), field="email")
    if len(text) > 254 or any(ch in text for ch in "\r\n\t"):
        raise DomainError(N_("E-postadressen er ugyldig."), field="email")
    try:
        # No DNS lookups (the check must work offline and fast); no addresses that need SMTPUTF8,
        # which many receiving servers still refuse.
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise DomainError(N_("E-postadressen er ugyldig. Skriv den slik: navn@virksomhet.no"), field="email") from None
    return result.normalized


def clean_lang(raw: object) -> str:
    return raw if raw in LANGS else "nb"


def address_of(session: Session, owner: str, org: str) -> Optional[MailAddress]:
    return session.exec(select(MailAddress).where(MailAddress.owner == owner, MailAddress.org == org)).first()


def addresses_of_user(session: Session, user_id: int) -> list[MailAddress]:
    return list(session.exec(select(MailAddress).where(MailAddress.user_id == user_id).order_by(MailAddress.org)))


def save(session: Session, actor: Actor, *, owner: str, org: str, email: str, lang: str, secret: str,
         verify_url: "callable", user_id: Optional[int] = None, supplier_id: Optional[int] = None,
         now: Optional[datetime] = None) -> tuple[MailAddress, bool]:
    """Add or change the address of *owner* for *org*; returns (address, verification sent?).

    A changed address is unverified until the link sent to it is used. The same address again
    changes only the language.
    """
    now = now or utcnow()
    email = clean_email(email)
    lang = clean_lang(lang)
    address = address_of(session, owner, org)
    before = {"email": address.email, "verified": address.is_verified} if address else None
    if address is not None and address.email.lower() == email.lower():
        address.lang = lang
        address.updated_at = now
        session.add(address)
        return address, False
    if address is None:
        address = MailAddress(owner=owner, org=org, user_id=user_id, supplier_id=supplier_id, email=email,
                              lang=lang, created_at=now, updated_at=now)
    else:
        address.email, address.lang, address.verified_at, address.updated_at = email, lang, None, now
    session.add(address)
    session.flush()
    record(session, actor, "mail_address.saved", "mail_address", address.id, supplier_id=supplier_id,
           before=before, after={"email": email, "org": org, "verified": False})
    send_verification(session, address, secret=secret, verify_url=verify_url, now=now)
    return address, True


def send_verification(session: Session, address: MailAddress, *, secret: str, verify_url, now: datetime) -> None:
    """Queue the verification mail to the (unverified) address, in the caller's transaction."""
    check = MailVerification(address_id=address.id, email=address.email, nonce=secrets.token_urlsafe(24),
                             created_at=now)
    session.add(check)
    session.flush()
    token = links.make(secret, "verify", {"v": check.id, "n": check.nonce})
    event = NotificationEvent(kind=VERIFY_KIND, key=f"address:{address.id}:verify:{check.id}",
                              context={"email": address.email, "hours": links.VERIFY_MAX_AGE // 3600},
                              url=verify_url(token), created_at=now)
    session.add(event)
    session.flush()
    # Sent straight to the address being verified (notify() only reaches verified ones); not in any inbox.
    session.add(Notification(event_id=event.id, kind=VERIFY_KIND, recipient=f"verify:{check.id}",
                             address_id=address.id, email=address.email, lang=address.lang,
                             status=NotificationStatus.QUEUED.value, next_attempt_at=now, created_at=now))


def verify(session: Session, token: str, *, secret: str, now: Optional[datetime] = None) -> MailAddress:
    """Use a verification link: the address is verified, the link spent. LinkRefused otherwise."""
    now = now or utcnow()
    payload = links.read(secret, "verify", token, links.VERIFY_MAX_AGE)
    check = session.get(MailVerification, payload.get("v")) if isinstance(payload.get("v"), int) else None
    if check is None or not secrets.compare_digest(str(payload.get("n", "")), check.nonce):
        raise links.LinkRefused(links.FORGED)
    if check.used_at is not None:
        raise links.LinkRefused(links.USED)
    address = session.get(MailAddress, check.address_id)
    if address is None or address.email != check.email:
        raise links.LinkRefused(links.STALE)
    check.used_at = now
    address.verified_at = now
    address.updated_at = now
    session.add(check)
    session.add(address)
    record(session, Actor.system("e-postbekreftelse"), "mail_address.verified", "mail_address", address.id,
           supplier_id=address.supplier_id, after={"email": address.email, "verified": True})
    return address


def remove(session: Session, actor: Actor, address: MailAddress) -> None:
    for check in session.exec(select(MailVerification).where(MailVerification.address_id == address.id)):
        session.delete(check)
    for row in session.exec(select(Notification).where(Notification.address_id == address.id)):
        row.address_id = None  # keep the history (the e-mail it went to stays on the row)
        session.add(row)
    record(session, actor, "mail_address.removed", "mail_address", address.id, supplier_id=address.supplier_id,
           before={"email": address.email, "org": address.org})
    session.delete(address)


# --- preferences ------------------------------------------------------------------------------


def choosable_kinds() -> list[kinds.Kind]:
    return [kind for kind in kinds.KINDS.values() if kind.name != VERIFY_KIND]


def preferences(session: Session, owner: str) -> list[tuple[kinds.Kind, Delivery]]:
    return [(kind, delivery_for(session, owner, kind)) for kind in choosable_kinds()]


def set_preference(session: Session, actor: Actor, owner: str, kind_name: str, delivery: str,
                   now: Optional[datetime] = None) -> bool:
    """Set how *owner* gets *kind*; True when it changed. A mandatory kind cannot be switched off."""
    if kind_name not in kinds.KINDS or kind_name == VERIFY_KIND:
        raise DomainError(N_("Ukjent varseltype."), field=kind_name)
    try:
        wanted = Delivery(delivery)
    except ValueError:
        raise DomainError(N_("Velg straks, daglig samlet eller av."), field=kind_name) from None
    kind = kinds.KINDS[kind_name]
    if kind.mandatory and wanted == Delivery.OFF:
        raise DomainError(N_("Dette varselet er obligatorisk og kan ikke slås av."), field=kind_name)
    current = session.exec(select(NotificationPreference).where(
        NotificationPreference.owner == owner, NotificationPreference.kind == kind_name)).first()
    before = current.delivery if current else kind.default.value
    if before == wanted.value:
        return False
    if current is None:
        current = NotificationPreference(owner=owner, kind=kind_name, delivery=wanted.value)
    current.delivery = wanted.value
    current.updated_at = now or utcnow()
    session.add(current)
    record(session, actor, "notification_preference.set", "notification_preference", None,
           before={"kind": kind_name, "delivery": before}, after={"kind": kind_name, "delivery": wanted.value},
           detail=owner)
    return True


def unsubscribe(session: Session, token: str, *, secret: str, now: Optional[datetime] = None) -> Notification:
    """One-click unsubscribe: switch the mail's kind off for its recipient. LinkRefused otherwise."""
    now = now or utcnow()
    payload = links.read(secret, "unsubscribe", token, links.UNSUBSCRIBE_MAX_AGE)
    row = session.get(Notification, payload.get("n")) if isinstance(payload.get("n"), int) else None
    if row is None or payload.get("r") != row.recipient:
        raise links.LinkRefused(links.FORGED)
    if row.unsubscribed_at is not None:
        raise links.LinkRefused(links.USED)
    kind = kinds.get(row.kind)
    if kind.mandatory:
        raise DomainError(N_("Dette varselet er obligatorisk og kan ikke slås av."))
    row.unsubscribed_at = now
    session.add(row)
    set_preference(session, Actor.system("avmelding fra e-post"), row.recipient, row.kind, Delivery.OFF.value, now)
    return row


def unsubscribe_token(secret: str, row: Notification) -> str:
    return links.make(secret, "unsubscribe", {"n": row.id, "r": row.recipient})
