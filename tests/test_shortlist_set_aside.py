"""Setting a service of a frozen list aside ("Valgt bort") with a reason (issue 16, item 9).

It stays in the list and in the exports, shown as set aside with the reason; it can be undone;
every change is audited; the frozen list is otherwise unchanged.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue import shortlists as sl
from catalogue.exports import export_shortlist
from catalogue.models import AuditEvent
from tests.contract_support import frozen_list, published
from tests.login import login
from tests.test_export import parse_csv, parse_ods, split

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all())


def _frozen(app, db, n: int = 3):
    client = app.test_client()
    viewer = login(client, "kommune-innkjoper")
    services = published(db, n)
    shortlist = frozen_list(db, viewer, services)
    return client, viewer, shortlist, services


def _snapshot(db: Session, shortlist: sl.Shortlist):
    items = db.exec(select(sl.ShortlistItem).where(sl.ShortlistItem.shortlist_id == shortlist.id)
                    .order_by(sl.ShortlistItem.position)).all()
    db.refresh(shortlist)
    return (shortlist.status, shortlist.frozen_at, shortlist.frozen_total,
            [(i.position, i.service_id, i.version, i.archived_id) for i in items])


@pytest.mark.parametrize("reason, problem", [("", "Skriv hvorfor"), ("   ", "Skriv hvorfor"),
                                             ("x" * 1001, "høyst 1000"), ("<script>x</script>", "HTML")])
def test_a_reason_is_required_and_plain(app, db, reason, problem):
    client, viewer, shortlist, services = _frozen(app, db)
    item = sl.frozen_item(db, shortlist, services[0].id)
    before = db.exec(select(func.count()).select_from(AuditEvent)).one()
    assert problem in str(sl.set_aside(db, shortlist, item, viewer.actor(), reason))
    db.rollback()
    db.refresh(item)
    assert not item.is_set_aside and db.exec(select(func.count()).select_from(AuditEvent)).one() == before


def test_set_aside_keeps_the_service_and_is_audited_and_undone(app, db):
    client, viewer, shortlist, services = _frozen(app, db)
    frozen_before = _snapshot(db, shortlist)
    item = sl.frozen_item(db, shortlist, services[1].id)
    assert sl.set_aside(db, shortlist, item, viewer.actor(), "Oppfyller ikke kravet om norsk lovvalg.") is None
    db.commit()
    assert _snapshot(db, shortlist) == frozen_before                       # still in the list, unchanged
    assert [e.service_id for e in sl.frozen_entries(db, shortlist)] == [s.id for s in services]
    assert set(sl.set_aside_of(db, shortlist)) == {services[1].id}
    (event,) = _events(db, "shortlist.service_set_aside")
    assert event.after["set_aside_reason"] == "Oppfyller ikke kravet om norsk lovvalg."
    # a new reason is a change of its own, with the old one in "before"
    assert sl.set_aside(db, shortlist, item, viewer.actor(), "Pris over rammen.") is None
    db.commit()
    assert _events(db, "shortlist.service_set_aside")[-1].before == {
        "set_aside_reason": "Oppfyller ikke kravet om norsk lovvalg."}
    assert sl.undo_set_aside(db, shortlist, item, viewer.actor()) is None
    db.commit()
    assert not sl.set_aside_of(db, shortlist) and _snapshot(db, shortlist) == frozen_before
    (undone,) = _events(db, "shortlist.service_set_aside_undone")
    assert undone.before["set_aside_reason"] == "Pris over rammen."
    assert "ikke valgt bort" in str(sl.undo_set_aside(db, shortlist, item, viewer.actor()))
    from catalogue.auditview import action_label

    assert action_label("shortlist.service_set_aside") == "Tjeneste valgt bort i kortlisten"   # the log in words


def test_only_a_frozen_list_has_services_to_set_aside(app, db):
    client, viewer, shortlist, services = _frozen(app, db)
    saved, _ = sl.save_search(db, viewer, "Ikke frosset", [("q", "lagring")])
    db.commit()
    assert sl.frozen_item(db, saved, services[0].id) is None
    assert sl.frozen_item(db, shortlist, 2**40) is None


def test_the_exports_show_it_with_the_reason(app, db):
    client, viewer, shortlist, services = _frozen(app, db)
    item = sl.frozen_item(db, shortlist, services[0].id)
    assert sl.set_aside(db, shortlist, item, viewer.actor(), "For dyr; se prisark.") is None
    db.commit()
    meta, columns, rows = split(parse_csv(export_shortlist(db, shortlist, viewer, "csv").content))
    assert columns[7:9] == ["Valgt bort", "Begrunnelse for å velge bort"]
    by_id = {int(r[0]): r for r in rows}
    assert by_id[services[0].id][7:9] == ["Ja", "For dyr; se prisark."]
    assert by_id[services[1].id][7:9] == ["Nei", ""]
    assert len(rows) == 3                                                    # nothing left out
    _, ods_columns, ods_rows = split(parse_ods(export_shortlist(db, shortlist, viewer, "ods").content))
    assert ods_columns[7:9] == columns[7:9] and {tuple(r[7:9]) for r in ods_rows} >= {("Ja", "For dyr; se prisark.")}


def test_the_buyer_sets_aside_and_undoes_through_the_pages(app, db):
    client, viewer, shortlist, services = _frozen(app, db)
    page_url = f"/innkjop/lister/{shortlist.id}"
    page = client.get(page_url).get_data(as_text=True)
    form_url = f"{page_url}/tjenester/{services[0].id}/velg-bort"
    assert f'href="{form_url}"' in page
    form = client.get(form_url).get_data(as_text=True)
    assert "<h1>" in form and 'name="begrunnelse"' in form
    token = CSRF.search(form).group(1)
    empty = client.post(form_url, data={"csrf_token": token, "begrunnelse": ""})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "error-summary" in text and "<title>Feil:" in text
    done = client.post(form_url, data={"csrf_token": token, "begrunnelse": "Mangler databehandleravtale."})
    assert done.status_code == 303
    page = client.get(page_url).get_data(as_text=True)
    assert "Valgt bort" in page and "Mangler databehandleravtale." in page and services[0].name in page
    csv = client.get(f"{page_url}/eksport.csv").get_data(as_text=True)
    assert "Mangler databehandleravtale." in csv
    undo = client.post(f"{page_url}/tjenester/{services[0].id}/angre-bortvalg", data={"csrf_token": token})
    assert undo.status_code == 303 and not sl.set_aside_of(db, shortlist)
    # a colleague in the same organisation may read the list, not change it; another body gets 404
    colleague = app.test_client()
    login(colleague, "stat-innkjoper")
    assert colleague.get(form_url).status_code == 404
