"""Consistency across processes: writers publish concurrently while real indexer processes follow
the change log; one is killed with SIGKILL mid-run and restarted; a second index follows the same
log. After they drain, both indexes hold exactly the published services of the database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from catalogue.db import make_engine
from catalogue.models import Service
from catalogue.search.indexer import log_maximum
from catalogue.search.store import IndexLocation, read_state
from tests.search_fixtures import install_index

ROOT = Path(__file__).resolve().parent.parent
WRITERS, STEPS = 3, 40


def _env(app, index_dir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["DATABASE_URL"], "INDEX_DIR": str(index_dir),
        "MARKETPLACE_INSTANCE": str(Path(app.config["INSTANCE_PATH"])), "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": "0", "PYTHONUNBUFFERED": "1",
    })
    return env


class Follower:
    """``flask --app marketplace index follow`` as a separate process."""

    def __init__(self, app, index_dir: Path, log: Path):
        self.app, self.index_dir, self.log = app, index_dir, log

    def start(self) -> "Follower":
        self.out = open(self.log, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "marketplace", "index", "follow", "--no-build",
             "--batch-size", "5", "--interval", "0.05", "--gap-grace", "3"],
            cwd=ROOT, env=_env(self.app, self.index_dir), stdout=self.out, stderr=subprocess.STDOUT)
        return self

    def wait_for_batches(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.read_text().count("Indeksert:") >= count:
                return
            time.sleep(0.02)
        raise AssertionError(f"the follower applied no batches:\n{self.log.read_text()}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(20)
        self.out.close()
        return code


def _position(index_dir: Path):
    ix = IndexLocation(index_dir).open()
    with ix.searcher() as searcher:
        return read_state(searcher).position


def _wait_drained(engine, index_dir: Path, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            top = log_maximum(session)
        position = _position(index_dir)
        if position.watermark >= top:
            return
        time.sleep(0.1)
    raise AssertionError(f"index {index_dir} did not drain: {_position(index_dir)} vs log {top}")


def _documents(index_dir: Path) -> dict[str, dict]:
    ix = IndexLocation(index_dir).open()
    with ix.searcher() as searcher:
        return {d["id"]: d for d in searcher.documents(kind="service")}


@pytest.mark.slow
def test_concurrent_writers_and_followers_end_consistent(search_app, search_template, tmp_path):
    url = search_app.config["DATABASE_URL"]
    index_a = Path(search_app.config["INDEX_DIR"])
    index_b = tmp_path / "second" / "index"
    logs = tmp_path / "logs"
    logs.mkdir()
    follower_a = Follower(search_app, index_a, logs / "a.log").start()
    follower_b = None
    writers = [subprocess.Popen([sys.executable, "-m", "tests.search_fixtures", url, f"w{i}", str(STEPS), str(i)],
                                cwd=ROOT, env=_env(search_app, index_a)) for i in range(WRITERS)]
    try:
        # Kill the indexer while it works through the writers' changes, then start it again.
        follower_a.wait_for_batches(2)
        follower_a.kill()
        follower_a = Follower(search_app, index_a, logs / "a.log").start()
        # A second index (another app host) starts later from the same snapshot and follows the same log.
        install_index(search_template, str(index_b))
        follower_b = Follower(search_app, index_b, logs / "b.log").start()
        follower_a.wait_for_batches(4)
        follower_a.kill()
        follower_a = Follower(search_app, index_a, logs / "a.log").start()
        for writer in writers:
            assert writer.wait(60) == 0
        engine = make_engine(url)
        _wait_drained(engine, index_a)
        _wait_drained(engine, index_b)
    except BaseException:
        # Never leave an indexer running behind a failed test.
        for follower in (follower_a, follower_b):
            if follower is not None and follower.proc.poll() is None:
                follower.kill()
        raise
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    assert follower_a.stop() == 0 and follower_b.stop() == 0
    output = (logs / "a.log").read_text() + (logs / "b.log").read_text()
    assert "LockError" not in output and "Traceback" not in output, output
    assert "Indekseringen er stoppet." in output

    with Session(engine) as session:
        published = {f"service:{s.id}": s for s in session.exec(select(Service).where(Service.status == "published"))}
    engine.dispose()
    docs_a, docs_b = _documents(index_a), _documents(index_b)
    assert set(docs_a) == set(published)
    assert docs_a == docs_b  # same documents, same stored fields
    for key, doc in docs_a.items():
        assert doc["name"] == published[key].name
    assert any(d["name"].startswith("Lasttest") for d in docs_a.values())
    assert any("endret av" in d["name"] for d in docs_a.values())
