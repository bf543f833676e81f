"""``python -m bench.faults`` (part of ``make bench``): the production stack under faults.

Everything runs on this machine, on servers of the benchmark's own – the machine's shared
PostgreSQL and Redis are never touched:

* PostgreSQL: a cluster made with Debian's ``initdb`` in a temporary directory, on its own port
  (run as the ``postgres`` user when the benchmark runs as root);
* Redis: ``redis-server`` on its own port;
* the stack: nginx (deploy/nginx/markedsplassen.conf) → gunicorn (deploy/gunicorn.conf.py), with
  the indexer, the notification dispatcher and the retention job, all under the supervisor
  (marketplace/supervisor.py) as ``make run`` starts them.

Under a steady load (readers through nginx: search, pages, the API, /login; one writer
publishing services through the catalogue layer, each with a unique name), the faults are:
PostgreSQL restarted; PostgreSQL stopped for 10 s; Redis stopped for 10 s. Measured: 5xx other
than 503 during and after each outage, writes attempted / acknowledged / lost / duplicated,
every background process alive afterwards, seconds until the index equals the database
after each outage. Then 200 slow connections (headers sent a line every second, never
finished) against nginx, while normal requests are timed against the same unloaded figure;
the same attack straight at gunicorn is the yardstick.

Writes ``bench/faults.json`` and the section "Faults" of docs/BENCHMARKS.md.
Ports: ``BENCH_FAULT_PORTS`` (default ``5106,5108,5109``: nginx, gunicorn, PostgreSQL); Redis on a Unix socket.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import statistics
import subprocess  # nosec B404 - the benchmark starts and stops its own servers
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.procs import BIN, FLASK, Processes, wait_http
from marketplace.config import PROJECT_ROOT

NOTE = PROJECT_ROOT / "docs" / "BENCHMARKS.md"
RESULTS = PROJECT_ROOT / "bench" / "faults.json"
SECTION_START = "<!-- faults:start -->"
SECTION_END = "<!-- faults:end -->"
AFTER_SECONDS = 15.0      # observed after each outage
OUTAGE_SECONDS = 10.0
INDEX_EQUAL_LIMIT = 5.0   # the target: index equal to the database within 5 s
READERS = 4
SLOW_CONNECTIONS = 200


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SystemExit("bench.faults needs Debian's PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
    return found[-1].parent


class OwnPostgres:
    """A throw-away PostgreSQL cluster on its own port."""

    def __init__(self, root: Path, port: int):
        self.bin = _pg_bin()
        self.home = root / "pg"             # owned by the server's user: its data and its log
        self.data = self.home / "data"
        self.log = self.home / "postgres.log"
        self.port = port
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgresql://postgres@127.0.0.1:{port}/markedsplassen"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)  # nosec B603

    def init(self) -> None:
        self.data.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.home, "postgres")
            shutil.chown(self.data, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "markedsplassen")

    def _ctl(self, *args: str) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}", "restart")

    def destroy(self) -> None:
        try:
            self._ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


class OwnRedis:
    """redis-server on a Unix socket of its own (no TCP port needed)."""

    def __init__(self, root: Path):
        self.root = root
        self.socket = root / "redis.sock"
        self.proc: subprocess.Popen | None = None
        self.url = f"redis+unix://{self.socket}?db=0"

    def start(self) -> None:
        log = open(self.root / "redis.log", "ab")
        self.proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(self.socket),  # nosec B603 B607
                                      "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                                      "--dir", str(self.root)],
                                     stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(self.socket))
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


def nginx_config(root: Path, listen: int, upstream: int) -> Path:
    site = (PROJECT_ROOT / "deploy" / "nginx" / "markedsplassen.conf").read_text()
    for key, value in {"${MP_LISTEN}": f"127.0.0.1:{listen}", "${MP_SERVER_NAME}": "localhost",
                       "${MP_UPSTREAM}": f"127.0.0.1:{upstream}", "${MP_STATIC}": str(PROJECT_ROOT / "static"),
                       "/var/log/nginx/markedsplassen.access.log": str(root / "nginx-access.log")}.items():
        site = site.replace(key, value)
    temp = root / "nginx-temp"
    temp.mkdir(exist_ok=True)
    main = f"""
user root;
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
    path = root / "nginx.conf"
    path.write_text(main)
    return path


# ---------------------------------------------------------------------------
# load

@dataclass
class Sample:
    t: float
    path: str
    status: int        # 0: no answer (connection refused, timeout)
    seconds: float


@dataclass
class Load:
    base: str
    samples: list[Sample] = field(default_factory=list)
    writes: list[tuple[str, float, bool]] = field(default_factory=list)   # (name, time, acknowledged)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    PATHS = ("/tjenester?q=sky", "/tjenester?q=lagring+i+norge", "/", "/leverandorer", "/api/v1/services?q=drift",
             "/login", "/tjenester?q=backup")

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)  # nosec B311 - load mix
        http = requests.Session()
        while not self.stop.is_set():
            path = rng.choice(self.PATHS)
            started = time.perf_counter()
            try:
                status = http.get(self.base + path, timeout=10, allow_redirects=False).status_code
            except requests.RequestException:
                status = 0
            with self.lock:
                self.samples.append(Sample(time.time(), path, status, time.perf_counter() - started))
            time.sleep(0.02)

    def writer(self, url: str, run: str) -> None:
        from catalogue.db import make_engine
        from tests.search_fixtures import publish_service

        engine = make_engine(url)
        n = 0
        while not self.stop.is_set():
            name = f"Feiltest {run} nr {n}"
            n += 1
            try:
                publish_service(engine, name, "Publisert under feiltesten.")
                ok = True
            except Exception:  # the database is away: the attempt is recorded as not acknowledged
                ok = False
            with self.lock:
                self.writes.append((name, time.time(), ok))
            time.sleep(0.05 if ok else 0.2)
        engine.dispose()

    def start(self, url: str, run: str) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.reader, args=(i,), daemon=True) for i in range(READERS)]
        threads.append(threading.Thread(target=self.writer, args=(url, run), daemon=True))
        for thread in threads:
            thread.start()
        return threads


def classify(samples: list[Sample], start: float, end: float) -> dict:
    window = [s for s in samples if start <= s.t < end]
    return {
        "requests": len(window),
        "ok": sum(1 for s in window if 200 <= s.status < 400),
        "4xx": sum(1 for s in window if 400 <= s.status < 500),
        "503": sum(1 for s in window if s.status == 503),
        "other_5xx": sum(1 for s in window if s.status >= 500 and s.status != 503),
        "no_answer": sum(1 for s in window if s.status == 0),
    }


# ---------------------------------------------------------------------------
# consistency

def index_ids(index_dir: Path) -> set[int]:
    from catalogue.search.store import IndexLocation

    ix = IndexLocation(index_dir).open()
    with ix.searcher() as searcher:
        return {int(d["ref"]) for d in searcher.documents(kind="service")}


def published_ids(engine) -> set[int]:
    from sqlmodel import Session, select

    from catalogue.models import Service, ServiceStatus

    with Session(engine) as session:
        return set(session.exec(select(Service.id).where(Service.status == ServiceStatus.PUBLISHED)).all())


def seconds_until_equal(engine, index_dir: Path, since: float, limit: float = 60.0, *, exact: bool = False) -> float | None:
    """Seconds from *since* until the index holds every service the database had published at
    *since* (the writer keeps publishing meanwhile, so later ones may still be on their way);
    with *exact* (no writer running) until the two sets are equal."""
    deadline = time.monotonic() + limit
    target = None
    while time.monotonic() < deadline:
        try:
            if target is None:
                target = published_ids(engine)
            held = index_ids(index_dir)
            if (held == published_ids(engine)) if exact else (target <= held):
                return round(time.time() - since, 2)
        except Exception:  # nosec B110 - the database is still coming back: look again
            pass
        time.sleep(0.1)
    return None


# ---------------------------------------------------------------------------
# slow connections

def slow_clients(port: int, count: int, stop: threading.Event, opened: list[int]) -> None:
    """*count* connections that send a header line a second and never finish their request."""
    socks: list[socket.socket | None] = [None] * count

    def connect() -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(b"GET /tjenester?q=sky HTTP/1.1\r\nHost: localhost\r\n")
            opened[0] += 1
            return sock
        except OSError:
            return None

    while not stop.is_set():
        for i in range(count):
            sock = socks[i]
            if sock is None:
                socks[i] = connect()
                continue
            try:
                sock.sendall(b"X-Slow: %d\r\n" % random.randrange(10**6))  # nosec B311
            except OSError:
                sock.close()
                socks[i] = connect()
        stop.wait(1.0)
    for sock in socks:
        if sock is not None:
            sock.close()


def timed_requests(url: str, seconds: float) -> dict:
    http = requests.Session()
    times, failures = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            ok = http.get(url, timeout=10).status_code == 200
        except requests.RequestException:
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            times.append(elapsed)
        else:
            failures += 1
        time.sleep(0.05)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)] if times else None
    return {"served": len(times), "failed": failures, "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "p95_ms": round(p95 * 1000, 1) if p95 else None}


def under_slow_clients(port_attacked: int, url: str, seconds: float) -> dict:
    stop, opened = threading.Event(), [0]
    attacker = threading.Thread(target=slow_clients, args=(port_attacked, SLOW_CONNECTIONS, stop, opened), daemon=True)
    attacker.start()
    time.sleep(3)  # all connections open and dribbling
    try:
        result = timed_requests(url, seconds)
    finally:
        stop.set()
        attacker.join(10)
    result["slow_connections_opened"] = opened[0]
    return result


# ---------------------------------------------------------------------------
# the run

def run() -> dict:
    ports = [int(p) for p in os.environ.get("BENCH_FAULT_PORTS", "5106,5108,5109").split(",")]
    nginx_port, gunicorn_port, pg_port = ports
    root = Path(tempfile.mkdtemp(prefix="mp-faults-"))
    os.chmod(root, 0o755)  # nosec B103 - the postgres user must reach its data directory
    pg = OwnPostgres(root, pg_port)
    redis = OwnRedis(root)
    results: dict = {"machine": {"cores": os.cpu_count()}, "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    instance = root / "instance"
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": pg.url, "REDIS_URL": redis.url, "MARKETPLACE_INSTANCE": str(instance),
        "INDEX_DIR": str(instance / "index"), "UPLOAD_DIR": str(instance / "uploads"),
        "HEARTBEAT_DIR": str(instance / "heartbeats"), "SECRET_KEY": "faults-bench-secret",
        "PID_HMAC_KEY": "faults-bench-pid", "PORT": str(nginx_port), "PUBLIC_BASE_URL": f"http://127.0.0.1:{nginx_port}",
        "TRUSTED_PROXIES": "1", "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}", "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "8", "LOG_FORMAT": "json", "AUTH_RATE_LIMIT": "100000/minute",
        "SEARCH_RATE_LIMIT": "100000/minute", "API_RATE_LIMIT": "100000/minute",
        "BACKGROUND_PROCESSES": "index,notify,retention", "PROMETHEUS_MULTIPROC_DIR": str(root / "prometheus"),
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing is mailed in the run; the dispatcher only idles
    })
    procs = Processes(root / "logs")
    try:
        pg.init()
        redis.start()
        for step in (["db", "upgrade"], ["seed", "demo"], ["seed", "articles"], ["index", "rebuild", "--procs", "1"]):
            procs.run("setup-" + step[0], FLASK + step, env, timeout=600)
        supervisor = procs.start("supervisor", [str(BIN / "python"), "-m", "marketplace.supervisor",
                                                f"web={BIN / 'gunicorn'} -c deploy/gunicorn.conf.py",
                                                f"index={' '.join(FLASK)} index follow --no-build",
                                                f"notify={' '.join(FLASK)} notify follow",
                                                f"retention={' '.join(FLASK)} retention follow"], env)
        wait_http(f"http://127.0.0.1:{gunicorn_port}/helse/live", supervisor, 120)
        nginx = procs.start("nginx", ["nginx", "-c", str(nginx_config(root, nginx_port, gunicorn_port)),
                                      "-p", str(root)], env)
        base = f"http://127.0.0.1:{nginx_port}"
        wait_http(f"{base}/helse/live", nginx, 60)
        deadline = time.monotonic() + 60
        while requests.get(f"{base}/helse/klar", timeout=10).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        results["ready_before"] = requests.get(f"{base}/helse/klar", timeout=10).json()["status"]

        from catalogue.db import make_engine

        engine = make_engine(pg.url)
        index_dir = instance / "index"
        load = Load(base)
        threads = load.start(pg.url, time.strftime("%H%M%S"))
        phases = []

        def outage(name: str, begin, end, seconds: float | None) -> None:
            t0 = time.time()
            begin()
            if seconds:
                time.sleep(seconds)
            end()
            t1 = time.time()
            equal = seconds_until_equal(engine, index_dir, t1)
            time.sleep(max(0.0, AFTER_SECONDS - (time.time() - t1)))
            phases.append({"fault": name, "outage_seconds": round(t1 - t0, 2),
                           "during": classify(load.samples, t0, t1),
                           "after": classify(load.samples, t1, t1 + AFTER_SECONDS),
                           "index_equal_after_s": equal})

        time.sleep(10)
        t_base = time.time()
        time.sleep(10)
        results["baseline"] = classify(load.samples, t_base, time.time())
        outage("PostgreSQL restarted (pg_ctl restart -m fast)", pg.restart, lambda: None, None)
        outage("PostgreSQL stopped for 10 s", pg.stop, pg.start, OUTAGE_SECONDS)
        outage("Redis stopped for 10 s", redis.stop, redis.start, OUTAGE_SECONDS)
        load.stop.set()
        for thread in threads:
            thread.join(20)

        # Writes: what the writer was told against what the database holds.
        from sqlalchemy import func
        from sqlmodel import Session, select

        from catalogue.models import Service

        names = [w[0] for w in load.writes]
        with Session(engine) as session:
            stored = dict(session.exec(select(Service.name, func.count()).where(Service.name.in_(names))
                                       .group_by(Service.name)).all())
        acknowledged = [w for w in load.writes if w[2]]
        results["writes"] = {
            "attempted": len(load.writes), "acknowledged": len(acknowledged),
            "committed": sum(1 for n in names if stored.get(n)),
            "lost": sum(1 for w in acknowledged if not stored.get(w[0])),
            "duplicated": sum(1 for n in names if stored.get(n, 0) > 1),
            "committed_without_acknowledgement": sum(1 for w in load.writes if not w[2] and stored.get(w[0])),
        }
        results["phases"] = phases
        klar = requests.get(f"{base}/helse/klar", timeout=10)
        results["ready_after"] = {"status": klar.status_code,
                                  "processes": {k: v["ok"] for k, v in
                                                klar.json()["checks"]["processes"]["processes"].items()}}
        log = (root / "logs" / "supervisor.log").read_text(errors="replace")
        results["restarts_by_supervisor"] = log.count("restarting in")
        results["index_equal_at_end_s"] = seconds_until_equal(engine, index_dir, time.time(), exact=True)
        results["whole_run"] = classify(load.samples, 0, time.time())

        # Slow connections: nginx in front; the same attack at gunicorn itself as the yardstick.
        url = f"{base}/tjenester?q=sky"
        results["slow"] = {
            "unloaded": timed_requests(url, 15),
            "nginx": under_slow_clients(nginx_port, url, 20),
        }
        time.sleep(12)  # nginx has closed the attack's connections (client_header_timeout)
        direct = f"http://127.0.0.1:{gunicorn_port}/tjenester?q=sky"
        results["slow"]["gunicorn_unloaded"] = timed_requests(direct, 10)
        results["slow"]["gunicorn_direct"] = under_slow_clients(gunicorn_port, direct, 20)
        engine.dispose()
    finally:
        procs.stop_all()
        redis.stop()
        pg.destroy()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"bench.faults: kept {root}", file=sys.stderr)
    return results


# ---------------------------------------------------------------------------
# the note

def _row(phase: dict) -> str:
    d, a = phase["during"], phase["after"]
    equal = phase["index_equal_after_s"]
    return (f"| {phase['fault']} | {phase['outage_seconds']:.1f} s | {d['requests']} | {d['503']} | "
            f"**{d['other_5xx']}** | {d['no_answer']} | {a['requests']} | **{a['other_5xx']}** | "
            f"{'—' if equal is None else f'{equal:.1f} s'} |")


def section(results: dict) -> str:
    w, s = results["writes"], results["slow"]
    ratio = (s["nginx"]["p95_ms"] / s["unloaded"]["p95_ms"]) if s["nginx"]["p95_ms"] and s["unloaded"]["p95_ms"] else None
    lines = [
        SECTION_START,
        "## Faults: database and Redis outages, slow clients (issue 18)",
        "",
        f"`python -m bench.faults` (in `make bench`), run {results['started']} on this machine "
        f"({results['machine']['cores']} cores, shared with other work). The stack as in production: nginx → "
        "gunicorn (2 gthread workers × 8 threads, preload) with the indexer, the notification dispatcher and the "
        "retention job under the supervisor, on a PostgreSQL cluster and a Redis server of the benchmark's own. "
        f"Steady load: {READERS} readers through nginx (search, front page, suppliers, API, /login) and one "
        "writer publishing services through the catalogue layer, each under a unique name.",
        "",
        "| Fault | Outage | Requests during | 503 during | 5xx other than 503 during | No answer during | "
        f"Requests in {AFTER_SECONDS:.0f} s after | 5xx other than 503 after | Index equal to the database after |",
        "|---|---|---|---|---|---|---|---|---|",
        *(_row(p) for p in results["phases"]),
        "",
        f"Baseline before the faults: {results['baseline']['requests']} requests in 10 s, "
        f"{results['baseline']['other_5xx'] + results['baseline']['503']} 5xx. Whole run (from the first "
        f"request, warm-up included): {results['whole_run']['requests']} requests, "
        f"**{results['whole_run']['other_5xx']}** 5xx other than 503, {results['whole_run']['503']} 503. "
        "\"Index equal\": seconds from the outage's end until the index holds every service the database had "
        "published at that moment (the writer keeps publishing); after the load stopped, index and database "
        f"were exactly equal after {results['index_equal_at_end_s']} s.",
        "",
        f"**Writes** across all three faults: {w['attempted']} attempted, {w['acknowledged']} acknowledged, "
        f"{w['committed']} committed, **{w['lost']} lost** (acknowledged but not in the database), "
        f"**{w['duplicated']} duplicated**, {w['committed_without_acknowledgement']} committed although the "
        "writer saw an error (the connection broke during COMMIT; the writer does not retry, so nothing doubles).",
        "",
        f"**Background processes** afterwards: /helse/klar answered {results['ready_after']['status']}, processes "
        + ", ".join(f"{k} {'alive' if v else 'DOWN'}" for k, v in results["ready_after"]["processes"].items())
        + f"; restarts by the supervisor during the run: {results['restarts_by_supervisor']} (the processes waited "
        "the outages out themselves).",
        "",
        f"**Slow connections**: {SLOW_CONNECTIONS} connections sending a header line a second and never finishing "
        "the request, while one client times normal searches (`/tjenester?q=sky`):",
        "",
        "| | Served | Failed | p50 | p95 |",
        "|---|---|---|---|---|",
        f"| through nginx, unloaded | {s['unloaded']['served']} | {s['unloaded']['failed']} | "
        f"{s['unloaded']['p50_ms']} ms | {s['unloaded']['p95_ms']} ms |",
        f"| through nginx, {SLOW_CONNECTIONS} slow connections | {s['nginx']['served']} | {s['nginx']['failed']} | "
        f"{s['nginx']['p50_ms']} ms | **{s['nginx']['p95_ms']} ms** |",
        f"| yardstick: gunicorn alone, unloaded | {s['gunicorn_unloaded']['served']} | "
        f"{s['gunicorn_unloaded']['failed']} | {s['gunicorn_unloaded']['p50_ms']} ms | {s['gunicorn_unloaded']['p95_ms']} ms |",
        f"| yardstick: gunicorn alone, {SLOW_CONNECTIONS} slow connections | {s['gunicorn_direct']['served']} | "
        f"{s['gunicorn_direct']['failed']} | {s['gunicorn_direct']['p50_ms']} ms | {s['gunicorn_direct']['p95_ms']} ms |",
        "",
        f"p95 under the attack ÷ unloaded p95 through nginx: **{ratio:.2f}×** (target ≤ 2×)." if ratio else
        "p95 ratio: not measured (no successful request).",
        SECTION_END,
    ]
    return "\n".join(lines)


def write(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = NOTE.read_text(encoding="utf-8") if NOTE.exists() else ""
    block = section(results)
    if SECTION_START in text and SECTION_END in text:
        head, rest = text.split(SECTION_START, 1)
        text = head + block + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    NOTE.write_text(text, encoding="utf-8")


def main() -> int:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop: clean up servers and processes (finally)
    results = run()
    write(results)
    print(section(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
