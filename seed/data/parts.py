"""Reusable Norwegian text fragments for service terms (shared by the demo and synthetic loaders).

Everything here is plain data. ``builders`` decides which fragment fits which supplier and
service, so the terms of a service read as one coherent contract.
"""
from __future__ import annotations

# ---------------------------------------------------------------------------
# NSM basic principles: how each principle is met, by who carries the responsibility.
# Two wordings where suppliers typically differ, so catalogues do not read as one template.

NSM_HOW: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {
        "supplier": ("Leverandøren har et styringssystem for informasjonssikkerhet etter ISO/IEC 27001 med oversikt "
                     "over leveranser, underleverandører og understøttende systemer.",
                     "Styringsstruktur, roller og leveransekjede er dokumentert og revideres årlig av leverandøren."),
        "shared": ("Leverandøren kartlegger sin egen leveransekjede; kunden kartlegger hvordan tjenesten inngår i "
                   "egne virksomhetsprosesser.",),
        "customer": ("Kunden kartlegger styringsstrukturer og hvilke prosesser tjenesten skal understøtte.",),
    },
    "1.2": {
        "supplier": ("Alle fysiske og virtuelle enheter i plattformen registreres automatisk i leverandørens CMDB.",
                     "Leverandøren holder et oppdatert register over maskinvare og programvare i driftsmiljøet."),
        "shared": ("Leverandøren kartlegger plattformen; kunden holder oversikt over egne maskiner, containere og "
                   "installert programvare.",),
        "customer": ("Kunden har ansvar for å kartlegge egne enheter og programvare som kobles til tjenesten.",),
    },
    "1.3": {
        "supplier": ("Leverandøren fører oversikt over alle administratorer og deres tilgangsbehov.",),
        "shared": ("Leverandøren kartlegger egne driftsbrukere; kunden kartlegger sine brukere og roller i "
                   "tjenesten.",),
        "customer": ("Kunden kartlegger egne brukere og hvilke tilganger de trenger.",
                     "Kunden eier brukerkatalogen og avgjør hvem som skal ha tilgang."),
    },
    "2.1": {
        "supplier": ("Sikkerhetskrav inngår i leverandørens utviklingsprosess med kodegjennomgang, avhengighetssjekk "
                     "og trusselmodellering.",
                     "Leverandøren følger en sikker utviklingslivssyklus (SDL) og stiller sikkerhetskrav til egne "
                     "underleverandører."),
        "shared": ("Leverandøren utvikler plattformen sikkert; kunden stiller sikkerhetskrav i egne anskaffelser og "
                   "egen utvikling.",),
        "customer": ("Kunden ivaretar sikkerhet i egne anskaffelses- og utviklingsprosesser.",),
    },
    "2.2": {
        "supplier": ("Plattformen er segmentert i soner med adskilte nett for drift, kunder og administrasjon.",),
        "shared": ("Leverandøren leverer en sikker grunnarkitektur; kunden utformer sin egen løsning etter "
                   "leverandørens referansearkitektur.",
                   "Arkitekturen deles: plattformen er herdet av leverandøren, mens kunden designer egne "
                   "nettverkssoner og tjenester."),
        "customer": ("Kunden etablerer selv arkitekturen for løsningene som bygges på tjenesten.",),
    },
    "2.3": {
        "supplier": ("Leverandøren herder alle komponenter etter CIS-benchmark og overvåker avvik fra "
                     "standardkonfigurasjonen.",),
        "shared": ("Leverandøren sørger for sikker grunnkonfigurasjon; kunden har ansvar for egne innstillinger og "
                   "tilgangspolicyer.",),
        "customer": ("Kunden konfigurerer operativsystem, mellomvare og applikasjoner sikkert.",
                     "Kunden har full kontroll over konfigurasjonen og må selv herde den."),
    },
    "2.4": {
        "supplier": ("Nettverket beskyttes med brannmurer, segmentering og DDoS-vern som leverandøren drifter.",),
        "shared": ("Leverandøren beskytter kjernenettet; kunden styrer egne sikkerhetsgrupper og brannmurregler.",),
        "customer": ("Kunden beskytter egne nettverk og forbindelsen til tjenesten.",),
    },
    "2.5": {
        "supplier": ("Leverandøren kontrollerer dataflyt mellom soner og logger all trafikk ut av plattformen.",),
        "shared": ("Leverandøren tilbyr verktøy for å styre dataflyt; kunden definerer hvilke flyter som er "
                   "tillatt.",),
        "customer": ("Kunden bestemmer og kontrollerer hvilke data som flyter inn og ut av egne løsninger.",),
    },
    "2.6": {
        "supplier": ("Leverandøren krever flerfaktor for alle administratorer og gjennomgår tilganger kvartalsvis.",),
        "shared": ("Leverandøren styrer tilgang til plattformen; kunden styrer egne brukere, roller og "
                   "flerfaktorinnlogging.",
                   "Pålogging kan knyttes til kundens egen identitetsleverandør; leverandøren sikrer "
                   "administrative tilganger."),
        "customer": ("Kunden forvalter identiteter og tilganger i egen katalog.",),
    },
    "2.7": {
        "supplier": ("Alle data krypteres i ro med AES-256 og i transitt med TLS 1.2 eller nyere.",
                     "Leverandøren krypterer lagrede data og all trafikk, med nøkler i egen nøkkeltjeneste."),
        "shared": ("Data krypteres i ro av leverandøren; kunden kan bruke egne nøkler og er ansvarlig for "
                   "kryptering i egne applikasjoner.",),
        "customer": ("Kunden krypterer egne data og velger protokoller for overføring.",),
    },
    "2.8": {
        "supplier": ("E-post filtreres for skadevare og phishing, og nettleserbasert tilgang beskyttes med moderne "
                     "sikkerhetshoder.",),
        "shared": ("Leverandøren sikrer nettgrensesnittet; kunden beskytter egne e-postsystemer og nettlesere.",),
        "customer": ("Kunden beskytter e-post og nettlesere hos egne brukere.",
                     "Tjenesten omfatter ikke e-post; kunden sikrer egne klienter og nettlesere."),
    },
    "2.9": {
        "supplier": ("Leverandøren tar daglig sikkerhetskopi til et geografisk adskilt datasenter og tester "
                     "gjenoppretting jevnlig.",),
        "shared": ("Leverandøren tilbyr sikkerhetskopi og gjenoppretting; kunden velger hva som skal sikres og "
                   "tester gjenoppretting.",),
        "customer": ("Kunden har ansvar for sikkerhetskopi av egne data og må teste gjenoppretting selv.",),
    },
    "2.10": {
        "supplier": ("Alle endringer går gjennom leverandørens endringsråd med risikovurdering og mulighet for "
                     "tilbakerulling.",),
        "shared": ("Leverandøren varsler planlagte endringer; kunden vurderer konsekvenser for egne løsninger.",),
        "customer": ("Kunden integrerer sikkerhet i egen prosess for endringshåndtering.",),
    },
    "3.1": {
        "supplier": ("Leverandøren skanner plattformen for sårbarheter daglig og installerer kritiske "
                     "sikkerhetsoppdateringer innen 72 timer.",),
        "shared": ("Leverandøren oppdaterer plattformen; kunden oppdaterer egne virtuelle maskiner, maskinmaler og "
                   "applikasjoner.",),
        "customer": ("Kunden oppdager og utbedrer sårbarheter i egne systemer.",),
    },
    "3.2": {
        "supplier": ("Leverandøren har døgnbemannet sikkerhetsovervåkning av plattformen.",
                     "Sikkerhetsovervåkning skjer fra leverandørens SOC i Norge, døgnet rundt."),
        "shared": ("Leverandøren overvåker plattformen; kunden får logger og varsler til egen "
                   "sikkerhetsovervåkning.",),
        "customer": ("Kunden etablerer egen sikkerhetsovervåkning av løsningen.",),
    },
    "3.3": {
        "supplier": ("Hendelser analyseres av leverandørens analytikere med støtte av SIEM og trusseletterretning.",),
        "shared": ("Leverandøren analyserer hendelser i plattformen; kunden analyserer logger fra egne "
                   "applikasjoner.",),
        "customer": ("Kunden analyserer data fra egen sikkerhetsovervåkning.",),
    },
    "3.4": {
        "supplier": ("Uavhengige inntrengningstester gjennomføres minst årlig, og sammendrag deles med kunden.",),
        "shared": ("Leverandøren tester plattformen årlig; kunden kan teste egne løsninger etter avtale.",),
        "customer": ("Kunden gjennomfører inntrengningstester av egne løsninger.",),
    },
    "4.1": {
        "supplier": ("Leverandøren har beredskapsplaner og øver på hendelseshåndtering minst to ganger i året.",),
        "shared": ("Beredskapsplanene samordnes: leverandøren for plattformen, kunden for egen virksomhet.",
                   "Leverandøren og kunden avtaler kontaktpunkter og rutiner for varsling før oppstart."),
        "customer": ("Kunden forbereder egen virksomhet på håndtering av hendelser.",),
    },
    "4.2": {
        "supplier": ("Hendelser klassifiseres etter en fast skala, og kunden varsles om alvorlige hendelser innen "
                     "24 timer.",),
        "shared": ("Leverandøren klassifiserer hendelser i plattformen; kunden vurderer konsekvensene for egen "
                   "virksomhet.",),
        "customer": ("Kunden vurderer og klassifiserer hendelser i egne løsninger.",),
    },
    "4.3": {
        "supplier": ("Leverandøren håndterer hendelser etter dokumenterte prosedyrer og holder kunden løpende "
                     "orientert.",),
        "shared": ("Leverandøren håndterer hendelser i plattformen; kunden håndterer hendelser i egne systemer og "
                   "data.",),
        "customer": ("Kunden kontrollerer og håndterer hendelser i egne løsninger.",),
    },
    "4.4": {
        "supplier": ("Etter alvorlige hendelser lager leverandøren en rapport med årsaksanalyse og tiltak.",),
        "shared": ("Leverandøren og kunden evaluerer alvorlige hendelser sammen og følger opp tiltakene.",),
        "customer": ("Kunden evaluerer egne hendelser og gjennomfører forbedringstiltak.",),
    },
}

# Default responsibility per NSM principle, by the kind of service (what the customer runs itself).
# Order follows catalogue.nsm.PRINCIPLES.
_S, _D, _K = "supplier", "shared", "customer"
NSM_DEFAULTS: dict[str, tuple[str, ...]] = {
    #        1.1 1.2 1.3 2.1 2.2 2.3 2.4 2.5 2.6 2.7 2.8 2.9 2.10 3.1 3.2 3.3 3.4 4.1 4.2 4.3 4.4
    "iaas": (_D, _D, _K, _S, _D, _K, _D, _K, _D, _D, _K, _D, _D, _D, _D, _D, _S, _D, _D, _D, _D),
    "paas": (_D, _S, _K, _S, _S, _D, _S, _D, _D, _S, _K, _D, _S, _S, _S, _D, _S, _D, _D, _D, _D),
    "saas": (_S, _S, _K, _S, _S, _S, _S, _S, _D, _S, _D, _S, _S, _S, _S, _S, _S, _D, _S, _S, _D),
    "security": (_D, _D, _K, _S, _D, _D, _S, _D, _D, _S, _D, _D, _D, _S, _S, _S, _S, _D, _S, _S, _D),
    "consulting": (_D, _K, _K, _D, _D, _K, _K, _K, _K, _K, _K, _K, _D, _K, _K, _K, _D, _D, _K, _K, _D),
}

# The kind of service in each top-level category (drives NSM defaults, SLA and metering).
KIND_OF_TOP: dict[str, str] = {
    "beregning": "iaas", "containere": "paas", "serverlost": "paas", "lagring": "iaas",
    "sikkerhetskopi": "paas", "databaser": "paas", "nettverk": "iaas", "nettverkssikkerhet": "security",
    "identitet": "security", "sikkerhetsovervakning": "security", "integrasjon": "paas", "sok": "paas",
    "ki": "paas", "analyse": "paas", "programvare": "saas", "radgivning": "consulting",
}

# Export formats that make sense per top-level category: the first is always offered.
EXPORTS_OF_TOP: dict[str, tuple[str, ...]] = {
    "beregning": ("vm-image", "json", "csv"),
    "containere": ("json", "proprietart", "csv"),
    "serverlost": ("json", "csv", "xml"),
    "lagring": ("s3-api", "csv", "json", "proprietart"),
    "sikkerhetskopi": ("s3-api", "vm-image", "proprietart", "xml"),
    "databaser": ("sql", "csv", "json", "parquet"),
    "nettverk": ("json", "csv", "xml"),
    "nettverkssikkerhet": ("json", "csv", "xml"),
    "identitet": ("csv", "json", "xml"),
    "sikkerhetsovervakning": ("json", "csv", "parquet"),
    "integrasjon": ("json", "xml", "csv"),
    "sok": ("json", "csv", "xml"),
    "ki": ("json", "parquet", "csv"),
    "analyse": ("csv", "parquet", "sql", "json"),
    "programvare": ("csv", "xml", "json", "proprietart"),
    "radgivning": ("csv", "json", "xml"),
}

# ---------------------------------------------------------------------------
# law, venue and contract papers per supplier flavour

# The Norwegian district court nearest to a supplier's city; Oslo tingrett otherwise.
VENUE_OF_CITY: dict[str, str] = {
    "Bergen": "vestland-tingrett", "Laksevåg": "vestland-tingrett", "Haugesund": "vestland-tingrett",
    "Trondheim": "trondelag-tingrett", "Steinkjer": "trondelag-tingrett",
    "Stavanger": "sor-rogaland-tingrett", "Sandnes": "sor-rogaland-tingrett",
}

# Flavours of supplier: governing law, venue and the country their SCC clauses name.
FLAVOUR_LAW: dict[str, tuple[str, str]] = {
    "svensk": ("sverige", "stockholm"),
    "dansk": ("danmark", "kobenhavn"),
    "finsk": ("finland", "helsinki"),
}

NORWEGIAN_TERMS_DOCUMENTS = (
    "{brand} standardvilkår for skytjenester",
    "Alminnelige vilkår for {brand}",
    "SSA-L med {brand}s tilleggsvilkår",
    "{brand} tjenesteavtale – generelle vilkår",
    "Rammevilkår for skytjenester fra {brand}",
)
NORDIC_TERMS_DOCUMENTS = (
    "{brand} General Terms and Conditions (nordisk utgave)",
    "{brand} Allmänna villkor, norsk oversettelse",
    "{brand} tjenestevilkår for Norden",
)
INTERNATIONAL_TERMS_DOCUMENTS = (
    "Enterprise Agreement ({brand})",
    "{brand} Customer Agreement",
    "{brand} Online Services Terms",
)
NORWEGIAN_DPA_DOCUMENTS = (
    "Databehandleravtale for {brand}",
    "{brand} databehandleravtale (Datatilsynets mal)",
    "Databehandleravtale – vedlegg til SSA-L ({brand})",
)
INTERNATIONAL_DPA_DOCUMENTS = (
    "{brand} Data Processing Addendum",
    "{brand} Data Protection Agreement",
)
TERMS_VERSIONS = ("1.4", "2.0", "2.3", "3.1", "2024-06", "2025-01", "2025.2", "v4 (mars 2025)", "5.0",
                  "2026-01", "v2 (oktober 2025)", "3.0 (januar 2026)")

LIABILITY_NOTES: dict[str, tuple[str, ...]] = {
    "12-mnd-vederlag": (
        "Samlet ansvar per kalenderår er begrenset til vederlaget kunden har betalt de siste 12 månedene. "
        "Begrensningen gjelder ikke ved grov uaktsomhet eller forsett.",
        "Ansvaret er begrenset til 12 måneders vederlag for den aktuelle tjenesten. Indirekte tap, som tapt "
        "fortjeneste og tap av data, erstattes ikke.",
    ),
    "24-mnd-vederlag": (
        "Samlet ansvar er begrenset til vederlaget for de siste 24 månedene, likevel minst 2 millioner kroner. "
        "Begrensningen gjelder ikke brudd på personvernregelverket som skyldes leverandøren.",
        "Ansvaret er begrenset til to års vederlag. Ved grov uaktsomhet, forsett og brudd på taushetsplikt "
        "gjelder ingen begrensning.",
    ),
    "fast-belop": (
        "Samlet ansvar per skadetilfelle er begrenset til {amount} kroner, og per avtaleår til det dobbelte.",
        "Ansvaret er begrenset til {amount} kroner per år. Begrensningen gjelder ikke personskade eller grov "
        "uaktsomhet.",
    ),
    "direkte-tap": (
        "Leverandøren erstatter dokumenterte direkte tap uten beløpsgrense. Indirekte tap erstattes ikke, med "
        "mindre tapet skyldes grov uaktsomhet eller forsett.",
    ),
    "ubegrenset-risiko": (
        "Leverandørens ansvar er begrenset til et lavt beløp, mens kunden holder leverandøren skadesløs for krav "
        "fra tredjeparter uten beløpsgrense. Kunden bærer derfor en ubegrenset ansvarsrisiko.",
    ),
}
FIXED_AMOUNTS = ("1 000 000", "2 500 000", "5 000 000", "10 000 000")

OTHER_TERMS = (
    "Prisene justeres årlig 1. januar i tråd med konsumprisindeksen. Avtalen kan sies opp med tre måneders "
    "varsel.",
    "Tjenesten faktureres månedlig etterskuddsvis etter faktisk forbruk. Ubrukt kapasitet overføres ikke til "
    "neste måned.",
    "Avtalen har en bindingstid på 12 måneder og fornyes deretter automatisk for ett år av gangen.",
    "Kunden får tre måneders varsel ved prisøkninger, og kan si opp avtalen uten kostnad innen endringen trer i "
    "kraft.",
    "Opplæring for inntil ti brukere er inkludert i etableringen. Tilleggsopplæring faktureres etter medgått tid.",
    "Leverandøren stiller med fast kontaktperson og halvårlige statusmøter med kunden.",
    "Vederlaget faktureres kvartalsvis forskuddsvis. Ved brudd på avtalt tilgjengelighet gis prisavslag etter "
    "egen tabell.",
    "Avtalen følger SSA-L 2018 med leverandørens vedlegg. Ved motstrid går SSA-L foran leverandørens standardvilkår.",
)

PENTEST_FIRMS = ("Vardøger Sikkerhetstesting AS", "Hackerhytta AS", "Skjærgård Security AB", "Rødt Lag Norge AS",
                 "Testfjell Sikkerhet AS", "Nordic Pentest ApS")
PENTEST_FINDINGS = (
    "Ingen kritiske eller høye funn; tre middels funn er utbedret.",
    "Ett høyt funn knyttet til øktstyring er utbedret og verifisert ved ny test.",
    "Ingen kritiske funn. To lave funn om sikkerhetshoder er lukket.",
    "To middels funn i administrasjonsgrensesnittet er utbedret; ett lavt funn er akseptert som risiko.",
    "Ingen funn over lav alvorlighetsgrad.",
)
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember")

# ---------------------------------------------------------------------------
# sub-processors: (name, country, purpose). Country is free text in the registry.

NORWEGIAN_SUBPROCESSORS = (
    ("Bergfjell Datasenter AS", "Norge", "Drift av datasenter, strøm og fysisk sikring"),
    ("Fjordsky AS", "Norge", "Infrastruktur (virtuelle maskiner og lagring)"),
    ("Nordlys Datasenter AS", "Norge", "Sekundært datasenter for sikkerhetskopi"),
    ("Vestnett Fiber AS", "Norge", "Fiberforbindelser mellom datasentrene"),
    ("Vaktbikkje Sikkerhet AS", "Norge", "Sikkerhetsovervåkning (SOC)"),
    ("Postbud Utsendelse AS", "Norge", "Utsending av e-post og SMS-varsler"),
    ("Kundeservice Nord AS", "Norge", "Brukerstøtte på første linje"),
    ("Digitalt Lagerhus AS", "Norge", "Objektlagring i fjellhall"),
)
NORDIC_SUBPROCESSORS = (
    ("Skärgårdsmoln AB", "Sverige", "Infrastruktur og lagring i Stockholm"),
    ("Datahavn ApS", "Danmark", "Logganalyse og sikkerhetsovervåkning"),
    ("Revontuli Cloud Oy", "Finland", "Reservedatasenter i Helsingfors"),
    ("Nordisk Kundtjänst AB", "Sverige", "Brukerstøtte på andre linje"),
    ("Eurokraft Rechenzentrum GmbH", "Tyskland", "Datasenterdrift i Frankfurt"),
)
INTERNATIONAL_SUBPROCESSORS = (
    ("Demo Global Operations Inc.", "USA", "Drift og vedlikehold av plattformen"),
    ("Demo Support Services Pvt. Ltd.", "India", "Brukerstøtte og feilretting døgnet rundt"),
    ("Demo Infrastructure Ireland Ltd.", "Irland", "Datasenterdrift i EU"),
    ("Demo Datacenter Netherlands B.V.", "Nederland", "Datasenterdrift i EU"),
    ("Demo Security Analytics Ltd.", "Storbritannia", "Analyse av sikkerhetshendelser"),
    ("Demo Content Delivery Pte. Ltd.", "Singapore", "Innholdsleveranse utenfor Europa"),
)

# Sub-processor country (free text) -> data location choice in the registry.
LOCATION_OF_COUNTRY: dict[str, str] = {
    "Norge": "norge", "Sverige": "eos", "Danmark": "eos", "Finland": "eos", "Irland": "eos", "Nederland": "eos",
    "Tyskland": "eos", "Storbritannia": "storbritannia", "USA": "usa", "India": "india",
    "Singapore": "annet-tredjeland",
}

# ---------------------------------------------------------------------------
# sentences that describe the terms in the service description (keeps text and terms coherent)

LOCATION_SENTENCES: dict[str, tuple[str, ...]] = {
    "norge": ("{supplier} drifter tjenesten fra datasentre i Norge, og alle data blir værende i landet.",
              "Alle data lagres og behandles i Norge, i datasentre {supplier} selv kontrollerer."),
    "norge-eos": ("Data lagres i Norge, med reservekopi i et datasenter innenfor EØS som {supplier} har avtale "
                  "med.",
                  "{supplier} bruker datasentre i Norge og Norden, og ingen data forlater EØS."),
    "eos": ("Tjenesten leveres fra datasentre i Norden, og {supplier} holder alle data innenfor EØS.",),
    "global": ("{supplier} leverer tjenesten fra globale regioner. Kunden kan velge regioner i EU/EØS, men "
               "brukerstøtte og drift kan skje fra land utenfor EØS.",
               "Kunden velger selv region; standardoppsettet hos {supplier} kan likevel innebære behandling i USA "
               "og India."),
}
SUPPORT_SENTENCES: dict[str, str] = {
    "kontortid": "Brukerstøtte gis på {languages} i kontortiden.",
    "utvidet": "Brukerstøtte gis på {languages} fra klokken sju til ti på kvelden.",
    "24x7": "Brukerstøtte gis på {languages} døgnet rundt, alle dager.",
}
LANGUAGE_NAMES = {"nb": "norsk", "sv": "svensk", "da": "dansk", "en": "engelsk"}

# A feature line a service gets from its own terms (so features and terms agree).
LOCATION_FEATURES: dict[str, str] = {
    "norge": "Data lagres kun i Norge",
    "norge-eos": "Data lagres i Norge med reservekopi i EØS",
    "eos": "Data holdes innenfor EØS",
    "global": "Valgfri region, også i EU/EØS",
}
