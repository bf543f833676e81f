"""/helse/live, /helse/klar and /metrikker – the readiness check against real background processes.

The indexer (``flask index follow``) and the retention job (``flask retention follow``) run
as real processes writing their heartbeats; the test stops, kills and restarts them and
watches /helse/klar turn unhealthy and healthy again.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.search_fixtures import publish_service
from tests.test_background import ROOT, follower_env

FAST = {"BACKGROUND_PROCESSES": ["index", "retention"], "HEARTBEAT_MAX_AGE_SECONDS": 4.0,
        "INDEX_LAG_LIMIT_SECONDS": 2.0}


class Proc:
    def __init__(self, app, name: str, args: list[str], log: Path):
        self.app, self.name, self.args, self.log = app, name, args, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Proc":
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "marketplace", *self.args],
                                         cwd=ROOT, env=follower_env(self.app, self.app.config["DATABASE_URL"]),
                                         stdout=out, stderr=subprocess.STDOUT)
        return self

    def signal(self, signum) -> None:
        self.proc.send_signal(signum)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ready(client) -> tuple[int, dict]:
    response = client.get("/helse/klar")
    return response.status_code, response.get_json()


def wait_for(client, status: int, timeout: float, why: str) -> dict:
    deadline = time.monotonic() + timeout
    code, report = ready(client)
    while time.monotonic() < deadline and code != status:
        time.sleep(0.25)
        code, report = ready(client)
    assert code == status, f"{why}: {report}"
    return report


def test_live_needs_nothing_but_the_process(shared_client):
    response = shared_client.get("/helse/live")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.slow
def test_ready_follows_the_real_background_processes(search_app, tmp_path):
    search_app.config.update(FAST)
    client = search_app.test_client()
    code, report = ready(client)
    assert code == 503 and report["checks"]["processes"]["processes"]["index"]["error"].startswith("not running")

    index = Proc(search_app, "index", ["index", "follow", "--no-build", "--interval", "0.1"], tmp_path / "index.log")
    retention = Proc(search_app, "retention", ["retention", "follow", "--every", "1"], tmp_path / "retention.log")
    try:
        index.start(), retention.start()
        report = wait_for(client, 200, 30, "both processes up")
        assert report["checks"]["database"]["ok"] and report["checks"]["migrations"]["ok"]
        assert report["checks"]["index"]["behind"] == 0

        # A process that dies: unhealthy, and healthy again once it is back.
        retention.signal(signal.SIGKILL)
        retention.proc.wait(10)
        report = wait_for(client, 503, 10, "the killed retention job")
        assert report["checks"]["processes"]["processes"]["retention"]["error"] == "the process is gone"
        retention.start()
        wait_for(client, 200, 20, "the restarted retention job")

        # An indexer that hangs: the index lags past the limit, its heartbeat goes stale.
        index.signal(signal.SIGSTOP)
        publish_service(search_app.extensions["db_engine"], "Forsinket Tjeneste", "Venter på indekseren.")
        report = wait_for(client, 503, 15, "the stalled indexer")
        assert not report["checks"]["index"]["ok"] and report["checks"]["index"]["behind"] >= 1
        index.signal(signal.SIGCONT)
        report = wait_for(client, 200, 20, "the indexer catching up")
        assert report["checks"]["index"]["behind"] == 0
    finally:
        index.stop()
        retention.stop()
    # Stopped cleanly: "not running", not "died".
    report = wait_for(client, 503, 5, "after stopping")
    assert report["checks"]["processes"]["processes"]["index"]["error"].startswith("not running")


def test_metrics_count_requests_and_are_not_public(shared_search_app):
    client = shared_search_app.test_client()
    client.get("/tjenester?q=sky")
    body = client.get("/metrikker").get_data(as_text=True)
    assert 'marketplace_request_duration_seconds_count{endpoint="search.search",method="GET",status="200"}' in body
    assert "marketplace_search_duration_seconds_bucket" in body
    assert "marketplace_index_behind_changes" in body
    assert 'marketplace_background_process_up{process="index"}' in body
    outside = client.get("/metrikker", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404


def test_metrics_add_up_the_workers_of_a_multiprocess_server(shared_search_app, tmp_path, monkeypatch):
    """Two worker processes each count their requests; one scrape reports the sum."""
    script = (
        "import sys\n"
        "from marketplace import metrics\n"
        "for _ in range(int(sys.argv[1])):\n"
        "    metrics.REQUEST_SECONDS.labels(endpoint='search.search', method='GET', status='200').observe(0.01)\n"
    )
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for count in (3, 4):
        subprocess.run([sys.executable, "-c", script, str(count)], cwd=ROOT, env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    body = shared_search_app.test_client().get("/metrikker").get_data(as_text=True)
    assert 'marketplace_request_duration_seconds_count{endpoint="search.search",method="GET",status="200"} 7.0' in body
