"""Market overview: every figure checked against the database, the charts, the page and the CSV files."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import distinct, func
from sqlmodel import Session, select

from catalogue import charts, market, nsm
from catalogue.audit import Actor
from catalogue.models import ArchivedService, AuditEvent, Category, DPSCategory, Qualification, Service, ServiceStatus
from catalogue.listing import Listing
from catalogue.terms import TERMS
from tests.test_i18n import compiled_translations  # noqa: F401  (a fixture)

OSLO = ZoneInfo("Europe/Oslo")
SVG = "{http://www.w3.org/2000/svg}"


def _rows(figure: market.Figure) -> dict[str, tuple[int, ...]]:
    return {row.key: row.values for row in figure.rows}


def expected_from_rows(session: Session) -> dict:
    """Every figure recomputed in plain Python from the rows themselves (no SQL aggregation)."""
    services = session.exec(select(Service).where(Service.status == "published")).all()
    categories = {c.id: c for c in session.exec(select(Category)).all()}
    out: dict = {"total": len(services)}
    top = Counter()
    for s in services:
        cat = categories[s.category_id]
        top[categories[cat.parent_id].slug if cat.parent_id else cat.slug] += 1
    out["kategorier"] = top
    out["lovvalg"] = Counter(s.terms.get("governing_law") for s in services)
    out["datalokasjon"] = Counter(v for s in services for v in s.terms.get("data_locations") or [])
    out["kun-eos"] = Counter("ja" if s.terms.get("eea_only_option") else "nei" for s in services)
    scc = Counter(v for s in services for v in s.terms.get("scc_modules") or [])
    scc["ingen"] = sum(1 for s in services if not s.terms.get("scc_modules"))
    out["scc-moduler"] = scc
    principles = defaultdict(Counter)
    for s in services:
        for code, entry in (s.terms.get("nsm_principles") or {}).items():
            principles[code][entry["responsibility"]] += 1
    out["nsm"] = principles
    qualified = defaultdict(set)
    for q in session.exec(select(Qualification).where(Qualification.status == "qualified")).all():
        qualified[(q.dps_id, q.category_id)].add(q.supplier_id)
    out["dps"] = {(d.dps_id, d.category_id): len(qualified[(d.dps_id, d.category_id)])
                  for d in session.exec(select(DPSCategory)).all()}
    months = defaultdict(lambda: [0, 0, 0])
    # Each event in the month of its business date: a version's publication, a service's last removal.
    published_at = {(a.service_id, a.version): a.published_at for a in session.exec(select(ArchivedService))}
    events = session.exec(select(AuditEvent).where(AuditEvent.action.in_(["service.published", "service.removed"]))
                          .order_by(AuditEvent.id)).all()
    last_removal = {e.service_id: e.id for e in events if e.action == "service.removed"}
    for e in events:
        at = e.at
        if e.action == "service.published":
            at = published_at.get((e.service_id, (e.after or {}).get("version"))) or at
        elif last_removal[e.service_id] == e.id:
            service = session.get(Service, e.service_id)
            at = service.removed_at if service.status == ServiceStatus.REMOVED and service.removed_at else at
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        local = at.astimezone(OSLO)
        bucket = months[f"{local.year}-{local.month:02d}"]
        if e.action == "service.removed":
            bucket[2] += 1
        elif (e.before or {}).get("status") == "published":
            bucket[1] += 1
        else:
            bucket[0] += 1
    out["utvikling"] = months
    return out


def _check_against_rows(session: Session) -> market.Overview:
    data = market.compute(session)
    expected = expected_from_rows(session)
    assert data.services == expected["total"] > 0
    figures = {f.key: f for f in data.figures}

    assert {k: v[0] for k, v in _rows(figures["kategorier"]).items() if v[0]} == dict(expected["kategorier"])
    assert sum(v[0] for v in _rows(figures["kategorier"]).values()) == expected["total"]

    for key, term in (("lovvalg", "governing_law"), ("datalokasjon", "data_locations"), ("kun-eos", "eea_only_option")):
        got = _rows(figures[key])
        assert set(got) >= {c.value for c in TERMS[term].options}
        assert {k: v[0] for k, v in got.items() if v[0]} == {k: n for k, n in expected[key].items() if n}, key
        assert figures[key].total == expected["total"]
    assert sum(v[0] for v in _rows(figures["lovvalg"]).values()) == expected["total"]

    assert {k: v[0] for k, v in _rows(figures["scc-moduler"]).items() if v[0]} == \
        {k: n for k, n in expected["scc-moduler"].items() if n}

    nsm_rows = _rows(figures["nsm"])
    assert list(nsm_rows) == [p.code for p in nsm.PRINCIPLES]
    for code, values in nsm_rows.items():
        counts = expected["nsm"][code]
        assert values == (counts["supplier"], counts["shared"], counts["customer"]), code

    dps_rows = [row.values[0] for row in figures["dps"].rows]
    assert sorted(dps_rows) == sorted(expected["dps"].values()) and len(dps_rows) == len(expected["dps"])

    history = figures["utvikling"]
    got = {row.key: row.values[:3] for row in history.rows}
    assert {k: v for k, v in got.items() if any(v)} == {k: tuple(v) for k, v in expected["utvikling"].items()}
    assert history.rows[-1].values[3] == expected["total"]  # the line ends at today's number
    for before, after in zip(history.rows, history.rows[1:]):
        assert after.values[3] == before.values[3] + after.values[0] - after.values[2]
    return data


def test_figures_follow_changes_and_the_cache_notices(app):
    engine = app.extensions["db_engine"]
    market.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        first = market.overview(session)
        assert market.overview(session) is first  # nothing changed: the cached figures
        service = session.exec(select(Service).where(Service.status == "published").order_by(Service.id)).first()
        law = service.terms["governing_law"]
        Listing(session, service).remove(Actor.system("test"), expected_lock=service.lock_version, reason="Test")
        session.commit()
        second = market.overview(session)
        assert second is not first
        assert second.services == first.services - 1
        before_law = {r.key: r.values[0] for r in first.figure("lovvalg").rows}
        after_law = {r.key: r.values[0] for r in second.figure("lovvalg").rows}
        assert after_law[law] == before_law[law] - 1
        assert second.figure("utvikling").rows[-1].values[2] == first.figure("utvikling").rows[-1].values[2] + 1
        service.status = ServiceStatus.SUBMITTED  # put back by the operator, through review again
        Listing(session, service).publish(Actor.system("test"))
        session.commit()
        third = market.overview(session)
        assert third.services == first.services
        _check_against_rows(session)


def _figures_equal(a: market.Overview, b: market.Overview) -> None:
    assert (a.services, a.suppliers) == (b.services, b.suppliers)
    for x, y in zip(a.figures, b.figures):
        assert (x.key, x.rows, x.total) == (y.key, y.rows, y.total), x.key


def test_the_running_tally_equals_a_full_count_after_changes(app):
    """Terms, category and status changes reach the figures through the change log alone."""
    engine = app.extensions["db_engine"]
    market.clear_cache()
    actor = Actor.system("test")
    with Session(engine, expire_on_commit=False) as session:
        market.overview(session)
        published = session.exec(select(Service).where(Service.status == "published").order_by(Service.id)).all()
        first, second, third = published[0], published[1], published[2]
        terms = dict(first.terms)
        terms["governing_law"] = "tyskland"
        terms["data_locations"] = ["usa"]
        terms["scc_modules"] = []
        terms["eea_only_option"] = not terms["eea_only_option"]
        terms["nsm_principles"] = {code: {"responsibility": "customer", "how": "Kunden."}
                                   for code in (p.code for p in nsm.PRINCIPLES)}
        first.terms = terms
        Listing(session, first).publish(actor)
        other = session.exec(select(Category).where(Category.parent_id.is_not(None),
                                                    Category.id != second.category_id)).first()
        second.category_id = other.id
        Listing(session, second).publish(actor)
        Listing(session, third).remove(actor, expected_lock=third.lock_version, reason="Test")
        session.commit()
        running = market.overview(session)
        _figures_equal(running, market.compute(session))
        law = {r.key: r.values[0] for r in running.figure("lovvalg").rows}
        assert law["tyskland"] >= 1
        assert running.figure("nsm").rows[0].values[2] >= 1


def test_a_late_commit_is_picked_up_from_a_gap(app):
    """A change-log number that becomes visible after a higher one is not missed."""
    from catalogue.models import SearchChange

    engine = app.extensions["db_engine"]
    market.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        market.overview(session)
        high = session.exec(select(func.max(SearchChange.seq))).one()
        a, b = session.exec(select(Service).where(Service.status == "published").order_by(Service.id).limit(2)).all()
        # Number high+2 commits first (service a removed) ...
        a.status = "removed"
        session.add(SearchChange(seq=high + 2, entity="service", entity_id=a.id))
        session.commit()
        after_first = market.overview(session)
        assert after_first.services == market.compute(session).services
        # ... then high+1 (service b removed) becomes visible later.
        b.status = "removed"
        session.add(SearchChange(seq=high + 1, entity="service", entity_id=b.id))
        session.commit()
        _figures_equal(market.overview(session), market.compute(session))


def test_tally_in_bulk_equals_one_by_one(shared_app):
    with Session(shared_app.extensions["db_engine"]) as session:
        facts = market.project(session)
    one_by_one = market.Tally()
    for service_id, item in facts.items():
        one_by_one.apply(service_id, item)
    assert +one_by_one.counts == +market.Tally.of(facts).counts
    # Applying the same facts again changes nothing; taking one out and back in restores the counts.
    service_id, item = next(iter(one_by_one.facts.items()))
    assert one_by_one.apply(service_id, item) is False
    before = +one_by_one.counts
    one_by_one.apply(service_id, None)
    assert one_by_one.services == len(facts) - 1 and +one_by_one.counts != before
    one_by_one.apply(service_id, item)
    assert +one_by_one.counts == before


def test_an_empty_catalogue_has_empty_figures(tmp_path):
    from catalogue.db import make_engine
    from marketplace.migrate import upgrade
    from tests.databases import drop_database, new_database

    url = new_database(tmp_path)
    try:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            data = market.compute(session)
        engine.dispose()
        assert data.services == 0 and data.figure("utvikling").rows == ()
        for figure in data.figures:
            assert all(not any(r.values) for r in figure.rows)
            svg = charts.render(figure, "nb")
            ET.fromstring(str(svg))
    finally:
        drop_database(url)


def test_figures_match_the_database(shared_app):
    with Session(shared_app.extensions["db_engine"]) as session:
        data = _check_against_rows(session)
    keys = [f.key for f in data.figures]
    assert keys == ["kategorier", "lovvalg", "datalokasjon", "kun-eos", "scc-moduler", "nsm", "dps", "storrelse",
                    "utvikling"]
    # The demo catalogue has variety, so the figures are not trivially equal.
    law = {row.key: row.values[0] for row in data.figure("lovvalg").rows}
    assert law["norge"] > 0 and (law["irland"] + law["luxembourg"]) > 0
    assert any(row.values[0] for row in data.figure("dps").rows)
    # Size comes from the register's number of employees: every size class is there in the demo.
    size = {row.key: row.values for row in data.figure("storrelse").rows}
    assert set(size) == {"small", "medium", "large"} and all(v[0] and v[1] for v in size.values())
    with Session(shared_app.extensions["db_engine"]) as session:
        published = session.exec(select(func.count(distinct(Service.supplier_id))).where(
            Service.status == "published")).one()
    assert sum(v[0] for v in size.values()) == published == data.figure("storrelse").total


def test_the_demo_history_is_spread_over_the_publication_months(shared_app):
    """The demo catalogue is seeded today, but its services were published over the past months: the
    "Utvikling over tid" chart shows that history, not one spike of every service in the seeding month."""
    with Session(shared_app.extensions["db_engine"]) as session:
        rows = market.compute(session).figure("utvikling").rows
        published = session.exec(select(Service.published_at).where(Service.status == ServiceStatus.PUBLISHED)).all()
    entered = [row.values[0] for row in rows]
    assert sum(entered) >= len(published) > 20
    months_with_new = [row.key for row in rows if row.values[0]]
    assert len(months_with_new) >= 12, months_with_new
    assert max(entered) <= sum(entered) / 4, entered  # no month holds most of the catalogue
    # The total grows over the period instead of jumping from zero in the last month.
    assert 0 < rows[len(rows) // 2].values[3] < rows[-1].values[3]


# ---------------------------------------------------------------------------
# charts


def _overview(app) -> market.Overview:
    with Session(app.extensions["db_engine"]) as session:
        return market.overview(session)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_charts_are_accessible_svg_without_styles_or_scripts(shared_app, lang):
    for figure in _overview(shared_app).figures:
        with shared_app.test_request_context(f"/?lang={lang}"):
            svg, title_text = str(charts.render(figure, lang)), str(figure.title)
        root = ET.fromstring(svg)  # well-formed
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title.get("id") == title_id and title.text == title_text
        assert desc.get("id") == desc_id and len(desc.text) > 40
        for element in root.iter():
            assert "style" not in element.attrib, figure.key
            assert not any(name.startswith("on") for name in element.attrib), figure.key
            assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}style")
        # Colour is not the only cue: every series has a pattern, and values are written out.
        assert root.find(f"{SVG}defs/{SVG}pattern") is not None
        assert any(el.text and any(ch.isdigit() for ch in el.text) for el in root.iter(f"{SVG}text"))


def test_chart_descriptions_name_the_largest_groups(shared_app):
    data = _overview(shared_app)
    law = data.figure("lovvalg")
    biggest = max(law.rows, key=lambda r: r.values[0])
    with shared_app.test_request_context("/?lang=en"):
        desc = ET.fromstring(str(charts.render(law, "en"))).find(f"{SVG}desc").text
        assert str(biggest.label) in desc and str(biggest.values[0]) in desc
        assert "Governing law" in str(law.title)
    nsm_desc = ET.fromstring(str(charts.render(data.figure("nsm"), "nb"))).find(f"{SVG}desc").text
    assert "Lavest dekning" in nsm_desc and "Høyest dekning" in nsm_desc


def test_bars_are_proportional_to_the_values():
    figure = market.Figure("test", market.BARS, "T", "D",
                           ("N",),
                           (market.Row("a", "A", (10,)), market.Row("b", "B", (5,)),
                            market.Row("c", "C", (0,))), 15)
    root = ET.fromstring(str(charts.bar_chart(figure)))
    filled = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(")]
    assert len(filled) == 2 and filled[0] == pytest.approx(2 * filled[1])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "10 (67\u00a0%)" in texts and "0 (0\u00a0%)" in texts


def test_number_formats():
    assert charts.Numbers("nb").int(50000) == "50\u00a0000" and charts.Numbers("en").int(50000) == "50,000"
    assert charts.Numbers("nb").pct(0.125) == "12\u00a0%" and charts.Numbers("nb").pct(0.0123) == "1,2\u00a0%"
    assert charts.Numbers("en").pct(0.0123) == "1.2%"


# ---------------------------------------------------------------------------
# the page and the CSV files


def test_market_page(shared_client, shared_app):
    response = shared_client.get("/marked")
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert " style=" not in html and "<script>" not in html
    data = _overview(shared_app)
    for figure in data.figures:
        section = html.split(f'<section class="figure" id="{figure.key}"')[1].split("</section>")[0]
        assert 'role="img"' in section and f'aria-labelledby="fig-{figure.key}-title fig-{figure.key}-desc"' in section
        assert "<caption" in section and '<th scope="col"' in section and '<th scope="row">' in section
        assert f'href="/marked/{figure.key}.csv"' in section
        for row in figure.rows:
            assert str(row.label).replace("'", "&#39;") in section  # bokmål: no request here
    assert f"{data.services} publiserte tjenester" in html


def test_market_page_in_english(shared_client, compiled_translations):
    html = shared_client.get("/marked?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in ("Market overview", "Governing law", "Norwegian law", "Responsibility for NSM&#39;s basic principles",
                 "Download the figures (CSV)", "Published services in total"):
        assert text in html, text
    assert "Markedsoversikt</h1>" not in html


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_figure_downloads_as_csv(shared_client, shared_app, lang):
    for figure in _overview(shared_app).figures:
        response = shared_client.get(f"/marked/{figure.key}.csv?lang={lang}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="markedsoversikt-{figure.key}.csv"'
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
        header, body = rows[0], rows[1:]
        with shared_app.test_request_context(f"/?lang={lang}"):
            assert header[:1 + len(figure.columns)] == [str(figure.title)] + [str(c) for c in figure.columns]
            labels = [str(row.label) for row in figure.rows]
        assert len(body) == len(figure.rows)
        for line, row, label in zip(body, figure.rows, labels):
            assert line[0] == label
            assert [int(v) for v in line[1:1 + len(row.values)]] == list(row.values)
            if figure.show_share:
                share = float(line[-1].replace(",", "."))
                assert share == pytest.approx(100 * row.values[0] / figure.total, abs=0.05)
                assert ("," in line[-1]) == (lang == "nb")


def test_unknown_figure_is_404(shared_client):
    assert shared_client.get("/marked/finnes-ikke.csv").status_code == 404


def test_market_views_are_public(shared_app):
    for endpoint in ("market.overview", "market.download"):
        assert shared_app.view_functions[endpoint].allowed_roles == ("*",)


def test_a_new_process_reads_the_stored_snapshot_and_never_counts_everything(app, monkeypatch):
    """The counts live in the database; a new process (an empty cache) applies only the changes
    since the snapshot's position – it never projects every service again."""
    from catalogue import market_snapshot
    from catalogue.db import make_engine

    engine = app.extensions["db_engine"]
    market.clear_cache()
    actor = Actor.system("test")
    with Session(engine, expire_on_commit=False) as session:
        first = market.overview(session)  # creates the snapshot
        assert session.get(market_snapshot.MarketSnapshot, market_snapshot.SNAPSHOT_ID) is not None
        service = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED).order_by(Service.id)).first()
        Listing(session, service).remove(Actor.system("test"), expected_lock=service.lock_version, reason="Test")
        session.commit()

    original = market.project

    def only_changed(session, ids=None):
        assert ids is not None, "counted every service again"
        return original(session, ids)

    monkeypatch.setattr(market, "project", only_changed)
    market.clear_cache()  # a new process
    other = make_engine(app.config["DATABASE_URL"])  # …with an engine of its own
    try:
        with Session(other, expire_on_commit=False) as session:
            again = market.overview(session)
            assert again.services == first.services - 1
            other_service = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED)
                                         .order_by(Service.id.desc())).first()
            other_service.terms = {**other_service.terms, "governing_law": "tyskland"}
            Listing(session, other_service).publish(actor)
            session.commit()
            latest = market.overview(session)
            monkeypatch.setattr(market, "project", original)
            _figures_equal(latest, market.compute(session))
    finally:
        other.dispose()
    # The first engine's process sees the same stored snapshot, with both changes applied once.
    with Session(engine, expire_on_commit=False) as session:
        _figures_equal(market.overview(session), market.compute(session))
