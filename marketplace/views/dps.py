"""Public pages of the supplier side: the dynamic purchasing systems with their qualified
suppliers, and uploaded documents (served only to whoever may read them).
"""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, send_file

from auth.guards import current_viewer, public
from catalogue import documents, dpsadmin, qualification
from marketplace.db import get_session

bp = Blueprint("dps", __name__)


@bp.get("/dps")
@public
def index():
    """Every dynamic purchasing system, with its period."""
    return render_template("dps/index.html", dps_list=qualification.all_dps(get_session()),
                           is_open=qualification.is_open)


@bp.get("/dps/<slug>")
@public
def dps(slug: str):
    """A DPS: what it is, its period, and the qualified suppliers in each of its categories."""
    session = get_session()
    found = qualification.dps_by_slug(session, slug)
    if found is None:
        abort(404)
    return render_template("dps/dps.html", dps=found, rows=qualification.qualified_by_category(session, found),
                           open=qualification.is_open(found), documents=dpsadmin.documents(session, found))


@bp.get("/dokumenter/<int:document_id>")
@public
def document(document_id: int):
    """An uploaded PDF. The owning supplier's users and the contract manager may always read it;
    anyone may read a terms or DPA document of a published service version. Others get 404,
    so the existence of a document is not given away."""
    session = get_session()
    doc = session.get(documents.Document, document_id)
    viewer = current_viewer()
    if doc is None or not documents.may_read(session, doc, is_manager=viewer.is_manager,
                                             supplier_id=viewer.supplier_id if viewer.is_supplier else None):
        abort(404)
    data = documents.read_bytes(current_app.config["UPLOAD_DIR"], doc)
    response = send_file(BytesIO(data), mimetype=doc.content_type, as_attachment=True, download_name=doc.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if not documents.is_public(session, doc) else "public, max-age=300"
    return response
