"""Background processes survive outages (catalogue.background) and are supervised (marketplace.supervisor).

The indexer test runs the real ``flask index follow`` process against PostgreSQL through a
TCP proxy that the test cuts (the machine's PostgreSQL itself is never stopped).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from catalogue.background import Backoff, Heartbeat, StopFlag, is_transient, read_heartbeat, run_loop
from tests.databases import backend
from tests.faults import CuttableProxy
from tests.search_fixtures import publish_service

ROOT = Path(__file__).resolve().parent.parent


def _db_down() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_a_loop_waits_out_an_outage_logs_it_once_and_catches_up(tmp_path, caplog):
    outcomes = [True, _db_down(), _db_down(), _db_down(), _db_down(), True, True, False]
    done, beats = [], []
    stop = StopFlag()
    heartbeat = Heartbeat(tmp_path, "worker", min_interval=0)

    def step() -> bool:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            beats.append(read_heartbeat(tmp_path, "worker"))
            raise outcome
        done.append(outcome)
        if not outcomes:
            stop.set()
        return outcome

    with caplog.at_level(logging.INFO, logger="marketplace.background"):
        run_loop("worker", step, stop=stop, idle_interval=0.01, heartbeat=heartbeat,
                 backoff=Backoff(initial=0.001, maximum=0.005))
    assert done == [True, True, True, False]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unavailable" in m for m in messages) == 1
    assert sum("recovered after" in m and "4 failed attempts" in m for m in messages) == 1
    # While the outage lasted the heartbeat said so; a clean stop removes the file.
    assert beats[-1]["state"] == "outage" and beats[-1]["attempts"] == 3
    assert read_heartbeat(tmp_path, "worker") is None


def test_a_programming_error_is_not_an_outage():
    def step():
        raise ProgrammingError("SELECT nonsense", {}, Exception("syntax error"))

    assert not is_transient(ProgrammingError("x", {}, Exception("y")))
    with pytest.raises(ProgrammingError):
        run_loop("worker", step, stop=StopFlag(), backoff=Backoff(initial=0.001))


def test_backoff_grows_to_its_ceiling_and_resets():
    backoff = Backoff(initial=1, maximum=8)
    delays = [backoff.next_delay() for _ in range(6)]
    assert 0.5 <= delays[0] <= 1 and 4 <= delays[-1] <= 8
    backoff.reset()
    assert backoff.next_delay() <= 1


# ---------------------------------------------------------------------------
# the real indexer process

def _index_service_ids(index_dir: Path) -> set[int]:
    from catalogue.search.store import IndexLocation

    ix = IndexLocation(index_dir).open()
    with ix.searcher() as searcher:
        return {int(d["ref"]) for d in searcher.documents(kind="service")}


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def follower_env(app, database_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "INDEX_DIR": app.config["INDEX_DIR"],
        "HEARTBEAT_DIR": str(Path(app.config["INSTANCE_PATH"]) / "heartbeats"),
        "MARKETPLACE_INSTANCE": app.config["INSTANCE_PATH"], "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": "0", "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.mark.skipif(backend() != "postgresql", reason="a database server to lose: the PostgreSQL run")
def test_the_indexer_process_survives_an_unreachable_database_and_catches_up(search_app, tmp_path):
    from sqlalchemy.engine import make_url

    url = search_app.config["DATABASE_URL"]
    target = make_url(url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    engine = search_app.extensions["db_engine"]
    heartbeats = Path(search_app.config["INSTANCE_PATH"]) / "heartbeats"
    log = tmp_path / "follower.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "marketplace", "index", "follow", "--no-build",
             "--interval", "0.05"],
            cwd=ROOT, env=follower_env(search_app, proxy.url_for(url)), stdout=out, stderr=subprocess.STDOUT)
    try:
        before = publish_service(engine, "Utholdende Lagring", "Lagring som tåler avbrudd.")
        _wait(lambda: before in _index_service_ids(Path(search_app.config["INDEX_DIR"])), 20, "the first service")

        proxy.cut()
        during = [publish_service(engine, f"Avbruddstjeneste {n}", "Publisert mens indekseren var avskåret.")
                  for n in range(3)]
        _wait(lambda: (read_heartbeat(heartbeats, "index") or {}).get("state") == "outage", 20, "the outage")
        time.sleep(3)  # several retries
        assert proc.poll() is None, log.read_text()
        assert not set(during) & _index_service_ids(Path(search_app.config["INDEX_DIR"]))

        proxy.restore()
        _wait(lambda: set(during) <= _index_service_ids(Path(search_app.config["INDEX_DIR"])), 20,
              "the catch-up after the outage")
        _wait(lambda: (read_heartbeat(heartbeats, "index") or {}).get("state") == "ok", 10, "a healthy heartbeat")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
        proxy.close()
    output = log.read_text()
    assert code == 0, output
    assert output.count("backing service unavailable") == 1, output
    assert "Indekseringen er stoppet." in output
    assert read_heartbeat(heartbeats, "index") is None  # a clean stop says "not running", not "died"


# ---------------------------------------------------------------------------
# the supervisor

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of the (dead) supervisor counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_the_supervisor_restarts_a_dying_child_and_stops_all_with_it(tmp_path):
    steady = tmp_path / "steady.pid"
    crashes = tmp_path / "crashes"
    steady_cmd = f"{sys.executable} -c \"import os,time,pathlib; pathlib.Path('{steady}').write_text(str(os.getpid())); time.sleep(600)\""
    crash_cmd = f"{sys.executable} -c \"import pathlib; f=open('{crashes}','a'); f.write('x'); f.close(); raise SystemExit(3)\""
    log = tmp_path / "supervisor.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "marketplace.supervisor", "--max-delay", "0.5",
                                 f"steady={steady_cmd}", f"crashy={crash_cmd}"],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: crashes.exists() and len(crashes.read_text()) >= 3, 20, "three starts of the crashing child")
        _wait(steady.exists, 10, "the steady child")
        pid = int(steady.read_text())
        assert _alive(pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0
    _wait(lambda: not _alive(pid), 5, "the steady child to stop with the supervisor")
    text = log.read_text()
    assert "crashy exited with status 3" in text and "all processes stopped" in text


def test_the_supervisor_refuses_a_malformed_command():
    result = subprocess.run([sys.executable, "-m", "marketplace.supervisor", "no-equals-sign"],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "NAME=COMMAND" in result.stderr


def test_heartbeat_is_written_atomically_as_json(tmp_path):
    Heartbeat(tmp_path, "x", min_interval=0).beat("ok", high=12)
    data = json.loads((tmp_path / "x.json").read_text())
    assert data["state"] == "ok" and data["high"] == 12 and data["pid"] == os.getpid()
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_the_request_id_travels_from_the_web_to_the_indexer_log(search_app, tmp_path):
    from catalogue.logs import request_context

    # The web takes nginx's X-Request-ID (or makes one) and answers with it.
    client = search_app.test_client()
    assert client.get("/", headers={"X-Request-ID": "nginx-4f2a9c1e"}).headers["X-Request-ID"] == "nginx-4f2a9c1e"
    assert len(client.get("/", headers={"X-Request-ID": "bad id; forged=1"}).headers["X-Request-ID"]) == 32

    log = tmp_path / "follower.log"
    env = follower_env(search_app, search_app.config["DATABASE_URL"]) | {"LOG_FORMAT": "json"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "marketplace", "index", "follow", "--no-build",
                                 "--interval", "0.05"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        with request_context("req-7d1e5b3a90"):  # as inside the web request that publishes
            publish_service(search_app.extensions["db_engine"], "Sporbar Tjeneste", "Fra forespørsel til indeks.")
        _wait(lambda: "req-7d1e5b3a90" in log.read_text(), 20, "the indexer's line naming the request")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    applied = [e for e in lines if e.get("request_id") == "req-7d1e5b3a90"]
    assert applied and "changes applied" in applied[0]["message"]
