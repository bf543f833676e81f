"""gunicorn for Markedsplassen (production and the fault benchmark): ``gunicorn -c deploy/gunicorn.conf.py``.

Behind nginx (deploy/nginx/markedsplassen.conf), which buffers whole requests and responses,
so a slow client never holds a worker: the workers here only ever talk to nginx over loopback.

- ``gthread`` workers: each worker process serves ``GUNICORN_THREADS`` requests at once, so a
  slow database query or SMTP hand-off does not idle the whole process.
- ``preload_app``: the app is imported once in the master and forked (less memory, a broken
  release fails at start, not per worker); database pools are reset in every worker. The master
  warms the search (``when_ready``) before it forks, and each worker opens its own index files
  and serves one search before it takes traffic (``post_worker_init``).
- Timeouts: a request that hangs for ``timeout`` seconds gets its worker restarted;
  ``graceful_timeout`` lets running requests finish on reload (``kill -HUP`` / ``systemctl reload``:
  new workers start with the new code, old ones finish and exit).
- Prometheus multiprocess mode: each worker writes its counters to ``PROMETHEUS_MULTIPROC_DIR``;
  the directory is emptied at start and a dead worker's gauges are dropped.
"""
import gc
import os
import shutil
import threading

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "marketplace:create_app()"
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # nginx keeps its upstream connections open (keepalive in the upstream block)
max_requests = 20000  # recycle workers now and then (memory held by a fragmenting heap)
max_requests_jitter = 2000
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"
accesslog = None  # nginx writes the access log (without query strings); the app logs as JSON
errorlog = "-"

WORKER_READY = "Worker ready:"  # logged once a worker is warm and about to take traffic
GC_THRESHOLDS = (20_000, 20, 20)  # the workers' garbage collector (post_worker_init)
WARM_UP_SECONDS = float(os.environ.get("SEARCH_WARM_UP_SECONDS", "300"))  # the master's, at most
PROMETHEUS_DIR = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                                       os.path.join(os.environ.get("MARKETPLACE_INSTANCE", "instance"), "prometheus"))


def on_starting(server):
    shutil.rmtree(PROMETHEUS_DIR, ignore_errors=True)
    os.makedirs(PROMETHEUS_DIR, exist_ok=True)


def when_ready(server):
    # preload_app: the master has built the app, and with it started the search warm-up (index
    # opened, per-segment data, facet counts, spelling dictionaries, the page's templates
    # compiled). Let it finish before the first worker forks: every worker then starts with it.
    for thread in threading.enumerate():
        if thread.name == "search-warm-up":
            thread.join(timeout=WARM_UP_SECONDS)
    _warm_pages(server.app.wsgi())
    # Everything the master holds now lives as long as the workers: out of the garbage collector's
    # sight, so a worker's first full collection neither walks it (a pause) nor writes to every
    # shared page (copy-on-write of the whole warmed index data).
    gc.collect()
    gc.freeze()


def _warm_pages(app):
    # The market overview once: its stored snapshot brought up to date, its queries compiled and its
    # figures kept by the process (a worker forked after this only checks that nothing moved).
    try:
        app.test_client().get("/marked", environ_base={"REMOTE_ADDR": "warm-up"})
    except Exception:  # the page reports its own errors; a warm-up never stops the server
        app.logger.exception("market overview warm-up failed")


def post_fork(server, worker):
    # Connections opened in the master (if any) must not be shared by the forked workers.
    app = server.app.wsgi()
    app.extensions["db_engine"].dispose(close=False)
    # Nor the search index's files: the master's handle holds Whoosh file objects whose position
    # and lock a fork would share – under threads that gave "reentrant call" errors (found by
    # bench/faults.py). Each worker opens its own, taking over what the master derived from it.
    from marketplace.web import SEARCH_INDEX

    handle = app.extensions.pop(SEARCH_INDEX, None)
    if handle is not None:
        app.extensions[SEARCH_INDEX] = handle.forked()


def post_worker_init(worker):
    # Before the worker accepts its first connection: open the index and serve the search page
    # and its fragment once, so no visitor's request is the one that opens files, connects to
    # the database or fills a cache (issue 17: the first search of a fresh worker ≤ 50 ms).
    from marketplace.views.search import warm_search

    app = worker.wsgi
    if app.config.get("SEARCH_WARM_UP"):
        try:
            warm_search(app)
        except Exception:  # the page reports a missing or broken index itself
            app.logger.exception("search warm-up failed")
    _warm_pages(app)
    # A search page allocates some 50 000 objects: with Python's default thresholds (700, 10, 10)
    # that is some 70 young-generation collections per page (about 5 % of its time, issue 17); with
    # a young generation of 20 000, two or three. What the warm-up built lives as long as the worker:
    # out of the collector's sight, as in the master.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    worker.log.info("%s %s", WORKER_READY, worker.pid)  # bench/search17.py times the next request


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
