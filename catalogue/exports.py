"""CSV and ODS exports of a frozen shortlist and of a comparison, for the procurement file.

Both exports are one sheet: a few header rows (what was searched or required, when, by
whom), a blank row, then one row per service with its identity, version and every
comparable term as text. The term columns come from ``catalogue.compare.fields`` and so
from the terms registry; nothing here lists a term.

CSV dialect, decided for Norwegian spreadsheet users: UTF-8 with a byte-order mark (so
Excel detects the encoding), ``;`` as separator (Excel in a Norwegian locale uses the
comma as decimal sign and expects ``;``), CRLF line ends, fields quoted when needed.
Text cells that a spreadsheet would read as a formula (starting with ``= + - @``) get a
leading apostrophe, so supplier-written text can never run as a formula.

Every export writes an audit event in the caller's transaction (``*.exported``, with the
format); the caller commits before sending the file.
"""
from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Sequence
from xml.sax.saxutils import escape as xml_escape  # escapes text we write; never parses XML # nosec B406
from zoneinfo import ZoneInfo

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P
from sqlmodel import Session

from catalogue.i18n import _l, _lp, _nl, text
from catalogue.viewer import Viewer
from catalogue.audit import record
from catalogue.compare import Comparison, Entry, Field, compare, describe_requirement, flat_fields
from catalogue.models import utcnow
from catalogue.shortlists import Shortlist, describe_query, frozen_entries, set_aside_of
from catalogue.suppliers import format_orgnr
from catalogue.terms import TERMS
from catalogue.text import slugify

OSLO = ZoneInfo("Europe/Oslo")
FORMATS = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8"
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Sheet:
    """One exported table: header rows, then column titles and one row per service."""

    title: str
    meta: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Export:
    content: bytes
    mimetype: str
    filename: str


# ---------------------------------------------------------------------------
# building the sheet


def local_time(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(OSLO)


def time_text(value: datetime | None) -> str:
    """``2026-11-21 14:05 (Europe/Oslo)``: unambiguous in a procurement file."""
    return f"{local_time(value):%Y-%m-%d %H:%M} (Europe/Oslo)" if value else ""


def exported_by(viewer: Viewer) -> str:
    if not viewer.is_authenticated:
        return text(_l("Anonym besøkende"))
    who = viewer.name or text(_l("Ukjent"))
    if viewer.orgnr:
        org = f"{viewer.org_name} ({format_orgnr(viewer.orgnr)})" if viewer.org_name else format_orgnr(viewer.orgnr)
        return f"{who}, {org}"
    return who


_BASE_COLUMNS = 7   # service id … category: the columns before the terms (and a frozen list's set-aside marks)


def service_columns(lang: str, *, with_verdict: bool, include_buyer_only: bool) -> list[str]:
    base = [_l("Tjeneste-ID"), _l("Tjeneste"), _l("Leverandør"),
            _l("Organisasjonsnummer"), _l("Versjon"),
            _l("Publisert"), _l("Kategori")]
    columns = [text(m) for m in base]
    if with_verdict:
        columns.append(text(_l("Oppfyller kravene")))
    for f in flat_fields(include_buyer_only=include_buyer_only):
        label = f.label(lang)
        columns.append(f"{f.term.short_label(lang)} {label}" if f.principle else label)
    return columns


def service_row(entry: Entry, lang: str, columns: Sequence[Field], verdict: str | None = None) -> list[Any]:
    row: list[Any] = [entry.service_id, entry.name, entry.supplier_name, entry.supplier_orgnr, entry.version,
                      local_time(entry.published_at).date() if entry.published_at else "",
                      entry.category_name(lang)]
    if verdict is not None:
        row.append(verdict)
    row.extend(f.text(entry.terms, lang) for f in columns)
    return row


def shortlist_sheet(session: Session, shortlist: Shortlist, entries: Sequence[Entry], viewer: Viewer, *,
                    lang: str = "nb", now: datetime | None = None) -> Sheet:
    include = viewer.sees_buyer_only
    meta = [(text(_l("Liste")), shortlist.name)]
    described = describe_query(session, shortlist.pairs, lang)
    if described:
        meta += [(f"{text(_l('Søk'))} – {label}", value) for label, value in described]
    else:
        meta.append((text(_l("Søk")), text(_l("Alle tjenester (ingen søkeord eller filtre)"))))
    meta += [
        (text(_l("Frosset")), time_text(shortlist.frozen_at)),
        (text(_l("Antall tjenester")), str(len(entries))),
        (text(_l("Eksportert")), time_text(now or utcnow())),
        (text(_l("Eksportert av")), exported_by(viewer)),
        (text(_l("Merknad")), text(_l("Tjenestene er vist i versjonen som var publisert da listen ble frosset."))),
    ]
    aside = set_aside_of(session, shortlist)
    if aside:
        meta.append((text(_l("Valgt bort")), str(len(aside))))
    titles = service_columns(lang, with_verdict=False, include_buyer_only=include)
    sheet = Sheet(title=text(_l("Kortliste")), meta=meta,
                  columns=titles[:_BASE_COLUMNS] + [text(_l("Valgt bort")), text(_l("Begrunnelse for å velge bort"))]
                  + titles[_BASE_COLUMNS:])
    columns = flat_fields(include_buyer_only=include)
    sheet.rows = []
    for e in entries:
        row, item = service_row(e, lang, columns), aside.get(e.service_id)
        marks = [text(_l("Ja")), item.set_aside_reason or ""] if item else [text(_l("Nei")), ""]
        sheet.rows.append(row[:_BASE_COLUMNS] + marks + row[_BASE_COLUMNS:])
    return sheet


def comparison_sheet(comparison: Comparison, viewer: Viewer, *, link: str = "", lang: str = "nb",
                     now: datetime | None = None) -> Sheet:
    include = viewer.sees_buyer_only
    wanted = comparison.requirements
    meta = [(text(_l("Sammenligning av")),
             text(_nl("%(num)s tjeneste", "%(num)s tjenester", len(comparison.entries))))]
    if wanted:
        meta += [(text(_lp("eksport", "Krav")), describe_requirement(TERMS[key], values, lang))
                 for key, values in wanted.items()]
    else:
        meta.append((text(_l("Krav")), text(_l("Ingen krav oppgitt"))))
    if link:
        meta.append((text(_l("Lenke")), link))
    meta += [
        (text(_l("Eksportert")), time_text(now or utcnow())),
        (text(_l("Eksportert av")), exported_by(viewer)),
    ]
    sheet = Sheet(title=text(_l("Sammenligning")), meta=meta,
                  columns=service_columns(lang, with_verdict=bool(wanted), include_buyer_only=include))
    columns = flat_fields(include_buyer_only=include)
    sheet.rows = [service_row(e, lang, columns, verdict=comparison.verdict_text(i, lang) if wanted else None)
                  for i, e in enumerate(comparison.entries)]
    return sheet


# ---------------------------------------------------------------------------
# writing the file


def _cell_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def csv_safe(value: Any) -> str:
    text = _cell_text(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([sheet.title])
    for label, value in sheet.meta:
        writer.writerow([csv_safe(label), csv_safe(value)])
    writer.writerow([])
    writer.writerow([csv_safe(c) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- ODS -------------------------------------------------------------------------------------
# odfpy writes the package (mimetype, manifest, meta, styles and the table's frame) once per
# sheet name, with one marker row; each export then puts its rows in place of the marker.
# Building every cell as an odfpy element costs ~10 ms per 100 cells, which a 30-service export
# (about 2 000 cells) cannot afford; the rows are plain OpenDocument XML written here.

_MARKER = "RADENE-KOMMER-HER"
_HEADING_STYLE = "Overskrift"
_SPACES = re.compile(r"  +")


@functools.lru_cache(maxsize=8)
def _ods_skeleton(title: str) -> tuple[tuple[tuple[str, bytes], ...], str, str]:
    """``(other package entries, content.xml before the rows, after the rows)`` for sheet *title*."""
    doc = OpenDocumentSpreadsheet()
    bold = Style(name=_HEADING_STYLE, family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="Bred", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="4.5cm"))
    doc.automaticstyles.addElement(wide)
    table = Table(name=title)
    table.addElement(TableColumn(numbercolumnsrepeated=256, stylename=wide))
    row = TableRow()
    cell = TableCell(valuetype="string", stylename=bold)  # uses the style, so odfpy keeps it
    cell.addElement(P(text=_MARKER))
    row.addElement(cell)
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    entries = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        for name in package.namelist():
            entries.append((name, package.read(name)))
    content = dict(entries).pop("content.xml").decode("utf-8")
    marker = content.index(_MARKER)
    row_start = content.rindex("<table:table-row", 0, marker)
    row_end = content.index("</table:table-row>", marker) + len("</table:table-row>")
    return tuple((n, b) for n, b in entries if n != "content.xml"), content[:row_start], content[row_end:]


def _ods_text(text: str) -> str:
    """Cell text as OpenDocument paragraph content: line breaks, tabs and repeated spaces kept."""
    def spaces(match: re.Match) -> str:
        return f' <text:s text:c="{len(match.group()) - 1}"/>'

    lines = []
    for line in _XML_UNSAFE.sub("", text).split("\n"):
        line = xml_escape(line)
        line = _SPACES.sub(spaces, line).replace("\t", "<text:tab/>")
        if line.startswith(" "):
            line = '<text:s/>' + line[1:]
        lines.append(line)
    return "<text:line-break/>".join(lines)


def _ods_cell(value: Any, heading: bool) -> str:
    style = f' table:style-name="{_HEADING_STYLE}"' if heading else ""
    if isinstance(value, bool) or value is None:
        value = _cell_text(value)
    if isinstance(value, int):
        kind = f'office:value-type="float" office:value="{value}"'
    elif isinstance(value, date):
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell {kind}{style}><text:p>{_ods_text(_cell_text(value))}</text:p></table:table-cell>"


def _ods_row(values: Sequence[Any], *, heading: bool = False, label: bool = False) -> str:
    cells = "".join(_ods_cell(v, heading or (label and i == 0)) for i, v in enumerate(values))
    return f"<table:table-row>{cells}</table:table-row>"


def to_ods(sheet: Sheet) -> bytes:
    others, before, after = _ods_skeleton(sheet.title)
    rows = [_ods_row([sheet.title], heading=True)]
    rows += [_ods_row([label, value], label=True) for label, value in sheet.meta]
    rows += [_ods_row([]), _ods_row(sheet.columns, heading=True)]
    rows += [_ods_row(values) for values in sheet.rows]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        # The mimetype entry comes first and uncompressed (OpenDocument packaging rules).
        for name, data in others:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            package.writestr(zipfile.ZipInfo(name) if name == "mimetype" else name, data, compress_type=method)
        package.writestr("content.xml", (before + "".join(rows) + after).encode("utf-8"))
    return buffer.getvalue()


def render(sheet: Sheet, fmt: str, stem: str, now: datetime) -> Export:
    content = to_csv(sheet) if fmt == "csv" else to_ods(sheet)
    return Export(content=content, mimetype=FORMATS[fmt], filename=f"{stem}-{local_time(now):%Y%m%d-%H%M}.{fmt}")


# ---------------------------------------------------------------------------
# the two exports (each an audit event)


def export_shortlist(session: Session, shortlist: Shortlist, viewer: Viewer, fmt: str, *, lang: str = "nb"
                     ) -> Export:
    """A frozen shortlist as CSV or ODS, from its snapshots; records ``shortlist.exported``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if not shortlist.is_frozen:
        raise ValueError("only a frozen shortlist can be exported")
    now = utcnow()
    entries = frozen_entries(session, shortlist)
    sheet = shortlist_sheet(session, shortlist, entries, viewer, lang=lang, now=now)
    record(session, viewer.actor(), "shortlist.exported", "shortlist", shortlist.id,
           after={"format": fmt, "services": [[e.service_id, e.version] for e in entries]}, detail=fmt)
    return render(sheet, fmt, f"kortliste-{shortlist.id}-{slugify(shortlist.name, 40)}", now)


def export_comparison(session: Session, entries: Sequence[Entry], requirements: dict[str, list[str]],
                      viewer: Viewer, fmt: str, *, link: str = "", lang: str = "nb") -> Export:
    """A comparison as CSV or ODS; records ``comparison.exported`` with the services and requirements."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    now = utcnow()
    comparison = compare(entries, requirements, include_buyer_only=viewer.sees_buyer_only, lang=lang)
    sheet = comparison_sheet(comparison, viewer, link=link, lang=lang, now=now)
    record(session, viewer.actor(), "comparison.exported", "comparison", None,
           after={"format": fmt, "services": [[e.service_id, e.version] for e in entries],
                  "requirements": requirements}, detail=fmt)
    stem = "sammenligning-" + "-".join(str(e.service_id) for e in entries)
    return render(sheet, fmt, stem, now)
