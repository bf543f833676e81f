"""The listing form and its data: posting a listing's content and reading it back gives the same content.

``form_data(content)`` is also the helper the view tests post with: it writes a listing the
way a browser submits the generated form.
"""
from __future__ import annotations

from typing import Any, Mapping

from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from catalogue import listings, nsm
from catalogue.models import Service
from catalogue.terms import BOOLEAN, MULTICHOICE, NSM_MATRIX, TERMS


def term_pairs(terms: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form fields for *terms* (clean values), as the generated form posts them."""
    pairs: list[tuple[str, str]] = []
    for term in TERMS:
        value = terms.get(term.key)
        name = term.field_name
        if term.type == MULTICHOICE:
            pairs += [(name, v) for v in value or []]
        elif term.type == BOOLEAN:
            pairs.append((name, "" if value is None else ("ja" if value else "nei")))
        elif term.type == NSM_MATRIX:
            for p in nsm.PRINCIPLES:
                entry = (value or {}).get(p.code) or {}
                pairs.append((f"{name}-{p.code}-responsibility", entry.get("responsibility", "")))
                pairs.append((f"{name}-{p.code}-how", entry.get("how", "")))
        elif term.has_rows:
            rows = value or []
            pairs.append((f"{name}-count", str(len(rows))))
            for i, row in enumerate(rows):
                pairs += [(f"{name}-{i}-{col.key}", "" if row.get(col.key) is None else str(row[col.key]))
                          for col in term.columns]
        else:
            pairs.append((name, "" if value is None else str(value)))
    return pairs


def form_data(content: Mapping[str, Any], **extra: str) -> MultiDict:
    """The form post of a listing with *content* (plus *extra* fields such as lock_version or action)."""
    pairs = [
        (listings.NAME.field_name, content.get("name", "")),
        (listings.SUMMARY.field_name, content.get("summary", "")),
        (listings.DESCRIPTION.field_name, content.get("description", "")),
        (listings.FEATURES.field_name, "\n".join(content.get("features") or [])),
        (listings.CATEGORY_FIELD, str(content.get("category_id") or "")),
        (listings.DPS_FIELD, str(content.get("dps_id") or "")),
    ] + term_pairs(content.get("terms") or {})
    pairs += list(extra.items())
    return MultiDict(pairs)


def demo_content(session: Session, *, supplier_id: int | None = None) -> dict[str, Any]:
    """A complete listing borrowed from a published demo service (not offered under the DPS)."""
    query = select(Service).where(Service.status == "published", Service.dps_id.is_(None))
    if supplier_id is not None:
        query = query.where(Service.supplier_id == supplier_id)
    service = session.exec(query.order_by(Service.id)).first()
    content = listings.listing_content(service)
    content["name"] = f"Ny {service.name}"[:150]
    return content


def test_a_posted_listing_reads_back_as_the_same_content(app):
    with Session(app.extensions["db_engine"]) as session:
        for service in session.exec(select(Service).where(Service.status == "published").limit(25)).all():
            content = listings.listing_content(service)
            raw = listings.read_form(form_data(content))
            clean, errors = listings.validate(session, service.supplier_id, raw, complete=True)
            assert errors == {}, (service.id, errors)
            for key in ("name", "summary", "description", "features", "category_id", "dps_id"):
                assert clean[key] == content[key], (service.id, key)
            assert clean["terms"] == {k: v for k, v in content["terms"].items() if v not in (None, "", [])}


def test_every_term_has_a_form_field_named_after_it():
    some = {t.key: [t.choices[0].value] for t in TERMS if t.type == MULTICHOICE}
    names = {name for name, _ in term_pairs(some)}
    for term in TERMS:
        assert any(n == term.field_name or n.startswith(term.field_name + "-") for n in names), term.key


def confirm_sending(client, csrf: str, page):
    """«Send til godkjenning» saved the draft and asks first: the check page posts to …/send, confirmed."""
    import re

    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sjekk før du sender" in text, text[:3000]
    action = re.search(r'<form method="post" action="([^"]+/send)"', text).group(1)
    lock = re.search(r'name="lock_version" value="(\d+)"', text).group(1)
    return client.post(action, data={"csrf_token": csrf, "lock_version": lock, "bekreftet": "ja"})
