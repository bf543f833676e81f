"""Demo service texts, part 2: networking, network security, identity, security monitoring,
integration, search, AI and analytics. Same shape as ``catalogue_infra``.
"""
from __future__ import annotations

SUBCATEGORIES: dict[str, dict] = {
    # ------------------------------------------------------------------ nettverk
    "cdn": dict(
        keywords=("CDN", "innholdslevering", "hurtigbuffer", "kantnode", "nettsted", "strømming"),
        sentences=(
            "Statisk innhold mellomlagres på noder nær brukerne, slik at sidene lastes raskt over hele landet.",
            "Tjenesten tåler store trafikktopper, for eksempel ved valg, eksamen eller krisesituasjoner.",
            "Innhold kan tømmes fra hurtigbufferen på sekunder via API når noe publiseres på nytt.",
        ),
        features=("Noder i alle landsdeler", "Tømming av hurtigbuffer via API", "HTTP/3 og TLS 1.3",
                  "Optimalisering av grafikk og fotografier", "Strømming av video", "Tilgangslogg i sanntid",
                  "Eget domene med gratis sertifikat"),
        services=(
            ("trollnett", "Trollnett Innholdslevering",
             "Innholdsleveransenettverk med noder i 14 norske byer, for kommunale nettsteder og digitale "
             "innbyggertjenester.",
             "Trollnett Innholdslevering har noder helt nord til Kirkenes og gir rask lasting i hele landet."),
            ("demo-asia", "Fjernøstlig Skyplattform CDN",
             "Globalt CDN med over tusen noder og lav pris per gigabyte levert.",
             "Fjernøstlig Skyplattform CDN er sterkt på levering til brukere i Asia."),
            ("demo-global", "Global Skyplattform Innholdslevering",
             "Globalt innholdsleveransenettverk integrert med objektlagring og vern mot tjenestenektangrep.",
             "Global Skyplattform Innholdslevering kobles direkte til lagring og funksjoner hos samme "
             "leverandør."),
        ),
    ),
    "lastbalansering": dict(
        keywords=("lastbalansering", "lastbalanserer", "trafikkfordeling", "helsesjekk", "proxy"),
        sentences=(
            "Trafikken fordeles mellom flere servere, og servere som ikke svarer tas automatisk ut av drift.",
            "Lastbalansereren avslutter TLS og kan rute forespørsler etter adresse, vertsnavn eller innhold.",
            "Den skalerer automatisk, slik at kunden ikke trenger å planlegge kapasitet.",
        ),
        features=("Helsesjekk av bakenforliggende servere", "TLS-avslutning", "Ruting etter sti og vertsnavn",
                  "Klistrete økter", "Automatisk skalering", "Integrasjon med brannmur for applikasjoner"),
        services=(
            ("trollnett", "Trollnett Lastbalanserer",
             "Lastbalansering som tjeneste, med helsesjekker og TLS-avslutning i Trollnetts knutepunkter.",
             "Trollnett Lastbalanserer fordeler trafikk både mellom servere og mellom datasentre."),
            ("sorlandsnett", "Sørlandsnett Trafikkfordeler",
             "Lastbalansering for virksomheter i Agder, kombinert med privat forbindelse til eget nett.",
             "Sørlandsnett Trafikkfordeler brukes ofte sammen med en privat forbindelse til kundens lokaler."),
            ("fjordsky", "Fjordsky Lastbalansering",
             "Lastbalansering for tjenester i Fjordskys plattform, bestilt og konfigurert fra samme portal som "
             "maskinene.",
             "Fjordsky Lastbalansering settes opp på minutter for maskiner og Kubernetes-klynger hos Fjordsky."),
        ),
    ),
    "privat-tilkobling": dict(
        keywords=("VPN", "privat tilkobling", "nettforbindelse", "fiber", "IPsec", "stamnett"),
        sentences=(
            "Forbindelsen går utenom internett, med avtalt kapasitet og forsinkelse.",
            "Krypterte VPN-tunneler kan settes opp som reserve for den faste forbindelsen.",
            "Leverandøren overvåker linjene døgnet rundt og varsler ved brudd.",
        ),
        features=("Kapasitet fra 100 Mbit/s til 100 Gbit/s", "Redundante fiberføringer", "IPsec-VPN som "
                  "reserve", "Overvåkning døgnet rundt", "Fast forsinkelse", "Kobling til flere skyleverandører"),
        services=(
            ("sorlandsnett", "Sørlandsnett Privatlinje",
             "Privat fiberforbindelse mellom kommunens lokaler og datasentre, med avtalt kapasitet.",
             "Sørlandsnett Privatlinje er bygget på eget fibernett langs kysten av Agder."),
            ("nordkapp", "Nordkapp Nettverk Sikker Linje",
             "Krypterte forbindelser for virksomheter i Finnmark, med radiolink som reserve der fiber mangler.",
             "Nordkapp Nettverk Sikker Linje bruker radiolink som reserve der det bare går én fiberkabel."),
            ("nordlys", "Nordlys Direktekobling",
             "Direkte forbindelse inn til Nordlys Datasenter fra nordnorske kommuner og helseforetak.",
             "Nordlys Direktekobling gir fast forsinkelse og kapasitet inn til datasenteret i Tromsø."),
            ("demo-kontor", "Kontor- og plattformsky Direkteforbindelse",
             "Privat forbindelse til leverandørens skyplattform gjennom partnere i Oslo og Stockholm.",
             "Kontor- og plattformsky Direkteforbindelse går via knutepunkter i Oslo og Stockholm."),
        ),
    ),
    "dns": dict(
        keywords=("DNS", "navnetjener", "domene", "DNSSEC", "sone"),
        sentences=(
            "Navneoppslag besvares fra flere steder samtidig, og tjenesten har ikke hatt nedetid på flere år.",
            "Alle soner signeres med DNSSEC uten at kunden må håndtere nøkler selv.",
            "Endringer i sonene kan gjøres i nettportalen, via API eller med Terraform.",
        ),
        features=("DNSSEC med automatisk nøkkelbytte", "Anycast fra flere land", "API og Terraform",
                  "Endringslogg for alle soner", "Helsesjekk og automatisk omruting", "Import av eksisterende "
                  "soner"),
        services=(
            ("trollnett", "Trollnett DNS",
             "Autoritativ DNS fra knutepunkter i Norge, med DNSSEC og endringslogg.",
             "Trollnett DNS brukes av flere kommuner for domenene til innbyggertjenestene."),
            ("midnattsol", "Midnattsol Domenetjenester",
             "Domeneregistrering og DNS for offentlige virksomheter, med enkel nettportal.",
             "Midnattsol Domenetjenester samler domener og DNS på ett sted med én faktura."),
            ("revontuli", "Revontuli DNS",
             "DNS fra Helsingfors, Stockholm og Oslo med automatisk omruting når en tjeneste er nede.",
             "Revontuli DNS kan sende trafikken videre til et annet datasenter hvis helsesjekken feiler."),
        ),
    ),
    # ------------------------------------------------------------------ nettverkssikkerhet
    "ddos-vern": dict(
        keywords=("DDoS", "tjenestenektangrep", "trafikkvask", "angrepsvern", "nettvern"),
        sentences=(
            "Angrepstrafikk vaskes bort før den når kundens nett, mens vanlig trafikk slipper gjennom.",
            "Vernet er alltid på, og de fleste angrep stoppes automatisk innen sekunder.",
            "Etter hvert angrep får kunden en rapport over varighet, størrelse og tiltak.",
        ),
        features=("Alltid aktivt vern", "Vaskekapasitet over 1 Tbit/s", "Rapport etter hvert angrep",
                  "Vern av både nett og applikasjoner", "Døgnbemannet beredskap", "Fast pris også ved store "
                  "angrep"),
        services=(
            ("skjold", "Skjold DDoS-vern",
             "Vern mot tjenestenektangrep for offentlige nettsteder, med trafikkvask i Norge og døgnbemannet "
             "beredskap.",
             "Skjold DDoS-vern har beskyttet kommunale nettsteder gjennom flere store angrepsbølger."),
            ("trollnett", "Trollnett Angrepsvern",
             "DDoS-vern bygget inn i Trollnetts innholdsleveranse, uten tillegg for store angrep.",
             "Trollnett Angrepsvern følger automatisk med når kunden bruker Trollnetts innholdslevering."),
            ("nordkapp", "Nordkapp Nettverk DDoS-filter",
             "Filtrering av angrepstrafikk for virksomheter med egne linjer i Nord-Norge.",
             "Nordkapp Nettverk DDoS-filter beskytter forbindelser som ikke har kapasitet til å tåle store "
             "angrep."),
            ("demo-asia", "Fjernøstlig Skyplattform Anti-DDoS",
             "Global trafikkvask med svært stor kapasitet, priset etter hvor mye trafikk som beskyttes.",
             "Fjernøstlig Skyplattform Anti-DDoS vasker trafikken i globale senter, også utenfor EØS."),
        ),
    ),
    "brannmur": dict(
        keywords=("brannmur", "WAF", "applikasjonsbrannmur", "regelsett", "filtrering"),
        sentences=(
            "Brannmuren stopper kjente angrep som SQL-injeksjon og skripting på tvers av nettsteder.",
            "Regelsettene oppdateres av leverandøren når nye sårbarheter blir kjent.",
            "Alle blokkerte forespørsler logges og kan sendes videre til kundens egen sikkerhetsovervåkning.",
        ),
        features=("Regler mot OWASP Topp 10", "Oppdaterte regelsett", "Begrensning av forespørsler",
                  "Geografisk blokkering", "Logg til SIEM", "Beskyttelse av API-er", "Læremodus før "
                  "blokkering"),
        services=(
            ("skjold", "Skjold Applikasjonsbrannmur",
             "Brannmur for nettsteder og API-er, med regelsett som følges opp av norske sikkerhetsanalytikere.",
             "Skjold Applikasjonsbrannmur justeres for hver kunde av analytikere som kjenner norske "
             "fagsystemer."),
            ("nordkapp", "Nordkapp Nettverk Brannmur",
             "Neste generasjons brannmur som tjeneste for kommuner og helseinstitusjoner i Finnmark.",
             "Nordkapp Nettverk Brannmur erstatter brannmurbokser som kommunene ellers må drifte selv."),
            ("vardedrift", "Varde Brannmur som tjeneste",
             "Drift av brannmurer i kundens nett og i skyen, med endringer gjort av Vardes driftssenter.",
             "Varde Brannmur som tjeneste tar ansvar for alle regelendringer og dokumenterer dem."),
            ("demo-global", "Global Skyplattform Applikasjonsbrannmur",
             "Brannmur for webapplikasjoner med ferdige regelsett og betaling per regel og forespørsel.",
             "Global Skyplattform Applikasjonsbrannmur har en markedsplass for regelsett fra tredjeparter."),
        ),
    ),
    # ------------------------------------------------------------------ identitet
    "identitetsforvaltning": dict(
        keywords=("identitet", "IAM", "brukerkatalog", "tilgangsstyring", "roller", "livssyklus"),
        sentences=(
            "Brukere opprettes, endres og fjernes automatisk når de endres i HR-systemet.",
            "Tilgangene tildeles etter roller, og lederne bekrefter dem med jevne mellomrom.",
            "Alle endringer i tilganger logges med hvem, hva og når.",
        ),
        features=("Automatisk brukerlivssyklus fra HR", "Rollebasert tilgang", "Periodisk attestering",
                  "Selvbetjening av tilgang", "Logg over alle endringer", "SCIM og LDAP"),
        services=(
            ("nokkelvakt", "Nøkkelvakt Identitet",
             "Identitetsforvaltning for kommuner, med automatisk opprettelse og sletting av brukere fra "
             "HR-systemet.",
             "Nøkkelvakt Identitet fjerner tilgangene til ansatte som slutter samme dag som de registreres "
             "som sluttet."),
            ("demo-kontor", "Kontor- og plattformsky Identitet",
             "Skybasert brukerkatalog og tilgangsstyring for kontorpakke, skyplattform og tusenvis av "
             "tredjepartsapper.",
             "Kontor- og plattformsky Identitet er den mest brukte brukerkatalogen i offentlig sektor."),
            ("datahavn", "Datahavn Identity Governance",
             "Styring av tilganger med periodisk attestering, rapporter til revisor og rollekatalog.",
             "Datahavn Identity Governance gjør det enkelt å vise revisor hvem som hadde tilgang til hva."),
            ("skysamvirke", "Skysamvirke Felles brukerkatalog",
             "Felles brukerkatalog for kommunene i samvirket, slik at ansatte kan jobbe på tvers av kommuner.",
             "Skysamvirke Felles brukerkatalog gjør interkommunalt samarbeid enklere for ansatte."),
        ),
    ),
    "palogging": dict(
        keywords=("pålogging", "flerfaktor", "MFA", "enkel pålogging", "SSO", "passordløs pålogging"),
        sentences=(
            "Brukerne logger på én gang og får tilgang til alle tilknyttede tjenester.",
            "Flerfaktor kan kreves for alle eller bare ved risikofylte pålogginger.",
            "Tjenesten støtter OpenID Connect og SAML, og kan bruke ID-porten og Ansattporten.",
        ),
        features=("Enkel pålogging med OpenID Connect og SAML", "Flerfaktor med app, nøkkel eller SMS",
                  "Passordløs pålogging", "Risikobasert pålogging", "Kobling til ID-porten og Ansattporten",
                  "Egen pålogging for innleide"),
        services=(
            ("nokkelvakt", "Nøkkelvakt Pålogging",
             "Enkel pålogging og flerfaktor for ansatte, med passordløs pålogging med sikkerhetsnøkler.",
             "Nøkkelvakt Pålogging har hjulpet flere kommuner bort fra passord for ansatte."),
            ("datahavn", "Datahavn MFA",
             "Flerfaktorautentisering som tjeneste for eldre fagsystemer som ikke støtter moderne pålogging.",
             "Datahavn MFA legger flerfaktor foran gamle systemer uten å endre dem."),
            ("skjemaverket", "Skjemaverket Innlogging",
             "Innlogging for innbyggere og næringsliv via ID-porten og Ansattporten i egne digitale tjenester.",
             "Skjemaverket Innlogging gjør det enkelt å koble en ny selvbetjeningsløsning til ID-porten."),
        ),
    ),
    "privilegert-tilgang": dict(
        keywords=("privilegert tilgang", "PAM", "administratorkonto", "passordhvelv", "øktopptak"),
        sentences=(
            "Administratorpassord lagres i et hvelv og byttes automatisk etter hver bruk.",
            "Administrative økter tas opp, slik at det i ettertid kan ses hva som ble gjort.",
            "Tilgang gis bare for en avgrenset periode og må godkjennes av en annen person.",
        ),
        features=("Passordhvelv med automatisk bytte", "Opptak av administrative økter", "Tidsbegrenset tilgang",
                  "Godkjenning av en annen person", "Tilgang for leverandører uten VPN", "Varsling ved uvanlig "
                  "bruk"),
        services=(
            ("nokkelvakt", "Nøkkelvakt Admin",
             "Kontroll med privilegerte kontoer: passordhvelv, tidsbegrenset tilgang og opptak av økter.",
             "Nøkkelvakt Admin sørger for at ingen har faste administratorrettigheter."),
            ("vardedrift", "Varde Leverandørtilgang",
             "Sikker tilgang for eksterne leverandører til kundens systemer, med godkjenning og opptak av "
             "hver økt.",
             "Varde Leverandørtilgang erstatter delte VPN-kontoer for eksterne konsulenter."),
            ("vaktbikkje", "Vaktbikkje Privilegert tilgang",
             "Overvåkning og styring av administratorkontoer, koblet direkte til Vaktbikkjes "
             "sikkerhetsovervåkning.",
             "Vaktbikkje Privilegert tilgang varsler SOC-en med en gang en administratorkonto brukes uvanlig."),
        ),
    ),
    # ------------------------------------------------------------------ sikkerhetsovervåkning
    "siem": dict(
        keywords=("SIEM", "hendelsesanalyse", "korrelasjon", "sikkerhetsovervåkning", "varsling"),
        sentences=(
            "Logger fra servere, nettverk og skytjenester samles og korreleres for å oppdage angrep.",
            "Ferdige regler dekker de vanligste angrepsteknikkene i MITRE ATT&CK-rammeverket.",
            "Varsler prioriteres etter alvorlighet og kan sendes til e-post, SMS eller saksverktøy.",
        ),
        features=("Ferdige regler etter MITRE ATT&CK", "Korrelasjon på tvers av kilder",
                  "Lagring av logger i ett år", "Automatiske tiltak ved alvorlige hendelser", "Dashbord for "
                  "ledelsen", "Kobling mot trusseletterretning"),
        services=(
            ("vaktbikkje", "Vaktbikkje SIEM",
             "Sikkerhetsovervåkning og hendelsesanalyse med lagring i Norge og regler tilpasset offentlig sektor.",
             "Vaktbikkje SIEM har egne regler for norske fagsystemer og felleskomponenter."),
            ("datahavn", "Datahavn Sentinel",
             "SIEM som tjeneste fra København og Oslo, med automatiske tiltak ved kjente angrepsmønstre.",
             "Datahavn Sentinel kan isolere en angrepet maskin automatisk før en analytiker har sett på saken."),
            ("demo-kontor", "Kontor- og plattformsky Sikkerhetsanalyse",
             "Skybasert SIEM med innebygd kunstig intelligens og direkte kobling til leverandørens kontorpakke.",
             "Kontor- og plattformsky Sikkerhetsanalyse samler varsler fra e-post, identitet og skyplattform."),
            ("vardedrift", "Varde Hendelsesanalyse",
             "Innsamling og analyse av sikkerhetslogger, levert sammen med Vardes driftstjenester.",
             "Varde Hendelsesanalyse gir driftskunder sikkerhetsovervåkning uten egen avtale med en SOC."),
        ),
    ),
    "logghandtering": dict(
        keywords=("logg", "logghåndtering", "logglagring", "søk i logger", "revisjonsspor"),
        sentences=(
            "Logger sendes inn over syslog, HTTP eller fra agenter og blir søkbare i løpet av sekunder.",
            "Kunden bestemmer hvor lenge loggene skal lagres, og loggene kan ikke endres i ettertid.",
            "Personopplysninger i logger kan maskeres før lagring.",
        ),
        features=("Søk i logger på sekunder", "Uforanderlig lagring", "Maskering av personopplysninger",
                  "Lagring etter egne regler", "Varsler på mønstre i logger", "Eksport til andre verktøy"),
        services=(
            ("vaktbikkje", "Vaktbikkje Logglager",
             "Sentral logghåndtering med uforanderlig lagring i Norge, for revisjonsspor og feilsøking.",
             "Vaktbikkje Logglager oppfyller kravene til revisjonsspor i helsesektorens Normen."),
            ("datahavn", "Datahavn Log Management",
             "Innsamling og søk i logger fra hele virksomheten, med maskering av personopplysninger.",
             "Datahavn Log Management maskerer fødselsnummer og navn før loggene lagres."),
            ("demo-global", "Global Skyplattform Logger",
             "Logghåndtering for alle tjenester på plattformen, med betaling per innsamlet gigabyte.",
             "Global Skyplattform Logger samler automatisk logger fra alle tjenestene kunden bruker."),
        ),
    ),
    "soc": dict(
        keywords=("SOC", "sikkerhetsoperasjonssenter", "overvåkning", "hendelseshåndtering",
                  "døgnbemannet overvåkning"),
        sentences=(
            "Analytikere følger med på kundens systemer døgnet rundt og griper inn ved angrep.",
            "Kunden får månedlige rapporter og en fast kontaktperson i sikkerhetsoperasjonssenteret.",
            "Ved alvorlige hendelser bistår senteret med håndtering, varsling og etterarbeid.",
        ),
        features=("Døgnbemannet overvåkning", "Fast kontaktperson", "Månedlig rapport", "Bistand ved hendelser",
                  "Sikkerhetsklarerte analytikere", "Trusselsøk etter avtale", "Varsling innen 15 minutter"),
        services=(
            ("vaktbikkje", "Vaktbikkje SOC",
             "Døgnbemannet sikkerhetsoperasjonssenter i Oslo med sikkerhetsklarerte analytikere.",
             "Vaktbikkje SOC overvåker i dag flere titalls kommuner og statlige virksomheter."),
            ("vardedrift", "Varde Sikkerhetssenter",
             "Sikkerhetsovervåkning og hendelseshåndtering fra Stavanger, for kunder på hele Vestlandet.",
             "Varde Sikkerhetssenter har analytikere som kjenner kundenes driftsmiljø fra før."),
            ("datahavn", "Datahavn Managed SOC",
             "Nordisk SOC med analytikere i København og Oslo og varsling innen femten minutter.",
             "Datahavn Managed SOC fordeler nattskiftet mellom København og Oslo."),
            ("innlandsdrift", "Innlandsdrift Sikkerhetsvakt",
             "Rimelig overvåkning for små kommuner, med varsling på dagtid og beredskap på telefon om natten.",
             "Innlandsdrift Sikkerhetsvakt er tilpasset kommuner som ikke har råd til full døgnbemanning."),
        ),
    ),
    # ------------------------------------------------------------------ integrasjon
    "meldingskoer": dict(
        keywords=("meldingskø", "hendelsesstrøm", "Kafka", "AMQP", "publisering", "abonnement"),
        sentences=(
            "Meldinger lagres sikkert til mottakeren har behandlet dem, også når mottakeren er nede.",
            "Hendelsesstrømmer kan spilles av på nytt, for eksempel når et nytt system skal kobles på.",
            "Tjenesten støtter både køer med én mottaker og emner med mange abonnenter.",
        ),
        features=("Garantert levering", "Avspilling av hendelser", "Kompatibel med Kafka og AMQP",
                  "Døde-brev-kø for feilede meldinger", "Kryptering i transitt og i ro", "Automatisk "
                  "skalering"),
        services=(
            ("dataflyt", "Dataflyt Hendelsesstrøm",
             "Administrert Kafka i norske datasentre, for hendelsesdrevet integrasjon mellom fagsystemer.",
             "Dataflyt Hendelsesstrøm brukes til å spre endringer i folkeregisterdata til mange fagsystemer."),
            ("demo-global", "Global Skyplattform Meldingskø",
             "Fullt administrerte køer og emner med betaling per million meldinger.",
             "Global Skyplattform Meldingskø håndterer milliarder av meldinger hver dag."),
            ("kodeverket", "Kodeverket Kø",
             "Enkel meldingskø for utviklere, med AMQP og HTTP-grensesnitt.",
             "Kodeverket Kø kobles til Kodeverket Funksjoner uten ekstra oppsett."),
        ),
    ),
    "api-forvaltning": dict(
        keywords=("API", "API-forvaltning", "API-portal", "gateway", "utviklerportal", "Maskinporten-tilgang"),
        sentences=(
            "Alle API-er publiseres i en utviklerportal med dokumentasjon og testmiljø.",
            "Gatewayen håndterer tilgangskontroll, kvoter og logging foran kundens API-er.",
            "Maskinporten og OAuth 2 kan brukes for å gi andre virksomheter tilgang.",
        ),
        features=("Utviklerportal med dokumentasjon", "Kvoter og begrensning av trafikk", "Støtte for "
                  "Maskinporten", "Versjonering av API-er", "Analyse av bruk", "OpenAPI-import"),
        services=(
            ("dataflyt", "Dataflyt API-port",
             "API-gateway og utviklerportal med Maskinporten, kvoter og bruksstatistikk.",
             "Dataflyt API-port gjør det enkelt å dele data med andre offentlige virksomheter."),
            ("skjemaverket", "Skjemaverket API",
             "Forvaltning av API-er for digitale skjema og selvbetjeningsløsninger.",
             "Skjemaverket API samler API-ene bak kommunens selvbetjeningsløsninger."),
            ("demo-kontor", "Kontor- og plattformsky API-forvaltning",
             "API-forvaltning med gateway, utviklerportal og analyse, integrert med leverandørens "
             "identitetstjeneste.",
             "Kontor- og plattformsky API-forvaltning kan plasseres både i skyen og i kundens eget datasenter."),
        ),
    ),
    "integrasjonsplattform": dict(
        keywords=("integrasjon", "integrasjonsplattform", "iPaaS", "kobling", "dataoverføring", "KS FIKS"),
        sentences=(
            "Ferdige koblinger finnes for de vanligste fagsystemene i kommunal og statlig sektor.",
            "Integrasjonene overvåkes, og feilede overføringer kan kjøres på nytt fra et kontrollpanel.",
            "Data kan transformeres mellom formater uten programmering.",
        ),
        features=("Ferdige koblinger til fagsystemer", "Overvåkning av integrasjoner", "Ny kjøring av feilede "
                  "overføringer", "Transformasjon uten koding", "Kobling til KS FIKS og Altinn",
                  "Versjonskontroll av integrasjoner"),
        services=(
            ("dataflyt", "Dataflyt Integrasjonsplattform",
             "Integrasjonsplattform med over 200 ferdige koblinger til fagsystemer i kommuner og stat.",
             "Dataflyt Integrasjonsplattform samler integrasjonene som før lå spredt på mange servere."),
            ("skjemaverket", "Skjemaverket Koblinger",
             "Koblinger mellom digitale skjema, sak og arkiv og nasjonale felleskomponenter.",
             "Skjemaverket Koblinger sender innkomne skjema rett inn i riktig fagsystem."),
            ("kommunesky", "Kommunesky Integrasjon",
             "Integrasjon mellom Kommuneskys fagsystemer og kommunens øvrige systemer via KS FIKS.",
             "Kommunesky Integrasjon bruker KS FIKS-plattformen for utveksling med andre systemer."),
            ("demo-database", "Database- og forretningssky Integrasjon",
             "Integrasjonsplattform for forretningssystemer, med ferdige koblinger til økonomi og HR.",
             "Database- og forretningssky Integrasjon kobler leverandørens forretningssystemer til resten av "
             "virksomheten."),
        ),
    ),
    # ------------------------------------------------------------------ søk
    "sokemotor": dict(
        keywords=("søkemotor", "søk", "fritekstsøk", "indeksering", "relevans", "stavekontroll"),
        sentences=(
            "Søket forstår norsk bøyning og sammensatte ord, slik at «skolerute» også finner «skoleruter».",
            "Relevansen kan justeres med synonymer og fremhevede treff.",
            "Statistikken viser hva brukerne søker etter, og hvilke søk som ikke gir treff.",
        ),
        features=("Støtte for bokmål og nynorsk", "Synonymer og fremhevede treff", "Stavekontroll",
                  "Søkestatistikk", "Fasetter og filtre", "Indeksering via API"),
        services=(
            ("finnfram", "Finnfram Nettstedsøk",
             "Søk for offentlige nettsteder, med norsk språkstøtte og statistikk over hva innbyggerne leter "
             "etter.",
             "Finnfram Nettstedsøk forstår både bokmål og nynorsk og finner treff på tvers av målformer."),
            ("demo-sok", "Søk og data Europa Søkemotor",
             "Søkemotor som tjeneste med kunstig intelligens for rangering og spørsmål på naturlig språk.",
             "Søk og data Europa Søkemotor bygger på leverandørens erfaring med verdens største søkemotor."),
            ("revontuli", "Revontuli Search",
             "Skalerbar søkemotor med API og fasettert søk, driftet i Helsingfors.",
             "Revontuli Search brukes mye av nettbutikker og offentlige registre i Finland."),
            ("kommunesky", "Kommunesky Innbyggersøk",
             "Søk i kommunens nettsted, postjournal og politiske saker i ett og samme søkefelt.",
             "Kommunesky Innbyggersøk lar innbyggerne finne både nettsider og politiske saker på ett sted."),
        ),
    ),
    "virksomhetssok": dict(
        keywords=("virksomhetssøk", "intranett", "dokumentsøk", "kunnskapsbase", "søk"),
        sentences=(
            "Søket finner innhold på tvers av fillagring, intranett, e-post og arkiv.",
            "Brukerne ser bare treff de har tilgang til i kildesystemene.",
            "Nye kilder kobles til med ferdige konnektorer.",
        ),
        features=("Søk på tvers av kilder", "Tilgangsstyrte treff", "Ferdige konnektorer",
                  "Forhåndsvisning av dokumenter", "Søk i skannede dokumenter", "Personlig relevans"),
        services=(
            ("finnfram", "Finnfram Innsikt",
             "Virksomhetssøk på tvers av arkiv, fellesområder og intranett, med tilgangsstyrte treff.",
             "Finnfram Innsikt viser bare treff brukeren har rett til å se i kildesystemet."),
            ("samhandlingsverket", "Samhandlingsverket Finn",
             "Søk i dokumenter, e-post og samhandlingsrom for ansatte som bruker Samhandlingsverkets "
             "kontorstøtte.",
             "Samhandlingsverket Finn er inkludert for alle som bruker Samhandlingsverkets kontorstøtte."),
            ("arkivhvelvet", "Arkivhvelvet Arkivsøk",
             "Søk i historiske arkiv og depot, også i skannede dokumenter med tekstgjenkjenning.",
             "Arkivhvelvet Arkivsøk gjør gamle papirarkiv søkbare etter skanning."),
            ("demo-kontor", "Kontor- og plattformsky Virksomhetssøk",
             "Søk på tvers av kontorpakken og tilkoblede kilder, med anbefalinger basert på brukerens arbeid.",
             "Kontor- og plattformsky Virksomhetssøk bruker aktivitet i kontorpakken til å rangere treffene."),
        ),
    ),
    # ------------------------------------------------------------------ KI
    "maskinlaering": dict(
        keywords=("maskinlæring", "KI", "modelltrening", "MLOps", "GPU", "prediksjon"),
        sentences=(
            "Dataforskere trener modeller på GPU-er og publiserer dem som API-er uten egen infrastruktur.",
            "Alle modeller versjoneres sammen med datasettet de ble trent på.",
            "Modellene overvåkes i drift, slik at avvik i data eller resultater oppdages tidlig.",
        ),
        features=("Trening på GPU", "Versjonering av modeller og data", "Publisering som API", "Overvåkning av "
                  "modeller i drift", "Notatbøker i nettleseren", "Forklaring av prediksjoner"),
        services=(
            ("tankekraft", "Tankekraft ML-plattform",
             "Maskinlæringsplattform i norske datasentre for trening, publisering og overvåkning av modeller.",
             "Tankekraft ML-plattform lar helsedata og andre sensitive data bli i Norge under trening."),
            ("demo-sok", "Søk og data Europa Maskinlæring",
             "Plattform for maskinlæring med automatisk modellbygging og tilgang til kraftige spesialprosessorer.",
             "Søk og data Europa Maskinlæring gir tilgang til spesialbygde prosessorer for maskinlæring."),
            ("tindra", "Tindra Modellverksted",
             "Maskinlæring for forskning og forvaltning, med hjelp fra dataforskere i Tromsø.",
             "Tindra Modellverksted kombinerer plattform og rådgivning for virksomheter uten egne "
             "dataforskere."),
            ("demo-global", "Global Skyplattform Maskinlæring",
             "Fullstendig verktøykasse for maskinlæring, fra merking av data til drift av modeller i stor "
             "skala.",
             "Global Skyplattform Maskinlæring dekker hele livsløpet til en modell på én plattform."),
        ),
    ),
    "sprakmodeller": dict(
        keywords=("språkmodell", "KI-assistent", "generativ KI", "tekstgenerering", "chatbot", "LLM"),
        sentences=(
            "Språkmodellen kan oppsummere saker, skrive utkast og svare på spørsmål fra egne dokumenter.",
            "Inndata brukes ikke til å trene modellen, og samtaler slettes etter avtalt tid.",
            "Svarene viser hvilke kilder de bygger på, slik at saksbehandleren kan kontrollere dem.",
        ),
        features=("Svar med kildehenvisninger", "Inndata brukes ikke til trening", "Støtte for bokmål og "
                  "nynorsk", "Kobling til egne dokumenter", "Filtrering av skadelig innhold", "API og "
                  "chatgrensesnitt"),
        services=(
            ("tankekraft", "Tankekraft Norsk språkmodell",
             "Norsk språkmodell trent på bokmål og nynorsk, driftet i Norge og tilpasset offentlig forvaltning.",
             "Tankekraft Norsk språkmodell skriver godt på nynorsk og forstår forvaltningsspråk."),
            ("demo-kontor", "Kontor- og plattformsky KI-assistent",
             "KI-assistent i kontorpakken som skriver utkast, oppsummerer møter og svarer på spørsmål.",
             "Kontor- og plattformsky KI-assistent er bygget inn i e-post, dokumenter og møter."),
            ("revontuli", "Revontuli Språkmodell",
             "Nordisk språkmodell med åpne vekter, levert som API fra Helsingfors.",
             "Revontuli Språkmodell har åpne vekter, slik at kunden kan kjøre den selv om ønskelig."),
            ("demo-sok", "Søk og data Europa Generativ KI",
             "Store språkmodeller som API, med mulighet for å koble dem til egne data og søk.",
             "Søk og data Europa Generativ KI gir tilgang til flere modeller i ulike størrelser."),
        ),
    ),
    "dokumentforstaelse": dict(
        keywords=("dokumentforståelse", "tekstgjenkjenning", "OCR", "talegjenkjenning", "transkribering",
                  "skanning"),
        sentences=(
            "Skannede dokumenter gjøres om til søkbar tekst, og felter som navn og beløp trekkes ut automatisk.",
            "Tale transkriberes til tekst på norsk, også med dialekter.",
            "Resultatene har en sikkerhetsscore, slik at usikre tilfeller kan kontrolleres manuelt.",
        ),
        features=("Tekstgjenkjenning av skannede dokumenter", "Uttrekk av felter", "Talegjenkjenning på norsk",
                  "Sikkerhetsscore per resultat", "Støtte for håndskrift", "Behandling i sanntid eller "
                  "batch"),
        services=(
            ("tankekraft", "Tankekraft Dokumentleser",
             "Dokumentforståelse for norske skjema, fakturaer og brev, med uttrekk av felter til fagsystemet.",
             "Tankekraft Dokumentleser er trent på norske skjema og offentlige brevmaler."),
            ("finnfram", "Finnfram Tekstgjenkjenning",
             "Tekstgjenkjenning av skannede arkiv, slik at gamle saker blir søkbare.",
             "Finnfram Tekstgjenkjenning har behandlet millioner av sider fra kommunale papirarkiv."),
            ("demo-global", "Global Skyplattform Dokumentanalyse",
             "Uttrekk av tekst, tabeller og skjemafelter fra dokumenter på mange språk.",
             "Global Skyplattform Dokumentanalyse kjenner igjen tabeller og skjemafelter automatisk."),
            ("omsorgsdata", "Omsorgsdata Tale til journal",
             "Talegjenkjenning for helsepersonell som dikterer journalnotater, med norsk medisinsk ordforråd.",
             "Omsorgsdata Tale til journal sparer sykepleiere for tid til dokumentasjon."),
        ),
    ),
    # ------------------------------------------------------------------ analyse
    "rapportering": dict(
        keywords=("rapportering", "BI", "dashbord", "visualisering", "styringsdata", "nøkkeltall"),
        sentences=(
            "Rapportene oppdateres automatisk fra fagsystemene og kan deles med ledere og politikere.",
            "Brukerne lager egne visualiseringer med dra-og-slipp, uten å skrive kode.",
            "Rapportene kan bygges inn på nettsider og er universelt utformet.",
        ),
        features=("Dra-og-slipp-visualisering", "Automatisk oppdatering", "Deling med lenke", "Universelt "
                  "utformede rapporter", "Tilgang på radnivå", "Eksport til Excel og PDF", "KOSTRA-tall "
                  "inkludert"),
        services=(
            ("innsiktsverket", "Innsiktsverket Styringsdashbord",
             "Ferdige styringsdashbord for kommuner, med KOSTRA-tall og data fra egne fagsystemer.",
             "Innsiktsverket Styringsdashbord gir rådmannen oversikt over økonomi og tjenester på én side."),
            ("demo-kontor", "Kontor- og plattformsky Rapporter",
             "Utbredt rapport- og visualiseringsverktøy med tett kobling til regneark og kontorpakke.",
             "Kontor- og plattformsky Rapporter er kjent for mange analytikere fra før."),
            ("hovedbok", "Hovedbok Økonomirapporter",
             "Rapporter for budsjettoppfølging og regnskap, hentet direkte fra Hovedbok Skys økonomisystem.",
             "Hovedbok Økonomirapporter gir budsjettansvarlige oppdaterte tall hver morgen."),
            ("tindra", "Tindra Visualisering",
             "Visualisering av forsknings- og folkehelsedata, med universelt utformede rapporter for "
             "publisering.",
             "Tindra Visualisering brukes til å publisere folkehelsestatistikk på nett."),
        ),
    ),
    "dataplattform": dict(
        keywords=("dataplattform", "datasjø", "dataintegrasjon", "datakatalog", "lakehouse", "datadeling"),
        sentences=(
            "Rådata fra mange kilder samles i en datasjø og gjøres om til ferdige datasett.",
            "En datakatalog beskriver hvert datasett, hvem som eier det og hvem som har tilgang.",
            "Datasett kan deles med andre virksomheter etter avtale, uten å kopiere dataene.",
        ),
        features=("Datasjø i Parquet-format", "Datakatalog med eierskap", "Datadeling uten kopiering",
                  "Sporbarhet for hvert datasett", "Planlagte datapipelines", "Notatbøker for analytikere"),
        services=(
            ("tindra", "Tindra Dataplattform",
             "Dataplattform for helse og forskning, med datakatalog, sporbarhet og sikker deling.",
             "Tindra Dataplattform er bygget for data som krever streng tilgangskontroll."),
            ("innsiktsverket", "Innsiktsverket Datasjø",
             "Datasjø og datapipelines for kommuner som vil samle data fra mange fagsystemer.",
             "Innsiktsverket Datasjø henter data fra fagsystemene hver natt."),
            ("demo-global", "Global Skyplattform Datasjø",
             "Byggeklosser for datasjø og analyse i stor skala, med betaling etter bruk.",
             "Global Skyplattform Datasjø kan settes sammen av mange tjenester på plattformen."),
            ("fjordsky", "Fjordsky Dataplattform",
             "Enkel dataplattform på Fjordskys infrastruktur, med objektlagring, pipelines og notatbøker.",
             "Fjordsky Dataplattform er under utvikling og tilbys foreløpig som pilot."),
        ),
    ),
}
