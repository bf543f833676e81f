"""Template globals, filters and the language (bokmål first, English second)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, g, request, session
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, ngettext, pgettext
from flask_babel import format_date as babel_format_date
from flask_babel import lazy_gettext as _l
from jinja2 import FileSystemBytecodeCache

from catalogue import i18n, nsm
from catalogue.models import ApplicationStatus, QualificationStatus, RevisionStatus, ServiceStatus
from catalogue.terms import TERMS

OSLO = ZoneInfo("Europe/Oslo")
LANGUAGES = ("nb", "en")
API_PREFIX = "/api/"


# The label of each stored status (the same value means the same word in every life cycle).
STATUS_LABELS = {
    ServiceStatus.DRAFT: _l("Utkast"),
    ServiceStatus.SUBMITTED: _l("Sendt til godkjenning"),
    ServiceStatus.PUBLISHED: _l("Publisert"),
    ServiceStatus.REMOVED: _l("Fjernet"),
    RevisionStatus.APPROVED: _l("Godkjent"),
    RevisionStatus.REJECTED: _l("Avvist"),
    QualificationStatus.PENDING: _l("Til behandling"),
    QualificationStatus.QUALIFIED: _l("Kvalifisert"),
    QualificationStatus.SUSPENDED: _l("Suspendert"),
    QualificationStatus.REVOKED: _l("Tilbakekalt"),
    ApplicationStatus.DECIDED: _l("Avgjort"),
}


def status_label(status) -> str:
    return str(STATUS_LABELS.get(status, status or ""))


def current_lang() -> str:
    """The language of this request: ``?lang=`` wins; the JSON API then honours ``Accept-Language`` (its
    clients keep no session); then the session, then bokmål."""
    try:
        wanted = request.args.get("lang")
        if wanted not in LANGUAGES and request.path.startswith(API_PREFIX):
            wanted = request.accept_languages.best_match(LANGUAGES)
        wanted = wanted if wanted in LANGUAGES else session.get("lang")
    except RuntimeError:  # outside a request (CLI)
        return "nb"
    return wanted if wanted in LANGUAGES else "nb"


def to_oslo(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(OSLO)


def format_date(value: date | datetime | None) -> str:
    """``21. november 2026`` (nb) / ``21 November 2026`` (en), in the language shown."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_oslo(value).date()
    return babel_format_date(value, gettext("d. MMMM y"))  # a CLDR pattern: the month's name in the language shown


def format_datetime(value: datetime | None) -> str:
    """``21. november 2026 kl. 14:05`` (nb) / ``21 November 2026 at 14:05`` (en)."""
    if value is None:
        return ""
    local = to_oslo(value)
    return gettext("%(date)s kl. %(time)s", date=format_date(local.date()), time=f"{local:%H:%M}")


def iso_datetime(value: datetime | None) -> str:
    return to_oslo(value).isoformat(timespec="minutes") if value else ""


def shown_lang() -> str:
    """The language being rendered: the request's, or the one a mail is forced into (``force_locale``)."""
    locale = get_locale()
    return locale.language if locale is not None else "nb"


def _catalogue():
    """The translations of the language being rendered, looked up once per request and language (a
    result page calls gettext about a hundred times; flask-babel looks the catalogue up on each call).
    A mail rendered in another language (``force_locale``) has another locale object, so another look-up."""
    locale = get_locale()
    cached = g.get("_mps_catalogue")  # (the locale, its translations)
    if cached is None or cached[0] is not locale:
        cached = g._mps_catalogue = (locale, get_translations())
    return cached[1]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=current_lang)
    # The templates' _(), ngettext() and pgettext() (newstyle: Jinja fills in the variables and escapes).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s), ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n), newstyle=True)
    i18n.install(gettext, ngettext, shown_lang, pgettext, force_locale)  # the domain's `_l` texts go through flask-babel too

    @app.before_request
    def _remember_lang():
        wanted = request.args.get("lang")
        if wanted in LANGUAGES and not request.path.startswith(API_PREFIX):  # the API is stateless
            session["lang"] = wanted

    from auth.guards import current_viewer

    @app.context_processor
    def _viewer():
        return {"viewer": current_viewer()}

    app.jinja_env.globals.update(TERMS=TERMS, NSM=nsm, current_lang=current_lang, pick=i18n.pick,
                                 status_label=status_label, QualificationStatus=QualificationStatus)
    from catalogue.validity import counts_on

    app.jinja_env.globals.update(certificate_counts=counts_on)  # dated evidence: does it count today?
    from catalogue.pending_uploads import token_field
    from marketplace.kept_uploads import kept_upload

    # A file kept from a refused form (issue 16): named beside its input, its token carried on.
    app.jinja_env.globals.update(kept_upload=kept_upload, kept_token_field=token_field)
    from catalogue.suppliers import format_orgnr

    app.jinja_env.filters.update(date=format_date, datetime=format_datetime, isodatetime=iso_datetime,
                                 orgnr=format_orgnr)
    app.jinja_env.add_extension("jinja2.ext.do")
    # Compiled templates kept on disk (checked against each template's source): a new process
    # renders its first page without compiling the templates again (issue 17: first views).
    cache_dir = Path(app.config["INSTANCE_PATH"]) / "jinja-cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache_dir))
