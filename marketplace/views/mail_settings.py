"""E-mail addresses and notification preferences; the links in the e-mails (verify, unsubscribe).

* ``/varsler/adresser`` – the person's work address for the organisation they act for now
  (contract managers: their manager address), the supplier's functional address (its
  members), the managers' team address (managers); each verified through a single-use link.
* ``/varsler/innstillinger`` – per kind: immediately, daily digest or off; mandatory kinds say so.
* ``/varsler/adresser/bekreft/<token>`` and ``/varsler/avmeld/<token>`` – the links in the mails:
  the page asks for one click (mail scanners follow GET links, never forms); the unsubscribe
  POST also takes RFC 8058 one-click requests from mail clients, so it is CSRF-exempt – the
  signed single-use token is what authorizes it.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext

from auth.guards import current_viewer, login_required, public
from catalogue.lifecycle import DomainError
from catalogue.models import utcnow
from catalogue.notifications import addresses as mail
from catalogue.notifications import kinds
from catalogue.notifications.inbox import format_subject
from catalogue.notifications.models import (MANAGERS_ORG, TEAM, Delivery, MailAddress, NotificationEvent,
                                            supplier_owner, user_owner)
from marketplace.checkstep import not_formal
from marketplace.db import get_session
from marketplace.extensions import csrf
from marketplace.htmx import render_page
from marketplace.mailer import verify_url
from marketplace.templating import current_lang

bp = Blueprint("mailsettings", __name__, url_prefix="/varsler")

# The languages of the mails, each named in itself (as the language switch does).
LANGUAGES = [("nb", "Norsk (bokmål)"), ("en", "English")]
FORMS = {  # form → the prefix of its field names
    "personal": "",
    "functional": "functional-",
    "team": "team-",
}


def _personal_org(viewer) -> str | None:
    if viewer.is_manager:
        return MANAGERS_ORG
    return f"0192:{viewer.orgnr}" if viewer.orgnr else None


def _targets(viewer) -> dict[str, tuple[str, str, dict]]:
    """The addresses this viewer may set: form → (owner, org, extra columns)."""
    found = {}
    org = _personal_org(viewer)
    if org:
        found["personal"] = (user_owner(viewer.user_id), org, {"user_id": viewer.user_id})
    if viewer.is_supplier and viewer.supplier_id:
        found["functional"] = (supplier_owner(viewer.supplier_id), f"0192:{viewer.orgnr}",
                               {"supplier_id": viewer.supplier_id})
    if viewer.is_manager:
        found["team"] = (TEAM, MANAGERS_ORG, {})
    return found


def _page(errors=None, values=None, status=200):
    viewer = current_viewer()
    session = get_session()
    targets = _targets(viewer)
    current = {form: mail.address_of(session, owner, org) for form, (owner, org, _) in targets.items()}
    return render_page("notifications/addresses.html", None, targets=targets, current=current,
                       mine=mail.addresses_of_user(session, viewer.user_id), errors=errors or {},
                       values=values or {}, lang=current_lang(), languages=LANGUAGES), status


@bp.get("/adresser")
@login_required
def addresses():
    return _page()


@bp.post("/adresser/<form>")
@login_required
@not_formal("adds or changes a notification address")
def save(form: str):
    viewer = current_viewer()
    target = _targets(viewer).get(form)
    if target is None:
        abort(404)  # not an address this person manages (or no such form)
    owner, org, extra = target
    prefix = FORMS[form]
    email, lang = request.form.get(prefix + "email", ""), request.form.get(prefix + "lang", "nb")
    session = get_session()
    try:
        _address, sent = mail.save(session, viewer.actor(), owner=owner, org=org, email=email, lang=lang,
                                   secret=current_app.config["SECRET_KEY"],
                                   verify_url=verify_url(current_app._get_current_object()), **extra)
    except DomainError as error:
        session.rollback()
        return _page(errors={prefix + "email": gettext(error.message, **error.params)},
                     values={prefix + "email": email[:320]}, status=422)
    session.commit()
    flash(gettext("Vi har sendt en bekreftelseslenke til %(email)s. Adressen får varsler når du har åpnet den.",
                  email=_address.email) if sent else gettext("Språket er lagret."), "success")
    return redirect(url_for(".addresses"), code=303)


def _own_address(address_id: int) -> MailAddress:
    address = get_session().get(MailAddress, address_id)
    viewer = current_viewer()
    allowed = {owner for owner, _org, _extra in _targets(viewer).values()} | {user_owner(viewer.user_id)}
    if address is None or address.owner not in allowed:
        abort(404)
    return address


@bp.post("/adresser/<int:address_id>/bekreft-igjen")
@login_required
@not_formal("sends the address confirmation again")
def resend(address_id: int):
    address = _own_address(address_id)
    if address.is_verified:
        flash(gettext("Adressen er allerede bekreftet."), "info")
        return redirect(url_for(".addresses"), code=303)
    session = get_session()
    mail.send_verification(session, address, secret=current_app.config["SECRET_KEY"],
                           verify_url=verify_url(current_app._get_current_object()), now=utcnow())
    session.commit()
    flash(gettext("Ny bekreftelseslenke er sendt til %(email)s.", email=address.email), "success")
    return redirect(url_for(".addresses"), code=303)


@bp.post("/adresser/<int:address_id>/fjern")
@login_required
@not_formal("removes a notification address; it can be added again")
def remove(address_id: int):
    address = _own_address(address_id)
    session = get_session()
    mail.remove(session, current_viewer().actor(), address)
    session.commit()
    flash(gettext("Adressen er fjernet."), "success")
    return redirect(url_for(".addresses"), code=303)


# --- preferences --------------------------------------------------------------------------------

def _preferences_page(errors=None, status=200):
    viewer = current_viewer()
    rows = mail.preferences(get_session(), user_owner(viewer.user_id))
    return render_page("notifications/preferences.html", None, rows=rows, errors=errors or {},
                       deliveries=list(Delivery)), status


@bp.get("/innstillinger")
@login_required
def preferences():
    return _preferences_page()


@bp.post("/innstillinger")
@login_required
@not_formal("notification settings")
def save_preferences():
    viewer = current_viewer()
    session = get_session()
    errors = {}
    for kind in mail.choosable_kinds():
        wanted = request.form.get("kind-" + kind.name.replace(".", "-"))
        if wanted is None:
            continue
        try:
            mail.set_preference(session, viewer.actor(), user_owner(viewer.user_id), kind.name, wanted)
        except DomainError as error:
            errors["kind-" + kind.name.replace(".", "-")] = gettext(error.message, **error.params)
    if errors:
        session.rollback()
        return _preferences_page(errors, 422)
    session.commit()
    flash(gettext("Varslingsvalgene er lagret."), "success")
    return redirect(url_for(".preferences"), code=303)


# --- the links in the e-mails --------------------------------------------------------------------


def _refused(error: DomainError):
    return render_page("notifications/link.html", None, refused=gettext(error.message, **error.params),
                       done=None, action=None), error.http_status


@bp.get("/adresser/bekreft/<token>")
@public
def verify(token: str):
    return render_page("notifications/link.html", None, refused=None, done=None,
                       action=url_for(".verify_post", token=token), purpose="verify"), 200


@bp.post("/adresser/bekreft/<token>")
@public
@not_formal("confirms a notification address from the link in the mail")
def verify_post(token: str):
    session = get_session()
    try:
        address = mail.verify(session, token, secret=current_app.config["SECRET_KEY"])
    except DomainError as error:
        session.rollback()
        return _refused(error)
    session.commit()
    return render_page("notifications/link.html", None, refused=None, action=None,
                       done=gettext("E-postadressen %(email)s er bekreftet. Den får varsler fra nå av.",
                                    email=address.email)), 200


@bp.get("/avmeld/<token>")
@public
def unsubscribe(token: str):
    return render_page("notifications/link.html", None, refused=None, done=None,
                       action=url_for(".unsubscribe_post", token=token), purpose="unsubscribe"), 200


@bp.post("/avmeld/<token>")
@public
@csrf.exempt
@not_formal("turns a kind of notification off from the link in the mail; it can be turned on again")
def unsubscribe_post(token: str):
    session = get_session()
    try:
        row = mail.unsubscribe(session, token, secret=current_app.config["SECRET_KEY"])
    except DomainError as error:
        session.rollback()
        return _refused(error)
    session.commit()
    event = session.get(NotificationEvent, row.event_id)
    example = format_subject(gettext(kinds.get(row.kind).subject), event.context if event else {})
    return render_page("notifications/link.html", None, refused=None, action=None,
                       done=gettext("Du får ikke lenger e-post om slike varsler som «%(example)s». Du kan endre "
                                    "valget under varslingsvalg når du er logget inn.", example=example)), 200
