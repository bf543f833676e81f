"""The demo catalogue's suppliers: fictional Norwegian and Nordic cloud companies.

Every organisation number is valid (modulus 11). Fjordsky AS and Nordlys Datasenter AS must keep
their numbers: the development login's test persons act for them. The entries marked
``is_demo`` are modelled on the large international providers without using their names;
their ``overrides`` pin the terms such providers typically offer.

``flavour`` decides the supplier's contract papers (see ``seed.data.builders.make_profile``).
"""
from __future__ import annotations


def _s(key, orgnr, name, brand, org_form, address, postal_code, city, description, flavour="norsk", **extra):
    record = dict(key=key, orgnr=orgnr, name=name, brand=brand, org_form=org_form, address=address,
                  postal_code=postal_code, city=city, website=f"https://www.{key}.example", domain=f"{key}.example",
                  description=description, flavour=flavour, is_demo=False, overrides={})
    record.update(extra)
    return record


_DEMO_SUFFIX = " (modellert på en stor internasjonal leverandør)"


def _demo(key, orgnr, label, brand, description, **overrides):
    """A clearly labelled demo entry modelled on a large international provider (a Norwegian branch, NUF)."""
    return _s(key, orgnr, f"Demo: {label}{_DEMO_SUFFIX}", brand, "NUF", "Dronning Mauds gate 10", "0250", "Oslo",
              description + " Oppføringen er et demoeksempel og ikke en faktisk leverandør.",
              flavour="internasjonal", is_demo=True, overrides=overrides)


SUPPLIERS: list[dict] = [
    _s("fjordsky", "964330123", "Fjordsky AS", "Fjordsky", "AS", "Kanalveien 54", "5068", "Bergen",
       "Norsk skyleverandør med egne datasentre i Bergen og Stavanger. Leverer virtuelle maskiner, Kubernetes og "
       "lagring til kommuner og statlige virksomheter."),
    _s("nordlys", "935308291", "Nordlys Datasenter AS", "Nordlys", "AS", "Stakkevollvegen 65", "9010", "Tromsø",
       "Datasenter og hostingselskap i Nord-Norge, drevet med fornybar kraft og naturlig kjøling. Tilbyr "
       "serverdrift, arkiv og katastrofegjenoppretting."),
    _s("vardedrift", "931100076", "Varde Drift AS", "Varde", "AS", "Forusbeen 35", "4033", "Stavanger",
       "Driftspartner for offentlig sektor på Vestlandet, med eget sikkerhetsoperasjonssenter og erfaring fra "
       "skymigrering."),
    _s("trollnett", "931100149", "Trollnett AS", "Trollnett", "AS", "Prinsens gate 18", "7012", "Trondheim",
       "Nettverksleverandør med innholdsleveranse, DNS og lastbalansering fra knutepunkter i hele Norge."),
    _s("kommunesky", "931100211", "Kommunesky AS", "Kommunesky", "AS", "Grønnegata 70", "2317", "Hamar",
       "Lager skybaserte fagsystemer for kommuner, med sak og arkiv etter Noark 5 som kjerneområde."),
    _s("omsorgsdata", "971352418", "Omsorgsdata AS", "Omsorgsdata", "AS", "Storgata 105", "2615", "Lillehammer",
       "Programvare for helse og omsorg i kommunene: journal, hjemmetjeneste og velferdsteknologi."),
    _s("lonnskraft", "919730609", "Lønnskraft AS", "Lønnskraft", "AS", "Karl Johans gate 12", "0154", "Oslo",
       "HR- og lønnssystemer i skyen for offentlige arbeidsgivere, med støtte for tariffavtalene i stat og "
       "kommune."),
    _s("hovedbok", "946020370", "Hovedbok Sky AS", "Hovedbok", "AS", "Bragernes torg 6", "3017", "Drammen",
       "Økonomi- og regnskapssystem som tjeneste for kommuner, fylkeskommuner og statlige virksomheter."),
    _s("laeringsfjord", "916290721", "Læringsfjord AS", "Læringsfjord", "AS", "Markens gate 25", "4611",
       "Kristiansand",
       "Digitale læringsplattformer for grunnskole og videregående opplæring, utviklet sammen med lærere på "
       "Sørlandet."),
    _s("vaktbikkje", "924419555", "Vaktbikkje Sikkerhet AS", "Vaktbikkje", "AS", "Nydalsveien 28", "0484", "Oslo",
       "Spesialist på sikkerhetsovervåkning, logganalyse og hendelseshåndtering, med døgnbemannet SOC i Oslo."),
    _s("nokkelvakt", "982753678", "Nøkkelvakt AS", "Nøkkelvakt", "AS", "Lysaker torg 8", "1366", "Lysaker",
       "Leverer identitets- og tilgangsstyring, flerfaktorpålogging og kontroll med privilegerte kontoer."),
    _s("skjold", "980157644", "Skjold Nettvern AS", "Skjold", "AS", "Drammensveien 134", "0277", "Oslo",
       "Beskytter offentlige nettsteder mot tjenestenektangrep og angrep på applikasjonslaget."),
    _s("dataflyt", "921719795", "Dataflyt Integrasjon AS", "Dataflyt", "AS", "Beddingen 10", "7042", "Trondheim",
       "Integrasjonsplattformer, API-forvaltning og meldingskøer for virksomheter med mange fagsystemer."),
    _s("finnfram", "950376554", "Finnfram Søk AS", "Finnfram", "AS", "Grensen 5", "0159", "Oslo",
       "Søketeknologi for nettsteder, intranett og arkiv, med god støtte for norsk bokmål og nynorsk."),
    _s("tankekraft", "925219118", "Tankekraft KI AS", "Tankekraft", "AS", "Abels gate 5", "7030", "Trondheim",
       "Norsk selskap innen kunstig intelligens: maskinlæringsplattform, norske språkmodeller og "
       "dokumentforståelse."),
    _s("innsiktsverket", "981222504", "Innsiktsverket AS", "Innsiktsverket", "AS", "Thormøhlens gate 51", "5006",
       "Bergen", "Analyse- og rapporteringsløsninger for offentlig sektor, fra datavarehus til ferdige "
                 "styringsdashbord."),
    _s("lagerhus", "919917091", "Digitalt Lagerhus AS", "Lagerhuset", "AS", "Fjellhallveien 2", "2815", "Gjøvik",
       "Lagring i fjellhall med høy fysisk sikring. Objektlager, fillager og langtidslagring for store "
       "datamengder."),
    _s("arkivhvelvet", "930770523", "Arkivhvelvet AS", "Arkivhvelvet", "AS", "Søndre gate 12", "8624",
       "Mo i Rana", "Langtidsbevaring av digitalt arkivmateriale og depotløsninger for kommunale arkiv."),
    _s("kodeverket", "947453289", "Kodeverket AS", "Kodeverket", "AS", "Akersgata 45", "0158", "Oslo",
       "Utviklerplattformer i norske datasentre: applikasjonsdrift, funksjoner og containerregister."),
    _s("polarkube", "920378722", "Polarkube AS", "Polarkube", "AS", "Sjøgata 21", "8006", "Bodø",
       "Administrert Kubernetes og containerdrift fra datasentre i Nordland."),
    _s("midnattsol", "918319700", "Midnattsol Hosting AS", "Midnattsol", "AS", "Jernbaneveien 9", "8005", "Bodø",
       "Hostingselskap med virtuelle og dedikerte servere og DNS for små og mellomstore kunder."),
    _s("kystdata", "947091379", "Kystdata AS", "Kystdata", "AS", "Keiser Wilhelms gate 22", "6003", "Ålesund",
       "Sikkerhetskopi og gjenoppretting for kommuner og helseforetak på Nordvestlandet."),
    _s("sorlandsnett", "917815275", "Sørlandsnett Digital AS", "Sørlandsnett", "AS", "Tordenskjolds gate 9", "4612",
       "Kristiansand", "Private nettforbindelser, VPN og lastbalansering for offentlige virksomheter i Agder."),
    _s("fjellbase", "932343029", "Fjellbase AS", "Fjellbase", "AS", "Pilestredet 33", "0166", "Oslo",
       "Databaseeksperter som drifter PostgreSQL, MariaDB og dokumentdatabaser som tjeneste."),
    _s("samhandlingsverket", "958588372", "Samhandlingsverket AS", "Samhandlingsverket", "AS", "Youngstorget 3",
       "0181", "Oslo", "Kontorstøtte og samhandling i skyen: e-post, dokumenter, møter og intranett."),
    _s("skyrad", "980319865", "Skyråd AS", "Skyråd", "AS", "Rosenkrantz' gate 22", "0160", "Oslo",
       "Rådgivningsselskap for skymigrering, skystrategi og opplæring i offentlig sektor."),
    _s("innlandsdrift", "934201981", "Innlandet IT-drift AS", "Innlandsdrift", "AS", "Vangsvegen 73", "2317", "Hamar",
       "Drift og forvaltning av IT for kommuner i Innlandet, med egen servicedesk."),
    _s("bolgen", "929762258", "Bølgen Datasenter ASA", "Bølgen", "ASA", "Koppholen 6", "4313", "Sandnes",
       "Børsnotert datasenterselskap med tre sammenkoblede datasentre i Rogaland."),
    _s("elvekraft", "961754666", "Elvekraft Grønn Sky AS", "Elvekraft", "AS", "Sam Eydes gate 2", "3660", "Rjukan",
       "Klimavennlig sky drevet av vannkraft fra Vestfjorddalen, med overskuddsvarme til lokale bygg."),
    _s("tindra", "940320852", "Tindra Analyse AS", "Tindra", "AS", "Hansine Hansens veg 18", "9019", "Tromsø",
       "Dataplattformer og analyse for forskning, helse og forvaltning i nord."),
    _s("omsorgsplan", "927289873", "Omsorgsplan Sky AS", "Omsorgsplan", "AS", "Kongens gate 9", "8514", "Narvik",
       "Planleggings- og kommunikasjonsverktøy for helse- og omsorgstjenester i kommunene."),
    _s("skjemaverket", "941519520", "Skjemaverket AS", "Skjemaverket", "AS", "Storgata 33", "3611", "Kongsberg",
       "Digitale skjema, arbeidsflyt og integrasjoner mot nasjonale felleskomponenter."),
    _s("skysamvirke", "920534244", "Kommunenes Skysamvirke SA", "Skysamvirke", "SA", "Kongens gate 30", "7713",
       "Steinkjer", "Samvirke eid av kommuner i Trøndelag som deler driftsmiljø, kontorstøtte og fagsystemer."),
    _s("vestavind", "919999411", "Vestavind Skyløsninger AS", "Vestavind", "AS", "Smedasundet 97", "5528",
       "Haugesund", "Skyplattform og sikkerhetskopi for kommuner og næringsliv på Haugalandet."),
    _s("nordkapp", "944554130", "Nordkapp Nettverk AS", "Nordkapp Nettverk", "AS", "Strandgata 14", "9600",
       "Hammerfest", "Nettverkssikkerhet og private forbindelser for virksomheter i Finnmark."),
    _s("skargardsmoln", "962705146", "Skärgårdsmoln Norge NUF", "Skärgårdsmoln", "NUF", "Tollbugata 24", "0157",
       "Oslo", "Norsk filial av et svensk skyselskap med datasentre i Stockholm og Oslo.", flavour="svensk"),
    _s("datahavn", "988115037", "Datahavn Norge NUF", "Datahavn", "NUF", "Dronning Eufemias gate 16", "0191", "Oslo",
       "Norsk filial av et dansk selskap for sikkerhetsovervåkning og identitetstjenester.", flavour="dansk"),
    _s("revontuli", "986031723", "Revontuli Cloud Norge NUF", "Revontuli", "NUF", "Torgallmenningen 14", "5014",
       "Bergen", "Norsk filial av et finsk skyselskap med KI-tjenester og DNS fra Helsingfors.", flavour="finsk"),
    _demo("demo-global", "970663452", "Global Skyplattform", "Global Skyplattform",
          "Demoeksempel på en global skyplattform med hundrevis av tjenester innen beregning, lagring og data.",
          governing_law="luxembourg", venue="luxembourg", clause17_law="luxembourg", clause18_forum="luxembourg",
          own_purpose="begrenset", eea_only=True),
    _demo("demo-kontor", "960292553", "Kontor- og plattformsky", "Kontor- og plattformsky",
          "Demoeksempel på en stor leverandør av kontorstøtte, identitet og skyplattform.",
          governing_law="irland", venue="dublin", clause17_law="irland", clause18_forum="dublin",
          own_purpose="begrenset", eea_only=True),
    _demo("demo-sok", "951679062", "Søk og data Europa", "Søk og data Europa",
          "Demoeksempel på en stor leverandør kjent for søk, dataanalyse og maskinlæring.",
          governing_law="irland", venue="dublin", clause17_law="irland", clause18_forum="dublin",
          own_purpose="ja", eea_only=True),
    _demo("demo-database", "940159857", "Database- og forretningssky", "Database- og forretningssky",
          "Demoeksempel på en stor leverandør av databaser og forretningssystemer i skyen.",
          governing_law="irland", venue="dublin", clause17_law="irland", clause18_forum="dublin",
          own_purpose="begrenset", eea_only=True),
    _demo("demo-asia", "950952598", "Fjernøstlig Skyplattform", "Fjernøstlig Skyplattform",
          "Demoeksempel på en stor leverandør med hovedsete utenfor Europa og datasentre i mange land.",
          governing_law="luxembourg", venue="luxembourg", clause17_law="luxembourg", clause18_forum="luxembourg",
          own_purpose="ja", eea_only=False, liability_cap="ubegrenset-risiko",
          base_locations=("eos", "usa", "india", "annet-tredjeland")),
]

# Employees as Enhetsregisteret states them (antallAnsatte): they give each company's size (small under
# 50, medium under 250, large from 250). The demo entries are Norwegian branches of large providers.
EMPLOYEES = {
    "fjordsky": 85, "nordlys": 34, "vardedrift": 140, "trollnett": 27, "kommunesky": 62, "omsorgsdata": 210,
    "lonnskraft": 48, "hovedbok": 95, "laeringsfjord": 22, "vaktbikkje": 56, "nokkelvakt": 31, "skjold": 18,
    "dataflyt": 12, "finnfram": 9, "tankekraft": 15, "innsiktsverket": 41, "lagerhus": 74, "arkivhvelvet": 19,
    "kodeverket": 38, "polarkube": 11, "midnattsol": 7, "kystdata": 44, "sorlandsnett": 29, "fjellbase": 16,
    "samhandlingsverket": 8, "skyrad": 6, "innlandsdrift": 120, "bolgen": 310, "elvekraft": 23, "tindra": 14,
    "omsorgsplan": 26, "skjemaverket": 17, "skysamvirke": 5, "vestavind": 21, "nordkapp": 13,
    "skargardsmoln": 260, "datahavn": 180, "revontuli": 90,
}
for _supplier in SUPPLIERS:
    _supplier["employees"] = EMPLOYEES.get(_supplier["key"], 1200 if _supplier["is_demo"] else 10)
    _supplier["contact_email"] = f"post@{_supplier['domain']}"

BY_KEY: dict[str, dict] = {s["key"]: s for s in SUPPLIERS}
