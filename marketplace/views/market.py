"""The market overview (``/marked``): figures and charts of the catalogue, open to everyone.

Each figure has an SVG chart, the same data as a table beside it, and its data as CSV at
``/marked/<figure>.csv``. The figures come from ``catalogue.market`` (cached until the
catalogue changes); the charts from ``catalogue.charts``.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from auth.guards import public
from catalogue import charts, market
from catalogue.exports import csv_safe
from marketplace.db import get_session
from marketplace.templating import current_lang

bp = Blueprint("market", __name__)

SHARE_HEADER = _l("Andel (%)")


@bp.get("/marked")
@public
def overview():
    """Every figure of the market overview with its chart, table and CSV link."""
    lang = current_lang()
    data = market.overview(get_session())
    return render_template("market/overview.html", data=data, numbers=charts.Numbers(lang),
                           charts={f.key: charts.render(f, lang) for f in data.figures})


def figure_csv(figure: market.Figure) -> str:
    """The figure's table as CSV: ``;``-separated (what Excel expects in Norway), numbers as in the page language."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = [csv_safe(str(figure.title))] + [csv_safe(str(c)) for c in figure.columns]
    if figure.show_share:
        header.append(str(SHARE_HEADER))
    writer.writerow(header)
    for row in figure.rows:
        # Labels are names people typed (a DPS, a category): never let a spreadsheet run them (F2).
        line = [csv_safe(str(row.label))] + [str(v) for v in row.values]
        if figure.show_share:
            line.append(format_decimal(figure.share(row) * 100, "0.0"))  # 12,5 (nb) / 12.5 (en)
        writer.writerow(line)
    return out.getvalue()


@bp.get("/marked/<key>.csv")
@public
def download(key: str):
    """One figure's data as a CSV file (UTF-8 with BOM, so Excel reads æ, ø and å right)."""
    figure = market.overview(get_session()).figure(key)
    if figure is None:
        abort(404)
    body = "\ufeff" + figure_csv(figure)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="markedsoversikt-{key}.csv"',
    })
