"""The web side of the dispatcher: e-mail templates in the recipient's language and the links in them.

``templates/email/<kind>.txt`` and ``.html`` extend ``email/base.*``; they get the
notification's ``ctx`` (its context), the absolute ``url``, the ``subject`` and the
``unsubscribe_url`` (absent for mandatory kinds). A daily digest uses ``email/digest.*``.
Rendering runs inside the app context with flask-babel's ``force_locale``, so the same
gettext catalogue serves the pages and the mails.
"""
from __future__ import annotations

from typing import Optional

from flask import Flask, render_template
from flask_babel import force_locale, gettext, ngettext

from catalogue.notifications import addresses, kinds
from catalogue.notifications.dispatch import Dispatcher, DispatchSettings, Item, Rendered
from catalogue.notifications.inbox import format_subject
from catalogue.notifications.mail import SmtpSettings, SmtpTransport
from marketplace.templating import LANGUAGES

UNSUBSCRIBE_PATH = "/varsler/avmeld/"
VERIFY_PATH = "/varsler/adresser/bekreft/"


def absolute(app: Flask, path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return app.config["PUBLIC_BASE_URL"] + (path if path.startswith("/") else "/" + path)


def verify_url(app: Flask):
    return lambda token: absolute(app, VERIFY_PATH + token)


def unsubscribe_url(app: Flask):
    secret = app.config["SECRET_KEY"]
    return lambda row: absolute(app, UNSUBSCRIBE_PATH + addresses.unsubscribe_token(secret, row))


def make_renderer(app: Flask):
    def render(lang: str, items: list[Item], *, digest: bool, unsubscribe_url: Optional[str]) -> Rendered:
        lang = lang if lang in LANGUAGES else "nb"
        with app.app_context(), force_locale(lang):
            entries = [{"subject": format_subject(gettext(kinds.get(row.kind).subject), event.context),
                        "url": absolute(app, event.url), "ctx": event.context or {}, "kind": row.kind}
                       for row, event in items]
            if digest:
                subject = ngettext("Daglig oppsummering: %(num)s varsel", "Daglig oppsummering: %(num)s varsler",
                                   len(entries))
                name = "email/digest"
                context = {"entries": entries}
            else:
                subject = entries[0]["subject"]
                name = kinds.get(items[0][0].kind).template
                context = dict(entries[0])
            context.update(subject=subject, unsubscribe_url=unsubscribe_url, lang=lang)
            return Rendered(subject=subject, text=render_template(name + ".txt", **context),
                            html=render_template(name + ".html", **context))

    return render


def dispatcher(app: Flask, transport=None) -> Dispatcher:
    cfg = app.config
    if transport is None:
        if not cfg["SMTP_URL"]:
            raise RuntimeError("SMTP_URL is not set: the dispatcher has no mail server to send to.")
        transport = SmtpTransport(SmtpSettings.from_url(cfg["SMTP_URL"]))
    sender = cfg["MAIL_FROM"]
    settings = DispatchSettings(sender_email=sender, mail_domain=sender.rpartition("@")[2] or "localhost",
                                max_attempts=cfg["NOTIFY_MAX_ATTEMPTS"], retry_base=cfg["NOTIFY_RETRY_SECONDS"],
                                schedule_every=cfg["NOTIFY_SCHEDULE_SECONDS"])
    return Dispatcher(app.extensions["db_engine"], transport, make_renderer(app), settings,
                      unsubscribe_url=unsubscribe_url(app))
