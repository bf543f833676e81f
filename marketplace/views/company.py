"""A supplier's members keep its company details (/leverandor/firma): contact, website, presentation.

Name, form, address and size come from Enhetsregisteret and are shown, not edited.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from auth.guards import current_viewer, roles_required
from catalogue.viewer import SUPPLIER
from catalogue import company
from catalogue.models import Supplier
from catalogue.registration import is_member
from marketplace.checkstep import not_formal
from marketplace.db import get_session
from marketplace.web import texts

bp = Blueprint("company", __name__, url_prefix="/leverandor/firma")


def _own_supplier() -> Supplier:
    viewer = current_viewer()
    session = get_session()
    supplier = session.get(Supplier, viewer.supplier_id) if viewer.supplier_id else None
    if supplier is None or not is_member(session, viewer.user_id, supplier.id):
        abort(403)
    return supplier


@bp.route("", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@not_formal("the company's contact details, which can be changed at any time")
def details():
    """The company's details: what the register says, and the contact details the members keep."""
    supplier = _own_supplier()
    values = {f.key: getattr(supplier, f.key) for f in company.DETAILS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = company.read_form(request.form)
        clean, problems = company.clean_details(values)
        if problems:
            errors = texts(problems)
            status = 422
        else:
            session = get_session()
            changed = company.save_details(session, current_viewer().actor(), supplier, clean)
            session.commit()
            message = (gettext("Opplysningene er lagret.") if changed
                       else gettext("Ingen endringer å lagre."))
            flash(message, "success")
            return redirect(url_for("company.details"))
    return render_template("company/details.html", supplier=supplier, values=values, errors=errors,
                           fields=company.DETAILS, size=company.company_size(supplier.employees),
                           size_labels=company.SIZE_LABELS), status
