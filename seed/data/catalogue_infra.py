"""Demo service texts, part 1: compute, containers, serverless, storage, backup and databases.

Per sub-category: ``keywords`` (also the synthetic catalogue's vocabulary), ``sentences`` (a
pool for descriptions), ``features`` (a pool of feature lines) and ``services``:
``(supplier key, name, summary, detail)`` where *detail* is the service's own opening sentence.
"""
from __future__ import annotations

SUBCATEGORIES: dict[str, dict] = {
    # ------------------------------------------------------------------ beregning
    "virtuelle-maskiner": dict(
        keywords=("virtuell maskin", "VM", "server", "instans", "vCPU", "Linux-server", "Windows Server"),
        sentences=(
            "Maskinene opprettes på under ett minutt fra nettportalen, kommandolinjen eller Terraform.",
            "Kunden velger selv antall prosessorkjerner, minne og disk, og kan endre størrelse uten å installere "
            "på nytt.",
            "Ferdige maler finnes for de vanligste Linux-distribusjonene og for Windows Server med lisens "
            "inkludert.",
        ),
        features=("Betaling per time eller fast månedspris", "Maler for Ubuntu, Debian, RHEL og Windows Server",
                  "Øyeblikksbilder av disker med ett klikk", "Automatisk flytting ved maskinvarefeil",
                  "Privat nett mellom maskinene uten ekstra kostnad", "Terraform- og Ansible-støtte",
                  "Egen konsoll for feilsøking", "Valgfri GPU for tunge beregninger"),
        services=(
            ("fjordsky", "Fjordsky Virtuelle servere",
             "Virtuelle maskiner i norske datasentre i Bergen og Stavanger, med fast pris per måned og mulighet "
             "for timesbetaling.",
             "Fjordsky Virtuelle servere er grunnmuren for kommuner som vil flytte fagsystemer ut av eget "
             "serverrom."),
            ("bolgen", "Bølgen Compute",
             "Høytilgjengelige virtuelle maskiner fordelt på tre sammenkoblede datasentre i Rogaland.",
             "Bølgen Compute speiler maskinene mellom to datasentre, slik at et strømbrudd på ett sted ikke "
             "stopper driften."),
            ("demo-global", "Global Skyplattform Virtuelle maskiner",
             "Hundrevis av maskintyper i regioner over hele verden, fra små testmaskiner til maskiner med flere "
             "terabyte minne.",
             "Global Skyplattform Virtuelle maskiner passer for virksomheter som trenger stor kapasitet på kort "
             "varsel."),
            ("elvekraft", "Elvekraft Grønne VM",
             "Virtuelle maskiner drevet av lokal vannkraft, med rapport over strømforbruk og klimaavtrykk per "
             "maskin.",
             "Elvekraft Grønne VM er laget for virksomheter som skal rapportere klimaavtrykket av egen IT-drift."),
        ),
    ),
    "applikasjonsplattform": dict(
        keywords=("applikasjonsplattform", "PaaS", "webapplikasjon", "utrulling", "kjøremiljø", "Git"),
        sentences=(
            "Utviklerne dytter koden til Git, og plattformen bygger, tester og ruller ut applikasjonen automatisk.",
            "Operativsystem, kjøremiljø og sikkerhetsoppdateringer driftes av leverandøren.",
            "Applikasjonene skalerer automatisk etter trafikken, og kan skaleres ned til null utenfor arbeidstid.",
        ),
        features=("Utrulling direkte fra Git", "Støtte for Java, .NET, Python, Node.js og PHP",
                  "Automatisk TLS-sertifikat for egne domener", "Testmiljø per endringsforslag",
                  "Innebygd logg og metrikker", "Tilbakerulling til forrige versjon med ett klikk",
                  "Kryptert lagring av hemmeligheter"),
        services=(
            ("kodeverket", "Kodeverket Appdrift",
             "Applikasjonsplattform for webløsninger og API-er, driftet i norske datasentre og klar for bruk på "
             "minutter.",
             "Kodeverket Appdrift lar små utviklingsteam i kommuner og etater levere nye tjenester uten egen "
             "driftsavdeling."),
            ("demo-kontor", "Kontor- og plattformsky Appdrift",
             "Global applikasjonsplattform med tett kobling til leverandørens identitetstjeneste og "
             "utviklerverktøy.",
             "Kontor- og plattformsky Appdrift brukes mye av virksomheter som allerede har kontorpakken fra samme "
             "leverandør."),
            ("vestavind", "Vestavind Plattform",
             "Enkel applikasjonsdrift for nettsteder og fagapplikasjoner, med personlig oppfølging fra et team i "
             "Haugesund.",
             "Vestavind Plattform er rettet mot kommuner som ønsker en lokal leverandør de kan ringe til."),
            ("skargardsmoln", "Skärgårdsmoln App Engine",
             "Nordisk applikasjonsplattform med kjøremiljø i Stockholm og Oslo og fast pris per applikasjon.",
             "Skärgårdsmoln App Engine gir forutsigbare kostnader fordi hver applikasjon har en fast månedspris."),
        ),
    ),
    "dedikerte-servere": dict(
        keywords=("dedikert server", "fysisk server", "bare metal", "serverleie", "rackplass"),
        sentences=(
            "Serveren er forbeholdt én kunde, og ingen andre virksomheter deler maskinvaren.",
            "Maskinvaren byttes ved feil innen avtalt tid, og kunden har full tilgang til fjernkonsollen.",
            "Dedikerte servere passer for lisensbundet programvare og systemer med strenge krav til ytelse.",
        ),
        features=("Full administratortilgang", "Fjernkonsoll via IPMI", "Maskinvarebytte innen fire timer",
                  "Redundant strøm og nett", "Valgfri RAID-konfigurasjon", "Fysisk adskilt skap på forespørsel",
                  "Leveranse innen fem virkedager"),
        services=(
            ("nordlys", "Nordlys Dedikert",
             "Fysiske servere i fjellhall i Tromsø, drevet med fornybar kraft og kjølt med arktisk luft.",
             "Nordlys Dedikert brukes av forskningsmiljøer som trenger mye regnekraft til en lav strømpris."),
            ("midnattsol", "Midnattsol Bare Metal",
             "Dedikerte servere til fast månedspris for databaser, lisensservere og tunge fagsystemer.",
             "Midnattsol Bare Metal er et rimelig alternativ for virksomheter som har vokst ut av virtuelle "
             "maskiner."),
            ("bolgen", "Bølgen Dedikerte servere",
             "Dedikerte servere med avtalt responstid og mulighet for egne, låsbare skap i datasenteret.",
             "Bølgen Dedikerte servere leveres med egne skap for kunder som må skille maskinvaren fysisk fra andre."),
        ),
    ),
    # ------------------------------------------------------------------ containere
    "kubernetes": dict(
        keywords=("Kubernetes", "klynge", "container", "pod", "orkestrering", "Helm"),
        sentences=(
            "Kontrollplanet driftes og oppgraderes av leverandøren, mens kunden styrer arbeidsnodene.",
            "Klyngene settes opp med nettverkspolicyer, ressurskvoter og sentral logging fra start.",
            "Nye Kubernetes-versjoner gjøres tilgjengelige innen få uker etter lansering.",
        ),
        features=("Sertifisert Kubernetes (CNCF)", "Automatisk skalering av noder",
                  "Kontrollplan med tre replikaer", "Integrert containerregister",
                  "Støtte for Helm og GitOps", "Nettverkspolicyer med Cilium", "Varsling ved ressursmangel"),
        services=(
            ("fjordsky", "Fjordsky Kubernetes",
             "Administrert Kubernetes i norske datasentre, med kontrollplan uten kostnad og betaling kun for "
             "arbeidsnodene.",
             "Fjordsky Kubernetes ble lansert for å gi offentlige utviklingsmiljøer en norsk plattform for "
             "containere."),
            ("polarkube", "Polarkube Klynge",
             "Kubernetes-klynger fra Bodø med døgnbemannet drift og hjelp til oppsett av GitOps.",
             "Polarkube Klynge leveres med en driftsavtale der leverandøren også følger med på kundens "
             "applikasjoner."),
            ("demo-sok", "Søk og data Europa Kubernetes Engine",
             "Kubernetes-tjeneste fra leverandøren som utviklet teknologien, med automatisk oppgradering og "
             "reparasjon av noder.",
             "Søk og data Europa Kubernetes Engine er kjent for automatikk som holder klyngene oppdatert uten "
             "manuelt arbeid."),
            ("bolgen", "Bølgen Container Plattform",
             "Kubernetes fordelt på tre datasentre, egnet for tjenester som ikke tåler nedetid.",
             "Bølgen Container Plattform sprer arbeidsnodene over tre datasentre i Rogaland."),
        ),
    ),
    "container-register": dict(
        keywords=("containerregister", "containerbilde", "image", "register", "sårbarhetsskanning"),
        sentences=(
            "Alle containerbilder skannes for kjente sårbarheter når de lastes opp og deretter hver natt.",
            "Tilgang styres per prosjekt, og utrullingssystemer får egne tokens med begrenset rett.",
            "Gamle versjoner ryddes automatisk etter regler kunden selv setter.",
        ),
        features=("Sårbarhetsskanning av alle containerbilder", "Signering av containerbilder",
                  "Speiling av offentlige register", "Automatisk opprydding", "Tilgang per prosjekt og team",
                  "Replikering mellom regioner", "Støtte for Helm-pakker"),
        services=(
            ("polarkube", "Polarkube Register",
             "Privat containerregister med sårbarhetsskanning, signering og speiling av offentlige register.",
             "Polarkube Register gjør at klyngene kan hente containerbildene selv om offentlige register er nede."),
            ("kodeverket", "Kodeverket Register",
             "Containerregister og pakkelager for utviklingsteam, med lagring i Norge.",
             "Kodeverket Register samler containerbilder og programvarepakker på ett sted."),
            ("demo-global", "Global Skyplattform Containerregister",
             "Skalerbart containerregister med replikering mellom regioner og betaling per lagret gigabyte.",
             "Global Skyplattform Containerregister er tett integrert med leverandørens egne "
             "containertjenester."),
        ),
    ),
    # ------------------------------------------------------------------ serverløst
    "funksjoner": dict(
        keywords=("funksjon", "serverløs kjøring", "FaaS", "hendelsesdrevet kode", "kodefunksjon"),
        sentences=(
            "Koden kjører bare når noe skjer, og kunden betaler per kall og per millisekund.",
            "Funksjonene kan utløses av HTTP-kall, meldingskøer, tidsplaner eller nye filer i lagring.",
            "Kaldstart er kort fordi kjøremiljøet holdes varmt for funksjoner som brukes ofte.",
        ),
        features=("Betaling per kall", "Utløsere fra HTTP, kø og tidsplan", "Støtte for Python, Node.js, Go og "
                  "Java", "Maksimal kjøretid på 15 minutter", "Innebygd logg og sporing",
                  "Versjonering og trinnvis utrulling", "Gratis kvote hver måned"),
        services=(
            ("kodeverket", "Kodeverket Funksjoner",
             "Serverløse funksjoner i norske datasentre, med gratis kvote og betaling per kall utover den.",
             "Kodeverket Funksjoner brukes ofte til små integrasjoner mellom fagsystemer i kommunene."),
            ("demo-global", "Global Skyplattform Funksjoner",
             "Funksjoner som tjeneste med utløsere fra over hundre andre tjenester på samme plattform.",
             "Global Skyplattform Funksjoner kan kobles til nesten alle andre tjenester leverandøren tilbyr."),
            ("elvekraft", "Elvekraft Funksjoner",
             "Serverløs kjøring av kode på vannkraftdrevne servere, med klimaregnskap per funksjon.",
             "Elvekraft Funksjoner viser hvor mye strøm hver funksjon har brukt den siste måneden."),
            ("demo-asia", "Fjernøstlig Skyplattform Funksjoner",
             "Serverløse funksjoner med lav pris per kall og regioner i Europa og Asia.",
             "Fjernøstlig Skyplattform Funksjoner har lave priser, men standardoppsettet bruker regioner utenfor "
             "EØS."),
        ),
    ),
    "arbeidsflyt": dict(
        keywords=("arbeidsflyt", "prosessautomatisering", "tilstandsmaskin", "orkestrering", "flyt"),
        sentences=(
            "Flyten tegnes grafisk, og hvert steg kan kalle en funksjon, et API eller vente på et menneske.",
            "Feil i ett steg gir automatiske nye forsøk før saken sendes til manuell behandling.",
            "Historikken for hver kjøring lagres, slik at man kan se hva som skjedde og når.",
        ),
        features=("Grafisk flytdesigner", "Automatiske nye forsøk ved feil", "Menneskelig godkjenning som steg",
                  "Historikk for hver kjøring", "Tidsstyrte flyter", "Kobling til Altinn og ID-porten",
                  "Parallelle grener"),
        services=(
            ("skjemaverket", "Skjemaverket Flyt",
             "Arbeidsflyt for innkomne skjema: validering, saksopprettelse, arkivering og svar til innbygger.",
             "Skjemaverket Flyt tar et utfylt skjema hele veien fra innsending til arkivert sak."),
            ("demo-kontor", "Kontor- og plattformsky Logikkflyt",
             "Lavkodeverktøy for arbeidsflyt med hundrevis av ferdige koblinger til kontorstøtte og andre "
             "tjenester.",
             "Kontor- og plattformsky Logikkflyt lar saksbehandlere lage enkle flyter selv."),
            ("dataflyt", "Dataflyt Prosess",
             "Serverløs prosessmotor for langvarige forretningsprosesser på tvers av fagsystemer.",
             "Dataflyt Prosess holder styr på prosesser som kan vare i uker, som byggesøknader og tilskudd."),
            ("kodeverket", "Kodeverket Flyt",
             "Tilstandsmaskiner som kode for utviklere, med visuell oversikt over hver kjøring.",
             "Kodeverket Flyt beskriver flyten i YAML, slik at den versjoneres sammen med resten av koden."),
        ),
    ),
    # ------------------------------------------------------------------ lagring
    "blokklagring": dict(
        keywords=("blokklagring", "disk", "volum", "SSD", "IOPS", "øyeblikksbilde"),
        sentences=(
            "Volumene kobles til virtuelle maskiner som vanlige disker og kan utvides uten nedetid.",
            "Alle data skrives i tre kopier på ulike lagringsnoder før skrivingen bekreftes.",
            "Kunden velger mellom rimelig standardlagring og rask SSD med garantert ytelse.",
        ),
        features=("Utvidelse uten nedetid", "Tre kopier av alle data", "Kryptering med kundens egne nøkler",
                  "Øyeblikksbilder etter tidsplan", "Garantert IOPS på SSD-nivå", "Kloning av volumer"),
        services=(
            ("fjordsky", "Fjordsky Disk",
             "Blokklagring for virtuelle maskiner med SSD og tre kopier av alle data i norske datasentre.",
             "Fjordsky Disk brukes under de fleste virtuelle maskinene i Fjordskys plattform."),
            ("kystdata", "Kystdata Blokklager",
             "Rask blokklagring med øyeblikksbilder hver time og kopi til et annet datasenter i Møre og Romsdal.",
             "Kystdata Blokklager tar øyeblikksbilder hver time, slik at feil kan rulles tilbake raskt."),
            ("bolgen", "Bølgen Blokklagring",
             "Synkront speilet blokklagring mellom to datasentre, for systemer som ikke tåler datatap.",
             "Bølgen Blokklagring skriver hver blokk til to datasentre samtidig."),
            ("demo-global", "Global Skyplattform Blokklagring",
             "Blokklagring i mange ytelsesklasser, fra rimelige magnetdisker til NVMe med svært lav "
             "responstid.",
             "Global Skyplattform Blokklagring har flere ytelsesklasser enn noen annen tjeneste i katalogen."),
        ),
    ),
    "objektlagring": dict(
        keywords=("objektlagring", "objektlager", "S3", "bøtte", "lagring", "arkivlagring"),
        sentences=(
            "Tjenesten er kompatibel med S3-API-et, så eksisterende verktøy og biblioteker virker uten endring.",
            "Objekter kan låses mot sletting i en valgt periode for å oppfylle krav til arkivering.",
            "Kunden betaler per lagret gigabyte, uten gebyr for trafikk ut av tjenesten.",
        ),
        features=("S3-kompatibelt API", "Objektlås mot sletting (WORM)", "Versjonering av objekter",
                  "Livssyklusregler for flytting til rimeligere lagring", "Gratis uttrafikk",
                  "Forhåndssignerte lenker", "Replikering til andre datasentre"),
        services=(
            ("lagerhus", "Lagerhuset Objektlager",
             "S3-kompatibel lagring i fjellhall på Gjøvik, med objektlås og ingen kostnad for uttrafikk.",
             "Lagerhuset Objektlager ligger i en fjellhall med adgangskontroll i flere soner."),
            ("fjordsky", "Fjordsky Objektlagring",
             "Objektlagring for sikkerhetskopi, medier og datasett, med data i Bergen og kopi i Stavanger.",
             "Fjordsky Objektlagring er mye brukt til kommunale kartdata og store mediefiler."),
            ("skargardsmoln", "Skärgårdsmoln Objekt",
             "Nordisk objektlagring med data i Stockholm og Oslo og fast pris per terabyte.",
             "Skärgårdsmoln Objekt har fast pris per terabyte, uten tillegg for forespørsler."),
            ("demo-asia", "Fjernøstlig Skyplattform Objektlagring",
             "Rimelig objektlagring med regioner i Frankfurt og Asia og automatisk flytting til kald lagring.",
             "Fjernøstlig Skyplattform Objektlagring er blant de rimeligste per gigabyte, men med færre garantier."),
        ),
    ),
    "fillagring": dict(
        keywords=("fillagring", "filområde", "NFS", "SMB", "fellesområde", "delt disk"),
        sentences=(
            "Filområdene monteres over NFS eller SMB og oppfører seg som en vanlig filserver.",
            "Tidligere versjoner av filer kan hentes tilbake av brukerne selv.",
            "Tilgangen styres med grupper fra kundens egen brukerkatalog.",
        ),
        features=("Støtte for NFS og SMB", "Selvbetjent gjenoppretting av filer", "Tilgang styrt av "
                  "brukerkatalogen", "Kvoter per område", "Kryptering i ro", "Automatisk utvidelse"),
        services=(
            ("lagerhus", "Lagerhuset Filområde",
             "Delte filområder for store datamengder, som kartdata, tegninger og forskningsdata.",
             "Lagerhuset Filområde er laget for filer som er for store til vanlig kontorlagring."),
            ("nordlys", "Nordlys Filserver",
             "Fillagring som erstatter den lokale filserveren, med versjonering og gjenoppretting av slettede "
             "filer.",
             "Nordlys Filserver flytter fellesområdene fra serverrommet i kjelleren til et sikret datasenter."),
            ("samhandlingsverket", "Samhandlingsverket Fellesområder",
             "Fellesområder for dokumenter som skal deles på tvers av avdelinger, med tilgang fra alle enheter.",
             "Samhandlingsverket Fellesområder gir ansatte tilgang til filene sine fra PC, nettbrett og mobil."),
        ),
    ),
    # ------------------------------------------------------------------ sikkerhetskopi
    "sikkerhetskopiering": dict(
        keywords=("sikkerhetskopi", "backup", "gjenoppretting", "kopi", "lagring", "sikkerhetskopiering"),
        sentences=(
            "Sikkerhetskopiene er uforanderlige, slik at løsepengevirus ikke kan slette eller kryptere dem.",
            "Kunden setter selv hvor ofte det tas kopi og hvor lenge kopiene skal lagres.",
            "Gjenoppretting av enkeltfiler, e-post eller hele maskiner kan gjøres fra en nettportal.",
        ),
        features=("Uforanderlige kopier", "Kopi til to geografisk adskilte datasentre", "Selvbetjent "
                  "gjenoppretting", "Rapport over vellykkede og feilede kopier", "Kryptering før data forlater "
                  "kunden", "Test av gjenoppretting hvert kvartal", "Lagring i opptil ti år"),
        services=(
            ("kystdata", "Kystdata Sikkerhetskopi for kontorpakker",
             "Sikkerhetskopi for Microsoft 365-lignende kontorpakker: e-post, dokumenter, kalendere og "
             "samhandlingsrom, lagret i Norge.",
             "Kystdata Sikkerhetskopi for kontorpakker sikrer skybasert e-post og dokumenter som ellers bare "
             "ligger hos én leverandør."),
            ("vestavind", "Vestavind Backup",
             "Sikkerhetskopi av servere og databaser med uforanderlige kopier og daglig rapport.",
             "Vestavind Backup sender en daglig rapport som viser hvilke kopier som gikk bra."),
            ("innlandsdrift", "Innlandsdrift Trygg Kopi",
             "Sikkerhetskopi for kommuner, med oppfølging fra egen servicedesk og test av gjenoppretting hvert "
             "kvartal.",
             "Innlandsdrift Trygg Kopi inkluderer en kvartalsvis gjenopprettingstest som dokumenteres for "
             "kunden."),
            ("fjordsky", "Fjordsky Backup",
             "Sikkerhetskopi av virtuelle maskiner og Kubernetes-volumer direkte fra Fjordskys plattform.",
             "Fjordsky Backup skrus på per maskin og krever ingen egen programvare."),
        ),
    ),
    "langtidsarkiv": dict(
        keywords=("langtidsarkiv", "arkiv", "bevaring", "depot", "arkivering", "kald lagring"),
        sentences=(
            "Data lagres på bånd og kald disk med sjekksummer som kontrolleres hvert år.",
            "Arkivet tar imot arkivuttrekk etter Noark 5 og kontrollerer dem før de bevares.",
            "Henting fra arkivet tar fra noen minutter til noen timer, avhengig av lagringsklasse.",
        ),
        features=("Mottak av Noark 5-uttrekk", "Årlig kontroll av sjekksummer", "Lagring på bånd i to "
                  "fjellhaller", "Bevaring i minst 25 år", "Innsynslogg for alt som hentes", "Lav pris per "
                  "terabyte"),
        services=(
            ("arkivhvelvet", "Arkivhvelvet Depot",
             "Digitalt depot for kommunale arkiv, med mottak og kontroll av arkivuttrekk etter Noark 5.",
             "Arkivhvelvet Depot hjelper kommuner som mangler eget depot for elektronisk arkiv."),
            ("nordlys", "Nordlys Arktisk Arkiv",
             "Langtidslagring på bånd i fjellhall i Tromsø, for data som må bevares i tiår.",
             "Nordlys Arktisk Arkiv lagrer data langt fra andre datasentre, noe som gir god geografisk "
             "spredning."),
            ("lagerhus", "Lagerhuset Kaldlager",
             "Rimelig kald lagring for data som sjelden hentes, med S3-grensesnitt og objektlås.",
             "Lagerhuset Kaldlager koster en brøkdel av vanlig objektlagring per terabyte."),
        ),
    ),
    "katastrofegjenoppretting": dict(
        keywords=("katastrofegjenoppretting", "beredskap", "reservedatasenter", "DR", "failover", "RTO"),
        sentences=(
            "Maskinene replikeres fortløpende til et reservedatasenter og kan startes der på kort varsel.",
            "Avtalen angir hvor raskt driften er gjenopprettet og hvor mye data som kan gå tapt.",
            "Kunden kan teste overgangen til reservedatasenteret uten å påvirke produksjonen.",
        ),
        features=("Gjenopprettingstid under fire timer", "Datatap under 15 minutter", "Testing uten å påvirke "
                  "produksjon", "Ferdig beredskapsplan", "Årlig øvelse sammen med kunden", "Replikering over "
                  "kryptert forbindelse"),
        services=(
            ("nordlys", "Nordlys Reservedrift",
             "Reservedatasenter i Nord-Norge for virksomheter som har primærdrift i Sør-Norge.",
             "Nordlys Reservedrift gir stor geografisk avstand mellom primærdrift og reserve."),
            ("bolgen", "Bølgen DR",
             "Katastrofegjenoppretting med replikering mellom datasentre og garantert gjenopprettingstid.",
             "Bølgen DR har en avtalt gjenopprettingstid på to timer for kritiske systemer."),
            ("kystdata", "Kystdata Beredskap",
             "Beredskapsløsning for helseforetak og kommuner, med ferdige planer og årlige øvelser.",
             "Kystdata Beredskap leverer ferdige beredskapsplaner tilpasset helsesektoren."),
            ("vardedrift", "Varde Gjenoppretting",
             "Gjenoppretting av hele driftsmiljøet i et annet datasenter, med øvelse sammen med kunden hvert år.",
             "Varde Gjenoppretting inkluderer en årlig øvelse der hele miljøet startes i reservedatasenteret."),
        ),
    ),
    # ------------------------------------------------------------------ databaser
    "relasjonsdatabaser": dict(
        keywords=("database", "PostgreSQL", "MariaDB", "SQL", "relasjonsdatabase", "replikering"),
        sentences=(
            "Leverandøren tar seg av installasjon, oppdatering, sikkerhetskopi og overvåkning av databasen.",
            "En lesekopi i et annet datasenter overtar automatisk hvis primærdatabasen feiler.",
            "Databasen kan gjenopprettes til et hvilket som helst tidspunkt de siste 30 dagene.",
        ),
        features=("Automatisk sikkerhetskopi og gjenoppretting til tidspunkt", "Lesekopier i flere datasentre",
                  "Automatisk failover", "Planlagte oppdateringer i eget vedlikeholdsvindu", "Kryptert "
                  "tilkobling", "Ytelsesinnsikt for trege spørringer", "Skalering av lagring uten nedetid"),
        services=(
            ("fjellbase", "Administrert PostgreSQL i norske datasentre",
             "PostgreSQL som tjeneste fra Fjellbase, med automatisk sikkerhetskopi, failover og norske "
             "databaseeksperter på vakt.",
             "Administrert PostgreSQL i norske datasentre driftes av et team som har jobbet med PostgreSQL i "
             "over femten år."),
            ("fjordsky", "Fjordsky Database",
             "Administrerte PostgreSQL- og MariaDB-databaser i Fjordskys plattform, med lesekopier i Stavanger.",
             "Fjordsky Database kobles til virtuelle maskiner og Kubernetes over privat nett."),
            ("demo-database", "Database- og forretningssky Autonom database",
             "Selvdrevet relasjonsdatabase som oppdaterer, justerer og sikrer seg selv.",
             "Database- og forretningssky Autonom database bygger på en av de mest brukte "
             "databasemotorene i store virksomheter."),
            ("demo-global", "Global Skyplattform Relasjonsdatabase",
             "Administrerte databaser med valg mellom flere databasemotorer og automatisk skalering av lagring.",
             "Global Skyplattform Relasjonsdatabase lar kunden velge mellom PostgreSQL, MySQL og kommersielle "
             "motorer."),
        ),
    ),
    "nosql": dict(
        keywords=("NoSQL", "dokumentdatabase", "nøkkel-verdi", "grafdatabase", "database", "hurtigbuffer"),
        sentences=(
            "Databasen skalerer horisontalt og tåler store mengder skriving uten forhåndsdefinert skjema.",
            "Data replikeres til flere noder, og kunden velger mellom sterk og eventuell konsistens.",
            "Tjenesten egner seg for sesjonsdata, hendelser, kataloger og andre data med fleksibel struktur.",
        ),
        features=("Horisontal skalering", "Valgfri konsistensmodell", "Automatisk sikkerhetskopi",
                  "Kompatibel med MongoDB-protokollen", "Hurtigbuffer i minnet", "Tidsbegrensede nøkler"),
        services=(
            ("fjellbase", "Fjellbase Dokumentdatabase",
             "Administrert dokumentdatabase kompatibel med MongoDB-protokollen, driftet i Oslo.",
             "Fjellbase Dokumentdatabase passer for fagsystemer med skjema som endres ofte."),
            ("demo-sok", "Søk og data Europa Dokumentlager",
             "Serverløs NoSQL-database med automatisk skalering og betaling per lesing og skriving.",
             "Søk og data Europa Dokumentlager krever ingen kapasitetsplanlegging."),
            ("skargardsmoln", "Skärgårdsmoln Nøkkelverdi",
             "Nøkkel-verdi-database og hurtigbuffer i minnet, for sesjoner og køer med lav responstid.",
             "Skärgårdsmoln Nøkkelverdi svarer på under ett millisekund for de fleste oppslag."),
        ),
    ),
    "datavarehus": dict(
        keywords=("datavarehus", "analyse", "kolonnelager", "SQL", "database", "datamart"),
        sentences=(
            "Lagring og regnekraft skaleres hver for seg, så kunden betaler bare for det som brukes.",
            "Data lastes fra fagsystemer, filer og strømmer, og kan spørres med vanlig SQL.",
            "Tilgangen kan styres ned på rad- og kolonnenivå, for eksempel for personopplysninger.",
        ),
        features=("Separat skalering av lagring og beregning", "Standard SQL", "Tilgang på rad- og "
                  "kolonnenivå", "Lasting fra CSV og Parquet", "Deling av data mellom virksomheter",
                  "Tidsreise i data", "Kobling til rapportverktøy"),
        services=(
            ("innsiktsverket", "Innsiktsverket Datavarehus",
             "Datavarehus for kommuner, med ferdige datamodeller for økonomi, personal og tjenesteproduksjon.",
             "Innsiktsverket Datavarehus leveres med ferdige modeller som kommunene kan bygge videre på."),
            ("demo-sok", "Søk og data Europa Analysevarehus",
             "Serverløst datavarehus som spør petabyte med data på sekunder og tar betalt per spørring.",
             "Søk og data Europa Analysevarehus krever ingen servere å drifte."),
            ("demo-kontor", "Kontor- og plattformsky Analysevarehus",
             "Datavarehus integrert med leverandørens rapportverktøy og kontorpakke.",
             "Kontor- og plattformsky Analysevarehus gjør data tilgjengelig i regnearket saksbehandlerne "
             "allerede bruker."),
            ("tindra", "Tindra Forskningsvarehus",
             "Datavarehus for forsknings- og helsedata med streng tilgangsstyring og logg over alle spørringer.",
             "Tindra Forskningsvarehus logger hver eneste spørring, slik at personvernombudet kan følge med."),
        ),
    ),
}
