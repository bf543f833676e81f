"""The audit log reads as words (issue 16): event names in bokmål and English, organisation names,
before/after as labelled field changes, filters kept in paging and in the CSV export."""
from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.auditview import action_label, changes
from catalogue.models import AuditEvent, Supplier
from tests.login import login


@pytest.fixture
def manager(app):
    client = app.test_client()
    login(client, "avtaleforvalter")
    return client


@pytest.fixture
def events(app):
    """A decision and a detail change by a supplier's person, acting for the supplier."""
    with Session(app.extensions["db_engine"]) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        actor = Actor(name="Marte Solberg Aas", acting_for="0192:964330123", role="supplier")
        record(s, actor, "supplier.details_updated", "supplier", fjordsky.id, supplier_id=fjordsky.id,
               before={"website": "https://fjordsky.example", "description": "Gammel tekst"},
               after={"website": "https://fjordsky.no", "description": "Skytjenester fra Bergen – på norsk"})
        s.commit()
        return fjordsky.id


def test_every_action_in_the_log_has_words_in_both_languages(app):
    with Session(app.extensions["db_engine"]) as s:
        codes = set(s.exec(select(AuditEvent.action).distinct()).all())
    assert codes
    for code in codes:
        with app.app_context(), force_locale("nb"):
            nb = action_label(code)
        with app.app_context(), force_locale("en"):
            en = action_label(code)
        assert "." not in nb and "_" not in nb and nb != code, code
        assert "." not in en and "_" not in en, code


def test_log_page_shows_words_names_and_field_changes(manager, events):
    page = manager.get(f"/forvaltning/logg?leverandor={events}").get_data(as_text=True)
    assert "Leverandørens opplysninger endret" in page
    assert "Fjordsky AS (964 330 123)" in page           # the organisation by name, not 0192:964330123
    assert "0192:964330123" not in page
    assert "<th scope=\"row\">Nettsted</th>" in page and "https://fjordsky.no" in page
    assert "på norsk" in page and "\\u00e5" not in page  # no JSON escapes
    english = manager.get(f"/forvaltning/logg?leverandor={events}&lang=en").get_data(as_text=True)
    assert "Supplier details updated" in english and ">Website</th>" in english


def test_paging_and_export_keep_the_filter(manager, events, app):
    page = manager.get(f"/forvaltning/logg?leverandor={events}").get_data(as_text=True)
    assert f"/forvaltning/logg.csv?leverandor={events}" in page
    response = manager.get(f"/forvaltning/logg.csv?leverandor={events}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Tid (UTC)", "Hvem", "På vegne av", "Hendelse"]
    website = [r for r in rows if r[6] == "Nettsted"]
    assert website and website[0][7:] == ["https://fjordsky.example", "https://fjordsky.no"]
    assert all(r[5].startswith("Fjordsky AS") for r in rows[1:])  # only the filtered supplier
    everything = manager.get("/forvaltning/logg").get_data(as_text=True)
    assert 'rel="next"' in everything  # more than one page: paged


def test_the_log_and_its_export_are_for_managers_only(app):
    client = app.test_client()
    assert client.get("/forvaltning/logg.csv").status_code == 302  # to log in
    login(client, "kommune-innkjoper", "976240391")
    assert client.get("/forvaltning/logg.csv").status_code == 403


def test_listing_content_changes_are_shown_as_the_listing_diff():
    event = AuditEvent(action="service.saved", object_type="service",
                       before={"name": "A", "summary": "x", "terms": {"governing_law": "norge"}},
                       after={"name": "A", "summary": "x", "terms": {"governing_law": "irland"}})
    found = changes(event, lang="nb")
    assert [(c.label, c.old, c.new) for c in found] == [("Lovvalg", "Norsk rett", "Irsk rett")]


def test_yes_and_no_are_shown_in_the_language_of_the_page(app):
    event = AuditEvent(action="supplier.details_updated", object_type="supplier",
                       before={"reference_architecture_optout": False}, after={"reference_architecture_optout": True})
    with app.test_request_context("/?lang=en"):
        assert [(c.old, c.new) for c in changes(event)] == [("no", "yes")]
    with app.test_request_context("/"):
        assert [(c.old, c.new) for c in changes(event)] == [("nei", "ja")]
