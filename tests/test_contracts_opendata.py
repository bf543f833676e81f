"""Open data: the OCDS 1.1 release package checked against the standard's rules, and the reminders' dates.

The checks are written from the OCDS 1.1 documentation (schema reference, identifiers, codelists):
a release package needs ``uri``, ``publishedDate``, ``publisher.name``, ``version`` "1.1" and
``releases``; a release needs ``ocid``, ``id``, ``date``, ``tag`` and ``initiationType``
("tender"); tender, award and contract need an ``id``, a contract its ``awardID`` naming an
award of the same release; every organisation reference names a party; ocids start with a
registered-style prefix ("ocds-" and six characters); release ids are unique in the package
and hold no "#"; dates are ISO 8601 date-times with a time zone; closed codelists hold only
their codes; amounts are numbers with an ISO 4217 currency.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from catalogue.contracts import lifecycle as lc
from catalogue.contracts import ocds, reminders
from catalogue.notifications.models import NotificationEvent
from tests.contract_support import buyer_viewer, frozen_list, make_contract, make_user, published
from tests.pdf import make_pdf

# Closed codelists of OCDS 1.1 (the codes this export may use, and no others).
RELEASE_TAG = {"planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation",
               "award", "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment",
               "implementation", "implementationUpdate", "contractTermination", "compiled"}
INITIATION_TYPE = {"tender"}
TENDER_STATUS = {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
AWARD_STATUS = {"pending", "active", "cancelled", "unsuccessful"}
CONTRACT_STATUS = {"pending", "active", "cancelled", "terminated"}
METHOD = {"open", "selective", "limited", "direct"}
MAIN_CATEGORY = {"goods", "works", "services"}
# Open codelist: the codes of the standard's partyRole list (an export should keep to them).
PARTY_ROLE = {"buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee",
              "reviewBody", "interestedParty"}
OCID = re.compile(r"^ocds-[a-z0-9]{6}-.+$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def check_date(value, where: str, problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not DATE_TIME.match(value):
        problems.append(f"{where}: not an ISO 8601 date-time with time zone: {value!r}")


def check_value(value, where: str, problems: list[str]) -> None:
    if not isinstance(value.get("amount"), (int, float)) or isinstance(value.get("amount"), bool):
        problems.append(f"{where}.amount is not a number")
    if not re.fullmatch(r"[A-Z]{3}", value.get("currency") or ""):
        problems.append(f"{where}.currency is not an ISO 4217 code")


def check_package(package: dict) -> list[str]:
    """Every rule of the standard that the fields used here are subject to; [] when all hold."""
    problems: list[str] = []
    for key in ("uri", "publishedDate", "publisher", "version", "releases"):
        if key not in package:
            problems.append(f"package: missing {key}")
    if package.get("version") != "1.1":
        problems.append("package: version must be 1.1")
    if not (package.get("publisher") or {}).get("name"):
        problems.append("package: publisher.name missing")
    check_date(package.get("publishedDate"), "package.publishedDate", problems)
    ids = [r.get("id") for r in package.get("releases", [])]
    if len(ids) != len(set(ids)):
        problems.append("package: release ids are not unique")
    for n, release in enumerate(package.get("releases", [])):
        where = f"releases[{n}]"
        for key in ("ocid", "id", "date", "tag", "initiationType"):
            if not release.get(key):
                problems.append(f"{where}: missing {key}")
        if not OCID.match(release.get("ocid", "")):
            problems.append(f"{where}: ocid without a registered-style prefix")
        if "#" in (release.get("id") or ""):
            problems.append(f"{where}: id contains #")
        check_date(release.get("date"), f"{where}.date", problems)
        if not set(release.get("tag", [])) <= RELEASE_TAG:
            problems.append(f"{where}: tag outside the releaseTag codelist")
        if release.get("initiationType") not in INITIATION_TYPE:
            problems.append(f"{where}: initiationType")
        parties = {p.get("id"): p for p in release.get("parties", [])}
        for pid, party in parties.items():
            if not pid or not party.get("name"):
                problems.append(f"{where}: a party without id or name")
            if not set(party.get("roles", [])) <= PARTY_ROLE or not party.get("roles"):
                problems.append(f"{where}: party {pid} roles {party.get('roles')}")
            ident = party.get("identifier") or {}
            if ident and (ident.get("scheme") != "NO-BRC" or not re.fullmatch(r"\d{9}", ident.get("id", ""))):
                problems.append(f"{where}: party {pid} identifier")

        def reference(ref, role: str, at: str) -> None:
            party = parties.get((ref or {}).get("id"))
            if party is None:
                problems.append(f"{at}: names no party")
            elif role not in party.get("roles", []):
                problems.append(f"{at}: party lacks role {role}")

        reference(release.get("buyer"), "buyer", f"{where}.buyer")
        tender = release.get("tender") or {}
        if not tender.get("id"):
            problems.append(f"{where}.tender: missing id")
        if tender.get("status") not in TENDER_STATUS:
            problems.append(f"{where}.tender.status")
        if tender.get("procurementMethod") not in METHOD:
            problems.append(f"{where}.tender.procurementMethod")
        if tender.get("mainProcurementCategory") not in MAIN_CATEGORY:
            problems.append(f"{where}.tender.mainProcurementCategory")
        awards = {a.get("id"): a for a in release.get("awards", [])}
        for aid, award in awards.items():
            if not aid:
                problems.append(f"{where}.awards: missing id")
            if award.get("status") not in AWARD_STATUS:
                problems.append(f"{where}.awards.status")
            check_date(award.get("date"), f"{where}.awards.date", problems)
            check_value(award.get("value") or {}, f"{where}.awards.value", problems)
            for s in award.get("suppliers", []):
                reference(s, "supplier", f"{where}.awards.suppliers")
        for contract in release.get("contracts", []):
            if not contract.get("id") or contract.get("awardID") not in awards:
                problems.append(f"{where}.contracts: id or awardID")
            if contract.get("status") not in CONTRACT_STATUS:
                problems.append(f"{where}.contracts.status")
            period = contract.get("period") or {}
            check_date(period.get("startDate"), f"{where}.contracts.period.startDate", problems)
            check_date(period.get("endDate"), f"{where}.contracts.period.endDate", problems)
            if period.get("startDate") and period.get("endDate") and period["endDate"] < period["startDate"]:
                problems.append(f"{where}.contracts.period ends before it starts")
            check_date(contract.get("dateSigned"), f"{where}.contracts.dateSigned", problems)
            check_value(contract.get("value") or {}, f"{where}.contracts.value", problems)
    return problems


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def _signed(db, app, n: int = 2):
    viewer = buyer_viewer(make_user(db, "Kari"))
    services = published(db, n)
    shortlist = frozen_list(db, viewer, services)
    made = []
    for i, service in enumerate(services):
        contract = make_contract(db, viewer, shortlist, service, tittel=f"Avtale {i}")
        life = lc.ContractLife(contract)
        life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(), filename="a.pdf",
                  data=make_pdf("x"))
        if i == 1:
            life.terminate(db, viewer.actor(), reason="Oppsagt")
        made.append(contract)
    draft = make_contract(db, viewer, shortlist, services[0], tittel="Utkast – ikke offentlig")
    db.commit()
    return made, draft


def test_release_package_passes_the_standards_rules(db, app):
    made, draft = _signed(db, app)
    package = ocds.release_package(db, "https://mps.example")
    assert check_package(package) == []
    assert {r["ocid"] for r in package["releases"]} == {ocds.ocid(c) for c in made}
    assert ocds.ocid(draft) not in {r["ocid"] for r in package["releases"]}
    terminated = next(r for r in package["releases"] if r["ocid"] == ocds.ocid(made[1]))
    assert "contractTermination" in terminated["tag"] and terminated["contracts"][0]["status"] == "terminated"


def test_the_checker_catches_broken_releases(db, app):
    _signed(db, app, 1)
    package = ocds.release_package(db, "https://mps.example")
    release = package["releases"][0]
    broken = {**package, "releases": [{**release, "ocid": "mps-1", "tag": ["signed"],
                                       "contracts": [{**release["contracts"][0], "awardID": "x", "status": "done"}]}]}
    problems = check_package(broken)
    assert any("ocid" in p for p in problems) and any("tag" in p for p in problems)
    assert any("awardID" in p for p in problems) and any("contracts.status" in p for p in problems)


def test_open_data_has_nothing_confidential(db, app, client):
    made, _ = _signed(db, app, 1)
    text = client.get("/api/v1/contracts/ocds.json").get_data(as_text=True)
    assert made[0].justification not in text and "kari@fjellvik" not in text
    listing = client.get("/api/v1/contracts").get_json()
    assert [item["id"] for item in listing["items"]] == [made[0].id]
    assert client.get("/avtaler").status_code == 200


# --- reminders: 90 and 30 days, in Norwegian calendar days --------------------------------------

OSLO_MIDNIGHT_WINTER = timedelta(hours=1)   # CET: 00:00 Oslo is 23:00 UTC the day before
OSLO_MIDNIGHT_SUMMER = timedelta(hours=2)   # CEST


@pytest.mark.parametrize("deadline, offset", [(date(2027, 6, 29), OSLO_MIDNIGHT_SUMMER),   # due 31 March (after DST)
                                              (date(2027, 1, 30), OSLO_MIDNIGHT_WINTER)])
def test_reminder_due_at_oslo_midnight(deadline, offset):
    due = deadline - timedelta(days=90)
    midnight_utc = datetime(due.year, due.month, due.day, tzinfo=timezone.utc) - offset
    assert reminders.due_lead(deadline, reminders.local_day(midnight_utc - timedelta(seconds=1))) is None
    assert reminders.due_lead(deadline, reminders.local_day(midnight_utc)) == 90
    thirty = deadline - timedelta(days=30)
    assert reminders.due_lead(deadline, thirty - timedelta(days=1)) == 90
    assert reminders.due_lead(deadline, thirty) == 30
    assert reminders.due_lead(deadline, deadline) == 30
    assert reminders.due_lead(deadline, deadline + timedelta(days=1)) is None


NO_OPTION = {"opsjon-1-beskrivelse": "", "opsjon-1-maneder": "", "opsjon-1-frist": ""}


def _signed_one(db, app, **overrides):
    viewer = buyer_viewer(make_user(db, "Kari"))
    service = published(db, 1)[0]
    contract = make_contract(db, viewer, frozen_list(db, viewer, [service]), service, **overrides)
    lc.ContractLife(contract).sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(),
                                   filename="a.pdf", data=make_pdf("x"))
    db.commit()
    return contract


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


def test_end_date_reminders_once_per_lead(db, app):
    contract = _signed_one(db, app, **NO_OPTION)
    end = contract.end_date
    for day, expected in ((end - timedelta(days=91), 0), (end - timedelta(days=90), 1), (end - timedelta(days=60), 0),
                          (end - timedelta(days=30), 1), (end - timedelta(days=29), 0), (end, 0)):
        assert reminders.deadline_reminders(db, _noon(day)) == expected, day
        db.commit()
    keys = db.exec(select(NotificationEvent.key).where(NotificationEvent.kind == "contract.end_reminder")).all()
    assert sorted(keys) == sorted([f"contract:{contract.id}:end_reminder:{end:%Y-%m-%d}:90",
                                   f"contract:{contract.id}:end_reminder:{end:%Y-%m-%d}:30"])


def test_option_deadline_reminders(db, app):
    contract = _signed_one(db, app)
    deadline = date.fromisoformat(contract.options[0]["exercise_by"])
    assert reminders.deadline_reminders(db, _noon(deadline - timedelta(days=90))) == 1
    assert reminders.deadline_reminders(db, _noon(deadline - timedelta(days=30))) == 1
    db.commit()
    kinds = db.exec(select(NotificationEvent.kind).where(NotificationEvent.key.like(f"contract:{contract.id}:%"))).all()
    assert kinds == ["contract.option_reminder", "contract.option_reminder"]


def test_market_overview_adds_contracted_value_and_turnover(db, app):
    from catalogue import market
    from catalogue.contracts import followup

    made, _ = _signed(db, app, 1)
    contract = made[0]
    supplier_id = contract.supplier_id
    qualified = followup.qualified_categories(db, supplier_id)
    dps_id, categories = next(iter(qualified.items()))
    year, quarter = followup.previous_quarter(lc.today())
    followup.report_turnover(db, lc.Actor(name="Leverandør"), supplier_id=supplier_id, dps_id=dps_id, year=year,
                             quarter=quarter, amounts={c.id: "1000" for c in categories}, user_id=None,
                             today=lc.today())
    db.commit()
    data = market.compute(db)
    value = {r.key: r.values[0] for r in data.figure("avtaleverdi").rows}
    from catalogue.models import Category

    assert value[db.get(Category, contract.category_id).slug] == contract.value_nok
    turnover = {r.key: r.values[0] for r in data.figure("omsetning").rows}
    assert turnover == {c.slug: 1000 for c in categories}
    client = app.test_client()
    page = client.get("/marked")
    assert page.status_code == 200 and "Avtaleverdi per kategori" in page.get_data(as_text=True)
    assert client.get("/marked/avtaleverdi.csv").status_code == 200
