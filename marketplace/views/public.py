"""Public pages: front page, categories, services and suppliers. Open to everyone."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.routing import BuildError

from auth.guards import current_viewer, public
from catalogue import browse, buying
from catalogue.company import SIZE_LABELS, company_size
from catalogue.confirmation import confirmation_of
from catalogue.documents import KINDS, SERVICE_KINDS
from catalogue.models import Category
from catalogue.registerwatch.apply import open_alerts as register_alerts
from catalogue.terms import TERMS
from marketplace.db import get_session
from marketplace.web import public_service_or_abort

bp = Blueprint("public", __name__)

PAGE_SIZE = 30


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("side", "1")), 10_000))
    except ValueError:
        return 1


@bp.get("/")
@public
def index():
    """Front page: what the marketplace is, and every category with its service count."""
    tree = browse.category_tree(get_session())
    total = sum(node.count for node in tree)
    return render_template("index.html", tree=tree, total=total)


@bp.get("/kategorier/<slug>")
@public
def category(slug: str):
    """A category (or sub-category) with its published services, paged."""
    session = get_session()
    cat = browse.category_by_slug(session, slug)
    if cat is None:
        abort(404)
    parent = session.get(Category, cat.parent_id) if cat.parent_id else None
    children = [node for node in browse.category_tree(session) if node.category.id == cat.id]
    page = _page()
    total, rows = browse.published_in(session, browse.subcategory_ids(session, cat),
                                      offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        abort(404)
    return render_template("category.html", category=cat, parent=parent,
                           children=children[0].children if children else [],
                           total=total, rows=rows, page=page, pages=pages)


@bp.get("/tjeneste/<int:service_id>")
@public
def service(service_id: int):
    """A published service with every term, grouped as in the terms registry.

    A removed service answers 410 Gone with the date; drafts are not public (404).
    """
    svc, supplier, cat, parent = public_service_or_abort(
        service_id, gone=lambda svc, supplier, *_: (render_template("gone.html", service=svc, supplier=supplier), 410),
        missing=lambda: 404)
    alerts = register_alerts(get_session(), supplier.id)
    groups = TERMS.grouped(include_buyer_only=current_viewer().sees_buyer_only)
    offer = buying.offer_of(get_session(), svc)
    # Starting a competition is another area's page (issue 13): linked once that page exists.
    competition_url = optional_url("competitions.new", kategori=offer.competition_key) if offer.covers_service else None
    return render_template("service.html", service=svc, supplier=supplier, category=cat, parent=parent,
                           groups=groups, terms=svc.terms or {}, alerts=alerts, offer=offer,
                           competition_url=competition_url, confirmation=confirmation_of(svc),
                           document_kinds=[(k, str(KINDS[k])) for k in SERVICE_KINDS])


def optional_url(endpoint: str, **values) -> str | None:
    """The address of a view another area adds later (e.g. starting a competition), or None until it exists."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.get("/leverandorer")
@public
def suppliers():
    """Every registered supplier with its number of published services."""
    return render_template("suppliers.html", rows=browse.suppliers_with_counts(get_session()))


@bp.get("/leverandorer/<slug>")
@public
def supplier(slug: str):
    """A supplier's page: company details and its published services."""
    session = get_session()
    sup = browse.supplier_by_slug(session, slug)
    if sup is None:
        abort(404)
    size = company_size(sup.employees)
    return render_template("supplier.html", supplier=sup, rows=browse.published_of_supplier(session, sup.id),
                           alerts=register_alerts(session, sup.id), size=SIZE_LABELS[size] if size else None)
