"""The audit log for people to read: event names in words (bokmål and English), organisation names
instead of ``0192:<orgnr>``, and before/after as a diff of labelled fields (``catalogue.diff`` for
listing content, field by field for the rest). Also the CSV export of a filtered log.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Callable, Iterable, Mapping

from babel.support import LazyProxy

from sqlmodel import Session, select

from catalogue import diff as content_diff
from catalogue.i18n import _l, _lp, text
from catalogue.models import AuditEvent, Supplier
from catalogue.suppliers import format_orgnr

# Whole event names that read better than noun + verb.
ACTIONS: dict[str, LazyProxy] = {
    "auth.login": _l("Logget inn"),
    "auth.logout": _l("Logget ut"),
    "auth.organisation_switched": _l("Byttet virksomhet"),
    "application.decided": _l("Vedtak om kvalifisering registrert"),
    "application.submitted": _l("Søknad om kvalifisering sendt"),
    "service.published": _l("Tjeneste godkjent og publisert"),
    "service.rejected": _l("Endring av tjeneste avvist"),
    "service.revision_submitted": _l("Endring av tjeneste sendt til kontroll"),
    "service.revision_withdrawn": _l("Endring av tjeneste trukket tilbake"),
    "service.revision_saved": _l("Utkast til endring lagret"),
    "shortlist.frozen": _l("Kortliste frosset"),
    "shortlist.service_set_aside": _l("Tjeneste valgt bort i kortlisten"),
    "shortlist.service_set_aside_undone": _l("Bortvalg av tjeneste angret i kortlisten"),
    "supplier.details_updated": _l("Leverandørens opplysninger endret"),
    "supplier.joined": _l("Person lagt til hos leverandøren"),
    "document.uploaded": _l("Dokument lastet opp"),
    "membership.recorded": _l("Medlemskap registrert"),
    "synthetic.services_generated": _l("Syntetiske tjenester generert"),
    "synthetic.suppliers_generated": _l("Syntetiske leverandører generert"),
}

NOUNS: dict[str, LazyProxy] = {
    "application": _l("Søknad"), "article": _l("Artikkel"),
    "comparison": _l("Sammenligning"), "competition": _l("Konkurranse"),
    "contract": _l("Kontrakt"), "deviation_report": _l("Avviksrapport"),
    "document": _l("Dokument"), "dps": _l("Innkjøpsordning"),
    "mail_address": _l("E-postadresse"), "membership": _l("Medlemskap"),
    "notification_preference": _lp("hendelse", "Varslingsvalg"),
    "qualification": _l("Kvalifisering"), "register_alert": _l("Registervarsel"),
    "service": _l("Tjeneste"), "shortlist": _l("Kortliste"),
    "supplier": _l("Leverandør"), "tender": _l("Tilbud"),
    "turnover": _l("Omsetning"), "user": _l("Bruker"), "listing": _l("Tjeneste"),
    "notification": _l("Varsel"), "call_off": _l("Avrop"),
}

# The English reads "Service was published" (and the words never equal a status value). Past-tense
# verbs out of context translate differently ("avvist": "rejected"), hence the context.
VERBS: dict[str, LazyProxy] = {
    "created": _lp("hendelse", "opprettet"), "saved": _lp("hendelse", "lagret"), "edited": _lp("hendelse", "endret"),
    "submitted": _lp("hendelse", "sendt"), "withdrawn": _lp("hendelse", "trukket tilbake"),
    "published": _lp("hendelse", "publisert"), "unpublished": _lp("hendelse", "avpublisert"),
    "removed": _lp("hendelse", "fjernet"), "rejected": _lp("hendelse", "avvist"),
    "approved": _lp("hendelse", "godkjent"), "decided": _lp("hendelse", "avgjort"),
    "deleted": _lp("hendelse", "slettet"), "exported": _lp("hendelse", "eksportert"),
    "frozen": _lp("hendelse", "frosset"), "registered": _lp("hendelse", "registrert"),
    "joined": _lp("hendelse", "ble med"), "details_updated": _lp("hendelse", "opplysninger endret"),
    "register_updated": _lp("hendelse", "oppdatert fra Enhetsregisteret"),
    "verified": _lp("hendelse", "bekreftet"), "confirmed": _lp("hendelse", "bekreftet uendret"),
    "set": _lp("hendelse", "satt"), "raised": _lp("hendelse", "meldt"),
    "filed": _lp("hendelse", "levert"), "reported": _lp("hendelse", "rapportert"), "opened": _lp("hendelse", "åpnet"),
    "evaluated": _lp("hendelse", "evaluert"), "document_added": _lp("hendelse", "fikk et dokument"),
    "question_asked": _lp("hendelse", "spørsmål stilt"), "question_answered": _lp("hendelse", "spørsmål besvart"),
    "reminders_sent": _lp("hendelse", "påminnelser sendt"), "threshold_set": _lp("hendelse", "terskel satt"),
    "record_exported": _lp("hendelse", "protokoll eksportert"), "announced": _lp("hendelse", "kunngjort"),
    "awarded": _lp("hendelse", "tildelt"), "cancelled": _lp("hendelse", "avlyst"),
    "signed": _lp("hendelse", "signert"), "qualified": _lp("hendelse", "kvalifisert"),
    "sent": _lp("hendelse, sendt ut", "sendt"), "restored": _lp("hendelse", "gjenopprettet"),
    # transitions named by their verb (life-cycle objects) that have no past-tense code
    "close": _lp("hendelse", "lukket"), "correct": _lp("hendelse", "rettet"), "expire": _lp("hendelse", "utløpt"),
    "terminate": _lp("hendelse", "avsluttet"),
}
# The other transitions read as their past tense (event codes, not statuses: looked up by key).
VERBS.update(submit=VERBS["submitted"], withdraw=VERBS["withdrawn"], publish=VERBS["published"],
             unpublish=VERBS["unpublished"], approve=VERBS["approved"], reject=VERBS["rejected"],
             remove=VERBS["removed"], decide=VERBS["decided"], freeze=VERBS["frozen"], open=VERBS["opened"],
             award=VERBS["awarded"], cancel=VERBS["cancelled"], evaluate=VERBS["evaluated"],
             sign=VERBS["signed"], announce=VERBS["announced"])

# Field names seen in before/after, in words.
FIELDS: dict[str, LazyProxy] = {
    "status": _l("Status"), "reason": _l("Begrunnelse"), "name": _l("Navn"),
    "kind": _lp("felt", "Type"), "filename": _l("Filnavn"), "size": _l("Størrelse (byte)"),
    "sha256": _l("Sjekksum (SHA-256)"), "application_id": _l("Søknad"),
    "version": _l("Versjon"), "orgnr": _l("Organisasjonsnummer"),
    "website": _l("Nettsted"), "description": _l("Beskrivelse"),
    "decisions": _lp("felt", "Vedtak"), "categories": _l("Kategorier"),
    "services": _l("Tjenester"), "query": _l("Søk"), "items": _l("Tjenester"),
    "title": _l("Tittel"), "address": _l("Adresse"), "email": _l("E-post"),
    "role": _l("Rolle"), "acting_for": _l("På vegne av"),
    "organisations": _l("Virksomheter personen kan handle for"), "confirmed_at": _l("Sist bekreftet"),
    "service_id": _l("Tjeneste-ID"), "set_aside_reason": _l("Begrunnelse for å velge bort"),
}


def action_label(code: str) -> str:
    """``application.decided`` → "Vedtak om kvalifisering registrert" / "Qualification decision recorded"
    (in the language shown)."""
    if code in ACTIONS:
        return text(ACTIONS[code])
    noun, _, verb = code.partition(".")
    if noun in NOUNS and verb in VERBS:
        return f"{NOUNS[noun]} {VERBS[verb]}"
    return code.replace("_", " ").replace(".", ": ")


def org_label(session: Session, acting_for: str, names: dict[str, str] | None = None,
              lookup: Callable[[str], Any] | None = None) -> str:
    """``0192:925792403`` → the organisation's name (a registered supplier, else *lookup* – the web layer
    passes the offline register, never the network), followed by its number; the number alone when no
    name is known."""
    if not acting_for:
        return ""
    orgnr = acting_for.split(":", 1)[-1]
    if names is not None and orgnr in names:
        return names[orgnr]
    name = session.exec(select(Supplier.name).where(Supplier.orgnr == orgnr)).first()
    if name is None and lookup is not None:
        try:
            entity = lookup(orgnr)
        except Exception:  # not in the register: the number is shown
            entity = None
        name = entity.name if entity is not None else None
    label = f"{name} ({format_orgnr(orgnr)})" if name else format_orgnr(orgnr)
    if names is not None:
        names[orgnr] = label
    return label


_ORG = re.compile(r"^0192:\d{9}$")


def _text(value: Any, org=None) -> str:
    """A before/after value as text: organisations by name, lists joined, JSON without \\u escapes."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return text(_l("ja") if value else _l("nei"))
    if isinstance(value, str) and org is not None and _ORG.match(value):
        return org(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(_text(v, org) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _is_content(value: Any) -> bool:
    return isinstance(value, Mapping) and ("terms" in value or "summary" in value)


def changes(event: AuditEvent, *, name_of=None, org=None, lang: str = "nb") -> list[content_diff.Change]:
    """Before/after of *event* as labelled changes: a listing's content through the listing diff (*lang*
    is handed to it); other objects field by field, labelled in the language shown."""
    before, after = event.before, event.after
    if _is_content(before) or _is_content(after):
        return content_diff.diff(before if isinstance(before, Mapping) else {},
                                 after if isinstance(after, Mapping) else {}, name_of=name_of, lang=lang)
    old = before if isinstance(before, Mapping) else ({} if before is None else {"value": before})
    new = after if isinstance(after, Mapping) else ({} if after is None else {"value": after})
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        a, b = _text(old.get(key), org), _text(new.get(key), org)
        if a == b and key in old and key in new:
            continue
        label = text(FIELDS[key]) if key in FIELDS else key.replace("_", " ").capitalize()
        out.append(content_diff.Change(key, "", label, a, b))
    return out


CSV_COLUMNS = (_l("Tid (UTC)"), _l("Hvem"), _l("På vegne av"),
               _l("Hendelse"), _l("Kode"), _l("Gjelder"),
               _l("Felt"), _l("Før"), _l("Etter"))


def csv_export(session: Session, rows: Iterable[tuple[AuditEvent, Supplier | None]], *, lang: str = "nb",
               service_names: Mapping[int, str] | None = None, lookup: Callable[[str], Any] | None = None) -> str:
    """The filtered log as CSV (UTF-8 with BOM, semicolons, as Excel in Norway expects): one line
    per changed field, so before and after stay readable in a spreadsheet. Labels are in the language
    shown; *lang* is handed to the listing diff."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([text(c) for c in CSV_COLUMNS])
    names: dict[str, str] = {}
    name_of = content_diff.names_from(session, lang)
    for event, supplier in rows:
        concerns = " – ".join(x for x in (supplier.name if supplier else "",
                                          (service_names or {}).get(event.service_id or 0, ""), event.detail) if x)
        head = [event.at.strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, org_label(session, event.acting_for, names, lookup),
                action_label(event.action), event.action, concerns]
        found = changes(event, name_of=name_of, org=lambda v: org_label(session, v, names, lookup), lang=lang)
        if not found:
            writer.writerow(head + ["", "", ""])
        for change in found:
            writer.writerow(head + [change.label, change.old, change.new])
    return out.getvalue()
