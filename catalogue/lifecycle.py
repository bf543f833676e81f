"""The life-cycle pattern shared by every thing that has a status.

One object per thing (a listing, an application, a competition, a tender, a contract, a
notification) owns its status:

* the status is a string-valued ``StrEnum`` (the stored values), and the table has a CHECK
  constraint generated from the enum by :func:`status_check`;
* the questions (``can_submit`` …) and the transitions live on the object, declared once in
  ``TRANSITIONS`` (name → states it may start from, state it ends in);
* every transition goes through :meth:`LifeCycle._move`, which refuses an illegal move with
  :class:`IllegalTransition` and writes the audit event in the caller's transaction (the caller
  adds its change-log / outbox rows in the same transaction and commits once).

Views and templates ask the object; nothing else compares status strings.
Domain messages are gettext message ids in bokmål, marked with :func:`N_`; the web layer
translates them (``marketplace`` turns a :class:`DomainError` into one clear message).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Generic, Mapping, Optional, TypeVar

from sqlalchemy import CheckConstraint


def N_(message: str) -> str:
    """Mark *message* for translation; it is translated where it is shown (the web layer)."""
    return message


class DomainError(Exception):
    """A refusal the person can act on: a gettext message id with its parameters.

    ``http_status`` is what the web layer answers: 422 for bad input, 409 for a conflict
    with the thing's state.
    """

    http_status = 422

    def __init__(self, message: str, field: str = "", **params: Any):
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


class IllegalTransition(DomainError):
    """The thing is not in a state where this step is allowed."""

    http_status = 409


class Incomplete(DomainError):
    """Input that is not (or no longer) complete: one message per field, keyed by field id."""

    def __init__(self, errors: Mapping[str, Any], message: str = N_("Rett feilene i skjemaet.")):
        super().__init__(message)
        self.errors = dict(errors)


# Every (table, column, enum) given a CHECK constraint: the tests read it (no status column without one).
STATUS_COLUMNS: list[tuple[str, str, type[StrEnum]]] = []


def status_check(table: str, enum: type[StrEnum], column: str = "status") -> CheckConstraint:
    """A CHECK constraint that allows exactly the values of *enum* in *column*."""
    STATUS_COLUMNS.append((table, column, enum))
    allowed = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{table}_{column}")


S = TypeVar("S", bound=StrEnum)


class LifeCycle(Generic[S]):
    """Base of the life-cycle objects. Subclasses declare ``TRANSITIONS`` and ``AUDIT_TYPE``.

    ``TRANSITIONS = {"submit": (frozenset({Status.DRAFT}), Status.SUBMITTED), ...}``, or, when the
    state a transition ends in depends on where it starts, ``{"withdraw": {Status.A: Status.B, ...}}``.
    """

    TRANSITIONS: ClassVar[Mapping[str, Any]] = {}
    AUDIT_TYPE: ClassVar[str] = ""
    STATUS_FIELD: ClassVar[str] = "status"

    def __init__(self, obj: Any):
        self.obj = obj

    def __getattr__(self, name: str) -> Any:
        # Templates read the row's fields through the object (``application.due_date``).
        if name == "obj":
            raise AttributeError(name)
        return getattr(self.obj, name)

    @property
    def status(self) -> S:
        return getattr(self.obj, self.STATUS_FIELD)

    @classmethod
    def moves(cls, transition: str) -> dict[StrEnum, StrEnum]:
        """``{state it may start from: state it ends in}`` of *transition*."""
        rule = cls.TRANSITIONS[transition]
        if isinstance(rule, Mapping):
            return dict(rule)
        sources, target = rule
        return {source: target for source in sources}

    def can(self, transition: str) -> bool:
        return self.status in self.moves(transition)

    def check(self, transition: str, refusal: str = "", field: str = "") -> S:
        """The state *transition* ends in; ``IllegalTransition`` (with *refusal*) when it is not allowed now."""
        if not self.can(transition):
            if refusal:
                raise IllegalTransition(refusal, field)
            raise IllegalTransition(N_("Dette kan ikke gjøres nå (status: %(status)s)."), field, status=str(self.status))
        return self.moves(transition)[self.status]

    def _move(self, session: Any, actor: Any, transition: str, *, detail: str = "",
              supplier_id: Optional[int] = None, service_id: Optional[int] = None,
              before: Any = None, after: Any = None, action: str = "") -> S:
        """Check and perform *transition*, with its audit event in the caller's transaction.

        *action* names the audit event (default ``"<AUDIT_TYPE>.<transition>"``).
        """
        from catalogue import audit  # audit imports the models; keep this module import-light

        target = self.check(transition)
        source = self.status
        setattr(self.obj, self.STATUS_FIELD, target)
        session.add(self.obj)
        audit.record(session, actor, action or f"{self.AUDIT_TYPE}.{transition}", self.AUDIT_TYPE,
                     getattr(self.obj, "id", None), supplier_id=supplier_id, service_id=service_id,
                     before=before or {"status": str(source)}, after=after or {"status": str(target)}, detail=detail)
        return target
