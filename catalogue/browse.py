"""Read-side queries for the public pages: categories with counts, services, suppliers."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.models import Category, Service, ServiceStatus, Supplier


@dataclass
class CategoryNode:
    category: Category
    count: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def published_counts(session: Session) -> dict[int, int]:
    """Published services per (sub-)category id."""
    rows = session.exec(
        select(Service.category_id, func.count()).where(Service.status == ServiceStatus.PUBLISHED).group_by(Service.category_id)
    ).all()
    return {cat_id: n for cat_id, n in rows}


def category_tree(session: Session) -> list[CategoryNode]:
    """Top-level categories in order, each with its sub-categories and published counts."""
    counts = published_counts(session)
    cats = session.exec(select(Category).order_by(Category.position, Category.name_nb)).all()
    nodes = {c.id: CategoryNode(c, counts.get(c.id, 0)) for c in cats}
    roots = []
    for c in cats:
        node = nodes[c.id]
        if c.parent_id is None:
            roots.append(node)
        elif c.parent_id in nodes:
            nodes[c.parent_id].children.append(node)
    for root in roots:
        root.count += sum(child.count for child in root.children)
    return roots


def category_by_slug(session: Session, slug: str) -> Category | None:
    return session.exec(select(Category).where(Category.slug == slug)).first()


def subcategory_ids(session: Session, category: Category) -> list[int]:
    ids = [category.id]
    ids += session.exec(select(Category.id).where(Category.parent_id == category.id)).all()
    return ids


def published_in(session: Session, category_ids: list[int], *, offset: int = 0, limit: int = 50):
    """Published services in the given categories, by name, with their suppliers."""
    base = select(Service, Supplier).join(Supplier, Supplier.id == Service.supplier_id).where(
        Service.status == ServiceStatus.PUBLISHED, Service.category_id.in_(category_ids))
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(Service.name, Service.id).offset(offset).limit(limit)).all()
    return total, rows


def service_with_context(session: Session, service_id: int):
    """``(service, supplier, category, parent category)`` or ``None``."""
    service = session.get(Service, service_id)
    if service is None:
        return None
    supplier = session.get(Supplier, service.supplier_id)
    category = session.get(Category, service.category_id)
    parent = session.get(Category, category.parent_id) if category and category.parent_id else None
    return service, supplier, category, parent


def supplier_by_slug(session: Session, slug: str) -> Supplier | None:
    return session.exec(select(Supplier).where(Supplier.slug == slug)).first()


def published_of_supplier(session: Session, supplier_id: int):
    return session.exec(
        select(Service, Category).join(Category, Category.id == Service.category_id)
        .where(Service.supplier_id == supplier_id, Service.status == ServiceStatus.PUBLISHED).order_by(Service.name)
    ).all()


def suppliers_with_counts(session: Session):
    rows = session.exec(
        select(Supplier, func.count(Service.id))
        .join(Service, (Service.supplier_id == Supplier.id) & (Service.status == ServiceStatus.PUBLISHED), isouter=True)
        .group_by(Supplier.id).order_by(Supplier.name)
    ).all()
    return rows
