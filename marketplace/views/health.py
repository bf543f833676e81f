"""Health and metrics for the operators: ``/helse/live``, ``/helse/klar`` and ``/metrikker``.

``/helse/live``  the process answers (no database asked): for the process supervisor / systemd.
``/helse/klar``  ready to serve: the database answers, its migrations are at head, the search
                 index exists and is at most ``INDEX_LAG_LIMIT_SECONDS`` behind the change log,
                 and every background process (``BACKGROUND_PROCESSES``) has a fresh heartbeat.
                 200 when all pass, 503 otherwise; JSON with each check either way.
``/metrikker``   Prometheus metrics (marketplace.metrics), for the monitoring host only.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from auth.guards import public
from marketplace import health, metrics

bp = Blueprint("health", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/helse/live")
@public
def live():
    """The process is up."""
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/helse/klar")
@public
def ready():
    """Ready to serve: each check with its result; 503 when any fails."""
    report = health.readiness(current_app._get_current_object())
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    if response.status_code == 503:
        response.headers["Retry-After"] = "10"
    return _no_store(response)


@bp.get("/metrikker")
@public
def scrape():
    """Prometheus metrics; 404 to anyone outside METRICS_ALLOWED_IPS."""
    return metrics.scrape(current_app._get_current_object())
