"""Server-rendered SVG charts for the market overview.

Plain SVG markup, no script and no style attributes, so the charts work under the strict
Content Security Policy (presentation attributes such as ``fill`` are not styles). Each chart
is ``role="img"`` with a ``<title>`` and a ``<desc>`` that summarises the data in words; the
page shows the full data as a table beside it. Colour is never the only cue: every series has
its own fill pattern as well as its colour, values are written out, and all colours have at
least 3:1 contrast against the white background (WCAG 1.4.11).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from babel import Locale
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from catalogue.market import BARS, SHARE, STACKED, TIMESERIES, Figure, Row
from catalogue.i18n import _l, current_lang, text

# Colours with ≥ 3:1 contrast against white (most well above 4.5:1).
COLOURS = ("#0b3a66", "#8a6100", "#0f6b2f", "#a1161b", "#5b2a86", "#00667a", "#4a5560", "#7a3b00",
           "#284f8f", "#6b4c00", "#1d5c3a")
INK, MUTED, GRID = "#1b1f23", "#4a5560", "#c9d1d9"
WIDTH = 720
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Numbers:
    """Number formatting in the page language (CLDR): ``12 345`` and ``12,5 %`` (nb), ``12,345`` and ``12.5%`` (en)."""

    lang: str = ""  # a locale code; empty: the language shown now

    @property
    def locale(self) -> str:
        return self.lang or current_lang()

    def int(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def pct(self, share: float) -> str:
        value = share * 100
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if not (value >= 10 or value == 0):
            pattern = pattern.replace("#,##0", "#,##0.0")  # one decimal below 10 %
        return format_percent(share, pattern, locale=self.locale)


WORDS = {
    "largest": _l("Størst"),
    "services": _l("tjenester"),
    "coverage": _l("dekning"),
    "lowest": _l("Lavest dekning"),
    "highest": _l("Høyest dekning"),
    "table": _l("Alle tallene står i tabellen ved siden av."),
    "no_data": _l("Ingen data ennå."),
    "per_month": _l("Endringer per måned"),
    "in_total": _l("til sammen"),
}


def _w(key: str, lang: str = "") -> str:
    return str(WORDS[key])


def _pattern_defs(prefix: str, count: int) -> str:
    """One fill pattern per series: a colour plus a distinct white texture (solid, stripes, dots …)."""
    textures = (
        "",
        '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
        '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
        '<path d="M0,4 h8" stroke="#fff" stroke-width="1.6"/>',
        '<path d="M4,0 v8" stroke="#fff" stroke-width="1.6"/>',
        '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.6"/>',
        '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-width="1.2"/>',
    )
    out = []
    for i in range(count):
        colour = COLOURS[i % len(COLOURS)]
        texture = textures[i % len(textures)]
        out.append(f'<pattern id="{prefix}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
                   f'<rect width="8" height="8" fill="{colour}"/>{texture}</pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def _fill(prefix: str, i: int) -> str:
    return f"url(#{prefix}-p{i})"


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 15, fill: str = INK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
            f'font-weight="{weight}" {FONT}>{escape(content)}</text>')


def _svg(figure: Figure, lang: str, height: float, body: str, desc: str) -> Markup:
    prefix = f"fig-{figure.key}"
    return Markup(  # numbers and escape()d text only # nosec B704
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" focusable="false">'
        f'<title id="{prefix}-title">{escape(str(figure.title))}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _value_text(figure: Figure, row: Row, lang: str, column: int = 0) -> str:
    n = Numbers(lang)
    value = n.int(row.values[column])
    return f"{value} ({n.pct(figure.share(row, column))})" if figure.show_share else value


def _largest_desc(figure: Figure, lang: str) -> str:
    ranked = sorted((r for r in figure.rows if r.values[0]), key=lambda r: -r.values[0])[:3]
    if not ranked:
        return _w("no_data", lang)
    parts = [f"{str(r.label)}: {_value_text(figure, r, lang)}" for r in ranked]
    return f"{str(figure.description)} {_w('largest', lang)}: {'; '.join(parts)}. {_w('table', lang)}"


# ---------------------------------------------------------------------------
# chart kinds


def bar_chart(figure: Figure, lang: str = "nb") -> Markup:
    """Horizontal bars, one per row, the label above each bar and the value at its end."""
    prefix = f"fig-{figure.key}"
    top, row_h, bar_h, bar_w = 8, 44, 18, 520
    biggest = max((r.values[0] for r in figure.rows), default=0) or 1
    parts = [_pattern_defs(prefix, 1)]
    for i, row in enumerate(figure.rows):
        y = top + i * row_h
        length = bar_w * row.values[0] / biggest
        parts.append(_text(0, y + 14, str(row.label)))
        parts.append(f'<rect x="0" y="{y + 20}" width="{bar_w}" height="{bar_h}" fill="none" stroke="{GRID}"/>')
        if row.values[0]:
            parts.append(f'<rect x="0" y="{y + 20}" width="{max(length, 2):.1f}" height="{bar_h}" '
                         f'fill="{_fill(prefix, 0)}"/>')
        parts.append(_text(bar_w + 8, y + 34, _value_text(figure, row, lang), weight="600"))
    height = top + len(figure.rows) * row_h + 8
    return _svg(figure, lang, height, "".join(parts), _largest_desc(figure, lang))


def share_chart(figure: Figure, lang: str = "nb") -> Markup:
    """One bar split into each row's share (100 %), with a legend that names and quantifies every part."""
    prefix = f"fig-{figure.key}"
    bar_y, bar_h = 8, 40
    total = sum(r.values[0] for r in figure.rows) or 1
    parts = [_pattern_defs(prefix, len(figure.rows))]
    x = 0.0
    for i, row in enumerate(figure.rows):
        if not row.values[0]:
            continue
        width = WIDTH * row.values[0] / total
        parts.append(f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{bar_h}" fill="{_fill(prefix, i)}" '
                     f'stroke="#fff" stroke-width="2"/>')
        x += width
    parts.append(f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{bar_h}" fill="none" stroke="{INK}"/>')
    legend_y, cols, col_w, line_h = bar_y + bar_h + 20, 2, WIDTH / 2, 28
    for i, row in enumerate(figure.rows):
        cx, cy = (i % cols) * col_w, legend_y + (i // cols) * line_h
        parts.append(f'<rect x="{cx:.1f}" y="{cy}" width="20" height="20" fill="{_fill(prefix, i)}" stroke="{INK}"/>')
        parts.append(_text(cx + 28, cy + 15, f"{str(row.label)}: {_value_text(figure, row, lang)}"))
    height = legend_y + ((len(figure.rows) + cols - 1) // cols) * line_h + 4
    return _svg(figure, lang, height, "".join(parts), _largest_desc(figure, lang))


def stacked_chart(figure: Figure, lang: str = "nb") -> Markup:
    """One 100 % bar per row split by the value columns (NSM: supplier / shared / customer)."""
    prefix = f"fig-{figure.key}"
    n = Numbers(lang)
    parts = [_pattern_defs(prefix, len(figure.columns))]
    # Legend first, so the reader knows the parts before the bars.
    for i, column in enumerate(figure.columns):
        cx = i * 200
        parts.append(f'<rect x="{cx}" y="4" width="20" height="20" fill="{_fill(prefix, i)}" stroke="{INK}"/>')
        parts.append(_text(cx + 28, 19, str(column)))
    top, row_h, bar_h, bar_w = 40, 46, 18, 540
    coverage: list[tuple[float, Row]] = []
    for r_i, row in enumerate(figure.rows):
        y = top + r_i * row_h
        total = sum(row.values) or 1
        parts.append(_text(0, y + 14, str(row.label), size=15))
        x = 0.0
        for i, value in enumerate(row.values):
            if not value:
                continue
            width = bar_w * value / total
            parts.append(f'<rect x="{x:.1f}" y="{y + 20}" width="{width:.1f}" height="{bar_h}" '
                         f'fill="{_fill(prefix, i)}" stroke="#fff" stroke-width="1.5"/>')
            x += width
        covered = (row.values[0] + row.values[1]) / total if sum(row.values) else 0.0
        coverage.append((covered, row))
        parts.append(_text(bar_w + 8, y + 34, f"{n.pct(covered)} {_w('coverage', lang)}", size=15, weight="600"))
    height = top + len(figure.rows) * row_h + 4
    if coverage and figure.total:
        low, high = min(coverage, key=lambda c: c[0]), max(coverage, key=lambda c: c[0])
        desc = (f"{str(figure.description)} {_w('lowest', lang)}: {str(low[1].label)} ({n.pct(low[0])}). "
                f"{_w('highest', lang)}: {str(high[1].label)} ({n.pct(high[0])}). {_w('table', lang)}")
    else:
        desc = _w("no_data", lang)
    return _svg(figure, lang, height, "".join(parts), desc)


def timeseries_chart(figure: Figure, lang: str = "nb") -> Markup:
    """Top: the number published at each month's end (a line). Bottom: each month's changes (columns)."""
    prefix = f"fig-{figure.key}"
    n = Numbers(lang)
    rows = figure.rows
    if not rows:
        return _svg(figure, lang, 40, _text(0, 24, _w("no_data", lang)), _w("no_data", lang))
    left, right = 60, WIDTH - 10
    plot_w = right - left
    step = plot_w / len(rows)
    parts = [_pattern_defs(prefix, 3)]

    # Panel 1: the line.
    p1_top, p1_h = 24, 150
    top_value = max(r.values[3] for r in rows) or 1
    parts.append(_text(0, 14, str(figure.columns[3]), weight="600"))
    parts += _axis(left, right, p1_top, p1_h, top_value, n)
    points = [(left + step * (i + 0.5), p1_top + p1_h - p1_h * r.values[3] / top_value) for i, r in enumerate(rows)]
    if len(points) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{COLOURS[0]}" stroke-width="3"/>')
    for x, y in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[0]}"/>')
    last_x, last_y = points[-1]
    parts.append(_text(min(last_x, right - 4), max(last_y - 10, p1_top + 10), n.int(rows[-1].values[3]),
                       anchor="end", weight="600"))

    # Panel 2: grouped columns for new services, new versions and removals.
    p2_top, p2_h = p1_top + p1_h + 60, 150
    parts.append(_text(0, p2_top - 28, _w("per_month", lang), weight="600"))
    for i in range(3):
        cx = left + i * 210
        parts.append(f'<rect x="{cx}" y="{p2_top - 20}" width="14" height="14" fill="{_fill(prefix, i)}" stroke="{INK}"/>')
        parts.append(_text(cx + 20, p2_top - 8, str(figure.columns[i]), size=13))
    top_change = max(max(r.values[:3]) for r in rows) or 1
    parts += _axis(left, right, p2_top + 8, p2_h, top_change, n)
    col_w = max(min(step / 4, 18), 1.5)
    for i, row in enumerate(rows):
        for s in range(3):
            value = row.values[s]
            if not value:
                continue
            h = p2_h * value / top_change
            x = left + step * i + (step - 3 * col_w) / 2 + s * col_w
            parts.append(f'<rect x="{x:.1f}" y="{p2_top + 8 + p2_h - h:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                         f'fill="{_fill(prefix, s)}" stroke="#fff" stroke-width="0.5"/>')
    # Month labels: as many as fit.
    every = max(1, -(-len(rows) * 70 // plot_w))
    base_y = p2_top + 8 + p2_h + 18
    for i, row in enumerate(rows):
        if i % every == 0 or i == len(rows) - 1:
            parts.append(_text(left + step * (i + 0.5), base_y, str(row.label), anchor="middle", size=12,
                               fill=MUTED))
    height = base_y + 8
    totals = [sum(r.values[s] for r in rows) for s in range(3)]
    desc = (f"{str(figure.description)} "
            + text(_l("Fra %(first)s til %(last)s", first=rows[0].label, last=rows[-1].label)) + ": "
            + "; ".join(f"{str(figure.columns[s])} {_w('in_total', lang)} {n.int(totals[s])}" for s in range(3))
            + ". " + text(_l("publisert ved utgangen av %(month)s: %(count)s", month=rows[-1].label, count=n.int(rows[-1].values[3])))
            + ". " + _w("table", lang))
    return _svg(figure, lang, height, "".join(parts), desc)


def _axis(left: float, right: float, top: float, height: float, maximum: int, n: Numbers) -> list[str]:
    """A baseline, a mid and a top grid line with their values."""
    out = []
    for fraction in (0, 0.5, 1):
        y = top + height - height * fraction
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID if fraction else INK}"/>')
        out.append(_text(left - 6, y + 4, n.int(round(maximum * fraction)), anchor="end", size=12, fill=MUTED))
    return out


RENDERERS = {BARS: bar_chart, SHARE: share_chart, STACKED: stacked_chart, TIMESERIES: timeseries_chart}


def render(figure: Figure, lang: str = "nb") -> Markup:
    return RENDERERS[figure.kind](figure, lang)
