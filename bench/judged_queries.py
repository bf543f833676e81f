"""The judged query set: buyer queries over the demo catalogue with graded relevance.

Each query says, by meaning, which services answer it. The judgements were written from the
sub-categories' definitions (``seed/categories.json``) and the services' own texts
(``seed/data/catalogue_*.py``) – never from what a search engine returned:

- ``subs``: sub-category slug → grade for every published service in it;
- ``names``: service name → grade, for a service that answers the query better or worse than
  the rest of its sub-category (it overrides ``subs``);
- ``facet``: for queries naming a term value ("norsk lovvalg", "data i Norge"): a service of
  the judged sub-categories that has the value gains a grade, one that lacks it loses one
  (the terms are the demo catalogue's, read from the database when the set is evaluated).

Grades: 3 = exactly what the buyer asks for; 2 = serves the need (the sub-category that *is*
the thing asked for); 1 = related, partly useful; everything else 0.

Groups: ``norsk`` (correctly spelled Norwegian), ``engelsk`` (English terms), ``skrivefeil``
(typos and missing æ/ø/å), ``sammensatt`` (compounds, hyphenated and split forms, spelling
variants, verb forms), ``akronym`` (acronyms as buyers type them), ``fasett`` (words that name
a facet value).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Judged:
    group: str
    query: str
    subs: dict[str, int]
    names: dict[str, int] = field(default_factory=dict)
    facet: tuple[str, tuple[str, ...]] | None = None  # (term key, acceptable values)


GROUPS = ("norsk", "engelsk", "skrivefeil", "sammensatt", "akronym", "fasett")

PG_NAME = "Administrert PostgreSQL i norske datasentre"
DATABASES = {"relasjonsdatabaser": 3, "nosql": 3, "datavarehus": 1}
SECURITY_MONITORING = {"siem": 3, "soc": 3, "logghandtering": 1}
IDENTITY = {"identitetsforvaltning": 3, "palogging": 1, "privilegert-tilgang": 1}
NORWAY = ("data_locations", ("norge",))
EEA = ("data_locations", ("norge", "eos"))
NORWEGIAN_LAW = ("governing_law", ("norge",))


def _q(group: str, query: str, subs: dict[str, int], names: dict[str, int] | None = None,
       facet: tuple[str, tuple[str, ...]] | None = None) -> Judged:
    return Judged(group, query, dict(subs), dict(names or {}), facet)


QUERIES: tuple[Judged, ...] = (
    # ------------------------------------------------------------------ norsk
    _q("norsk", "virtuelle maskiner", {"virtuelle-maskiner": 3, "dedikerte-servere": 1}),
    _q("norsk", "dedikert server", {"dedikerte-servere": 3, "virtuelle-maskiner": 1}),
    _q("norsk", "administrert kubernetes", {"kubernetes": 3, "container-register": 1}),
    _q("norsk", "serverløse funksjoner", {"funksjoner": 3, "arbeidsflyt": 1}),
    _q("norsk", "arbeidsflyt for skjema", {"arbeidsflyt": 2}, {"Skjemaverket Flyt": 3}),
    _q("norsk", "blokklagring", {"blokklagring": 3, "fillagring": 1}),
    _q("norsk", "lagring av filer", {"fillagring": 3, "objektlagring": 1, "blokklagring": 1}),
    _q("norsk", "sikkerhetskopi", {"sikkerhetskopiering": 3, "katastrofegjenoppretting": 1, "langtidsarkiv": 1}),
    _q("norsk", "langtidsarkiv", {"langtidsarkiv": 3, "saksbehandling": 1}),
    _q("norsk", "reservedatasenter", {"katastrofegjenoppretting": 3}),
    _q("norsk", "relasjonsdatabase", {"relasjonsdatabaser": 3, "nosql": 1, "datavarehus": 1}),
    _q("norsk", "datavarehus for kommuner", {"datavarehus": 2, "dataplattform": 1},
       {"Innsiktsverket Datavarehus": 3}),
    _q("norsk", "innholdslevering", {"cdn": 3}),
    _q("norsk", "lastbalansering", {"lastbalansering": 3}),
    _q("norsk", "privat forbindelse til datasenter", {"privat-tilkobling": 3}),
    _q("norsk", "vern mot tjenestenektangrep", {"ddos-vern": 3, "brannmur": 1},
       {"Global Skyplattform Innholdslevering": 1}),
    _q("norsk", "brannmur", {"brannmur": 3, "ddos-vern": 1}),
    _q("norsk", "identitetsforvaltning", IDENTITY),
    _q("norsk", "enkel pålogging", {"palogging": 3, "identitetsforvaltning": 1}),
    _q("norsk", "sikkerhetsovervåkning", SECURITY_MONITORING, {"Vaktbikkje Privilegert tilgang": 1}),
    _q("norsk", "logghåndtering", {"logghandtering": 3, "siem": 1}),
    _q("norsk", "meldingskø", {"meldingskoer": 3, "integrasjonsplattform": 1}),
    _q("norsk", "integrasjon mellom fagsystemer", {"integrasjonsplattform": 3, "meldingskoer": 1,
                                                     "api-forvaltning": 1}),
    _q("norsk", "søkemotor for nettsted", {"sokemotor": 3, "virksomhetssok": 1}),
    _q("norsk", "maskinlæring", {"maskinlaering": 3, "sprakmodeller": 1}),
    _q("norsk", "tekstgjenkjenning", {"dokumentforstaelse": 2},
       {"Finnfram Tekstgjenkjenning": 3, "Arkivhvelvet Arkivsøk": 1}),
    _q("norsk", "styringsdata og rapporter", {"rapportering": 3, "datavarehus": 1}),
    _q("norsk", "lønn og personal", {"hr-lonn": 3}),
    _q("norsk", "regnskap og budsjett", {"okonomi": 3}, {"Hovedbok Økonomirapporter": 2}),
    _q("norsk", "pasientjournal", {"helse": 1}, {"Omsorgsdata Journal": 3, "Omsorgsdata Tale til journal": 2}),
    _q("norsk", "flytte til skyen", {"migrering": 3, "kurs": 1}),
    _q("norsk", "kurs", {"kurs": 3}),
    _q("norsk", "drift og forvaltning", {"drift": 3}),
    _q("norsk", "skoleadministrasjon", {"opplaering": 1}, {"Kommunesky Skoleadministrasjon": 3}),
    _q("norsk", "videomøter og e-post", {"kontorstotte": 3}),
    _q("norsk", "sak og arkiv", {"saksbehandling": 3, "langtidsarkiv": 1}),
    # ------------------------------------------------------------------ engelsk
    _q("engelsk", "virtual machines", {"virtuelle-maskiner": 3, "dedikerte-servere": 1}),
    _q("engelsk", "managed kubernetes", {"kubernetes": 3, "container-register": 1}),
    _q("engelsk", "object storage", {"objektlagring": 3}, {"Lagerhuset Kaldlager": 1}),
    _q("engelsk", "block storage", {"blokklagring": 3}),
    _q("engelsk", "file storage", {"fillagring": 3}),
    _q("engelsk", "backup", {"sikkerhetskopiering": 3, "katastrofegjenoppretting": 1}),
    _q("engelsk", "disaster recovery", {"katastrofegjenoppretting": 3, "sikkerhetskopiering": 1}),
    _q("engelsk", "long-term archiving", {"langtidsarkiv": 3}),
    _q("engelsk", "relational database", {"relasjonsdatabaser": 3, "nosql": 1}),
    _q("engelsk", "document database", {"nosql": 2},
       {"Fjellbase Dokumentdatabase": 3, "Søk og data Europa Dokumentlager": 3}),
    _q("engelsk", "data warehouse", {"datavarehus": 3, "dataplattform": 1}),
    _q("engelsk", "content delivery network", {"cdn": 3}),
    _q("engelsk", "load balancer", {"lastbalansering": 3}),
    _q("engelsk", "firewall", {"brannmur": 3, "ddos-vern": 1}),
    _q("engelsk", "identity management", IDENTITY),
    _q("engelsk", "single sign-on", {"palogging": 3, "identitetsforvaltning": 1}),
    _q("engelsk", "privileged access management", {"privilegert-tilgang": 3, "identitetsforvaltning": 1}),
    _q("engelsk", "security monitoring", SECURITY_MONITORING),
    _q("engelsk", "log management", {"logghandtering": 3, "siem": 1}),
    _q("engelsk", "message queue", {"meldingskoer": 3}),
    _q("engelsk", "search engine", {"sokemotor": 3, "virksomhetssok": 2}),
    _q("engelsk", "enterprise search", {"virksomhetssok": 3, "sokemotor": 1}),
    _q("engelsk", "machine learning platform", {"maskinlaering": 3, "sprakmodeller": 1}),
    _q("engelsk", "language model", {"sprakmodeller": 3}),
    _q("engelsk", "speech recognition", {"dokumentforstaelse": 1}, {"Omsorgsdata Tale til journal": 3}),
    _q("engelsk", "payroll", {"hr-lonn": 3}),
    _q("engelsk", "invoicing", {"okonomi": 2}, {"Kommunesky Fakturering": 3}),
    _q("engelsk", "cloud migration", {"migrering": 3}),
    _q("engelsk", "training courses", {"kurs": 3}),
    _q("engelsk", "service desk", {"drift": 3}, {"Innlandsdrift Moderne arbeidsplass": 2}),
    _q("engelsk", "home care", {"helse": 1}, {"Omsorgsplan Hjemmetjeneste": 3}),
    _q("engelsk", "learning platform", {"opplaering": 2}, {"Læringsfjord Klasserom": 3}),
    # ------------------------------------------------------------------ skrivefeil
    _q("skrivefeil", "databse", DATABASES),
    _q("skrivefeil", "kubernets", {"kubernetes": 3, "container-register": 1}),
    _q("skrivefeil", "sikkerhetskopiring", {"sikkerhetskopiering": 3, "katastrofegjenoppretting": 1}),
    _q("skrivefeil", "brannmru", {"brannmur": 3}),
    _q("skrivefeil", "lastbalansring", {"lastbalansering": 3}),
    _q("skrivefeil", "objektlagirng", {"objektlagring": 3}),
    _q("skrivefeil", "virtulle maskiner", {"virtuelle-maskiner": 3, "dedikerte-servere": 1}),
    _q("skrivefeil", "postgersql", {"relasjonsdatabaser": 1}, {PG_NAME: 3, "Fjordsky Database": 3}),
    _q("skrivefeil", "datavarhus", {"datavarehus": 3}),
    _q("skrivefeil", "logghåndtring", {"logghandtering": 3, "siem": 1}),
    _q("skrivefeil", "innholdslevring", {"cdn": 3}),
    _q("skrivefeil", "identitetsforvalting", IDENTITY),
    _q("skrivefeil", "flerfaktorautentisring", {"palogging": 2},
       {"Datahavn MFA": 3, "Nøkkelvakt Pålogging": 3}),
    _q("skrivefeil", "maskinlærig", {"maskinlaering": 3, "sprakmodeller": 1}),
    _q("skrivefeil", "språkmodel", {"sprakmodeller": 3}),
    _q("skrivefeil", "tekstgjenkjening", {"dokumentforstaelse": 2}, {"Finnfram Tekstgjenkjenning": 3}),
    _q("skrivefeil", "regnskapp", {"okonomi": 3}, {"Hovedbok Økonomirapporter": 2}),
    _q("skrivefeil", "lonnssystem", {"hr-lonn": 2}, {"Hovedbok Lønn": 3}),
    _q("skrivefeil", "turnusplanleging", {"hr-lonn": 1}, {"Lønnskraft Turnus": 3}),
    _q("skrivefeil", "pasientjurnal", {"helse": 1}, {"Omsorgsdata Journal": 3}),
    _q("skrivefeil", "skymigrerring", {"migrering": 3}),
    _q("skrivefeil", "meldingsko", {"meldingskoer": 3}),
    _q("skrivefeil", "sokemotor", {"sokemotor": 3, "virksomhetssok": 1}),
    _q("skrivefeil", "kontorstotte", {"kontorstotte": 3}),
    _q("skrivefeil", "saksbehandlig", {"saksbehandling": 3}),
    _q("skrivefeil", "reservedatasener", {"katastrofegjenoppretting": 3}),
    _q("skrivefeil", "kubernetis klynge", {"kubernetes": 3}),
    # ------------------------------------------------------------------ sammensatt
    _q("sammensatt", "ddos-beskyttelse", {"ddos-vern": 3, "brannmur": 1}),
    _q("sammensatt", "ddos beskyttelse", {"ddos-vern": 3, "brannmur": 1}),
    _q("sammensatt", "identitetsstyring", IDENTITY),
    _q("sammensatt", "tilgangsstyring", {"identitetsforvaltning": 3, "privilegert-tilgang": 2, "palogging": 1}),
    _q("sammensatt", "objekt-lagring", {"objektlagring": 3}),
    _q("sammensatt", "sikkerhets-kopi", {"sikkerhetskopiering": 3}),
    _q("sammensatt", "lagringstjeneste for objekter", {"objektlagring": 3}),
    _q("sammensatt", "databasetjeneste", DATABASES),
    _q("sammensatt", "overvåking av sikkerhet", SECURITY_MONITORING),
    _q("sammensatt", "sikkerhetsovervåking", SECURITY_MONITORING),
    _q("sammensatt", "døgnbemannet overvåking", {"soc": 3, "siem": 1, "drift": 1}),
    _q("sammensatt", "overvåker administratorkontoer", {"privilegert-tilgang": 3}),
    _q("sammensatt", "containerplattform", {"kubernetes": 3, "container-register": 1, "applikasjonsplattform": 1}),
    _q("sammensatt", "skylagring", {"objektlagring": 3, "blokklagring": 2, "fillagring": 2}),
    _q("sammensatt", "e-postsikkerhetskopi", {"sikkerhetskopiering": 2},
       {"Kystdata Sikkerhetskopi for kontorpakker": 3}),
    _q("sammensatt", "epost", {"kontorstotte": 3},
       {"Kystdata Sikkerhetskopi for kontorpakker": 1, "Samhandlingsverket Finn": 1}),
    _q("sammensatt", "filserver", {"fillagring": 3}),
    _q("sammensatt", "innloggingsløsning for innbyggere", {"palogging": 2}, {"Skjemaverket Innlogging": 3}),
    _q("sammensatt", "arkivsystem", {"saksbehandling": 3, "langtidsarkiv": 2}, {"Arkivhvelvet Arkivsøk": 1}),
    _q("sammensatt", "hendelsesstrømming", {"meldingskoer": 3}),
    _q("sammensatt", "api-forvaltning", {"api-forvaltning": 3, "integrasjonsplattform": 1}),
    _q("sammensatt", "apiforvaltning", {"api-forvaltning": 3, "integrasjonsplattform": 1}),
    _q("sammensatt", "dokumentsøk", {"virksomhetssok": 3, "sokemotor": 1}),
    _q("sammensatt", "talegjenkjenning", {"dokumentforstaelse": 1}, {"Omsorgsdata Tale til journal": 3}),
    _q("sammensatt", "trafikkfordeling", {"lastbalansering": 3}),
    _q("sammensatt", "nettstedsøk", {"sokemotor": 2}, {"Finnfram Nettstedsøk": 3, "Kommunesky Innbyggersøk": 3}),
    _q("sammensatt", "fakturasystem", {"okonomi": 3}),
    _q("sammensatt", "lønnsløsning", {"hr-lonn": 3}),
    _q("sammensatt", "postgre", {"relasjonsdatabaser": 1}, {PG_NAME: 3, "Fjordsky Database": 3}),
    _q("sammensatt", "postgres", {"relasjonsdatabaser": 1}, {PG_NAME: 3, "Fjordsky Database": 3}),
    # ------------------------------------------------------------------ akronym
    _q("akronym", "VM", {"virtuelle-maskiner": 3}),
    _q("akronym", "PaaS", {"applikasjonsplattform": 3}),
    _q("akronym", "FaaS", {"funksjoner": 3}),
    _q("akronym", "S3", {"objektlagring": 3}, {"Lagerhuset Kaldlager": 2}),
    _q("akronym", "NFS", {"fillagring": 3}),
    _q("akronym", "SSD", {"blokklagring": 3}),
    _q("akronym", "DR", {"katastrofegjenoppretting": 3}),
    _q("akronym", "SQL", {"relasjonsdatabaser": 3, "datavarehus": 2}),
    _q("akronym", "NoSQL", {"nosql": 3}),
    _q("akronym", "CDN", {"cdn": 3}),
    _q("akronym", "DNS", {"dns": 3}),
    _q("akronym", "VPN", {"privat-tilkobling": 3}),
    _q("akronym", "DDoS", {"ddos-vern": 3}),
    _q("akronym", "WAF", {"brannmur": 3}),
    _q("akronym", "IAM", IDENTITY),
    _q("akronym", "MFA", {"palogging": 3}),
    _q("akronym", "SSO", {"palogging": 3, "identitetsforvaltning": 1}),
    _q("akronym", "PAM", {"privilegert-tilgang": 3}),
    _q("akronym", "SIEM", {"siem": 3, "soc": 1}),
    _q("akronym", "SOC", {"soc": 3, "siem": 1}),
    _q("akronym", "API", {"api-forvaltning": 3, "integrasjonsplattform": 1}),
    _q("akronym", "OCR", {"dokumentforstaelse": 3}),
    _q("akronym", "KI", {"sprakmodeller": 3, "maskinlaering": 3, "dokumentforstaelse": 1}),
    _q("akronym", "BI", {"rapportering": 3, "datavarehus": 1}),
    _q("akronym", "HR", {"hr-lonn": 3}),
    _q("akronym", "ERP", {"okonomi": 3}),
    _q("akronym", "LLM", {"sprakmodeller": 3}),
    _q("akronym", "AMQP", {"meldingskoer": 3}),
    # ------------------------------------------------------------------ fasett
    _q("fasett", "objektlagring norsk lovvalg", {"objektlagring": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "sikkerhetskopi med data i Norge", {"sikkerhetskopiering": 2}, facet=NORWAY),
    _q("fasett", "e-post med norsk lovvalg", {"kontorstotte": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "kubernetes med data i norge", {"kubernetes": 2}, facet=NORWAY),
    _q("fasett", "database med data i EØS", {"relasjonsdatabaser": 2, "nosql": 2}, facet=EEA),
    _q("fasett", "siem norsk rett", {"siem": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "lønnssystem verneting oslo", {"hr-lonn": 2}, facet=("venue", ("oslo-tingrett",))),
    _q("fasett", "backup iso 27001", {"sikkerhetskopiering": 2}, facet=("certifications", ("iso27001",))),
    _q("fasett", "virtuelle maskiner iso 27001", {"virtuelle-maskiner": 2}, facet=("certifications", ("iso27001",))),
    _q("fasett", "dns i norge", {"dns": 2}, facet=NORWAY),
    _q("fasett", "cdn i eøs", {"cdn": 2}, facet=EEA),
    _q("fasett", "saksbehandling norsk lovvalg", {"saksbehandling": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "objektlagring kun eøs", {"objektlagring": 2}, facet=("eea_only_option", ("ja",))),
    _q("fasett", "pasientjournal lagret i norge", {"helse": 2}, facet=NORWAY),
    _q("fasett", "språkmodell i EØS", {"sprakmodeller": 2}, facet=EEA),
    _q("fasett", "maskinlæring i EØS", {"maskinlaering": 2}, facet=EEA),
    _q("fasett", "brannmur verneting oslo", {"brannmur": 2}, facet=("venue", ("oslo-tingrett",))),
    _q("fasett", "datavarehus norsk lovvalg", {"datavarehus": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "økonomisystem oslo tingrett", {"okonomi": 2}, facet=("venue", ("oslo-tingrett",))),
    _q("fasett", "kontorstøtte data i norge", {"kontorstotte": 2}, facet=NORWAY),
    _q("fasett", "identitetsforvaltning norsk lovvalg", {"identitetsforvaltning": 2}, facet=NORWEGIAN_LAW),
    _q("fasett", "logglagring i EØS", {"logghandtering": 2}, facet=EEA),
    _q("fasett", "objektlagring svensk lovvalg", {"objektlagring": 2}, facet=("governing_law", ("sverige",))),
    _q("fasett", "meldingskø norsk lovvalg", {"meldingskoer": 2}, facet=NORWEGIAN_LAW),
)
