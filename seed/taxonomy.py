"""Load the CIPS taxonomy (``seed/categories.json``) idempotently, keyed on the stable slugs."""
from __future__ import annotations

import json

from sqlmodel import Session, select

from catalogue.models import Category
from seed import DATA


def load_taxonomy(session: Session) -> int:
    """Create or update every category in the file; returns how many were created."""
    tree = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))["categories"]
    existing = {c.slug: c for c in session.exec(select(Category)).all()}
    created = 0

    def upsert(node: dict, parent_id: int | None) -> Category:
        nonlocal created
        cat = existing.get(node["slug"])
        if cat is None:
            cat = Category(slug=node["slug"])
            created += 1
        cat.parent_id = parent_id
        cat.name_nb, cat.name_en = node["name_nb"], node["name_en"]
        cat.description_nb = node.get("description_nb", "")
        cat.description_en = node.get("description_en", "")
        cat.position = node.get("position", 0)
        session.add(cat)
        session.flush()
        existing[cat.slug] = cat
        return cat

    for top in tree:
        parent = upsert(top, None)
        for child in top.get("children", []):
            upsert(child, parent.id)
    return created
