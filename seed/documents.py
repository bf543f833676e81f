"""The demo catalogue's documents: a small real PDF for each document a published demo service names
(standard terms, data processing agreement, price list), stored like an upload and linked from the
service, so "Standardvilkår (dokument)" is a link on every demo service.

Idempotent: a service that already has its documents is left alone. The PDFs are written by
``catalogue.pdf`` from the service's own terms (the price list lists its unit prices).
"""
from __future__ import annotations

import os

from sqlmodel import Session, select

from catalogue.audit import Actor
from catalogue.documents import SERVICE_KINDS, store
from catalogue.models import Service, Supplier
from catalogue.pdf import make_pdf
from catalogue.terms import TERMS
from seed.data.suppliers import SUPPLIERS

ACTOR = Actor.system("demo-seed")


def _lines(kind: str, service: Service, supplier: Supplier) -> list[str]:
    terms = service.terms or {}
    if kind == "price_list":
        title = terms.get("price_list_document") or f"Prisliste {service.name}"
        lines = [title, f"{service.name} - {supplier.name}",
                 f"Prismodell: {TERMS['pricing_model'].display(terms.get('pricing_model'))}",
                 f"Pris fra: {TERMS['price_from'].display(terms.get('price_from'))} (uten mva.)", ""]
        lines += [f"{row['item']}: {TERMS['unit_prices'].columns[1].display(row['price'])} kr {row['unit']}"
                  for row in terms.get("unit_prices") or []]
        return lines + ["", "Alle priser i norske kroner uten merverdiavgift. Demodokument."]
    if kind == "dpa":
        return [f"{terms.get('dpa_document') or 'Databehandleravtale'} ({terms.get('dpa_version') or ''})",
                f"{supplier.name}, org.nr. {supplier.orgnr}", f"Gjelder: {service.name}",
                f"SCC-moduler: {TERMS['scc_modules'].display(terms.get('scc_modules'))}",
                f"Datalokasjon: {TERMS['data_locations'].display(terms.get('data_locations'))}", "Demodokument."]
    return [f"{terms.get('terms_document') or 'Standardvilkår'} ({terms.get('terms_version') or ''})",
            f"{supplier.name}, org.nr. {supplier.orgnr}", f"Gjelder: {service.name}",
            f"Lovvalg: {TERMS['governing_law'].display(terms.get('governing_law'))}",
            f"Verneting: {TERMS['venue'].display(terms.get('venue'))}", "Demodokument."]


def attach_demo_documents(session: Session, upload_dir: str | os.PathLike) -> int:
    """Store the missing documents of the demo suppliers' services; returns how many were stored."""
    made = 0
    orgnrs = [data["orgnr"] for data in SUPPLIERS]
    rows = session.exec(select(Service, Supplier).join(Supplier, Supplier.id == Service.supplier_id)
                        .where(Supplier.orgnr.in_(orgnrs)).order_by(Service.id)).all()
    for service, supplier in rows:
        documents = dict(service.documents or {})
        missing = [kind for kind in SERVICE_KINDS if kind not in documents]
        if not missing:
            continue
        for kind in missing:
            lines = _lines(kind, service, supplier)
            doc = store(session, ACTOR, upload_dir, supplier_id=supplier.id, kind=kind,
                        filename=f"{kind}-{service.id}.pdf", data=make_pdf(lines, title=lines[0]),
                        service_id=service.id)
            documents[kind] = doc.id
            made += 1
        service.documents = documents
        session.add(service)
    session.flush()
    return made
