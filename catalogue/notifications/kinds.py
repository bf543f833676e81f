"""The registry of notification kinds: the one list of what the marketplace tells people.

Each feature registers its own kinds here (one ``register(Kind(...))`` per kind) and writes
its e-mail templates ``templates/email/<name with . → _>.txt`` and ``.html``. A kind says:

* ``subject`` – the e-mail subject and inbox title, a bokmål msgid (``N_``) formatted with the
  notification's context (``%(service)s``), translated into the recipient's language;
* ``mandatory`` – cannot be switched off (the preferences page says so); the one-click
  unsubscribe link is left out of its mails;
* ``default`` – the delivery when the person has chosen nothing: immediately, daily digest or off;
* ``audience`` – who gets it (shown on the preferences page), a bokmål msgid.
"""
from __future__ import annotations

from dataclasses import dataclass

from catalogue.lifecycle import N_
from catalogue.notifications.models import Delivery


@dataclass(frozen=True)
class Kind:
    name: str
    subject: str
    audience: str
    default: Delivery = Delivery.IMMEDIATE
    mandatory: bool = False

    @property
    def template(self) -> str:
        """Template base name: ``email/<name with _ for .>`` (add ``.txt`` / ``.html``)."""
        return "email/" + self.name.replace(".", "_")


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name!r} registered twice")
    if kind.mandatory and kind.default == Delivery.OFF:
        raise ValueError(f"mandatory kind {kind.name!r} cannot default to off")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown notification kind {name!r}: register it in catalogue/notifications/kinds.py") from None


# --- the first kinds (issue 12) -------------------------------------------------------------

register(Kind("application.received", N_("Søknaden om kvalifisering i %(dps)s er mottatt"),
              N_("Leverandøren"), mandatory=True))
register(Kind("application.decided", N_("Søknaden om kvalifisering i %(dps)s er avgjort"),
              N_("Leverandøren"), mandatory=True))
register(Kind("listing.approved", N_("Tjenesten %(service)s er godkjent"), N_("Leverandøren")))
register(Kind("listing.rejected", N_("Tjenesten %(service)s er avvist"), N_("Leverandøren"), mandatory=True))
register(Kind("manager.queue", N_("Nytt i køen til avtaleforvalterne: %(item)s"), N_("Avtaleforvalterne"),
              default=Delivery.DAILY))
register(Kind("search.new_services", N_("Nye eller endrede tjenester for søket «%(search)s»"),
              N_("Innkjøperen som lagret søket"), default=Delivery.DAILY))
# Sent on publication by catalogue.contracts.drift.watch (one per owner and publication, with the risk flags).
register(Kind("shortlist.terms_changed", N_("Ny versjon av vilkårene for %(service)s på kortlisten «%(shortlist)s»"),
              N_("Innkjøperen som eier kortlisten")))
# The verification mail goes to an address that is not verified yet; it is sent directly.
register(Kind("address.verify", N_("Bekreft e-postadressen din hos Markedsplassen for skytjenester"),
              N_("Personen som la inn adressen"), mandatory=True))

# --- competitions in a DPS category (issue 13) ----------------------------------------------

register(Kind("competition.invited", N_("Invitasjon til konkurranse: %(title)s"),
              N_("Leverandørene som er kvalifisert i kategorien"), mandatory=True))
register(Kind("competition.changed", N_("Konkurransen %(title)s er endret"), N_("De inviterte leverandørene"),
              mandatory=True))
register(Kind("competition.answered", N_("Nytt svar på spørsmål i konkurransen %(title)s"),
              N_("De inviterte leverandørene"), mandatory=True))
register(Kind("competition.tender_received", N_("Tilbudet i konkurransen %(title)s er mottatt"),
              N_("Leverandøren som leverte tilbudet"), mandatory=True))
register(Kind("competition.awarded", N_("Meddelelse om tildeling: %(title)s"), N_("Alle som leverte tilbud"),
              mandatory=True))
register(Kind("competition.cancelled", N_("Konkurransen %(title)s er avlyst"), N_("De inviterte leverandørene"),
              mandatory=True))
register(Kind("competition.ready", N_("Karensperioden er over: %(title)s er klar for kontrakt"),
              N_("Innkjøperen som kjører konkurransen"), mandatory=True))

# --- contracts (issue 14) ---------------------------------------------------------------------
register(Kind("contract.terms_drift", N_("Leverandøren har endret vilkårene for %(service)s i avtalen deres"),
              N_("Kundens organisasjon")))
register(Kind("contract.deviation_filed", N_("Ny avviksmelding: %(subject)s"),
              N_("Leverandøren og avtaleforvalterne"), mandatory=True))
register(Kind("contract.deviation_answered", N_("Leverandøren har svart på avviksmeldingen «%(subject)s»"),
              N_("Kundens organisasjon"), mandatory=True))
register(Kind("contract.end_reminder", N_("Avtalen «%(contract)s» utløper %(deadline)s"), N_("Kundens organisasjon")))
register(Kind("contract.option_reminder", N_("Frist for å utløse opsjon i «%(contract)s»: %(deadline)s"),
              N_("Kundens organisasjon")))
register(Kind("turnover.reminder", N_("Rapporter omsetningen for %(quarter)s i %(dps)s"), N_("Leverandøren"),
              mandatory=True))
register(Kind("turnover.missing", N_("Leverandører som ikke har rapportert omsetning for %(quarter)s"),
              N_("Avtaleforvalterne"), default=Delivery.DAILY))

# --- keeping supplier information true (issue 15) ---------------------------------------------

register(Kind("register.flagged", N_("Enhetsregisteret: %(supplier)s er %(flag)s"), N_("Avtaleforvalterne"),
              mandatory=True))
register(Kind("certificate.expiring", N_("Sertifikatet %(standard)s for %(service)s utløper %(expires)s"),
              N_("Leverandøren")))
register(Kind("certificate.expired", N_("Sertifikatet %(standard)s for %(service)s er utløpt"), N_("Leverandøren"),
              mandatory=True))
register(Kind("declaration.requested", N_("Oppdatert egenerklæring til %(dps)s innen %(due)s"), N_("Leverandøren"),
              mandatory=True))
register(Kind("declaration.overdue", N_("Egenerklæringen fra %(supplier)s kom ikke innen fristen"),
              N_("Avtaleforvalterne"), mandatory=True))
# Sent once per confirmation when a listing passes 12 months (catalogue.confirmation).
register(Kind("listing.confirm_due", N_("Bekreft at opplysningene om %(service)s stemmer"), N_("Leverandøren")))
register(Kind("dps.extended", N_("%(dps)s er forlenget til %(until)s"), N_("De kvalifiserte leverandørene")))
register(Kind("dps.closed", N_("%(dps)s er avsluttet"), N_("De kvalifiserte leverandørene"), mandatory=True))
