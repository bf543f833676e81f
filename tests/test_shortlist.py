"""Saved searches and frozen shortlists: saving, freezing, access, immutability and exports."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.viewer import BUYER, MANAGER, SUPPLIER, Viewer
from catalogue import shortlists as sl
from catalogue.audit import Actor
from catalogue.exports import export_shortlist
from catalogue.models import AuditEvent, Category, Service, Supplier, User
from catalogue.listing import Listing
from tests.login import login
from tests.test_export import parse_csv, parse_ods, split
from tests.i18n_support import in_both_languages

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KOMMUNE = "976240391"


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def make_user(db: Session, name: str) -> User:
    user = User(pid_hash=f"test-{name}".ljust(64, "0")[:64], name=name)
    db.add(user)
    db.commit()
    return user


def buyer(user: User, orgnr: str = KOMMUNE) -> Viewer:
    return Viewer(role=BUYER, user_id=user.id, name=user.name, orgnr=orgnr, org_name="Fjellvik kommune")


def published_ids(db: Session, n: int) -> list[int]:
    return list(db.exec(select(Service.id).where(Service.status == "published").order_by(Service.id).limit(n)).all())


def counts(db: Session) -> tuple[int, int, int]:
    return (db.exec(select(func.count()).select_from(sl.Shortlist)).one(),
            db.exec(select(func.count()).select_from(sl.ShortlistItem)).one(),
            db.exec(select(func.count()).select_from(AuditEvent)).one())


def token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


# --- domain: saving ---------------------------------------------------------------------------

def test_save_search_records_query_and_audit(db):
    viewer = buyer(make_user(db, "Kari Innkjøper"))
    pairs = [("q", "backup"), ("governing_law", "norge"), ("side", "3"), ("venue", ""), ("data_locations", "norge")]
    shortlist, errors = sl.save_search(db, viewer, "  Anskaffelse   2026/14 ", pairs)
    db.commit()
    assert errors == {}
    assert shortlist.name == "Anskaffelse 2026/14" and shortlist.status == "saved"
    assert shortlist.query == [["q", "backup"], ["governing_law", "norge"], ["data_locations", "norge"]]
    assert shortlist.orgnr == KOMMUNE and shortlist.user_id == viewer.user_id
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.saved")).one()
    assert event.object_id == shortlist.id and event.acting_for == f"0192:{KOMMUNE}"
    assert event.after["query"] == shortlist.query


@pytest.mark.parametrize("name, pairs, field", [
    ("", [("q", "x")], "name"),
    ("   ", [("q", "x")], "name"),
    ("<script>alert(1)</script>", [("q", "x")], "name"),
    ("x" * 121, [("q", "x")], "name"),
    ("Grei", [("q", "x" * 201)], "query"),
    ("Grei", [("governing_law", "norge")] * 61, "query"),
])
def test_bad_input_writes_nothing(app, db, name, pairs, field):
    viewer = buyer(make_user(db, "Kari"))
    before = counts(db)
    shortlist, errors = sl.save_search(db, viewer, name, pairs)
    db.commit()
    assert shortlist is None and set(errors) == {field}
    nb, en = in_both_languages(app, errors[field])
    assert nb and en and nb != en
    assert counts(db) == before


# --- domain: freezing -------------------------------------------------------------------------

def test_freeze_records_exact_versions(db):
    viewer = buyer(make_user(db, "Kari"))
    shortlist, _ = sl.save_search(db, viewer, "Liste", [("q", "lagring")])
    ids = published_ids(db, 4)
    draft = db.exec(select(Service).where(Service.status == "draft")).first()
    assert sl.freeze(db, shortlist, viewer.actor(), ids + [draft.id], total=5) is None
    db.commit()
    items = db.exec(select(sl.ShortlistItem).where(sl.ShortlistItem.shortlist_id == shortlist.id)
                    .order_by(sl.ShortlistItem.position)).all()
    assert [i.service_id for i in items] == ids  # a hit no longer published is left out
    for item in items:
        assert item.version == db.get(Service, item.service_id).version
    assert shortlist.status == "frozen" and shortlist.frozen_at is not None and shortlist.frozen_total == 4
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.frozen")).one()
    assert event.after["services"] == [[i.service_id, i.version] for i in items]
    assert str(sl.freeze(db, shortlist, viewer.actor(), ids, total=4)) == "Listen er allerede frosset."


def test_freeze_refuses_more_than_30(db):
    viewer = buyer(make_user(db, "Kari"))
    shortlist, _ = sl.save_search(db, viewer, "For stor", [("q", "sky")])
    db.commit()
    before = counts(db)
    error = sl.freeze(db, shortlist, viewer.actor(), published_ids(db, 30), total=31)
    db.rollback()
    assert error is not None and "31 treff" in str(error) and "høyst 30" in str(error)
    assert counts(db) == before
    assert db.get(sl.Shortlist, shortlist.id).status == "saved"


def test_later_changes_never_change_a_frozen_list(app, db):
    viewer = buyer(make_user(db, "Kari"))
    shortlist, _ = sl.save_search(db, viewer, "Fryst", [("governing_law", "norge")])
    ids = published_ids(db, 3)
    sl.freeze(db, shortlist, viewer.actor(), ids, total=3)
    db.commit()
    before_entries = sl.frozen_entries(db, shortlist)
    before_export = export_shortlist(db, shortlist, viewer, "csv")
    before_ods = export_shortlist(db, shortlist, viewer, "ods")
    db.commit()

    # The supplier edits and publishes a new version of the first service, and removes the second.
    edited = db.get(Service, ids[0])
    old_name, old_law = edited.name, edited.terms["governing_law"]
    edited.name = old_name + " (ny versjon)"
    edited.terms = {**edited.terms, "governing_law": "irland" if old_law != "irland" else "sverige"}
    Listing(db, edited).publish(Actor.system("test"))
    gone = db.get(Service, ids[1])
    Listing(db, gone).remove(Actor.system("test"), expected_lock=gone.lock_version, reason="Avviklet")
    db.commit()
    assert db.get(Service, ids[0]).version == before_entries[0].version + 1

    after_entries = sl.frozen_entries(db, shortlist)
    assert after_entries == before_entries
    assert after_entries[0].name == old_name and after_entries[0].terms["governing_law"] == old_law
    after_export = export_shortlist(db, shortlist, viewer, "csv")
    after_ods = export_shortlist(db, shortlist, viewer, "ods")
    db.commit()
    before_meta, before_columns, before_rows = split(parse_csv(before_export.content))
    after_meta, after_columns, after_rows = split(parse_csv(after_export.content))
    assert after_columns == before_columns and after_rows == before_rows
    assert {k: v for k, v in after_meta.items() if k != "Eksportert"} == \
        {k: v for k, v in before_meta.items() if k != "Eksportert"}
    assert split(parse_ods(after_ods.content))[2] == split(parse_ods(before_ods.content))[2]
    assert after_rows[0][1] == old_name and after_rows[0][4] == str(before_entries[0].version)


def test_delete_only_a_saved_search(db):
    viewer = buyer(make_user(db, "Kari"))
    saved, _ = sl.save_search(db, viewer, "Utkast", [("q", "x")])
    frozen, _ = sl.save_search(db, viewer, "Fryst", [("q", "y")])
    sl.freeze(db, frozen, viewer.actor(), published_ids(db, 2), total=2)
    db.commit()
    assert sl.delete(db, frozen, viewer.actor()) is not None
    assert sl.delete(db, saved, viewer.actor()) is None
    db.commit()
    assert db.get(sl.Shortlist, saved.id) is None and db.get(sl.Shortlist, frozen.id) is not None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.deleted")).one().object_id == saved.id


# --- domain: access ---------------------------------------------------------------------------

def test_who_may_read_and_change(db):
    owner = buyer(make_user(db, "Eier"))
    colleague = buyer(make_user(db, "Kollega"))
    stranger = buyer(make_user(db, "Annen"), orgnr="922152799")
    supplier = Viewer(role=SUPPLIER, user_id=make_user(db, "Lev").id, orgnr=KOMMUNE)
    manager = Viewer(role=MANAGER, user_id=make_user(db, "Forvalter").id, orgnr="925792403")
    shortlist, _ = sl.save_search(db, owner, "Liste", [("q", "x")])
    db.commit()
    assert [sl.can_read(v, shortlist) for v in (owner, colleague, stranger, supplier, manager)] == \
        [True, True, False, False, True]
    assert [sl.can_change(v, shortlist) for v in (owner, colleague, stranger, supplier, manager)] == \
        [True, False, False, False, False]
    assert sl.get_readable(db, stranger, shortlist.id) is None
    assert sl.get_readable(db, colleague, shortlist.id).id == shortlist.id
    assert sl.get_readable(db, owner, 2**40) is None
    assert [s.id for s, _, _ in sl.for_viewer(db, colleague)] == [shortlist.id]
    assert sl.for_viewer(db, stranger) == []


def test_query_is_described_with_names(db):
    category = db.exec(select(Category).where(Category.parent_id.is_not(None))).first()
    supplier = db.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
    described = sl.describe_query(db, [("q", "backup"), ("underkategori", category.slug),
                                       ("leverandor", supplier.slug), ("governing_law", "norge"),
                                       ("governing_law", "sverige"), ("eea_only_option", "ja"), ("sorter", "navn"),
                                       ("dps", "dps-skytjenester"), ("side", "2"), ("ukjent", "verdi")])
    as_dict = dict(described)
    assert as_dict["Søkeord"] == "backup"
    assert as_dict["Underkategori"] == category.name_nb
    assert as_dict["Leverandør"] == "Fjordsky AS"
    assert as_dict["Lovvalg"] == "Norsk rett, Svensk rett"
    assert as_dict["Kun EØS"] == "Ja"
    assert as_dict["Sortering"] == "Navn"
    assert as_dict["ukjent"] == "verdi" and "side" not in as_dict
    assert "dps-skytjenester" not in as_dict["Kvalifisert i dynamisk innkjøpsordning"]


# --- the pages --------------------------------------------------------------------------------

def test_pages_need_a_buyer(app, client):
    answer = client.get("/innkjop/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    login(client, "leverandor-fjordsky")
    assert client.get("/innkjop/").status_code == 403
    assert client.get("/innkjop/lagre?q=x").status_code == 403


def test_buyer_saves_freezes_and_exports(search_app, client):
    app = search_app
    login(client, "kommune-innkjoper")
    query = urlencode([("q", "sikkerhetskopi"), ("governing_law", "norge"), ("side", "2")])
    form = client.get(f"/innkjop/lagre?{query}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Lovvalg" in html and "Norsk rett" in html
    saved = client.post("/innkjop/lagre", data={"csrf_token": CSRF.search(html).group(1), "name": "Backup 2026",
                                                "sok": "q=sikkerhetskopi&governing_law=norge&side=2"})
    assert saved.status_code == 302
    page_url = saved.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    found = re.search(r"Søket finner (\d+) tjenester? nå", page)
    assert found and 1 <= int(found.group(1)) <= 30
    shortlist_id = int(page_url.rstrip("/").split("/")[-1])
    frozen = client.post(f"/innkjop/lister/{shortlist_id}/frys", data={"bekreftet": "ja", "csrf_token": token(client, page_url)},
                         follow_redirects=True)
    html = frozen.get_data(as_text=True)
    assert "Listen er frosset." in html and "Last ned som CSV" in html
    assert html.count('name="id" value=') == int(found.group(1))
    listing = client.get("/innkjop/").get_data(as_text=True)
    assert "Backup 2026" in listing and "Frosset" in listing

    answer = client.get(f"/innkjop/lister/{shortlist_id}/eksport.csv")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert f"kortliste-{shortlist_id}-backup-2026-" in answer.headers["Content-Disposition"]
    meta, columns, rows = split(parse_csv(answer.data))
    assert meta["Liste"] == ["Backup 2026"]
    assert meta["Søk – Søkeord"] == ["sikkerhetskopi"] and meta["Søk – Lovvalg"] == ["Norsk rett"]
    assert "Fjellvik kommune" in meta["Eksportert av"][0]
    assert len(rows) == int(found.group(1)) and "Siste inntrengningstest – sammendrag" in columns
    with Session(app.extensions["db_engine"]) as db:
        for row in rows:
            assert db.get(Service, int(row[0])).terms["governing_law"] == "norge"
    ods = client.get(f"/innkjop/lister/{shortlist_id}/eksport.ods")
    assert ods.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert split(parse_ods(ods.data))[2] == rows
    with Session(app.extensions["db_engine"]) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.exported")
                         .order_by(AuditEvent.id)).all()
    assert [(e.object_id, e.after["format"]) for e in events] == [(shortlist_id, "csv"), (shortlist_id, "ods")]


def test_freezing_too_many_is_refused(search_app, client):
    login(client, "kommune-innkjoper")
    html = client.get("/innkjop/lagre").get_data(as_text=True)
    saved = client.post("/innkjop/lagre", data={"csrf_token": CSRF.search(html).group(1), "name": "Alt", "sok": ""})
    page_url = saved.headers["Location"]
    assert "for mange til å fryse" in client.get(page_url).get_data(as_text=True)
    shortlist_id = int(page_url.rstrip("/").split("/")[-1])
    answer = client.post(f"/innkjop/lister/{shortlist_id}/frys", data={"bekreftet": "ja", "csrf_token": token(client, page_url)},
                         follow_redirects=True)
    assert "Du kan fryse en liste med høyst 30 tjenester" in answer.get_data(as_text=True)
    assert client.get(f"/innkjop/lister/{shortlist_id}/eksport.csv").status_code == 302


def test_empty_name_comes_back_at_the_field(app, client):
    login(client, "kommune-innkjoper")
    html = client.get("/innkjop/lagre?q=backup").get_data(as_text=True)
    with Session(app.extensions["db_engine"]) as db:
        before = counts(db)
    answer = client.post("/innkjop/lagre", data={"csrf_token": CSRF.search(html).group(1), "name": " ",
                                                 "sok": "q=backup"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert '<a href="#navn">Gi listen et navn.</a>' in page
    assert re.search(r'id="navn"[^>]*aria-invalid="true"', page)
    assert 'name="sok" value="q=backup"' in page
    with Session(app.extensions["db_engine"]) as db:
        assert counts(db) == before


def test_other_organisations_cannot_see_a_list_but_the_manager_can(app, client):
    owner = login(client, "kommune-innkjoper")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as db:
        shortlist, _ = sl.save_search(db, owner, "Hemmelig", [("q", "x")])
        sl.freeze(db, shortlist, owner.actor(), published_ids(db, 2), total=2)
        db.commit()
    other = app.test_client()
    login(other, "stat-innkjoper")
    for path in (f"/innkjop/lister/{shortlist.id}", f"/innkjop/lister/{shortlist.id}/eksport.csv"):
        assert other.get(path).status_code == 404
    assert "Hemmelig" not in other.get("/innkjop/").get_data(as_text=True)
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    assert manager.get(f"/innkjop/lister/{shortlist.id}").status_code == 200
    assert manager.get(f"/innkjop/lister/{shortlist.id}/eksport.csv").status_code == 200
    page = f"/innkjop/lister/{shortlist.id}"
    assert manager.post(f"{page}/slett", data={"bekreftet": "ja", "csrf_token": token(manager, page)}).status_code == 403


def test_save_search_button_for_buyers_only(app, client):
    from flask import render_template_string

    with app.test_request_context("/tjenester?q=backup&governing_law=norge&side=3"):
        from flask import g
        g.viewer = Viewer(role=BUYER, user_id=1, name="K", orgnr=KOMMUNE)
        html = render_template_string('{% include "buyer/_save_search.html" %}')
        assert 'href="/innkjop/lagre?q=backup&amp;governing_law=norge"' in html
        g.viewer = Viewer(role=SUPPLIER, user_id=2, name="L", orgnr="964330123")
        assert render_template_string('{% include "buyer/_save_search.html" %}').strip() == ""
