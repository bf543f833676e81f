"""Bilag 10 (the supplier's cloud terms in the state standard agreement), from the exact version.

``build`` reads the contract's archived snapshot and walks the terms registry group by
group – every term of the registry, so a term added there appears here without a change –
with the buyer's requirements and their verdicts, the version's standard-terms and DPA
documents, and whether the reference architecture was opted out ("avbestilt"). The same
``Bilag10`` feeds the print-ready page and ``to_odt``, an editable OpenDocument text a
lawyer can work in (odfpy).
"""
from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Optional

from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P
from sqlmodel import Session

from catalogue import nsm
from catalogue.compare import describe_requirement
from catalogue.contracts.models import Contract
from catalogue.documents import KINDS, SERVICE_KINDS
from catalogue.exports import _ods_text as odf_text
from catalogue.i18n import _l, _lp, pick, text
from catalogue.models import ArchivedService, Document, Supplier
from catalogue.terms import NSM_MATRIX, TERMS, Group, Term

OPTOUT_GROUP = "referansearkitektur"

TEXTS = {
    "title": _l("Bilag 10: Leverandørens skyvilkår"),
    "contract": _l("Avtale"),
    "buyer": _l("Kunde"),
    "supplier": _l("Leverandør"),
    "service": _l("Tjeneste"),
    "version": _l("Versjon av tjenestebeskrivelsen"),
    "published": _l("Versjonen ble publisert"),
    "form": _l("Avtaleform"),
    "intro": _l("Dette bilaget gjengir leverandørens vilkår slik de stod i den publiserte versjonen kunden valgte. "
                "Senere endringer i tjenestebeskrivelsen endrer ikke bilaget."),
    "requirements": _l("Kundens krav og vurdering"),
    "no_requirements": _l("Kunden stilte ingen krav i sammenligningen."),
    "meets": _l("Oppfyller kravet"),
    "fails": _l("Oppfyller ikke kravet"),
    "documents": _l("Dokumenter i denne versjonen"),
    "no_document": _l("Ikke lastet opp"),
    "optout": _l("Avbestilt: kunden har avbestilt referansearkitekturen. Vilkårene under gjengis bare til orientering."),
    "kept": _l("Referansearkitekturen er en del av avtalen."),
    "term": _lp("bilag 10", "Vilkår"),
    "value": _l("Leverandørens vilkår"),
    "requirement": _l("Kundens krav"),
}


@dataclass
class Line:
    term: Term
    label: str
    value: str
    requirement: str = ""
    verdict: Optional[bool] = None
    details: list[tuple[str, str]] = field(default_factory=list)   # NSM principles, sub-processors


@dataclass
class Section:
    group: Group
    title: str
    intro: str
    lines: list[Line]
    opted_out: bool = False


@dataclass
class Bilag10:
    contract: Contract
    lang: str
    supplier_name: str
    service_name: str
    version: int
    published_at: Optional[datetime]
    sections: list[Section]
    requirements: list[tuple[str, Optional[bool]]]
    documents: list[tuple[str, str]]     # (kind label, "file name (sha256 …)" or "not uploaded")

    def text(self, key: str) -> str:
        """One of the appendix's fixed texts, in the language shown (*lang* chooses the registry's values)."""
        return text(TEXTS[key])

    @property
    def filename(self) -> str:
        return f"bilag-10-avtale-{self.contract.id}-v{self.version}.odt"


def _details(term: Term, value: Any, lang: str) -> list[tuple[str, str]]:
    if term.type == NSM_MATRIX and isinstance(value, Mapping):
        names = {key: pick(nb, en, lang) for key, nb, en in nsm.RESPONSIBILITIES}
        out = []
        for p in nsm.PRINCIPLES:
            entry = value.get(p.code) or {}
            who = names.get(entry.get("responsibility"), entry.get("responsibility") or "")
            how = entry.get("how") or ""
            out.append((f"{p.code} {pick(p.nb, p.en, lang)}", f"{who}: {how}".rstrip(": ")))
        return out
    if term.has_rows and isinstance(value, list):
        return [(str(i), ", ".join(col.display(row.get(col.key), lang) for col in term.columns))
                for i, row in enumerate(value, start=1)]
    return []


def build(session: Session, contract: Contract, lang: str = "nb") -> Bilag10:
    """Bilag 10 of *contract*, from its archived version only."""
    snapshot = session.get(ArchivedService, contract.archived_id)
    content = snapshot.content or {}
    terms = content.get("terms") or {}
    requirements = contract.requirements or {}
    verdicts = contract.verdicts or {}
    sections = []
    for group, group_terms in TERMS.grouped(include_buyer_only=True):
        lines = []
        for term in group_terms:
            value = terms.get(term.key)
            wanted = requirements.get(term.key)
            lines.append(Line(term=term, label=term.label(lang), value=term.display(value, lang),
                              requirement=describe_requirement(term, wanted, lang) if wanted else "",
                              verdict=verdicts.get(term.key) if wanted else None,
                              details=_details(term, value, lang)))
        opted_out = group.key == OPTOUT_GROUP and contract.reference_architecture_optout
        sections.append(Section(group=group, title=group.label(lang),
                                intro=pick(group.intro_nb, group.intro_en, lang), lines=lines,
                                opted_out=opted_out))
    stated = [(describe_requirement(TERMS[key], wanted, lang), verdicts.get(key))
              for key, wanted in requirements.items() if key in TERMS and wanted]
    docs = []
    for kind in SERVICE_KINDS:
        doc_id = (content.get("documents") or {}).get(kind)
        doc = session.get(Document, doc_id) if doc_id else None
        docs.append((text(KINDS[kind]),
                     f"{doc.filename} (SHA-256 {doc.sha256[:16]}…)" if doc else text(TEXTS["no_document"])))
    supplier = session.get(Supplier, contract.supplier_id)
    return Bilag10(contract=contract, lang=lang, supplier_name=supplier.name if supplier else "",
                   service_name=content.get("name", ""), version=snapshot.version,
                   published_at=snapshot.published_at, sections=sections, requirements=stated, documents=docs)


# ---------------------------------------------------------------------------
# the editable document
#
# odfpy writes the package (mimetype, manifest, meta, styles) once, from a skeleton that uses
# every style; each Bilag 10 then puts its body in place of the skeleton's. Building every
# paragraph as an odfpy element cost ~100 ms for a fully filled version (see catalogue.exports,
# which does the same for spreadsheets); the body is plain OpenDocument XML written here.

_H1, _H2, _BOLD, _NOTE, _COL1, _COL2 = "Tittel", "Gruppe", "Fet", "Merknad", "Kol1", "Kol2"


@functools.lru_cache(maxsize=1)
def _skeleton() -> tuple[tuple[tuple[str, bytes], ...], str, str]:
    """``(other package entries, content.xml up to the body, after the body)``."""
    doc = OpenDocumentText()

    def style(name: str, family: str, *props) -> Style:
        s = Style(name=name, family=family)
        for p in props:
            s.addElement(p)
        doc.automaticstyles.addElement(s)
        return s

    h1 = style(_H1, "paragraph", TextProperties(fontsize="18pt", fontweight="bold"),
               ParagraphProperties(marginbottom="0.3cm"))
    h2 = style(_H2, "paragraph", TextProperties(fontsize="14pt", fontweight="bold"),
               ParagraphProperties(margintop="0.5cm", marginbottom="0.2cm"))
    bold = style(_BOLD, "paragraph", TextProperties(fontweight="bold"))
    note = style(_NOTE, "paragraph", TextProperties(fontstyle="italic"))
    col1 = style(_COL1, "table-column", TableColumnProperties(columnwidth="6cm"))
    col2 = style(_COL2, "table-column", TableColumnProperties(columnwidth="11cm"))
    body = doc.text
    body.addElement(H(outlinelevel=1, stylename=h1, text="-"))   # every style used once, so odfpy keeps it
    body.addElement(H(outlinelevel=2, stylename=h2, text="-"))
    body.addElement(P(stylename=bold, text="-"))
    body.addElement(P(stylename=note, text="-"))
    table = Table(name="T")
    table.addElement(TableColumn(stylename=col1))
    table.addElement(TableColumn(stylename=col2))
    body.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        entries = [(name, package.read(name)) for name in package.namelist()]
    content = dict(entries)["content.xml"].decode("utf-8")
    start = content.index(">", content.index("<office:text")) + 1
    end = content.index("</office:text>")
    return tuple((n, b) for n, b in entries if n != "content.xml"), content[:start], content[end:]


def _p(text: str, style: str = "") -> str:
    attr = f' text:style-name="{style}"' if style else ""
    return f"<text:p{attr}>{odf_text(text)}</text:p>"


def _h(text: str, level: int) -> str:
    return (f'<text:h text:style-name="{_H1 if level == 1 else _H2}" text:outline-level="{level}">'
            f"{odf_text(text)}</text:h>")


def _table(name: str, rows: list[tuple[str, str]], head: tuple[str, str] | None = None) -> str:
    def cell(text: str, style: str = "") -> str:
        return ('<table:table-cell office:value-type="string">'
                + "".join(_p(line, style) for line in (text or "").split("\n")) + "</table:table-cell>")

    out = [f'<table:table table:name="{name}"><table:table-column table:style-name="{_COL1}"/>'
           f'<table:table-column table:style-name="{_COL2}"/>']
    if head:
        out.append(f"<table:table-row>{cell(head[0], _BOLD)}{cell(head[1], _BOLD)}</table:table-row>")
    out += [f"<table:table-row>{cell(left)}{cell(right)}</table:table-row>" for left, right in rows]
    return "".join(out) + "</table:table>"


def to_odt(bilag: Bilag10, *, form_label: str = "") -> bytes:
    """Bilag 10 as an OpenDocument text (.odt)."""
    c = bilag.contract
    parts = [_h(bilag.text("title"), 1), _table("Avtale", [
        (bilag.text("contract"), f"{c.title} (nr. {c.id})"), (bilag.text("buyer"), f"{c.buyer_name} ({c.buyer_orgnr})"),
        (bilag.text("supplier"), bilag.supplier_name), (bilag.text("service"), bilag.service_name),
        (bilag.text("version"), str(bilag.version)),
        (bilag.text("published"), bilag.published_at.strftime("%d.%m.%Y") if bilag.published_at else ""),
        (bilag.text("form"), form_label)]), _p(bilag.text("intro"), _NOTE), _h(bilag.text("requirements"), 2)]
    if bilag.requirements:
        parts.append(_table("Krav", [(described, bilag.text("meets") if verdict else bilag.text("fails"))
                                     for described, verdict in bilag.requirements]))
    else:
        parts.append(_p(bilag.text("no_requirements")))
    for number, section in enumerate(bilag.sections, start=1):
        parts.append(_h(f"{number}. {section.title}", 2))
        if section.intro:
            parts.append(_p(section.intro))
        if section.group.key == OPTOUT_GROUP:
            parts.append(_p(bilag.text("optout" if section.opted_out else "kept"), _NOTE))
        rows = []
        for line in section.lines:
            value = line.value
            if line.details:
                value += "\n" + "\n".join(f"{label}: {text}" for label, text in line.details)
            if line.requirement:
                verdict = bilag.text("meets") if line.verdict else bilag.text("fails")
                value += f"\n{bilag.text('requirement')}: {line.requirement} – {verdict}"
            rows.append((line.label, value))
        parts.append(_table(f"Gruppe{number}", rows, head=(bilag.text("term"), bilag.text("value"))))
    parts += [_h(bilag.text("documents"), 2), _table("Dokumenter", list(bilag.documents))]
    others, before, after = _skeleton()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        # The mimetype entry comes first and uncompressed (OpenDocument packaging rules).
        for name, data in others:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            package.writestr(zipfile.ZipInfo(name) if name == "mimetype" else name, data, compress_type=method)
        package.writestr("content.xml", (before + "".join(parts) + after).encode("utf-8"))
    return buffer.getvalue()
