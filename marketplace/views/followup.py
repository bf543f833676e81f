"""Follow-up at system level: turnover reports, deviation reports by supplier, and the open list of awarded contracts.

* ``/leverandor/omsetning`` – a supplier reports its quarterly turnover in each DPS (zero included);
* ``/forvaltning/oppfolging`` – the contract manager sees deviation reports by supplier and who
  has not reported turnover, and can send the reminder list;
* ``/avtaler`` – awarded contracts, public (buyer, supplier, category, value, dates; nothing confidential).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext, lazy_gettext as _l

from auth.guards import current_viewer, public, roles_required
from catalogue.viewer import MANAGER, SUPPLIER
from catalogue.contracts import followup, ocds, reminders
from catalogue.contracts import lifecycle as lc
from catalogue.lifecycle import N_, DomainError
from catalogue.models import DPS
from marketplace.checkstep import check_first, not_formal
from marketplace.db import get_session
from marketplace.htmx import render_page
from marketplace.web import domain_message, field_errors

bp = Blueprint("followup", __name__)


def _quarter_arg(raw: str | None) -> tuple[int, int]:
    """«2026-4» → (2026, 4); anything else: the quarter before this one."""
    try:
        year, quarter = (int(x) for x in (raw or "").split("-", 1))
        if 2000 <= year <= 2100 and 1 <= quarter <= 4:
            return year, quarter
    except ValueError:
        pass
    return followup.previous_quarter(lc.today())


def _quarters(count: int = 8) -> list[tuple[str, str]]:
    year, quarter = followup.quarter_of(lc.today())
    out = []
    for _ in range(count):
        out.append((f"{year}-{quarter}", gettext("%(q)s. kvartal %(y)s", q=quarter, y=year)))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return out


@bp.route("/leverandor/omsetning", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@check_first(_l("Rapporter omsetningen"), button=_l("Rapporter omsetningen"),
             explain=_l("Omsetningen registreres for kvartalet og kan ikke endres her etterpå."))
def turnover():
    """Report the quarter's turnover in each DPS the supplier is qualified in."""
    viewer = current_viewer()
    db = get_session()
    if viewer.supplier_id is None:
        abort(403)
    year, quarter = _quarter_arg(request.values.get("kvartal"))
    qualified = followup.qualified_categories(db, viewer.supplier_id)
    systems = [(db.get(DPS, dps_id), cats) for dps_id, cats in qualified.items()]
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            dps_id = int(request.form.get("dps", "0"))
        except ValueError:
            dps_id = 0
        cats = qualified.get(dps_id, [])
        amounts = {c.id: request.form.get(f"omsetning-{c.id}", "") for c in cats}
        try:
            followup.report_turnover(db, viewer.actor(), supplier_id=viewer.supplier_id, dps_id=dps_id, year=year,
                                     quarter=quarter, amounts=amounts, user_id=viewer.user_id, today=lc.today())
        except DomainError as exc:
            db.rollback()
            errors = field_errors(exc)
            status = 422
        else:
            db.commit()
            flash(gettext("Omsetningen for %(q)s. kvartal %(y)s er registrert.", q=quarter, y=year), "success")
            return redirect(url_for("followup.turnover", kvartal=f"{year}-{quarter}"))
    done = {d.id: followup.reported(db, viewer.supplier_id, d.id, year, quarter) for d, _ in systems}
    return render_page("contracts/turnover.html", None, systems=systems, done=done, year=year, quarter=quarter,
                       quarters=_quarters(), errors=errors, form=request.form), status


@bp.get("/forvaltning/oppfolging")
@roles_required(MANAGER)
def overview():
    """Deviation reports by supplier, and turnover: who has reported a quarter and who has not."""
    db = get_session()
    year, quarter = _quarter_arg(request.args.get("kvartal"))
    return render_page("contracts/followup.html", None, deviations=followup.deviations_by_supplier(db),
                       missing=followup.not_reported(db, year, quarter),
                       totals=followup.turnover_totals(db, year, quarter), year=year, quarter=quarter,
                       quarters=_quarters(), thresholds=(found := lc.thresholds(db)),
                       dps_options=[(str(d.id), d.name) for d, _ in found])


@bp.post("/forvaltning/oppfolging/terskel")
@roles_required(MANAGER)
@not_formal("a setting of the contract manager, audited, that can be set again at any time")
def threshold():
    """Set the direct-award threshold of one DPS (recorded in the audit log)."""
    db = get_session()
    try:
        dps_id = int(request.form.get("dps", "0"))
    except ValueError:
        dps_id = 0
    try:
        if not 0 < dps_id <= 2**31 - 1 or db.get(DPS, dps_id) is None:
            raise DomainError(N_("Velg en innkjøpsordning."), "dps")
        amount = lc.parse_amount(request.form.get("terskel"), "terskel", N_("Oppgi terskelen i kroner."))
        lc.set_threshold(db, current_viewer().actor(), dps_id, amount)
    except DomainError as exc:
        db.rollback()
        flash(domain_message(exc), "error")
        return redirect(url_for("followup.overview"), code=303)
    db.commit()
    flash(gettext("Terskelen for direkte avrop er endret."), "success")
    return redirect(url_for("followup.overview"))


@bp.post("/forvaltning/oppfolging/paminnelser")
@roles_required(MANAGER)
@check_first(_l("Send påminnelser om omsetning"), button=_l("Send påminnelsene"),
             explain=_l("Alle leverandører som ikke har rapportert kvartalet, får en påminnelse på e-post."))
def remind():
    """Send the turnover reminder to every supplier that has not reported the quarter."""
    db = get_session()
    year, quarter = _quarter_arg(request.form.get("kvartal"))
    sent = reminders.send_turnover_reminders(db, current_viewer().actor(), year, quarter)
    db.commit()
    flash(gettext("Påminnelse sendt til %(n)s leverandører.", n=sent), "success")
    return redirect(url_for("followup.overview", kvartal=f"{year}-{quarter}"))


@bp.get("/avtaler")
@public
def awarded():
    """Awarded contracts, open to everyone (no confidential fields)."""
    rows = ocds.awarded(get_session())
    return render_page("contracts/awarded.html", None, rows=rows)

