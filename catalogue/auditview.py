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

from sqlmodel import Session, select

from catalogue import diff as content_diff
from catalogue.models import AuditEvent, Supplier
from catalogue.suppliers import format_orgnr
from catalogue.text import Msg

# Whole event names that read better than noun + verb.
ACTIONS: dict[str, Msg] = {
    "auth.login": Msg("Logget inn", "Logged in"),
    "auth.logout": Msg("Logget ut", "Logged out"),
    "auth.organisation_switched": Msg("Byttet virksomhet", "Switched organisation"),
    "application.decided": Msg("Vedtak om kvalifisering registrert", "Qualification decision recorded"),
    "application.submitted": Msg("Søknad om kvalifisering sendt", "Qualification application submitted"),
    "service.published": Msg("Tjeneste godkjent og publisert", "Service approved and published"),
    "service.rejected": Msg("Endring av tjeneste avvist", "Service change rejected"),
    "service.revision_submitted": Msg("Endring av tjeneste sendt til kontroll", "Service change sent for review"),
    "service.revision_withdrawn": Msg("Endring av tjeneste trukket tilbake", "Service change withdrawn"),
    "service.revision_saved": Msg("Utkast til endring lagret", "Draft change saved"),
    "shortlist.frozen": Msg("Kortliste frosset", "Shortlist frozen"),
    "supplier.details_updated": Msg("Leverandørens opplysninger endret", "Supplier details updated"),
    "supplier.joined": Msg("Person lagt til hos leverandøren", "Person joined the supplier"),
    "document.uploaded": Msg("Dokument lastet opp", "Document uploaded"),
    "membership.recorded": Msg("Medlemskap registrert", "Membership recorded"),
    "synthetic.services_generated": Msg("Syntetiske tjenester generert", "Synthetic services generated"),
    "synthetic.suppliers_generated": Msg("Syntetiske leverandører generert", "Synthetic suppliers generated"),
}

NOUNS: dict[str, Msg] = {
    "application": Msg("Søknad", "Application"), "article": Msg("Artikkel", "Article"),
    "comparison": Msg("Sammenligning", "Comparison"), "competition": Msg("Konkurranse", "Competition"),
    "contract": Msg("Kontrakt", "Contract"), "deviation_report": Msg("Avviksrapport", "Deviation report"),
    "document": Msg("Dokument", "Document"), "dps": Msg("Innkjøpsordning", "Purchasing system"),
    "mail_address": Msg("E-postadresse", "E-mail address"), "membership": Msg("Medlemskap", "Membership"),
    "notification_preference": Msg("Varslingsvalg", "Notification preference"),
    "qualification": Msg("Kvalifisering", "Qualification"), "register_alert": Msg("Registervarsel", "Register alert"),
    "service": Msg("Tjeneste", "Service"), "shortlist": Msg("Kortliste", "Shortlist"),
    "supplier": Msg("Leverandør", "Supplier"), "tender": Msg("Tilbud", "Tender"),
    "turnover": Msg("Omsetning", "Turnover"), "user": Msg("Bruker", "User"), "listing": Msg("Tjeneste", "Service"),
    "notification": Msg("Varsel", "Notification"), "call_off": Msg("Avrop", "Call-off"),
}

# The English reads "Service was published" (and the words never equal a status value).
VERBS: dict[str, Msg] = {
    "created": Msg("opprettet", "was created"), "saved": Msg("lagret", "was saved"), "edited": Msg("endret", "was edited"),
    "submitted": Msg("sendt", "was submitted"), "withdrawn": Msg("trukket tilbake", "was withdrawn"),
    "published": Msg("publisert", "was published"), "unpublished": Msg("avpublisert", "was unpublished"),
    "removed": Msg("fjernet", "was removed"), "rejected": Msg("avvist", "was rejected"), "approved": Msg("godkjent", "was approved"),
    "decided": Msg("avgjort", "was decided"), "deleted": Msg("slettet", "was deleted"), "exported": Msg("eksportert", "was exported"),
    "frozen": Msg("frosset", "was frozen"), "registered": Msg("registrert", "was registered"), "joined": Msg("ble med", "joined"),
    "details_updated": Msg("opplysninger endret", "details updated"),
    "register_updated": Msg("oppdatert fra Enhetsregisteret", "updated from the register"),
    "verified": Msg("bekreftet", "was verified"), "set": Msg("satt", "was set"), "raised": Msg("meldt", "was raised"),
    "filed": Msg("levert", "was filed"), "reported": Msg("rapportert", "was reported"), "opened": Msg("åpnet", "was opened"),
    "evaluated": Msg("evaluert", "was evaluated"), "document_added": Msg("fikk et dokument", "document added"),
    "question_asked": Msg("spørsmål stilt", "question asked"), "question_answered": Msg("spørsmål besvart", "question answered"),
    "reminders_sent": Msg("påminnelser sendt", "reminders sent"), "threshold_set": Msg("terskel satt", "threshold set"),
    "record_exported": Msg("protokoll eksportert", "record exported"), "announced": Msg("kunngjort", "was announced"),
    "awarded": Msg("tildelt", "was awarded"), "cancelled": Msg("avlyst", "was cancelled"), "signed": Msg("signert", "was signed"),
    "qualified": Msg("kvalifisert", "was qualified"), "sent": Msg("sendt", "was sent"), "restored": Msg("gjenopprettet", "was restored"),
    # transitions named by their verb (life-cycle objects)
    "submit": Msg("sendt", "was submitted"), "withdraw": Msg("trukket tilbake", "was withdrawn"),
    "publish": Msg("publisert", "was published"), "unpublish": Msg("avpublisert", "was unpublished"),
    "approve": Msg("godkjent", "was approved"), "reject": Msg("avvist", "was rejected"), "remove": Msg("fjernet", "was removed"),
    "decide": Msg("avgjort", "was decided"), "freeze": Msg("frosset", "was frozen"), "open": Msg("åpnet", "was opened"),
    "close": Msg("lukket", "was closed"), "award": Msg("tildelt", "was awarded"), "cancel": Msg("avlyst", "was cancelled"),
    "correct": Msg("rettet", "was corrected"), "evaluate": Msg("evaluert", "was evaluated"), "sign": Msg("signert", "was signed"),
    "announce": Msg("kunngjort", "was announced"), "expire": Msg("utløpt", "was expired"), "terminate": Msg("avsluttet", "was ended"),
}

# Field names seen in before/after, in words.
FIELDS: dict[str, Msg] = {
    "status": Msg("Status", "Status"), "reason": Msg("Begrunnelse", "Reason"), "name": Msg("Navn", "Name"),
    "kind": Msg("Type", "Kind"), "filename": Msg("Filnavn", "File name"), "size": Msg("Størrelse (byte)", "Size (bytes)"),
    "sha256": Msg("Sjekksum (SHA-256)", "Checksum (SHA-256)"), "application_id": Msg("Søknad", "Application"),
    "version": Msg("Versjon", "Version"), "orgnr": Msg("Organisasjonsnummer", "Organisation number"),
    "website": Msg("Nettsted", "Website"), "description": Msg("Beskrivelse", "Description"),
    "decisions": Msg("Vedtak", "Decisions"), "categories": Msg("Kategorier", "Categories"),
    "services": Msg("Tjenester", "Services"), "query": Msg("Søk", "Search"), "items": Msg("Tjenester", "Services"),
    "title": Msg("Tittel", "Title"), "address": Msg("Adresse", "Address"), "email": Msg("E-post", "E-mail"),
    "role": Msg("Rolle", "Role"), "acting_for": Msg("På vegne av", "On behalf of"),
    "organisations": Msg("Virksomheter personen kan handle for", "Organisations the person may act for"),
}


def action_label(code: str, lang: str = "nb") -> str:
    """``application.decided`` → "Vedtak om kvalifisering registrert" / "Qualification decision recorded"."""
    if code in ACTIONS:
        return ACTIONS[code].text(lang)
    noun, _, verb = code.partition(".")
    if noun in NOUNS and verb in VERBS:
        return f"{NOUNS[noun].text(lang)} {VERBS[verb].text(lang)}"
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
        return "ja" if value else "nei"
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
    """Before/after of *event* as labelled changes: a listing's content through the listing diff;
    other objects field by field."""
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
        label = FIELDS[key].text(lang) if key in FIELDS else key.replace("_", " ").capitalize()
        out.append(content_diff.Change(key, "", label, a, b))
    return out


CSV_COLUMNS = (Msg("Tid (UTC)", "Time (UTC)"), Msg("Hvem", "Who"), Msg("På vegne av", "On behalf of"),
               Msg("Hendelse", "Event"), Msg("Kode", "Code"), Msg("Gjelder", "Concerns"),
               Msg("Felt", "Field"), Msg("Før", "Before"), Msg("Etter", "After"))


def csv_export(session: Session, rows: Iterable[tuple[AuditEvent, Supplier | None]], *, lang: str = "nb",
               service_names: Mapping[int, str] | None = None, lookup: Callable[[str], Any] | None = None) -> str:
    """The filtered log as CSV (UTF-8 with BOM, semicolons, as Excel in Norway expects): one line
    per changed field, so before and after stay readable in a spreadsheet."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.text(lang) for c in CSV_COLUMNS])
    names: dict[str, str] = {}
    name_of = content_diff.names_from(session, lang)
    for event, supplier in rows:
        concerns = " – ".join(x for x in (supplier.name if supplier else "",
                                          (service_names or {}).get(event.service_id or 0, ""), event.detail) if x)
        head = [event.at.strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, org_label(session, event.acting_for, names, lookup),
                action_label(event.action, lang), event.action, concerns]
        found = changes(event, name_of=name_of, org=lambda v: org_label(session, v, names, lookup), lang=lang)
        if not found:
            writer.writerow(head + ["", "", ""])
        for change in found:
            writer.writerow(head + [change.label, change.old, change.new])
    return out.getvalue()
