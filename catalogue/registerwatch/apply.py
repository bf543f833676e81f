"""What one update of the register does to a registered supplier.

The register is the source of the company's name, address, organisational form and number of
employees: they are copied as they are. A bankruptcy (konkurs), a winding-up (under avvikling,
under tvangsavvikling eller tvangsoppløsning) or a deletion raises an alert: the supplier is
flagged on its pages, its DPS qualifications are suspended and the contract managers are told,
who then decide (reinstate or end the qualifications). Everything an update does is written in
the caller's transaction, together with the follower's position.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlmodel import Session, select

from catalogue.audit import Actor, log_search_change, record
from catalogue.enhetsregisteret import entity_from_json
from catalogue.lifecycle import N_, DomainError, LifeCycle
from catalogue.models import Supplier, utcnow
from catalogue.registerwatch.feed import EntityState, Update
from catalogue.registerwatch.models import FLAG_LABELS, AlertStatus, RegisterAlert, RegisterFlag, RegisterUpdate

ACTOR = Actor.system("Enhetsregisteret")

# The register's fields (data.brreg.no) that set a flag, in the order they are reported.
FLAG_FIELDS = (
    ("konkurs", RegisterFlag.BANKRUPT),
    ("underTvangsavviklingEllerTvangsopplosning", RegisterFlag.FORCED_WINDING_UP),
    ("underAvvikling", RegisterFlag.WINDING_UP),
)
COPIED = ("name", "org_form", "address", "postal_code", "city", "country")



def flags_of(state: EntityState) -> list[RegisterFlag]:
    if state.deleted:
        return [RegisterFlag.DELETED]
    return [flag for field, flag in FLAG_FIELDS if state.data.get(field) is True]


def registered_fields(orgnr: str, data: dict[str, Any]) -> dict[str, Any]:
    """The supplier's fields as the register gives them (only those it states)."""
    entity = entity_from_json(orgnr, data)
    fields: dict[str, Any] = {}
    for name in COPIED:
        value = getattr(entity, name)
        if value:
            fields[name] = value
    if isinstance(data.get("antallAnsatte"), int) and data["antallAnsatte"] >= 0:
        fields["employees"] = data["antallAnsatte"]
    return fields


def open_alerts(session: Session, supplier_id: int) -> list[RegisterAlert]:
    return list(session.exec(select(RegisterAlert).where(RegisterAlert.supplier_id == supplier_id,
                                                         RegisterAlert.status == AlertStatus.OPEN)
                             .order_by(RegisterAlert.id)).all())


def apply_update(session: Session, update: Update, state: EntityState | None,
                 now: Optional[datetime] = None) -> RegisterUpdate | None:
    """Apply *update* to the supplier with its organisation number; ``None`` when none is registered."""
    supplier = session.exec(select(Supplier).where(Supplier.orgnr == update.orgnr)).first()
    if supplier is None:
        return None
    now = now or utcnow()
    changes: dict[str, Any] = {}
    if state is not None and not state.deleted and state.data:
        for name, value in registered_fields(update.orgnr, state.data).items():
            if getattr(supplier, name) != value:
                changes[name] = {"before": getattr(supplier, name), "after": value}
                setattr(supplier, name, value)
    raised = []
    if state is not None:
        already = {a.flag for a in open_alerts(session, supplier.id)}
        for flag in flags_of(state):
            if flag not in already:
                raised.append(raise_alert(session, supplier, flag, update, now))
    if changes:
        session.add(supplier)
        record(session, ACTOR, "supplier.register_updated", "supplier", supplier.id, supplier_id=supplier.id,
               before={k: v["before"] for k, v in changes.items()}, after={k: v["after"] for k, v in changes.items()},
               detail=f"oppdateringsid {update.update_id}")
    if changes or raised:
        log_search_change(session, supplier.id, "supplier")  # its services show the name and the notice
    row = RegisterUpdate(update_id=update.update_id, orgnr=update.orgnr, supplier_id=supplier.id,
                         change_type=update.change_type, published_at=update.published_at, applied_at=now,
                         changes={"fields": changes, "alerts": [str(a.flag) for a in raised]})
    session.add(row)
    return row


def raise_alert(session: Session, supplier: Supplier, flag: RegisterFlag, update: Update,
                now: datetime) -> RegisterAlert:
    """Flag the supplier, suspend its qualifications and tell the contract managers."""
    from catalogue.notifications import notify
    from catalogue.suspension import suspend_supplier

    alert = RegisterAlert(supplier_id=supplier.id, flag=flag, update_id=update.update_id,
                          registered_at=update.published_at, created_at=now)
    session.add(alert)
    session.flush()
    record(session, ACTOR, "register_alert.raised", "register_alert", alert.id, supplier_id=supplier.id,
           after={"flag": str(flag), "update_id": update.update_id}, detail=FLAG_LABELS[flag])
    suspended = suspend_supplier(session, ACTOR, supplier.id, reason=FLAG_LABELS[flag])
    notify(session, "register.flagged", managers=True,
           context={"supplier": supplier.name, "orgnr": supplier.orgnr, "flag": FLAG_LABELS[flag],
                    "suspended": suspended, "registered": update.published_at.date().isoformat()},
           url=f"/forvaltning/registervarsler/{alert.id}", key=f"register:{update.update_id}:{flag}")
    return alert


class AlertLifeCycle(LifeCycle[AlertStatus]):
    """The contract manager's decision on an alert: reinstate the qualifications or end them."""

    AUDIT_TYPE = "register_alert"
    TRANSITIONS = {
        "reinstate": (frozenset({AlertStatus.OPEN}), AlertStatus.REINSTATED),
        "exclude": (frozenset({AlertStatus.OPEN}), AlertStatus.EXCLUDED),
    }

    @property
    def can_decide(self) -> bool:
        return self.can("reinstate")

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN

    def decide(self, session: Session, actor: Actor, decision: str, reason: str,
               now: Optional[datetime] = None) -> None:
        from catalogue.suspension import end_suspension

        reason = (reason or "").strip()
        if decision not in self.TRANSITIONS:
            raise DomainError(N_("Velg om kvalifikasjonene skal gjenopprettes eller avsluttes."), field="decision")
        if not reason:
            raise DomainError(N_("Skriv en begrunnelse for avgjørelsen."), field="reason")
        if len(reason) > 2000:
            raise DomainError(N_("Begrunnelsen kan være høyst 2000 tegn."), field="reason")
        alert = self.obj
        self._move(session, actor, decision, detail=reason, supplier_id=alert.supplier_id)
        alert.decided_at, alert.decided_by, alert.reason = now or utcnow(), actor.user_id, reason
        session.add(alert)
        if decision == "exclude":
            end_suspension(session, actor, alert.supplier_id, restore=False, reason=reason)
        elif not open_alerts(session, alert.supplier_id):
            # Restored only when no other alert still holds them.
            end_suspension(session, actor, alert.supplier_id, restore=True, reason=reason)
        log_search_change(session, alert.supplier_id, "supplier")
