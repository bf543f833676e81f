"""Development only: the mails the local mail catcher received (``/utvikling/e-post``); 404 in production."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app

from auth.guards import public
from marketplace.htmx import render_page
from marketplace.mailcatcher import stored

bp = Blueprint("devmail", __name__, url_prefix="/utvikling")


@bp.get("/e-post")
@public
def mails():
    if current_app.config["PRODUCTION"]:
        abort(404)
    return render_page("dev/mail.html", None, mails=stored(Path(current_app.config["MAIL_DIR"])),
                       smtp=current_app.config["SMTP_URL"])
