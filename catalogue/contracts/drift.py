"""Terms drift: what changed in a contracted (or frozen) service, and which changes are worse.

Each term in the registry may declare which direction of change is worse for the buyer
(``Term.worse``: an order of choices, "lower is worse" for numbers, "added / removed values
are worse" for sets). ``is_worse`` reads that declaration and nothing else – there are no
rules per term here. ``compare_versions`` uses ``catalogue.diff`` for the clause-level
changes and marks each with its risk flag.

``watch`` runs when a service publishes a new version (``catalogue.listing.Listing.publish``): the
owners of contracts in force and of frozen shortlists that hold an older version are told,
one notification per owner and publication.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from sqlmodel import Session, select

from catalogue.contracts.models import Contract, ContractStatus
from catalogue.diff import Change, diff
from catalogue.models import ArchivedService, Service, ServiceStatus
from catalogue.terms import (CERTIFICATES, MULTICHOICE, NSM_MATRIX, ROWS, TERMS, WORSE_ADDED, WORSE_LOWER, WORSE_ORDER,
                             WORSE_REMOVED, Term)

IN_FORCE = (ContractStatus.SIGNED, ContractStatus.ACTIVE)
DRIFT_KIND = "contract.terms_drift"
SHORTLIST_KIND = "shortlist.terms_changed"   # the notifications feature's, for frozen shortlists


def _as_set(term: Term, value: Any) -> set:
    if value in (None, "", []):
        return set()
    if term.type == ROWS:
        return {tuple(str(row.get(c.key) or "").strip().lower() for c in term.columns[:2])
                for row in value if isinstance(row, Mapping)}
    if term.type in (MULTICHOICE, NSM_MATRIX, CERTIFICATES):  # certificates: the standards that count today
        return set(term.facet_values(value))
    return {value}


def _rank(term: Term, value: Any) -> int:
    for index, tier in enumerate(term.worse.tiers):
        if any(value is v or (type(value) is type(v) and value == v) for v in tier):
            return index
    return len(term.worse.tiers)   # not stated / unknown: the worst


def is_worse(term: Term, old: Any, new: Any) -> Optional[bool]:
    """Is the change *old* → *new* worse for the buyer? ``None`` when the term declares no direction."""
    worse = term.worse
    if worse is None:
        return None
    if old == new:
        return False
    if worse.direction == WORSE_ORDER:
        return _rank(term, new) > _rank(term, old)
    if worse.direction == WORSE_LOWER:
        if new is None:
            return True
        return old is not None and new < old
    harmless = set(worse.harmless)
    before, after = _as_set(term, old) - harmless, _as_set(term, new) - harmless
    if worse.direction == WORSE_ADDED:
        return bool(after - before)
    if worse.direction == WORSE_REMOVED:
        return bool(before - after)
    raise ValueError(f"unknown direction {worse.direction!r} on term {term.key}")  # pragma: no cover


@dataclass
class Drift:
    """One clause-level change, with its risk flag (None: no direction declared)."""

    change: Change
    term: Optional[Term]
    worse: Optional[bool]


def compare_versions(old: Mapping[str, Any], new: Mapping[str, Any], *, name_of=None,
                     lang: str = "nb") -> list[Drift]:
    """The changes in terms and documents from *old* to *new* content, each with its flag."""
    out = []
    old_terms, new_terms = old.get("terms") or {}, new.get("terms") or {}
    for change in diff(old, new, name_of=name_of, lang=lang):
        if change.key.startswith("terms."):
            term = TERMS[change.key.split(".", 1)[1]]
            out.append(Drift(change, term, is_worse(term, old_terms.get(term.key), new_terms.get(term.key))))
        elif change.key.startswith("documents."):
            out.append(Drift(change, None, None))
    return out


def live_version(session: Session, service_id: int) -> Optional[ArchivedService]:
    """The snapshot of the service's current published version (None when not published)."""
    service = session.get(Service, service_id)
    if service is None or service.status != ServiceStatus.PUBLISHED:
        return None
    return session.exec(select(ArchivedService).where(ArchivedService.service_id == service_id,
                                                      ArchivedService.version == service.version)).first()


def contract_drift(session: Session, contract: Contract, *, name_of=None,
                   lang: str = "nb") -> tuple[Optional[ArchivedService], list[Drift]]:
    """How the supplier's current terms differ from the contract's version."""
    current = live_version(session, contract.service_id)
    if current is None or current.version == contract.version:
        return current, []
    signed = session.get(ArchivedService, contract.archived_id)
    return current, compare_versions(signed.content or {}, current.content or {}, name_of=name_of, lang=lang)


# ---------------------------------------------------------------------------
# the watch


def _line(d: Drift) -> str:
    return f"{d.change.label}: {d.change.old} → {d.change.new}"


def _summary(drifts: list[Drift], english: list[Drift]) -> dict[str, Any]:
    """A JSON-able digest for the notification: the clause-level diff in both languages, with the flags."""
    return {
        "changes": len(drifts),
        "worse": sum(1 for d in drifts if d.worse),
        "flags": [d.term.key for d in drifts if d.worse and d.term is not None],
        "diff": [{"nb": _line(nb), "en": _line(en), "worse": bool(nb.worse)} for nb, en in zip(drifts, english)],
    }


def summary(session: Session, archived_id: int, new_content: Mapping[str, Any]) -> dict[str, Any]:
    """The diff and flags from an archived version to *new_content*, for a notification's context."""
    old = session.get(ArchivedService, archived_id).content or {}
    return _summary(compare_versions(old, new_content), compare_versions(old, new_content, lang="en"))


def orgs_told(session: Session, service_id: int, version: int) -> set[str]:
    """Buyer organisations whose contracts in force hold an older version of the service (told by ``watch``)."""
    return set(session.exec(select(Contract.buyer_orgnr).where(
        Contract.service_id == service_id, Contract.version < version,
        Contract.status.in_([s.value for s in IN_FORCE]))).all())


def watch(session: Session, snapshot: ArchivedService) -> int:
    """Tell the buyer organisations with contracts in force on an older version. Returns notifications made.

    One notification per organisation and publication (the key makes it idempotent). Frozen
    shortlists are the notifications feature's (``catalogue.notifications.hooks.terms_published``),
    which leaves out lists whose organisation is told here and adds ``summary`` (diff and flags).
    """
    from catalogue.notifications import notify

    service_id, version = snapshot.service_id, snapshot.version
    if version <= 1:
        return 0     # a first publication: nobody can hold an older version
    new_content = snapshot.content or {}
    name = new_content.get("name", "")
    cache: dict[int, tuple[list[Drift], dict[str, Any]]] = {}

    def drift_of(archived_id: int) -> tuple[list[Drift], dict[str, Any]]:
        if archived_id not in cache:
            old = (session.get(ArchivedService, archived_id).content or {})
            drifts = compare_versions(old, new_content)
            cache[archived_id] = (drifts, _summary(drifts, compare_versions(old, new_content, lang="en")))
        return cache[archived_id]

    def drifts_from(archived_id: int) -> list[Drift]:
        return drift_of(archived_id)[0]

    made = 0
    by_org: dict[str, list[Contract]] = {}
    for contract in session.exec(select(Contract).where(Contract.service_id == service_id,
                                                        Contract.version < version,
                                                        Contract.status.in_([s.value for s in IN_FORCE]))).all():
        by_org.setdefault(contract.buyer_orgnr, []).append(contract)
    for orgnr, contracts in by_org.items():
        drifts = [d for c in contracts for d in drifts_from(c.archived_id)]
        first = contracts[0]
        digest = drift_of(first.archived_id)[1]
        if not drifts:
            continue
        event = notify(session, DRIFT_KIND, orgs=[f"0192:{orgnr}"],
                       context={"service": name, "version": version, "contracts": [c.id for c in contracts],
                                "titles": [c.title for c in contracts], **digest},
                       url=f"/innkjop/avtaler/{first.id}", key=f"terms-drift:{service_id}:v{version}:org:{orgnr}")
        made += event is not None
    return made
