"""DPS administration: edit, add categories, extend and close with notice to the qualified suppliers;
the public list of qualified suppliers on a past date (qualifications, suspensions, reinstatements)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.db import session_scope
from catalogue.models import DPS, Category, DPSCategory, Qualification, QualificationStatus, Supplier
from catalogue.notifications.models import NotificationEvent
from catalogue.suspension import end_suspension, qualified_on, suspend_supplier
from catalogue.workdays import OSLO, oslo_today
from tests.login import login

MANAGER = Actor(name="Avtaleforvalter", role="manager")


def _dps(engine) -> DPS:
    with Session(engine) as session:
        return session.exec(select(DPS)).first()


def _names(html: str, category_slug: str) -> list[str]:
    section = re.search(rf'id="kategori-{category_slug}".*?</section>', html, re.S).group(0)
    return re.findall(r"<li>([^<]+)</li>", section)


def test_the_list_on_a_past_date_shows_exactly_who_was_qualified_then(app, client):
    engine = app.extensions["db_engine"]
    dps = _dps(engine)
    with Session(engine) as session:
        beregning = session.exec(select(Category).where(Category.slug == "beregning")).one()
        rows = session.exec(select(Qualification, Supplier).join(Supplier, Supplier.id == Qualification.supplier_id)
                            .where(Qualification.dps_id == dps.id, Qualification.category_id == beregning.id,
                                   Qualification.status == QualificationStatus.QUALIFIED)).all()
    decided = {s.name: q.decided_at.astimezone(OSLO).date() for q, s in rows}
    assert len(decided) >= 3
    fjordsky = next(s for _, s in rows if s.orgnr == "964330123")
    suspended_on, reinstated_on = date(2026, 3, 2), date(2026, 5, 4)
    with session_scope(engine) as session:
        suspend_supplier(session, MANAGER, fjordsky.id, reason="Konkurs meldt",
                         now=datetime(2026, 3, 2, 10, 0, tzinfo=OSLO))
    with session_scope(engine) as session:
        end_suspension(session, MANAGER, fjordsky.id, restore=True, reason="Konkursen er opphevet",
                       now=datetime(2026, 5, 4, 9, 0, tzinfo=OSLO))

    def listed(day: date) -> list[str]:
        html = client.get(f"/dps/{dps.slug}/kvalifiserte?dato={day.isoformat()}").get_data(as_text=True)
        return _names(html, "beregning")

    for day in (min(decided.values()) - timedelta(days=1), date(2025, 6, 30), suspended_on - timedelta(days=1),
                suspended_on, reinstated_on - timedelta(days=1), reinstated_on, oslo_today()):
        expected = sorted(name for name, when in decided.items() if when <= day
                          and not (name == fjordsky.name and suspended_on <= day < reinstated_on))
        assert listed(day) == expected, day
    # The domain query agrees with the page, category by category.
    with Session(engine) as session:
        assert [s.name for s in qualified_on(session, dps.id, suspended_on)[beregning.id]] == listed(suspended_on)
    assert client.get(f"/dps/{dps.slug}/kvalifiserte?dato=2999-01-01").status_code == 200


def test_the_manager_edits_extends_and_closes_with_notice_to_qualified_suppliers(app):
    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db_engine"]
    dps = _dps(engine)
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    page = manager.get(f"/forvaltning/dps/{dps.slug}").get_data(as_text=True)
    new = re.search(r'name="add" value="(\d+)"', page).group(1)
    response = manager.post(f"/forvaltning/dps/{dps.slug}", data={"bekreftet": "ja", "action": "edit", "description": "Ny beskrivelse.",
                                                                  "add": new})
    assert response.status_code == 302
    with Session(engine) as session:
        assert session.get(DPS, dps.id).description == "Ny beskrivelse."
        assert int(new) in set(session.exec(select(DPSCategory.category_id).where(DPSCategory.dps_id == dps.id)))
    # An end date not after the current one is refused at the field.
    response = manager.post(f"/forvaltning/dps/{dps.slug}", data={"bekreftet": "ja", "action": "extend", "valid_to": "2020-01-01"})
    assert response.status_code == 422 and 'href="#valid_to"' in response.get_data(as_text=True)
    assert manager.post(f"/forvaltning/dps/{dps.slug}",
                        data={"bekreftet": "ja", "action": "extend", "valid_to": "31.12.2031"}).status_code == 302
    assert manager.post(f"/forvaltning/dps/{dps.slug}", data={"bekreftet": "ja", "action": "close", "reason": ""}).status_code == 422
    assert manager.post(f"/forvaltning/dps/{dps.slug}",
                        data={"bekreftet": "ja", "action": "close", "reason": "Erstattes av ny ordning."}).status_code == 302
    with Session(engine) as session:
        assert session.get(DPS, dps.id).valid_to == oslo_today()
        events = {e.kind: e for e in session.exec(select(NotificationEvent).where(
            NotificationEvent.kind.in_(["dps.extended", "dps.closed"])))}
    assert events["dps.extended"].context["until"] == "31.12.2031"
    assert events["dps.closed"].context["reason"] == "Erstattes av ny ordning."


def test_the_contract_manager_uploads_a_document_to_the_dps_and_anyone_downloads_it(app):
    from io import BytesIO

    from catalogue.models import AuditEvent, Document
    from tests.pdf import make_pdf

    engine = app.extensions["db_engine"]
    dps = _dps(engine)
    manager = app.test_client()
    login(manager, "avtaleforvalter")
    page = manager.get(f"/forvaltning/dps/{dps.slug}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/forvaltning/dps/{dps.slug}/dokumenter"

    def post(title: str, data: bytes | None, name: str = "grunnlag.pdf"):
        form = {"csrf_token": token, "tittel": title}
        if data is not None:
            form["dokument"] = (BytesIO(data), name)
        return manager.post(url, data=form, content_type="multipart/form-data")

    def counts() -> tuple[int, int]:
        with Session(engine) as session:
            return (len(session.exec(select(Document.id).where(Document.dps_id == dps.id)).all()),
                    len(session.exec(select(AuditEvent.id)).all()))

    before = counts()
    refused = [post("Kvalifikasjonsgrunnlag", b"<html>ikke pdf</html>"),       # not a PDF, whatever its name
               post("Kvalifikasjonsgrunnlag", b"%PDF-1.4\n" + b"x" * (10 * 1024 * 1024) + b"\n%%EOF"),  # over 10 MB
               post("", make_pdf("Uten tittel")),                              # no title
               post("<script>x</script>", make_pdf("Markup")),                 # markup in the title
               post("Kvalifikasjonsgrunnlag", None)]                           # no file
    for answer in refused:
        assert answer.status_code == 422
    assert "ikke en PDF" in refused[0].get_data(as_text=True) and "for stor" in refused[1].get_data(as_text=True)
    assert 'value="Kvalifikasjonsgrunnlag"' in refused[0].get_data(as_text=True)  # what was written is kept
    assert counts() == before

    done = post("Kvalifikasjonsgrunnlag", make_pdf("Kvalifikasjonsgrunnlag for ordningen"))
    assert done.status_code == 302
    with Session(engine) as session:
        doc = session.exec(select(Document).where(Document.dps_id == dps.id)).one()
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.id > before[1])).all()
    assert (doc.supplier_id, doc.kind, doc.title, doc.filename) == (None, "dps_document", "Kvalifikasjonsgrunnlag",
                                                                    "grunnlag.pdf")
    assert sorted(actions) == ["document.uploaded", "dps.document_added"]

    public = app.test_client().get(f"/dps/{dps.slug}").get_data(as_text=True)
    assert f'<a href="/dokumenter/{doc.id}">Kvalifikasjonsgrunnlag</a>' in public
    download = app.test_client().get(f"/dokumenter/{doc.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    supplier = app.test_client()
    login(supplier, "leverandor-fjordsky")
    token = re.search(r'name="csrf_token" value="([^"]+)"', supplier.get("/leverandor/").get_data(as_text=True)).group(1)
    answer = supplier.post(url, data={"csrf_token": token, "tittel": "X", "dokument": (BytesIO(make_pdf("x")), "x.pdf")},
                           content_type="multipart/form-data")
    assert answer.status_code == 403 and counts()[0] == 1
