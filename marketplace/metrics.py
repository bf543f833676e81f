"""Prometheus metrics (prometheus_client), correct under several gunicorn workers.

Counted per request in every worker: request latency per endpoint, method and status; search
latency (the search page and the API's search); login failures by reason. With several worker
processes each keeps its own numbers, so gunicorn sets ``PROMETHEUS_MULTIPROC_DIR`` (deploy/
gunicorn.conf.py) and the scrape adds up every worker's files (``MultiProcessCollector``).

Read at scrape time from the database, the index and the heartbeats (the same facts as
/helse/klar): index lag (changes and seconds), outbox depth and failed notifications, and
whether each background process is up.

``/metrikker`` is not public: it answers only addresses in ``METRICS_ALLOWED_IPS`` (default
the machine itself), and nginx refuses it from outside (deploy/nginx.conf).
"""
from __future__ import annotations

import os
import time

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram("marketplace_request_duration_seconds", "Time to answer a request",
                            ["endpoint", "method", "status"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SEARCH_SECONDS = Histogram("marketplace_search_duration_seconds", "Time to answer a search (page or API)",
                           ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
LOGIN_FAILURES = Counter("marketplace_login_failures_total", "Logins refused, by reason", ["reason"])

SEARCH_ENDPOINTS = {"search.search", "api.services"}


def login_failed(reason: str) -> None:
    LOGIN_FAILURES.labels(reason=reason or "unknown").inc()


class ServiceCollector:
    """Facts read at scrape time (one process answers the scrape, so no multiprocess summing)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from marketplace import health

        lag = GaugeMetricFamily("marketplace_index_lag_seconds", "Age of the oldest change the index lacks")
        behind = GaugeMetricFamily("marketplace_index_behind_changes", "Change-log entries the index lacks")
        up = GaugeMetricFamily("marketplace_background_process_up", "A live heartbeat from the process",
                               labels=["process"])
        with self.app.app_context():
            try:
                info = health.index(self.app)
                if "lag_seconds" in info:
                    lag.add_metric([], info["lag_seconds"])
                    behind.add_metric([], info["behind"])
            except Exception:  # a scrape shows what it can; /helse/klar says why # nosec B110
                pass
            for name, entry in health.processes(self.app)["processes"].items():
                up.add_metric([name], 1.0 if entry["ok"] else 0.0)
            yield from (lag, behind, up)
            yield from self._outbox()

    def _outbox(self):
        try:
            from sqlmodel import Session, func, select

            from catalogue.notifications.models import Notification, NotificationStatus
        except ImportError:  # notifications not installed in this build
            return
        depth = GaugeMetricFamily("marketplace_outbox_depth", "Notifications waiting to be sent", labels=["status"])
        failed = GaugeMetricFamily("marketplace_outbox_failed", "Notifications given up after their attempts")
        try:
            with Session(self.app.extensions["db_engine"]) as session:
                counts = dict(session.exec(select(Notification.status, func.count())
                                           .group_by(Notification.status)).all())
        except Exception:  # the database is away: no outbox figures in this scrape
            return
        for status in (NotificationStatus.QUEUED, NotificationStatus.HELD):
            depth.add_metric([status.value], counts.get(status.value, 0))
        failed.add_metric([], counts.get(NotificationStatus.FAILED.value, 0))
        yield depth
        yield failed


def registry_for(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:  # one process (make run, tests): its own counters
        for collector in (REQUEST_SECONDS, SEARCH_SECONDS, LOGIN_FAILURES):
            registry.register(collector)
    registry.register(ServiceCollector(app))
    return registry


def allowed(app: Flask) -> bool:
    return (request.remote_addr or "") in app.config.get("METRICS_ALLOWED_IPS", ("127.0.0.1", "::1"))


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None and request.endpoint != "static":
            seconds = time.perf_counter() - started
            endpoint = request.endpoint or "unmatched"
            REQUEST_SECONDS.labels(endpoint=endpoint, method=request.method,
                                   status=str(response.status_code)).observe(seconds)
            if endpoint in SEARCH_ENDPOINTS:
                SEARCH_SECONDS.labels(endpoint=endpoint).observe(seconds)
        return response


def scrape(app: Flask) -> Response:
    if not allowed(app):
        abort(404)  # not there for the public: not even a 403 to say it exists
    return Response(generate_latest(registry_for(app)), mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
