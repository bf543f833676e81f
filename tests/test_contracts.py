"""Contracts: direct call-off rules, the life cycle, immutability and Bilag 10 from the registry."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue import listings
from catalogue.audit import Actor
from catalogue.contracts import bilag10
from catalogue.contracts import lifecycle as lc
from catalogue.contracts.models import Contract, ContractStatus
from catalogue.lifecycle import DomainError, IllegalTransition
from catalogue.models import ArchivedService, AuditEvent
from catalogue.listing import Listing
from catalogue.services import content_of
from catalogue.terms import TERMS
from tests.contract_support import (KOMMUNE, STAT, buyer_viewer, call_off_form, frozen_list, make_contract,
                                    make_user, manager_viewer, published, supplier_viewer)
from tests.pdf import make_pdf


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(db):
    user = make_user(db, "Kari Innkjøper")
    viewer = buyer_viewer(user)
    services = published(db, 2)
    shortlist = frozen_list(db, viewer, services)
    return viewer, shortlist, services


# --- the direct-award threshold ------------------------------------------------------------------

@pytest.mark.parametrize("value, allowed", [(299_999, True), (300_000, False), (300_001, False), (0, True)])
def test_threshold_boundary(value, allowed):
    assert lc.direct_award_allowed(value, lc.DIRECT_AWARD_THRESHOLD_NOK) is allowed


def test_direct_call_off_above_threshold_refused_and_nothing_written(db, world):
    viewer, shortlist, services = world
    before = db.exec(select(Contract)).all()
    with pytest.raises(lc.InvalidInput) as caught:
        make_contract(db, viewer, shortlist, services[0], verdi="300 000")
    db.rollback()
    assert "verdi" in caught.value.errors
    assert db.exec(select(Contract)).all() == before


def test_threshold_configurable_per_dps(db, world):
    viewer, shortlist, services = world
    dps_id = services[0].dps_id
    if dps_id is None:
        pytest.skip("the first demo service is in no DPS")
    lc.set_threshold(db, Actor(name="Forvalter"), dps_id, 100_000)
    db.commit()
    with pytest.raises(lc.InvalidInput):
        make_contract(db, viewer, shortlist, services[0], verdi="150000")
    db.rollback()
    assert make_contract(db, viewer, shortlist, services[0], verdi="99999").value_nok == 99_999


def test_call_off_needs_a_frozen_list_and_a_service_on_it(db, world):
    viewer, shortlist, services = world
    from catalogue import shortlists as sl

    saved, _ = sl.save_search(db, viewer, "Ikke frosset", [("q", "x")])
    db.commit()
    with pytest.raises(DomainError):
        make_contract(db, viewer, saved, services[0])
    other = published(db, 5)[-1]
    with pytest.raises(DomainError):
        make_contract(db, viewer, shortlist, other)


@pytest.mark.parametrize("field, value", [
    ("tittel", ""), ("tittel", "<script>x</script>"), ("verdi", "mange"), ("verdi", "-5"), ("start", "i går"),
    ("slutt", "2000-01-01"), ("avtaleform", "ssa-x"), ("begrunnelse", ""), ("opsjon-1-maneder", "0"),
])
def test_call_off_form_refuses_bad_input(field, value):
    with pytest.raises(lc.InvalidInput) as caught:
        lc.read_call_off(call_off_form(**{field: value}))
    assert field in caught.value.errors


def test_call_off_records_version_requirements_and_verdicts(db, world):
    viewer, shortlist, services = world
    wanted = {"governing_law": ["norge"], "scc_modules": ["2"]}
    contract = make_contract(db, viewer, shortlist, services[0], requirements=wanted)
    snapshot = db.get(ArchivedService, contract.archived_id)
    assert (contract.service_id, contract.version) == (services[0].id, snapshot.version)
    assert contract.status == ContractStatus.DRAFT and contract.buyer_orgnr == KOMMUNE
    terms = snapshot.content["terms"]
    assert contract.verdicts == {key: TERMS[key].meets(terms.get(key), v) for key, v in wanted.items()}
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "contract.created")).one()
    assert event.object_id == contract.id and event.after["verdicts"] == contract.verdicts


# --- the life cycle ------------------------------------------------------------------------------

def test_life_cycle_with_audit_per_transition(db, world, app):
    viewer, shortlist, services = world
    contract = make_contract(db, viewer, shortlist, services[0])
    life = lc.ContractLife(contract)
    assert life.can_sign and not life.can_activate and not life.can_end
    with pytest.raises(IllegalTransition):
        life.activate(db, viewer.actor())
    with pytest.raises(DomainError):
        life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today().isoformat(),
                  filename="avtale.pdf", data=b"not a pdf")
    with pytest.raises(DomainError):
        life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=(lc.today() + timedelta(days=1)).isoformat(),
                  filename="avtale.pdf", data=make_pdf("Signert"))
    life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today().isoformat(), filename="avtale.pdf",
              data=make_pdf("Signert avtale"))
    life.activate(db, viewer.actor())
    with pytest.raises(DomainError):
        life.end(db, viewer.actor())          # before the end date: that is a termination
    with pytest.raises(DomainError):
        life.terminate(db, viewer.actor(), reason="")
    life.terminate(db, viewer.actor(), reason="Leverandøren leverer ikke.")
    db.commit()
    assert contract.status == ContractStatus.TERMINATED and contract.signed_document_id
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.object_type == "contract",
                                                      AuditEvent.object_id == contract.id)
                      .order_by(AuditEvent.id)).all()
    assert actions == ["contract.created", "contract.sign", "contract.activate", "contract.terminate"]


def test_end_on_the_end_date(db, world, app):
    viewer, shortlist, services = world
    contract = make_contract(db, viewer, shortlist, services[0])
    life = lc.ContractLife(contract)
    life.sign(db, viewer.actor(), app.config["UPLOAD_DIR"], signed_on=lc.today(), filename="a.pdf", data=make_pdf("x"))
    life.activate(db, viewer.actor())
    with pytest.raises(DomainError):
        life.end(db, viewer.actor(), on=contract.end_date - timedelta(days=1))
    life.end(db, viewer.actor(), on=contract.end_date)
    assert contract.status == ContractStatus.ENDED


def test_status_check_constraint(db, world):
    viewer, shortlist, services = world
    contract = make_contract(db, viewer, shortlist, services[0])
    from sqlalchemy import text

    with pytest.raises(IntegrityError):
        db.execute(text("UPDATE contract SET status = 'nonsense' WHERE id = :id"), {"id": contract.id})
        db.commit()
    db.rollback()


def test_access_only_parties_and_manager(db, world):
    viewer, shortlist, services = world
    contract = make_contract(db, viewer, shortlist, services[0])
    other_buyer = buyer_viewer(make_user(db, "Annen"), orgnr=STAT)
    assert lc.can_read(viewer, contract)
    assert lc.can_read(manager_viewer(), contract)
    assert lc.can_read(supplier_viewer(db, services[0]), contract)
    assert not lc.can_read(supplier_viewer(db, services[1]), contract) or \
        services[1].supplier_id == services[0].supplier_id
    assert not lc.can_read(other_buyer, contract)


# --- a contract never changes with the service ---------------------------------------------------

def test_contract_unchanged_when_service_edited_republished_removed(db, world):
    viewer, shortlist, services = world
    service = services[0]
    contract = make_contract(db, viewer, shortlist, service)
    before = bilag10.to_odt(bilag10.build(db, contract))
    before_text = odt_text(before)
    snapshot_before = dict(db.get(ArchivedService, contract.archived_id).content)
    fields_before = contract.model_dump()
    actor = Actor(name="Leverandør")
    service.terms = {**service.terms, "governing_law": "usa", "venue": "usa"}
    service.name = service.name + " (ny)"
    Listing(db, service).publish(actor)
    db.commit()
    Listing(db, service).remove(actor, expected_lock=service.lock_version, reason="Utgår")
    db.commit()
    db.refresh(contract)
    assert contract.model_dump() == fields_before
    assert db.get(ArchivedService, contract.archived_id).content == snapshot_before
    assert odt_text(bilag10.to_odt(bilag10.build(db, contract))) == before_text


# --- Bilag 10 ------------------------------------------------------------------------------------

def odt_text(data: bytes) -> str:
    """The text of an ODT, read from the file itself (odfpy's loader)."""
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    doc = load(io.BytesIO(data))
    return "\n".join(teletype.extractText(p) for kind in (H, P) for p in doc.getElementsByType(kind))


def test_bilag10_holds_every_term_of_the_version_with_its_value(db, world):
    viewer, _shortlist, _services = world
    service = next(s for s in published(db, 50) if s.terms.get("reference_architecture_optout") is True)
    shortlist = frozen_list(db, viewer, [service], "Med avbestilling")
    contract = make_contract(db, viewer, shortlist, service, requirements={"governing_law": ["norge"]},
                             **{"avbestill-referansearkitektur": "ja"})
    data = bilag10.to_odt(bilag10.build(db, contract))
    assert zipfile.ZipFile(io.BytesIO(data)).read("mimetype") == b"application/vnd.oasis.opendocument.text"
    text = odt_text(data)
    terms = db.get(ArchivedService, contract.archived_id).content["terms"]
    for term in TERMS:              # the registry, not a list in the test
        assert term.label("nb") in text, term.key
        assert term.display(terms.get(term.key), "nb") in text, term.key
    for group in TERMS.groups:
        assert group.label("nb") in text
    assert "Avbestilt" in text
    assert "Lovvalg: Norsk rett" in text


def test_opt_out_refused_when_the_version_does_not_allow_it(db, world):
    viewer, _shortlist, _services = world
    service = next(s for s in published(db, 50) if s.terms.get("reference_architecture_optout") is False)
    shortlist = frozen_list(db, viewer, [service], "Uten avbestilling")
    with pytest.raises(lc.InvalidInput) as caught:
        make_contract(db, viewer, shortlist, service, **{"avbestill-referansearkitektur": "ja"})
    assert "avbestill-referansearkitektur" in caught.value.errors


def test_bilag10_in_english(app, db, world):
    viewer, shortlist, services = world
    contract = make_contract(db, viewer, shortlist, services[0])
    with app.test_request_context("/?lang=en"):  # the page's language, as the view builds it
        text = odt_text(bilag10.to_odt(bilag10.build(db, contract, "en")))
    assert "Appendix 10" in text
    for term in TERMS:
        assert term.label("en") in text
