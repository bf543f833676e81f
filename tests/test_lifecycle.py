"""The life-cycle pattern (catalogue.lifecycle), checked for every life cycle and every status column.

- every (state, transition) pair of every life cycle (listing, application, competition, tender,
  contract and its deviation reports, notification): the legal ones end in the state
  ``TRANSITIONS`` names, the rest raise ``IllegalTransition`` and write nothing;
- every status column has a CHECK constraint, and a direct UPDATE to an unknown status fails
  (on SQLite and on PostgreSQL: the suite runs on both);
- no status is spelled as a string literal outside its enum, in Python or in templates.
"""
from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, func, select

import catalogue.schema  # noqa: F401  (every table)
from catalogue import qualification as q
from catalogue.audit import Actor
from catalogue.lifecycle import STATUS_COLUMNS, IllegalTransition
from catalogue.listing import Listing, ListingState
from catalogue.models import (ApplicationStatus, AuditEvent, LoginSession, QualificationStatus, Role, Service,
                              Supplier, User)
from catalogue.competitions.lifecycle import CompetitionLife, TenderLife
from catalogue.contracts.lifecycle import ContractLife, DeviationLife
from catalogue.notifications.lifecycle import NotificationLife
from catalogue.qualification import Application, Outcome
from catalogue.shortlists import Shortlist
from catalogue.workdays import oslo_today
from tests.pdf import make_pdf
from tests.test_listing_forms import demo_content
from tests.test_qualification import ANSWERS, new_dps, new_supplier, tops

ROOT = Path(__file__).resolve().parent.parent
SUPPLIER = Actor(name="Leverandørbruker", acting_for="0192:964330123", role="supplier")
MANAGER = Actor(name="Avtaleforvalter", role="manager")


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def audit_count(db) -> int:
    return db.exec(select(func.count()).select_from(AuditEvent)).one()


# ---------------------------------------------------------------------------
# the listing: every state, built through the domain, times every transition

def _draft(db) -> Listing:
    fjordsky = db.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
    listing = Listing.create(db, SUPPLIER, fjordsky.id, demo_content(db, supplier_id=fjordsky.id))
    db.commit()
    return listing


def _then(previous, step):
    """A builder: the state *previous* builds, then *step* (through the domain), committed."""
    def build(db) -> Listing:
        listing = previous(db)
        step(listing)
        db.commit()
        return listing
    return build


_submitted = _then(_draft, lambda listing: listing.submit(SUPPLIER))
_published = _then(_submitted, lambda listing: listing.approve(MANAGER, expected_lock=listing.service.lock_version))
_editing = _then(_published, lambda listing: listing.save(SUPPLIER, {"summary": "En endret kortbeskrivelse."},
                                                          expected_lock=listing.service.lock_version))
_edit_submitted = _then(_editing, lambda listing: listing.submit(SUPPLIER))
_removed = _then(_published, lambda listing: listing.remove(SUPPLIER, expected_lock=listing.service.lock_version,
                                                            reason="Avviklet"))


LISTING_STATES = {ListingState.DRAFT: _draft, ListingState.SUBMITTED: _submitted,
                  ListingState.PUBLISHED: _published, ListingState.EDITING: _editing,
                  ListingState.EDIT_SUBMITTED: _edit_submitted, ListingState.REMOVED: _removed}


def _offer_under_dps(listing: Listing, lock: int) -> None:
    """Qualify the supplier in a new DPS covering the service's category, then offer the service under it."""
    from catalogue.models import Category, Qualification, QualificationApplication

    db, service = listing.session, listing.service
    top = db.get(Category, service.category_id).parent_id or service.category_id
    today = oslo_today()
    dps = q.create_dps(db, MANAGER, {"name": "Livssyklusordningen", "description": "", "valid_from": today,
                                     "valid_to": today + timedelta(days=30), "categories": [top]})
    application = QualificationApplication(dps_id=dps.id, supplier_id=service.supplier_id,
                                           status=ApplicationStatus.DECIDED, declarations={})
    db.add(application)
    db.flush()
    db.add(Qualification(application_id=application.id, dps_id=dps.id, supplier_id=service.supplier_id,
                         category_id=top, status=QualificationStatus.QUALIFIED))
    db.flush()
    listing.offer_under_dps(SUPPLIER, dps, expected_lock=lock)


def _do(listing: Listing, transition: str) -> None:
    lock = listing.service.lock_version
    calls = {
        "save": lambda: listing.save(SUPPLIER, {"summary": "Enda en kortbeskrivelse."}, expected_lock=lock),
        "submit": lambda: listing.submit(SUPPLIER, expected_lock=lock),
        "withdraw": lambda: listing.withdraw(SUPPLIER, expected_lock=lock),
        "approve": lambda: listing.approve(MANAGER, expected_lock=lock),
        "reject": lambda: listing.reject(MANAGER, expected_lock=lock, reason="Beskrivelsen er for tynn."),
        "publish": lambda: listing.publish(MANAGER),
        "remove": lambda: listing.remove(SUPPLIER, expected_lock=lock, reason="Avviklet"),
        "confirm": lambda: listing.confirm(SUPPLIER, version=listing.service.version),
        "offer_under_dps": lambda: _offer_under_dps(listing, lock),
    }
    assert set(calls) == set(Listing.TRANSITIONS), "a transition without a case in this table"
    calls[transition]()


def test_every_listing_state_is_reachable_and_reports_itself(db):
    for state, build in LISTING_STATES.items():
        assert Listing(db, build(db).service).status == state
    assert set(LISTING_STATES) == set(ListingState)


@pytest.mark.parametrize("transition", sorted(Listing.TRANSITIONS))
@pytest.mark.parametrize("state", list(ListingState), ids=str)
def test_every_listing_state_and_transition(db, state, transition):
    listing = LISTING_STATES[state](db)
    listing = Listing(db, db.get(Service, listing.service.id))
    moves = Listing.moves(transition)
    events = audit_count(db)
    if state in moves:
        _do(listing, transition)
        db.commit()
        after = Listing(db, db.get(Service, listing.service.id))
        assert after.status == moves[state]
        assert audit_count(db) > events
    else:
        assert not listing.can(transition)
        with pytest.raises(IllegalTransition):
            _do(listing, transition)
        db.rollback()
        assert Listing(db, db.get(Service, listing.service.id)).status == state
        assert audit_count(db) == events


def test_the_questions_follow_the_transitions(db):
    for state, build in LISTING_STATES.items():
        listing = build(db)
        assert listing.can_edit == (state in Listing.moves("save"))
        assert listing.can_submit == (state in Listing.moves("submit"))
        assert listing.can_withdraw == (state in Listing.moves("withdraw"))
        assert listing.can_remove == (state in Listing.moves("remove"))
        assert listing.can_review == (state in Listing.moves("approve"))
        assert listing.can_confirm == (state in Listing.moves("confirm"))


def test_a_rejection_reason_is_kept_on_the_row_until_the_service_is_sent_again(db):
    listing = _submitted(db)
    listing.reject(MANAGER, expected_lock=listing.service.lock_version, reason="Mangler priser.")
    db.commit()
    fresh = Listing(db, db.get(Service, listing.service.id))
    assert fresh.service.rejection_reason == "Mangler priser." and fresh.rejection_reason == "Mangler priser."
    db.exec(text("DELETE FROM audit_event"))  # the reason does not come from the audit log
    db.commit()
    assert Listing(db, db.get(Service, listing.service.id)).rejection_reason == "Mangler priser."
    fresh.submit(SUPPLIER)
    db.commit()
    assert Listing(db, db.get(Service, listing.service.id)).rejection_reason is None

    edited = _edit_submitted(db)
    edited.reject(MANAGER, expected_lock=edited.service.lock_version, reason="Feil land.")
    db.commit()
    assert Listing(db, db.get(Service, edited.service.id)).rejection_reason == "Feil land."


# ---------------------------------------------------------------------------
# the application and its outcomes


def _application_draft(db, tmp_path) -> Application:
    dps = new_dps(db, start=oslo_today() - timedelta(days=5), end=oslo_today() + timedelta(days=100))
    supplier = new_supplier(db)
    cats = tops(db)
    clean, errors = q.validate_application(db, dps, supplier.id, {"categories": [str(cats["beregning"].id)],
                                                                  "answers": ANSWERS,
                                                                  "tax_certificate_issued": oslo_today().isoformat()},
                                           complete=True, has_tax_certificate=True)
    assert errors == {}
    application = Application.save(db, SUPPLIER, dps, supplier.id, clean, application=None,
                                   upload=("attest.pdf", make_pdf("Skatteattest")), upload_dir=str(tmp_path))
    db.commit()
    return application


def _application_submitted(db, tmp_path) -> Application:
    application = _application_draft(db, tmp_path)
    application.apply(db, SUPPLIER)
    db.commit()
    return application


def _application_decided(db, tmp_path) -> Application:
    application = _application_submitted(db, tmp_path)
    application.decide(db, MANAGER, {tops(db)["beregning"].id: (QualificationStatus.QUALIFIED, "")})
    db.commit()
    return application


APPLICATION_STATES = {ApplicationStatus.DRAFT: _application_draft,
                      ApplicationStatus.SUBMITTED: _application_submitted,
                      ApplicationStatus.DECIDED: _application_decided}


def _do_application(db, application: Application, transition: str, tmp_path) -> None:
    dps = db.get(q.DPS, application.dps_id)
    calls = {
        "save": lambda: Application.save(db, SUPPLIER, dps, application.supplier_id, q.ApplicationInput(),
                                         application=application.application, upload=None, upload_dir=str(tmp_path)),
        "apply": lambda: application.apply(db, SUPPLIER),
        "decide": lambda: application.decide(db, MANAGER, {tops(db)["beregning"].id: (QualificationStatus.REJECTED,
                                                                                       "Mangler kapasitet.")}),
    }
    assert set(calls) == set(Application.TRANSITIONS), "a transition without a case in this table"
    calls[transition]()


@pytest.mark.parametrize("transition", sorted(Application.TRANSITIONS))
@pytest.mark.parametrize("state", list(ApplicationStatus), ids=str)
def test_every_application_state_and_transition(db, tmp_path, state, transition):
    application = APPLICATION_STATES[state](db, tmp_path)
    assert application.status == state
    moves = Application.moves(transition)
    events = audit_count(db)
    if state in moves:
        _do_application(db, application, transition, tmp_path)
        db.commit()
        db.refresh(application.application)
        assert application.status == moves[state]
        assert audit_count(db) > events
    else:
        with pytest.raises(IllegalTransition):
            _do_application(db, application, transition, tmp_path)
        db.rollback()
        db.refresh(application.application)
        assert application.status == state
        assert audit_count(db) == events


@pytest.mark.parametrize("transition", sorted(Outcome.TRANSITIONS))
@pytest.mark.parametrize("state", list(QualificationStatus), ids=str)
def test_every_outcome_state_and_transition(state, transition):
    outcome = Outcome(q.Qualification(status=state))
    if state in Outcome.moves(transition):
        assert outcome.check(transition) == Outcome.moves(transition)[state]
    else:
        with pytest.raises(IllegalTransition):
            outcome.check(transition)


# ---------------------------------------------------------------------------
# the newer life cycles: competition, tender, contract (and its deviation reports), notification
#
# The row is made through the domain (a competition draft, a tender draft, a draft contract from a
# frozen shortlist, a deviation report, an outbox row), stored in each state of its enum in turn
# (the CHECK constraint allows every one), and every transition is tried through the life-cycle
# object's ``_move``, the one gate each of its transitions goes through: the legal ones write the
# state ``TRANSITIONS`` names and their audit event, the rest raise (a ``DomainError``) and write
# nothing. The pairs come from the classes themselves, so a new state or transition is covered.


def _competition(db, tmp_path):
    from tests.competition_support import make_draft

    comp = make_draft(db)
    return comp, lambda row: CompetitionLife(row, row.updated_at)


def _tender(db, tmp_path):
    from catalogue.competitions import tendering
    from tests.competition_support import ORGNR_A, PUBLISHED, SECRET, make_published, supplier_actor

    comp = make_published(db)
    actor, supplier_id = supplier_actor(db, ORGNR_A)
    tender = tendering.save_draft(db, actor, comp, supplier_id, tendering.TenderInput(price="100000"), secret=SECRET,
                                  upload_dir=str(tmp_path), now=PUBLISHED)
    return tender, lambda row: TenderLife(row, comp, PUBLISHED)


def _contract_row(db):
    from tests.contract_support import buyer_viewer, frozen_list, make_contract, make_user, published

    viewer = buyer_viewer(make_user(db, "Kari Innkjøper"))
    services = published(db, 1)
    return make_contract(db, viewer, frozen_list(db, viewer, services), services[0]), viewer


def _contract(db, tmp_path):
    contract, _ = _contract_row(db)
    return contract, ContractLife


def _deviation(db, tmp_path):
    from catalogue.contracts.followup import file_deviation
    from catalogue.contracts.models import ContractStatus

    contract, viewer = _contract_row(db)
    contract.status = ContractStatus.SIGNED  # reports are filed on a contract in force
    db.add(contract)
    report = file_deviation(db, viewer.actor(), contract, subject="Nedetid", description="Tjenesten var nede i to døgn.",
                            user_id=viewer.user_id)
    return report, DeviationLife


def _notification(db, tmp_path):
    from catalogue.notifications.models import Notification, NotificationEvent, NotificationStatus

    user = User(pid_hash="e" * 64, name="Mottaker")
    db.add(user)
    event = NotificationEvent(kind="listing.rejected", key="test:life-cycle", context={}, url="/")
    db.add(event)
    db.flush()
    row = Notification(event_id=event.id, kind=event.kind, recipient=f"user:{user.id}", user_id=user.id,
                       email="mottaker@example.no", status=NotificationStatus.QUEUED)
    db.add(row)
    return row, NotificationLife


NEWER_LIFE_CYCLES = {"competition": (CompetitionLife, _competition), "tender": (TenderLife, _tender),
                     "contract": (ContractLife, _contract), "deviation": (DeviationLife, _deviation),
                     "notification": (NotificationLife, _notification)}


def _states(life: type) -> list:
    """Every state of the life cycle's status enum (found from its transitions), including those no move leaves."""
    some_state = next(iter(life.moves(next(iter(life.TRANSITIONS)))))
    return list(type(some_state))


@pytest.mark.parametrize("kind,state", [(kind, state) for kind, (life, _) in NEWER_LIFE_CYCLES.items()
                                        for state in _states(life)], ids=str)
def test_every_state_and_transition_of_the_newer_life_cycles(db, tmp_path, kind, state):
    from catalogue.lifecycle import DomainError

    life_class, build = NEWER_LIFE_CYCLES[kind]
    row, life_of = build(db, tmp_path)
    table = row.__table__.name
    assert (table, "status") in {(t, c) for t, c, _ in STATUS_COLUMNS}
    row.status = state
    db.add(row)
    db.commit()
    stored = lambda: db.exec(text(f"SELECT status FROM {table} WHERE id = :id"), params={"id": row.id}).one()[0]  # noqa: E731
    actor = Actor(name="Tester", role="manager")
    for transition in sorted(life_class.TRANSITIONS):
        moves = life_class.moves(transition)
        life = life_of(db.get(type(row), row.id))
        events = audit_count(db)
        if state in moves:
            assert life.can(transition)
            assert life._move(db, actor, transition) == moves[state]
            db.flush()
            assert stored() == moves[state], (kind, state, transition)
            assert audit_count(db) == events + 1
        else:
            assert not life.can(transition)
            with pytest.raises(DomainError):
                life._move(db, actor, transition)
            db.flush()
            assert stored() == state and audit_count(db) == events, (kind, state, transition)
        db.rollback()
        assert stored() == state


# ---------------------------------------------------------------------------
# database constraints


def test_every_status_column_has_a_check_constraint():
    checked = {(table, column) for table, column, _ in STATUS_COLUMNS}
    status_like = {(table.name, column.name) for table in SQLModel.metadata.sorted_tables
                   for column in table.columns if column.name in ("status", "state", "role")}
    assert status_like <= checked, f"status columns without status_check(): {sorted(status_like - checked)}"
    for table_name, column, enum in STATUS_COLUMNS:
        table = SQLModel.metadata.tables[table_name]
        names = {c.name for c in table.constraints}
        assert f"ck_{table_name}_{column}" in names


def _ensure_rows(db) -> None:
    """Rows written through the domain (or as their models) in tables the seeded demo leaves empty."""
    from catalogue.notifications.models import (Delivery, Notification, NotificationEvent, NotificationPreference,
                                                NotificationStatus)

    user = User(pid_hash="f" * 64, name="Testperson")
    db.add(user)
    db.flush()
    db.add(Shortlist(user_id=user.id, orgnr="991825827", name="Test", query=[["q", "sky"]]))
    db.add(LoginSession(session_key="k" * 64, user_id=user.id, issuer="test", role=Role.BUYER))
    event = NotificationEvent(kind="listing.rejected", key="test:status-check", context={}, url="/")
    db.add(event)
    db.flush()
    db.add(Notification(event_id=event.id, kind=event.kind, recipient=f"user:{user.id}", user_id=user.id,
                        status=NotificationStatus.INBOX))
    db.add(NotificationPreference(owner=f"user:{user.id}", kind=event.kind, delivery=next(iter(Delivery))))
    db.commit()
    _editing(db)  # a service revision


def _synthetic_row(db, table_name: str) -> None:
    """One row of filler values in an empty table, foreign keys unchecked (the transaction is rolled back).

    For tables the demo data leaves empty (competitions, contracts …): the CHECK constraint is what is
    being tested, so each checked column gets the first value of its enum and the rest a value of its type.
    """
    from datetime import date, datetime, timezone

    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric

    enums = {c: e for t, c, e in STATUS_COLUMNS if t == table_name}
    table = SQLModel.metadata.tables[table_name]
    values = {}
    for column in table.columns:
        if column.primary_key and isinstance(column.type, Integer) and len(table.primary_key.columns) == 1:
            continue
        kind = column.type
        if column.name in enums:
            values[column.name] = next(iter(enums[column.name])).value
        elif isinstance(kind, Boolean):
            values[column.name] = False
        elif isinstance(kind, (Integer, Numeric, Float)):
            values[column.name] = 1
        elif isinstance(kind, DateTime):
            values[column.name] = datetime.now(timezone.utc)
        elif isinstance(kind, Date):
            values[column.name] = date.today()
        elif isinstance(kind, JSON):
            values[column.name] = "{}"
        else:
            length = getattr(kind, "length", None) or 9
            values[column.name] = "1" * min(length, 9)
    if db.get_bind().dialect.name == "sqlite":
        db.exec(text("PRAGMA defer_foreign_keys = ON"))
    else:
        db.exec(text("SET LOCAL session_replication_role = replica"))  # no foreign-key triggers
    names = ", ".join(values)
    db.exec(text(f"INSERT INTO {table_name} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
            params=values)


@pytest.mark.parametrize("table,column", [(t, c) for t, c, _ in STATUS_COLUMNS])
def test_a_direct_update_to_an_unknown_status_fails(db, table, column):
    _ensure_rows(db)
    if db.exec(text(f"SELECT count(*) FROM {table}")).one()[0] == 0:
        _synthetic_row(db, table)
    with pytest.raises(IntegrityError):
        db.exec(text(f"UPDATE {table} SET {column} = 'bogus'"))
        db.flush()
    db.rollback()
    if db.exec(text(f"SELECT count(*) FROM {table}")).one()[0] == 0:
        _synthetic_row(db, table)
    # Every value of the enum itself is accepted.
    enum = next(e for t, c, e in STATUS_COLUMNS if (t, c) == (table, column))
    for member in enum:
        db.exec(text(f"UPDATE {table} SET {column} = :value"), params={"value": member.value})
    assert db.exec(text(f"SELECT count(*) FROM {table}")).one()[0] > 0
    db.rollback()


# ---------------------------------------------------------------------------
# no status literals outside the enums

CODE_DIRS = ("catalogue", "marketplace", "auth", "seed", "bench")
# (path, literal): strings that happen to equal a status but are something else.
NOT_STATUSES = {
    ("catalogue/diff.py", "removed"),               # the kind of a diff row (added / removed / changed)
    ("catalogue/search/reader.py", "published"),    # the name of a search index field
    ("templates/supplier/_diff.html", "removed"),   # the kind of a diff row
    ("marketplace/views/notifications.py", "inbox"),  # the name of a template block
    ("templates/notifications/inbox.html", "inbox"),  # an element id and class
    ("catalogue/terms.py", "removed"),              # a direction of change of a term (worse when removed)
    ("catalogue/competitions/lifecycle.py", "open"),  # the name of a transition (opening the tenders)
    ("catalogue/contracts/bilag10.py", "published"),  # the key of a Bilag 10 label
    ("templates/contracts/bilag10.html", "published"),
    ("catalogue/contracts/ocds.py", "active"),      # OCDS codelist values (an external standard)
    ("catalogue/contracts/ocds.py", "terminated"),
    ("catalogue/api_schema.py", "active"),          # the same OCDS values in the API's JSON schema
    ("catalogue/api_schema.py", "terminated"),
    ("catalogue/api_schema.py", "awarded"),         # a property name in the JSON schema
    ("templates/manager/applications.html", "overdue"),  # a CSS class (an application past its due date)
    ("templates/manager/dashboard.html", "overdue"),  # the queue row's attribute of that name
}


def _status_values() -> set[str]:
    return {member.value for _, column, enum in STATUS_COLUMNS if column == "status" for member in enum}


def _is_enum(node: ast.ClassDef) -> bool:
    return any((isinstance(b, ast.Name) and b.id.endswith("Enum")) or
               (isinstance(b, ast.Attribute) and b.attr.endswith("Enum")) for b in node.bases)


def python_literals(path: Path, values: set[str]) -> list[tuple[int, str]]:
    """String constants equal to a status, outside enum classes and keys (``{key: …}``, ``[key]``, ``.get(key)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _is_enum(node):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Dict):
            skip.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Subscript):
            skip.add(id(node.slice))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args):
            skip.add(id(node.args[0]))  # mapping.get("key")
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in values
            and id(node) not in skip]


def test_no_status_literal_outside_the_enums():
    values = _status_values()
    assert {"draft", "submitted", "published", "removed", "pending", "qualified", "decided"} <= values
    found = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            found += [f"{rel}:{line}: {value!r}" for line, value in python_literals(path, values)
                      if (rel, value) not in NOT_STATUSES]
    quoted = re.compile(r"""(["'])(%s)\1""" % "|".join(sorted(map(re.escape, values))))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{rel}:{number}: {m.group(2)!r}" for m in quoted.finditer(line)
                      if (rel, m.group(2)) not in NOT_STATUSES]
    assert not found, "status literals (ask the life-cycle object or use the enum):\n" + "\n".join(found)


def test_the_literal_check_finds_a_status_literal(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from enum import StrEnum\n\nclass S(StrEnum):\n    DRAFT = 'draft'\n\n"
                      "def f(service):\n    return service.status == 'draft' or {'draft': 1}['draft']\n")
    assert python_literals(sample, {"draft"}) == [(7, "draft")]

