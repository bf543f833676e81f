"""The company register follower as a real process against a local server with recorded update pages.

Bankruptcy and deletion flag the supplier, suspend its qualifications and tell the contract
managers; a name change reaches the supplier page; killed and restarted the follower neither
misses nor repeats an update; with the database cut off it stays up and catches up.
"""
from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from catalogue.models import AuditEvent, Qualification, QualificationStatus, Supplier
from catalogue.notifications.models import NotificationEvent
from catalogue.registerwatch.models import AlertStatus, RegisterAlert, RegisterFlag, RegisterUpdate
from catalogue.registerwatch.follower import position
from tests.databases import backend
from tests.register_support import FollowerProcess, RecordedRegister, TcpProxy, entity, wait_for

FJORDSKY, NORDLYS, TROLLNETT = "964330123", "935308291", "931100149"
STRANGER = "912345688"  # in the register, not in the marketplace


def _engine(app):
    return app.extensions["db_engine"]


def _supplier(session: Session, orgnr: str) -> Supplier:
    return session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).one()


def _at(app, update_id: int):
    def reached() -> bool:
        with Session(_engine(app)) as session:
            current = position(session)
        return current is not None and current >= update_id
    return reached


def _statuses(session: Session, supplier_id: int) -> Counter:
    return Counter(q.status for q in session.exec(select(Qualification).where(Qualification.supplier_id == supplier_id)))


@pytest.fixture
def register():
    with RecordedRegister() as server:
        yield server


def test_bankruptcy_and_deletion_flag_and_suspend_and_a_new_name_shows(app, client, register, tmp_path):
    with Session(_engine(app)) as session:
        before = {orgnr: _statuses(session, _supplier(session, orgnr).id) for orgnr in (FJORDSKY, NORDLYS)}
    assert all(counts[QualificationStatus.QUALIFIED] for counts in before.values())
    register.publish(STRANGER, "Ny", entity(STRANGER, "Fjordlys Regnskap AS"))
    bankrupt = register.publish(FJORDSKY, "Endring", entity(FJORDSKY, "Fjordsky AS", address="Kanalveien 54",
                                                            postal_code="5068", city="Bergen", konkurs=True,
                                                            konkursdato="2026-11-19"))
    deleted = register.publish(NORDLYS, "Sletting")
    renamed = register.publish(TROLLNETT, "Endring", entity(TROLLNETT, "Trollnett Nettverk AS",
                                                            address="Sluppenvegen 10", postal_code="7037",
                                                            city="Trondheim", employees=64))
    last = register.publish(STRANGER, "Endring", entity(STRANGER, "Fjordlys Regnskap AS", employees=3))
    follower = FollowerProcess(app.config["DATABASE_URL"], tmp_path / "instance", register.base_url,
                               tmp_path / "follower.log").start()
    try:
        wait_for(_at(app, last), "the last update", follower=follower)
    finally:
        assert follower.stop() == 0, follower.output()

    with Session(_engine(app)) as session:
        fjordsky, nordlys, trollnett = (_supplier(session, o) for o in (FJORDSKY, NORDLYS, TROLLNETT))
        alerts = {(a.supplier_id, a.flag, a.status, a.update_id) for a in session.exec(select(RegisterAlert))}
        assert alerts == {(fjordsky.id, RegisterFlag.BANKRUPT, AlertStatus.OPEN, bankrupt),
                          (nordlys.id, RegisterFlag.DELETED, AlertStatus.OPEN, deleted)}
        for orgnr, supplier in ((FJORDSKY, fjordsky), (NORDLYS, nordlys)):
            now = _statuses(session, supplier.id)
            assert now[QualificationStatus.QUALIFIED] == 0
            assert now[QualificationStatus.SUSPENDED] == before[orgnr][QualificationStatus.QUALIFIED]
        keys = set(session.exec(select(NotificationEvent.key).where(NotificationEvent.kind == "register.flagged")))
        assert keys == {f"register:{bankrupt}:konkurs", f"register:{deleted}:slettet"}
        assert (trollnett.name, trollnett.address, trollnett.postal_code, trollnett.employees) == (
            "Trollnett Nettverk AS", "Sluppenvegen 10", "7037", 64)
        # Only the updates about registered suppliers are kept; the stranger's only move the position.
        assert set(session.exec(select(RegisterUpdate.update_id))) == {bankrupt, deleted, renamed}
        slugs = {o: _supplier(session, o).slug for o in (FJORDSKY, TROLLNETT)}
    page = client.get(f"/leverandorer/{slugs[TROLLNETT]}").get_data(as_text=True)
    assert "<h1>Trollnett Nettverk AS</h1>" in page and "Sluppenvegen 10" in page
    flagged = client.get(f"/leverandorer/{slugs[FJORDSKY]}").get_data(as_text=True)
    assert "konkurs" in flagged and "Kvalifikasjonene i innkjøpsordninger er suspendert" in flagged


def test_killed_and_restarted_it_neither_misses_nor_repeats(app, register, tmp_path):
    with Session(_engine(app)) as session:
        orgnrs = [s.orgnr for s in session.exec(select(Supplier).order_by(Supplier.id).limit(12))]
    expected = []
    for round_ in range(3):
        for n, orgnr in enumerate(orgnrs):
            expected.append(register.publish(orgnr, "Endring",
                                             entity(orgnr, f"Selskap {n} runde {round_} AS", employees=round_ * 10 + n)))
            register.publish(STRANGER, "Endring", entity(STRANGER, "Fjordlys Regnskap AS"))
    register.entity_delay = 0.03  # slow enough to be killed in the middle of a page
    log = tmp_path / "follower.log"
    follower = FollowerProcess(app.config["DATABASE_URL"], tmp_path / "instance", register.base_url, log).start()
    try:
        for stop_at in (expected[5], expected[17]):
            wait_for(_at(app, stop_at), f"update {stop_at}", follower=follower)
            follower.kill()
            follower = FollowerProcess(app.config["DATABASE_URL"], tmp_path / "instance", register.base_url,
                                       log).start()
        wait_for(_at(app, register.updates[-1]["oppdateringsid"]), "the last update", follower=follower)
    finally:
        assert follower.stop() == 0, follower.output()
    with Session(_engine(app)) as session:
        applied = list(session.exec(select(RegisterUpdate.update_id)))
        names = {s.orgnr: s.name for s in session.exec(select(Supplier).where(Supplier.orgnr.in_(orgnrs)))}
        audited = Counter(e.detail for e in session.exec(select(AuditEvent).where(
            AuditEvent.action == "supplier.register_updated")))
    assert sorted(applied) == sorted(expected)  # nothing missed, each once (the id is the key)
    assert names == {o: f"Selskap {n} runde 2 AS" for n, o in enumerate(orgnrs)}
    assert all(count == 1 for count in audited.values())
    reported = Counter(re.findall(r"Oppdatering (\d+):", log.read_text()))
    assert all(count == 1 for count in reported.values()), reported  # never applied twice across restarts


@pytest.mark.skipif(backend() != "postgresql", reason="cuts the network between the follower and PostgreSQL")
def test_it_stays_up_while_the_database_is_away_and_catches_up(app, register, tmp_path):
    url = make_url(app.config["DATABASE_URL"])
    with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        first = register.publish(TROLLNETT, "Endring", entity(TROLLNETT, "Trollnett Før Brudd AS"))
        follower = FollowerProcess(proxied, tmp_path / "instance", register.base_url, tmp_path / "follower.log").start()
        try:
            wait_for(_at(app, first), "the first update", follower=follower)
            proxy.cut()
            during = register.publish(TROLLNETT, "Endring", entity(TROLLNETT, "Trollnett Under Brudd AS"))
            bankrupt = register.publish(FJORDSKY, "Endring", entity(FJORDSKY, "Fjordsky AS", konkurs=True))
            wait_for(lambda: "unavailable" in follower.output(), "the outage to be noticed", follower=follower)
            time.sleep(2)  # two seconds without a database: still running, still at its position
            assert follower.alive(), follower.output()
            with Session(_engine(app)) as session:
                assert position(session) == first
            proxy.restore()
            wait_for(_at(app, bankrupt), "catching up", follower=follower)
        finally:
            assert follower.stop() == 0, follower.output()
    assert "recovered" in follower.output()
    with Session(_engine(app)) as session:
        assert _supplier(session, TROLLNETT).name == "Trollnett Under Brudd AS"
        assert set(session.exec(select(RegisterUpdate.update_id))) == {first, during, bankrupt}
        assert session.exec(select(RegisterAlert.flag)).all() == [RegisterFlag.BANKRUPT]
