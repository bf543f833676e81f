"""Bilag 10 (the supplier's cloud terms in the state standard agreement), from the exact version.

``build`` reads the contract's archived snapshot and walks the terms registry group by
group – every term of the registry, so a term added there appears here without a change –
with the buyer's requirements and their verdicts, the version's standard-terms and DPA
documents, and whether the reference architecture was opted out ("avbestilt"). The same
``Bilag10`` feeds the print-ready page and ``to_odt``, an editable OpenDocument text a
lawyer can work in (odfpy).
"""
from __future__ import annotations

import io
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
from catalogue.models import ArchivedService, Document, Supplier
from catalogue.terms import NSM_MATRIX, TERMS, Group, Term
from catalogue.text import Msg

OPTOUT_GROUP = "referansearkitektur"

TEXTS = {
    "title": Msg("Bilag 10: Leverandørens skyvilkår", "Appendix 10: The supplier's cloud terms"),
    "contract": Msg("Avtale", "Contract"),
    "buyer": Msg("Kunde", "Customer"),
    "supplier": Msg("Leverandør", "Supplier"),
    "service": Msg("Tjeneste", "Service"),
    "version": Msg("Versjon av tjenestebeskrivelsen", "Version of the service listing"),
    "published": Msg("Versjonen ble publisert", "Version published"),
    "form": Msg("Avtaleform", "Contract form"),
    "intro": Msg("Dette bilaget gjengir leverandørens vilkår slik de stod i den publiserte versjonen kunden valgte. "
                 "Senere endringer i tjenestebeskrivelsen endrer ikke bilaget.",
                 "This appendix reproduces the supplier's terms as they stood in the published version the customer "
                 "chose. Later changes to the listing do not change the appendix."),
    "requirements": Msg("Kundens krav og vurdering", "The customer's requirements and assessment"),
    "no_requirements": Msg("Kunden stilte ingen krav i sammenligningen.",
                           "The customer stated no requirements in the comparison."),
    "meets": Msg("Oppfyller kravet", "Meets the requirement"),
    "fails": Msg("Oppfyller ikke kravet", "Does not meet the requirement"),
    "documents": Msg("Dokumenter i denne versjonen", "Documents of this version"),
    "no_document": Msg("Ikke lastet opp", "Not uploaded"),
    "optout": Msg("Avbestilt: kunden har avbestilt referansearkitekturen. Vilkårene under gjengis bare til orientering.",
                  "Opted out (avbestilt): the customer has opted out of the reference architecture. The terms below "
                  "are shown for information only."),
    "kept": Msg("Referansearkitekturen er en del av avtalen.", "The reference architecture is part of the contract."),
    "term": Msg("Vilkår", "Term"),
    "value": Msg("Leverandørens vilkår", "Supplier's term"),
    "requirement": Msg("Kundens krav", "Customer's requirement"),
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
        return TEXTS[key].text(self.lang)

    @property
    def filename(self) -> str:
        return f"bilag-10-avtale-{self.contract.id}-v{self.version}.odt"


def _details(term: Term, value: Any, lang: str) -> list[tuple[str, str]]:
    if term.type == NSM_MATRIX and isinstance(value, Mapping):
        names = {key: (en if lang == "en" else nb) for key, nb, en in nsm.RESPONSIBILITIES}
        out = []
        for p in nsm.PRINCIPLES:
            entry = value.get(p.code) or {}
            who = names.get(entry.get("responsibility"), entry.get("responsibility") or "")
            how = entry.get("how") or ""
            out.append((f"{p.code} {p.en if lang == 'en' else p.nb}", f"{who}: {how}".rstrip(": ")))
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
                                intro=group.intro_en if lang == "en" else group.intro_nb, lines=lines,
                                opted_out=opted_out))
    stated = [(describe_requirement(TERMS[key], wanted, lang), verdicts.get(key))
              for key, wanted in requirements.items() if key in TERMS and wanted]
    docs = []
    for kind in SERVICE_KINDS:
        doc_id = (content.get("documents") or {}).get(kind)
        doc = session.get(Document, doc_id) if doc_id else None
        docs.append((KINDS[kind].text(lang),
                     f"{doc.filename} (SHA-256 {doc.sha256[:16]}…)" if doc else TEXTS["no_document"].text(lang)))
    supplier = session.get(Supplier, contract.supplier_id)
    return Bilag10(contract=contract, lang=lang, supplier_name=supplier.name if supplier else "",
                   service_name=content.get("name", ""), version=snapshot.version,
                   published_at=snapshot.published_at, sections=sections, requirements=stated, documents=docs)


# ---------------------------------------------------------------------------
# the editable document


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    def style(name: str, family: str, *props) -> Style:
        s = Style(name=name, family=family)
        for p in props:
            s.addElement(p)
        doc.automaticstyles.addElement(s)
        return s

    return {
        "h1": style("Tittel", "paragraph", TextProperties(fontsize="18pt", fontweight="bold"),
                    ParagraphProperties(marginbottom="0.3cm")),
        "h2": style("Gruppe", "paragraph", TextProperties(fontsize="14pt", fontweight="bold"),
                    ParagraphProperties(margintop="0.5cm", marginbottom="0.2cm")),
        "bold": style("Fet", "paragraph", TextProperties(fontweight="bold")),
        "note": style("Merknad", "paragraph", TextProperties(fontstyle="italic")),
        "col1": style("Kol1", "table-column", TableColumnProperties(columnwidth="6cm")),
        "col2": style("Kol2", "table-column", TableColumnProperties(columnwidth="11cm")),
    }


def _row(table: Table, left: str, right: str, styles: Mapping[str, Style], head: bool = False) -> None:
    row = TableRow()
    for text in (left, right):
        cell = TableCell(valuetype="string")
        for i, part in enumerate((text or "").split("\n")):
            cell.addElement(P(stylename=styles["bold"], text=part) if head else P(text=part))
        row.addElement(cell)
    table.addElement(row)


def _table(doc_body: Any, name: str, styles: Mapping[str, Style]) -> Table:
    table = Table(name=name)
    table.addElement(TableColumn(stylename=styles["col1"]))
    table.addElement(TableColumn(stylename=styles["col2"]))
    doc_body.addElement(table)
    return table


def to_odt(bilag: Bilag10, *, form_label: str = "") -> bytes:
    """Bilag 10 as an OpenDocument text (.odt)."""
    doc = OpenDocumentText()
    styles = _styles(doc)
    body = doc.text
    c = bilag.contract
    body.addElement(H(outlinelevel=1, stylename=styles["h1"], text=bilag.text("title")))
    facts = _table(body, "Avtale", styles)
    for key, value in (("contract", f"{c.title} (nr. {c.id})"), ("buyer", f"{c.buyer_name} ({c.buyer_orgnr})"),
                       ("supplier", bilag.supplier_name), ("service", bilag.service_name),
                       ("version", str(bilag.version)),
                       ("published", bilag.published_at.strftime("%d.%m.%Y") if bilag.published_at else ""),
                       ("form", form_label)):
        _row(facts, bilag.text(key), value, styles)
    body.addElement(P(stylename=styles["note"], text=bilag.text("intro")))

    body.addElement(H(outlinelevel=2, stylename=styles["h2"], text=bilag.text("requirements")))
    if bilag.requirements:
        table = _table(body, "Krav", styles)
        for described, verdict in bilag.requirements:
            _row(table, described, bilag.text("meets") if verdict else bilag.text("fails"), styles)
    else:
        body.addElement(P(text=bilag.text("no_requirements")))

    for number, section in enumerate(bilag.sections, start=1):
        body.addElement(H(outlinelevel=2, stylename=styles["h2"], text=f"{number}. {section.title}"))
        if section.intro:
            body.addElement(P(text=section.intro))
        if section.group.key == OPTOUT_GROUP:
            body.addElement(P(stylename=styles["note"], text=bilag.text("optout" if section.opted_out else "kept")))
        table = _table(body, f"Gruppe{number}", styles)
        _row(table, bilag.text("term"), bilag.text("value"), styles, head=True)
        for line in section.lines:
            value = line.value
            if line.details:
                value += "\n" + "\n".join(f"{label}: {text}" for label, text in line.details)
            if line.requirement:
                verdict = bilag.text("meets") if line.verdict else bilag.text("fails")
                value += f"\n{bilag.text('requirement')}: {line.requirement} – {verdict}"
            _row(table, line.label, value, styles)

    body.addElement(H(outlinelevel=2, stylename=styles["h2"], text=bilag.text("documents")))
    table = _table(body, "Dokumenter", styles)
    for label, text in bilag.documents:
        _row(table, label, text, styles)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
