"""CSV and ODS exports of a comparison: the files parse, hold what was compared, and are audited."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import urlencode

from odf import teletype
from odf.opendocument import load
from odf.table import TableCell, TableRow
from sqlmodel import Session, select

from catalogue import compare as cmp
from catalogue.exports import Sheet, to_csv, to_ods
from catalogue.models import AuditEvent, Service
from catalogue.terms import TERMS
from tests.login import login


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    text = data[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def parse_ods(data: bytes) -> list[list[str]]:
    doc = load(io.BytesIO(data))
    rows = []
    for row in doc.spreadsheet.getElementsByType(TableRow):
        rows.append([teletype.extractText(cell) for cell in row.getElementsByType(TableCell)])
    return rows


def services(app, n=3) -> list[Service]:
    with Session(app.extensions["db_engine"]) as session:
        found = session.exec(select(Service).where(Service.status == "published").order_by(Service.id)).all()
    norwegian = [s for s in found if s.terms["governing_law"] == "norge"]
    foreign = [s for s in found if s.terms["governing_law"] != "norge"]
    return (norwegian[:2] + foreign[:1])[:n]


def split(rows: list[list[str]]) -> tuple[dict[str, list[str]], list[str], list[list[str]]]:
    """``({meta label: values}, column titles, service rows)`` of an exported sheet."""
    blank = next(i for i, r in enumerate(rows) if not any(r))
    meta: dict[str, list[str]] = {}
    for label, value, *_ in (r + [""] for r in rows[1:blank]):
        meta.setdefault(label, []).append(value)
    return meta, rows[blank + 1], [r for r in rows[blank + 2:] if any(r)]


def audits(app, action: str) -> list[AuditEvent]:
    with Session(app.extensions["db_engine"]) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_comparison_csv_holds_every_term_and_the_requirements(app, client):
    chosen = services(app)
    query = urlencode([("id", s.id) for s in chosen] + [("krav-governing_law", "norge"), ("krav-scc_modules", "2")])
    answer = client.get(f"/sammenlign/eksport.csv?{query}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=sammenligning-" + "-".join(str(s.id) for s in chosen))
    assert disposition.endswith(".csv")
    rows = parse_csv(answer.data)
    assert rows[0] == ["Sammenligning"]
    meta, columns, body = split(rows)
    assert meta["Krav"] == ["Lovvalg: Norsk rett", "SCC-moduler: Modul 2: behandlingsansvarlig til databehandler"]
    assert meta["Lenke"] == [f"http://127.0.0.1:5000/sammenlign?{query}"]
    assert meta["Eksportert av"] == ["Anonym besøkende"]
    assert meta["Eksportert"][0].endswith("(Europe/Oslo)")
    fields = cmp.flat_fields(include_buyer_only=False)
    assert columns[:8] == ["Tjeneste-ID", "Tjeneste", "Leverandør", "Organisasjonsnummer", "Versjon", "Publisert",
                           "Kategori", "Oppfyller kravene"]
    assert len(columns) == 8 + len(fields)
    assert TERMS["pentest_summary"].label("nb") not in columns  # buyer-only: not for anonymous visitors
    assert [int(r[0]) for r in body] == [s.id for s in chosen]
    for service, row in zip(chosen, body):
        assert row[1] == service.name and row[4] == str(service.version)
        assert [r.lstrip("'") for r in row[8:]] == [f.text(service.terms) for f in fields]
    assert body[0][7] == "Oppfyller alle krav" or body[0][7].startswith("Oppfyller ikke:")
    assert body[2][7].startswith("Oppfyller ikke: Lovvalg")
    events = audits(app, "comparison.exported")
    assert len(events) == 1 and events[0].after["format"] == "csv"
    assert events[0].after["services"] == [[s.id, s.version] for s in chosen]
    assert events[0].after["requirements"] == {"governing_law": ["norge"], "scc_modules": ["2"]}


def test_comparison_ods_matches_the_csv(app, client):
    chosen = services(app, 2)
    query = urlencode([("id", s.id) for s in chosen])
    answer = client.get(f"/sammenlign/eksport.ods?{query}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert answer.headers["Content-Disposition"].endswith(".ods")
    ods = parse_ods(answer.data)
    csv_rows = parse_csv(client.get(f"/sammenlign/eksport.csv?{query}").data)
    ods_meta, ods_columns, ods_body = split(ods)
    csv_meta, csv_columns, csv_body = split(csv_rows)
    assert ods_columns == csv_columns and "Oppfyller kravene" not in ods_columns
    assert ods_body == csv_body
    assert ods_meta["Krav"] == ["Ingen krav oppgitt"]
    assert [e.after["format"] for e in audits(app, "comparison.exported")] == ["ods", "csv"]


def test_buyer_export_has_buyer_only_terms_and_names_the_buyer(app, client):
    login(client, "kommune-innkjoper")
    query = urlencode([("id", s.id) for s in services(app, 2)])
    meta, columns, _ = split(parse_csv(client.get(f"/sammenlign/eksport.csv?{query}").data))
    assert TERMS["pentest_summary"].label("nb") in columns
    assert "Fjellvik kommune" in meta["Eksportert av"][0] and "976 240 391" in meta["Eksportert av"][0]
    event = audits(app, "comparison.exported")[0]
    assert event.acting_for == "0192:976240391" and event.actor_id is not None


def test_bad_export_requests(app, client):
    chosen = services(app, 2)
    assert client.get(f"/sammenlign/eksport.xlsx?id={chosen[0].id}&id={chosen[1].id}").status_code == 404
    one = client.get(f"/sammenlign/eksport.csv?id={chosen[0].id}")
    assert one.status_code == 302 and one.headers["Location"] == f"/sammenlign?id={chosen[0].id}"
    bad = client.get(f"/sammenlign/eksport.csv?id={chosen[0].id}&id={chosen[1].id}&krav-availability_sla=x")
    assert bad.status_code == 302
    assert audits(app, "comparison.exported") == []  # nothing exported, nothing recorded


def test_csv_guards_against_formulas_and_keeps_separators():
    sheet = Sheet(title="T", meta=[("Søk", "=cmd|' /C calc'!A0")], columns=["a;b", "c"],
                  rows=[[1, "+SUM(A1)"], [2, 'sitat "her"; og linje\nskift'], [3, date(2026, 5, 17)]])
    rows = parse_csv(to_csv(sheet))
    assert rows[1] == ["Søk", "'=cmd|' /C calc'!A0"]
    assert rows[3] == ["a;b", "c"]
    assert rows[4] == ["1", "'+SUM(A1)"]
    assert rows[5] == ["2", 'sitat "her"; og linje\nskift']
    assert rows[6] == ["3", "2026-05-17"]


def test_ods_cells_are_typed():
    sheet = Sheet(title="T", meta=[("Søk", "x")], columns=["id", "dato", "tekst"],
                  rows=[[7, date(2026, 5, 17), "=1+1\tmed tab"]])
    doc = load(io.BytesIO(to_ods(sheet)))
    cells = doc.spreadsheet.getElementsByType(TableRow)[-1].getElementsByType(TableCell)
    assert cells[0].getAttribute("valuetype") == "float" and cells[0].getAttribute("value") == "7"
    assert cells[1].getAttribute("valuetype") == "date" and cells[1].getAttribute("datevalue") == "2026-05-17"
    assert cells[2].getAttribute("valuetype") == "string" and teletype.extractText(cells[2]) == "=1+1\tmed tab"


def test_ods_package_follows_the_opendocument_rules():
    import zipfile

    sheet = Sheet(title="Kortliste", meta=[("Søk", "a  b")], columns=["x"], rows=[["  to  mellomrom\nny linje"]])
    data = to_ods(sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        first = package.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert package.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert {"content.xml", "styles.xml", "META-INF/manifest.xml"} <= set(package.namelist())
    doc = load(io.BytesIO(data))
    assert doc.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    rows = parse_ods(data)
    assert rows[1] == ["Søk", "a  b"]
    assert rows[-1] == ["  to  mellomrom\nny linje"]
    assert len(doc.spreadsheet.getElementsByType(TableRow)) == 5
