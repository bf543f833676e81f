"""``python -m bench.competitions`` (part of ``make bench``): the competition figures of issue 13.

On a scratch PostgreSQL database with the demo catalogue and 300 more suppliers qualified in
one category (each with a published service, so the requirement impact has work to do):

* publishing a competition to the 300+ qualified suppliers – invitations and their outbox rows
  written in the same transaction – timed from the call to the commit (target p95 ≤ 1 s);
* the evaluation page of a competition with 30 opened, assessed tenders, over real HTTP with the
  real login (target p95 ≤ 150 ms), beside the public notice page of the same competition as the
  yardstick;
* the record (anskaffelsesprotokoll) export of that competition as ODS (target p95 ≤ 500 ms).

Writes ``bench/competitions.json`` and its own section of ``docs/BENCHMARKS.md`` (between
the competition markers; the rest of the note is left as it is). Environment:
``BENCH_ADMIN_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres), ``BENCH_SAMPLES``.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

import catalogue.schema  # noqa: F401  (every table)
from bench.stats import summary
from catalogue.audit import Actor
from catalogue.competitions import drafting, evaluation, rules, tendering
from catalogue.competitions.lifecycle import CompetitionLife
from catalogue.competitions.models import TenderStatus
from catalogue.db import make_engine, normalise_url, session_scope
from marketplace.migrate import upgrade
from catalogue.models import (DPS, ApplicationStatus, Category, Qualification, QualificationApplication,
                              QualificationStatus, Service, ServiceStatus, Supplier)
from marketplace.config import PROJECT_ROOT

SUPPLIERS = 300
TENDERS = 30
SECRET = "bench-competitions-secret"
BUYER = Actor(name="Ingrid Haugland", acting_for="0192:976240391", role="buyer")   # kommune-innkjoper
TARGETS = {"publish": 1000.0, "evaluation": 150.0, "record": 500.0}
START, END = "<!-- competitions:start -->", "<!-- competitions:end -->"


def scratch_database(admin: str, name: str) -> str:
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin: str, name: str) -> None:
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def add_qualified_suppliers(session: Session, dps: DPS, category: Category, n: int) -> list[int]:
    """*n* suppliers qualified in *category*, each with one published service (demo terms)."""
    inside = [category.id] + list(session.exec(select(Category.id).where(Category.parent_id == category.id)))
    template = session.exec(select(Service).where(Service.status == ServiceStatus.PUBLISHED,
                                                  Service.category_id.in_(inside))).first()
    ids = []
    for i in range(n):
        supplier = Supplier(orgnr=f"8{i:08d}", name=f"Benkleverandør {i:03d} AS", slug=f"benk-{i:03d}")
        session.add(supplier)
        session.flush()
        application = QualificationApplication(dps_id=dps.id, supplier_id=supplier.id, status=ApplicationStatus.DECIDED,
                                               declarations={})
        session.add(application)
        session.flush()
        session.add(Qualification(application_id=application.id, dps_id=dps.id, supplier_id=supplier.id,
                                  category_id=category.id, status=QualificationStatus.QUALIFIED))
        session.add(Service(supplier_id=supplier.id, category_id=template.category_id, status=ServiceStatus.PUBLISHED, version=1,
                            name=f"Lagring {i:03d}", summary="Objektlagring", terms=dict(template.terms or {})))
        ids.append(supplier.id)
    return ids


def draft(session: Session, dps: DPS, category: Category, now: datetime, title: str):
    values = dict(title=title, need="Objektlagring for arkivkopier.", estimated_value=900_000,
                  contract_period="2 år", price_form="Samlet pris for to år.",
                  tender_deadline=rules.earliest_tender_deadline(now) + timedelta(hours=12),
                  question_deadline=now + timedelta(days=3), standstill_days=10, standstill_reason="Frivillig.",
                  criteria=[{"key": "pris", "kind": "price", "name": "Pris", "weight": 60},
                            {"key": "k1", "kind": "quality", "name": "Kvalitet", "weight": 40}],
                  requirements=[{"key": "t-governing_law", "term": "governing_law", "values": ["norge"], "text": ""},
                                {"key": "t-eea_only_option", "term": "eea_only_option", "values": ["ja"],
                                 "text": ""},
                                {"key": "f1", "term": None, "values": [], "text": "Norsk brukerstøtte."}])
    return drafting.create(session, BUYER, dps, category, "Fjellvik kommune", values, now)


def time_publish(engine, dps_id: int, category_id: int, samples: int) -> tuple[list[float], int]:
    timings, invited = [], 0
    for i in range(samples):
        now = datetime.now(timezone.utc)
        with session_scope(engine) as s:
            comp = draft(s, s.get(DPS, dps_id), s.get(Category, category_id), now, f"Kunngjøring {i}")
        with Session(engine, expire_on_commit=False) as s:
            comp = s.merge(comp)
            start = time.perf_counter()
            invited = len(CompetitionLife(comp, now).publish(s, BUYER, now))
            s.commit()
            timings.append((time.perf_counter() - start) * 1000)
    return timings, invited


def evaluated_competition(engine, dps_id: int, category_id: int, supplier_ids: list[int], upload_dir: str) -> int:
    past = datetime.now(timezone.utc) - timedelta(days=20)
    with session_scope(engine) as s:
        comp = draft(s, s.get(DPS, dps_id), s.get(Category, category_id), past, "Evaluering med 30 tilbud")
        comp.tender_deadline = rules.earliest_tender_deadline(past)
        comp.question_deadline = past + timedelta(days=2)
        CompetitionLife(comp, past).publish(s, BUYER, past)
        for n, sid in enumerate(supplier_ids[:TENDERS]):
            actor = Actor(name=f"Benk {n}", acting_for=f"0192:8{n:08d}", role="supplier")
            data = tendering.TenderInput(price=str(700_000 + 10_000 * n), price_note="Fast pris.",
                                         answers={r["key"]: "Oppfylt." for r in comp.requirements},
                                         quality={"k1": "Godt beskrevet løsning. " * 20})
            tendering.save_draft(s, actor, comp, sid, data, secret=SECRET, upload_dir=upload_dir,
                                 now=past + timedelta(days=1))
            tendering.submit(s, actor, comp, sid, secret=SECRET, now=past + timedelta(days=1))
        CompetitionLife(comp, comp.tender_deadline).open(s, BUYER, comp.tender_deadline, SECRET)
        for n, tender in enumerate(s.exec(select(tendering.Tender).where(
                tendering.Tender.competition_id == comp.id, tendering.Tender.status == TenderStatus.SUBMITTED))):
            evaluation.assess(s, BUYER, comp, tender, {r["key"]: {"met": True, "reason": ""} for r in comp.requirements},
                              {"k1": {"score": str(n % 11), "reason": "Begrunnet."}}, comp.tender_deadline)
        s.flush()
        return comp.id


def timed_gets(http: requests.Session, url: str, samples: int, expect: bytes) -> list[float]:
    out = []
    http.get(url, timeout=30)  # warm
    for _ in range(samples):
        start = time.perf_counter()
        response = http.get(url, timeout=30)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and expect in response.content, (url, response.status_code)
    return out


def write_note(results: dict) -> None:
    note = PROJECT_ROOT / "docs" / "BENCHMARKS.md"
    r = results
    lines = [START, "## Competitions (issue 13)", "",
             f"Measured {r['when']} on {r['machine']} (PostgreSQL, one run, `python -m bench.competitions`; "
             f"in-process threaded server, real HTTP and the real login). Load average (1 min) {r['load']} at the "
             f"start and {r['load_after']} at the end of the run on a machine shared with other work: compare the "
             "pages with the yardstick measured in the same run. Milliseconds.", "",
             "| What | p50 | p95 | target p95 | n |", "|---|---|---|---|---|"]
    for key, label in (("publish", f"Publish to {r['invited']} qualified suppliers (invitations + outbox, "
                                   "one transaction)"),
                       ("evaluation", f"Evaluation page, {TENDERS} opened and assessed tenders"),
                       ("record", "Record export (ODS) of that competition"),
                       ("yardstick", "Yardstick: the public notice page of the same competition")):
        s = r[key]
        target = f"≤ {TARGETS[key]:.0f}" if key in TARGETS else "–"
        lines.append(f"| {label} | {s['p50']} | {s['p95']} | {target} | {s['n']} |")
    lines += ["", f"Ratio evaluation page / notice page (p50): {r['ratio']}. "
                  "Targets met: " + ", ".join(f"{k} {'yes' if r[k]['p95'] <= v else 'NO'}" for k, v in TARGETS.items())
              + ".", END]
    block = "\n".join(lines)
    text_ = note.read_text(encoding="utf-8") if note.exists() else "# Benchmarks\n"
    if START in text_ and END in text_:
        before, rest = text_.split(START, 1)
        text_ = before + block + rest.split(END, 1)[1]
    else:
        text_ = text_.rstrip("\n") + "\n\n" + block + "\n"
    note.write_text(text_, encoding="utf-8")


def main() -> dict:
    from tests.conftest import make_app
    from tests.login import LiveServer, live_app_config, login_over_http, share_signing_key
    from seed.demo import load_demo

    admin = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    samples = int(os.environ.get("BENCH_SAMPLES", "40"))
    name = "mp_bench_competitions"
    load_before = round(os.getloadavg()[0], 1)  # other work on the machine disturbs every figure: say how much
    url = scratch_database(admin, name)
    work = Path(tempfile.mkdtemp(prefix="bench-competitions-"))
    server = None
    try:
        upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as s:
            load_demo(s)
        with session_scope(engine) as s:
            dps = s.exec(select(DPS).where(DPS.slug == "dps-skytjenester")).one()
            category = s.exec(select(Category).where(Category.slug == "lagring")).one()
            supplier_ids = add_qualified_suppliers(s, dps, category, SUPPLIERS)
            dps_id, category_id = dps.id, category.id
        publish, invited = time_publish(engine, dps_id, category_id, max(10, samples // 2))
        comp_id = evaluated_competition(engine, dps_id, category_id, supplier_ids, str(work / "uploads"))
        server = LiveServer(lambda base: make_app(url, work / "instance", SECRET_KEY=SECRET,
                                                  UPLOAD_DIR=str(work / "uploads"), **live_app_config(base)))
        share_signing_key(server.app)
        http = requests.Session()
        login_over_http(http, server.url, "kommune-innkjoper")
        base = f"{server.url}/konkurranser/{comp_id}"
        evaluation_ms = timed_gets(http, f"{base}/evaluering", samples, b"compare-table")
        record_ms = timed_gets(http, f"{base}/protokoll.ods", max(10, samples // 2), b"PK")
        notice_ms = timed_gets(http, base, samples, b"Fjellvik kommune")
        results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                   "load": load_before, "load_after": round(os.getloadavg()[0], 1),
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)", "invited": invited,
                   "publish": summary(publish), "evaluation": summary(evaluation_ms), "record": summary(record_ms),
                   "yardstick": summary(notice_ms)}
        results["ratio"] = round(results["evaluation"]["p50"] / results["yardstick"]["p50"], 2)
        (PROJECT_ROOT / "bench" / "competitions.json").write_text(json.dumps(results, indent=2) + "\n")
        write_note(results)
        print(json.dumps(results, indent=2))
        engine.dispose()
        return results
    finally:
        if server is not None:
            server.stop()
            server.app.extensions["db_engine"].dispose()
        drop_database(admin, name)


if __name__ == "__main__":
    main()
