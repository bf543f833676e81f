"""Word lists and sentence templates of the synthetic benchmark catalogue (Norwegian bokmål).

Lists are ordered from common to rare: ``seed.synthetic`` draws from them with Zipf-like
weights, so a few words are everywhere and most are rare, as in real text. Compounds
(``COMPOUND_HEADS`` + ``COMPOUND_TAILS``, e.g. "tilgangs" + "kontroll") and invented product
names (from ``SYLLABLE_*``) give the long tail of rare words a search index must cope with.

Grammar is kept safe by construction: nouns are singular masculine/feminine (so a base-form
adjective agrees: "sikker lagring"), and templates only put words where their form fits.
"""
from __future__ import annotations

# Top-level categories by how many services a real catalogue has in them (relative weights).
TOP_POPULARITY: dict[str, float] = {
    "programvare": 20, "radgivning": 12, "beregning": 10, "lagring": 8, "sikkerhetskopi": 7, "databaser": 7,
    "sikkerhetsovervakning": 6, "identitet": 5, "integrasjon": 5, "analyse": 5, "ki": 5, "nettverk": 4,
    "containere": 4, "nettverkssikkerhet": 3, "serverlost": 2, "sok": 2,
}

# Supplier flavours (see seed.data.builders.make_profile) and their shares of the market.
FLAVOURS: tuple[tuple[str, float], ...] = (
    ("norsk", 82), ("svensk", 6), ("internasjonal", 6), ("dansk", 4), ("finsk", 2),
)
ORG_FORM_SUFFIX = {"svensk": "AB NUF", "dansk": "ApS NUF", "finsk": "Oy NUF", "internasjonal": "Cloud Europe NUF"}

BRAND_HEADS = (
    "Fjord", "Nord", "Fjell", "Vest", "Tind", "Polar", "Sør", "Kyst", "Øst", "Bre", "Elv", "Skog", "Havn", "Vik",
    "Dal", "Stein", "Sol", "Storm", "Vind", "Berg", "Lyng", "Hav", "Frost", "Ørn", "Gran", "Bjørk", "Furu", "Eik",
    "Ask", "Lind", "Rein", "Jerv", "Lom", "Is", "Snø", "Tåke", "Foss", "Kilde", "Myr", "Bekk", "Holm", "Nes",
    "Sund", "Strand", "Vard", "Bauta", "Saga", "Norrøn", "Midnatt", "Nordlys", "Måne", "Stjerne", "Regn", "Li",
    "Lund", "Torv", "Brygge", "Øy", "Ås", "Skjær",
)
BRAND_TAILS = (
    "sky", "data", "nett", "drift", "kode", "tek", "vakt", "lager", "soft", "base", "verk", "link", "sys", "logikk",
    "hub", "byte", "punkt", "port", "flyt", "sikt", "borg", "gard", "heim", "vang", "bro", "sti", "torg", "kraft",
    "lys", "bit",
)
COMPANY_DESCRIPTORS = (
    "", "", "", "Teknologi", "Digital", "IT", "Systemer", "Skytjenester", "Data", "Drift", "Consulting", "Norge",
    "Gruppen", "Partner", "Sikkerhet", "Solutions", "Analyse", "Integrasjon",
)

# Onsets, vowels and codas for invented, Norwegian-sounding product names ("Velkra", "Tindra").
SYLLABLE_ONSETS = ("b", "br", "d", "dr", "f", "fj", "fl", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p",
                   "r", "s", "sk", "sl", "st", "sv", "t", "tr", "v")
# Later syllables start with a single consonant, so names stay pronounceable ("Kilan", not "Slifjågast").
SYLLABLE_INNER_ONSETS = ("d", "g", "k", "l", "m", "n", "r", "s", "t", "v")
SYLLABLE_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "y", "ø", "å")
SYLLABLE_CODAS = ("", "", "", "", "n", "r", "l", "k", "s", "nd", "rk", "st", "m")
# Invented names must not start like an existing word a search test looks for, nor be rude.
FORBIDDEN_NAME_STARTS = ("bil", "kuk", "pik", "fitt", "hor", "rass", "dritt", "faen", "pis", "nazi")

EDITIONS = ("", "", "", "", "Pro", "Pluss", "Basis", "Enterprise", "Flex", "Lite", "Max", "Offentlig", "Kommune",
            "Helse", "Sikker", "Grønn", "Nord", "2", "3", "X", "360", "One", "Standard", "Premium", "Start")

NOUNS = (
    "lagring", "sikkerhet", "overvåkning", "integrasjon", "tilgangsstyring", "rapportering", "kapasitet",
    "sikkerhetskopi", "skalering", "varsling", "logging", "automatisering", "dokumentasjon", "arkivering",
    "kryptering", "replikering", "migrering", "konfigurasjon", "ytelse", "kvalitet", "gjenoppretting",
    "tilgjengelighet", "beredskap", "opplæring", "sporbarhet", "styring", "analyse", "samhandling", "innsikt",
    "planlegging", "feilsøking", "oppgradering", "autentisering", "segmentering", "validering", "saksbehandling",
    "databehandling", "kostnadskontroll", "prioritering", "kontinuitet", "etterlevelse", "tilpasning",
    "forvaltning", "distribusjon", "synkronisering", "indeksering", "klassifisering", "anonymisering",
    "pseudonymisering", "revisjon", "modellering", "visualisering", "orkestrering", "virtualisering",
    "komprimering", "deduplisering", "hurtigbuffer", "nøkkelforvaltning", "hendelseshåndtering", "portefølje",
)
ADJECTIVES = (
    "sikker", "enkel", "rask", "fleksibel", "skalerbar", "automatisk", "robust", "moderne", "effektiv",
    "pålitelig", "brukervennlig", "rimelig", "kryptert", "redundant", "åpen", "standardisert", "grønn",
    "forutsigbar", "integrert", "oversiktlig", "lokal", "nasjonal", "helhetlig", "energieffektiv", "fullstendig",
    "intelligent", "proaktiv", "kontinuerlig", "sentral", "felles", "tilpasset", "dynamisk", "uavhengig",
    "sporbar", "transparent", "smidig", "modulær", "selvbetjent", "distribuert",
)
# For "en {adj} leverandør": adjectives that describe a company.
COMPANY_ADJECTIVES = ("norsk", "lokal", "etablert", "voksende", "uavhengig", "nyskapende", "erfaren",
                      "spesialisert", "regional", "eiereid")
VERBS = (
    "forenkler", "sikrer", "automatiserer", "samler", "effektiviserer", "styrker", "forbedrer", "moderniserer",
    "beskytter", "støtter", "overvåker", "dokumenterer", "måler", "skalerer", "strømlinjeformer", "kvalitetssikrer",
    "synliggjør", "koordinerer", "digitaliserer", "standardiserer",
)
COMPOUND_HEADS = (
    "data", "tilgangs", "sikkerhets", "drifts", "hendelses", "kostnads", "bruker", "kapasitets", "logg", "arkiv",
    "tjeneste", "saks", "avviks", "endrings", "kvalitets", "beredskaps", "risiko", "forbruks", "lisens",
    "sertifikat", "nøkkel", "nettverks", "trafikk", "dokument", "konfigurasjons", "ytelses", "kontrakt",
    "leverandør", "budsjett", "system", "identitets", "API-", "katalog", "rolle", "prosess", "kunde",
)
COMPOUND_TAILS = (
    "kontroll", "styring", "oversikt", "analyse", "varsling", "logging", "rapportering", "håndtering", "sporing",
    "overvåkning", "planlegging", "automatisering", "innsikt", "validering", "lagring", "behandling",
)
AUDIENCES = (
    "kommuner", "statlige virksomheter", "fylkeskommuner", "helseforetak", "små kommuner", "skoler",
    "sykehus", "universiteter og høgskoler", "interkommunale selskaper", "direktorater", "tekniske etater",
    "sykehjem", "barnehager", "kommunale foretak", "legekontor", "kulturinstitusjoner", "tilsyn", "departementer",
    "brannvesen", "bibliotek", "museer", "forskningsinstitutter", "havnevesen", "kirkelige fellesråd",
    "vann- og avløpsetater", "større kommuner", "statsforvaltere", "fylkesarkiv",
)
PRICE_UNITS = ("bruker", "måned", "terabyte", "time", "transaksjon", "prosessorkjerne", "gigabyte", "lisens",
               "innbygger", "virksomhet")

# (postal code, city) for supplier addresses, roughly by population.
CITIES = (
    ("0150", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("4006", "Stavanger"), ("4608", "Kristiansand"),
    ("9008", "Tromsø"), ("3015", "Drammen"), ("1606", "Fredrikstad"), ("4306", "Sandnes"), ("3717", "Skien"),
    ("6002", "Ålesund"), ("8006", "Bodø"), ("1366", "Lysaker"), ("2317", "Hamar"), ("2815", "Gjøvik"),
    ("2609", "Lillehammer"), ("3110", "Tønsberg"), ("3210", "Sandefjord"), ("5527", "Haugesund"),
    ("4836", "Arendal"), ("6413", "Molde"), ("1530", "Moss"), ("2000", "Lillestrøm"), ("3611", "Kongsberg"),
    ("7713", "Steinkjer"), ("9405", "Harstad"), ("8514", "Narvik"), ("9510", "Alta"), ("8622", "Mo i Rana"),
    ("6800", "Førde"), ("2406", "Elverum"), ("3510", "Hønefoss"), ("1771", "Halden"), ("3256", "Larvik"),
    ("6509", "Kristiansund"), ("7600", "Levanger"), ("9900", "Kirkenes"), ("4370", "Egersund"), ("6900", "Florø"),
    ("3660", "Rjukan"),
)
STREETS = (
    "Storgata", "Kirkegata", "Industriveien", "Sjøgata", "Strandveien", "Parkveien", "Nygata", "Torggata",
    "Havnegata", "Teknologiveien", "Fabrikkgata", "Jernbanegata", "Skolegata", "Elvegata", "Fjordgata",
    "Kongens gate", "Dronningens gate", "Næringsveien", "Forskningsparken", "Verftsgata",
)

# --- templates -----------------------------------------------------------------------------
# Slots: {brand} supplier brand, {product} service name, {kw}/{Kw}/{kw2} keywords of the sub-category,
# {adj}/{adj2}/{Adj} adjectives, {noun}/{noun2}/{Noun} nouns, {comp}/{comp2} compounds, {verb},
# {aud} audience, {place} city, {f1}/{f2} feature lines (lower-cased), {year}, {n}, {duration}, {price},
# {cadj} company adjective.

SUMMARY_TEMPLATES = (
    "{Kw} for {aud}, med {f1} og {f2}.",
    "{Kw} som {verb} {comp} for {aud}.",
    "{brand} tilbyr {kw} med {f1}, levert fra {place}.",
    "En {adj} løsning for {kw}, laget for {aud} som trenger {comp}.",
    "{Kw} med {comp} og {comp2}, tilpasset {aud}.",
    "{Kw} som {verb} {noun} og gir {aud} {adj} {comp}.",
    "{product} gir {aud} {kw} med {adj} {noun}.",
)
DESCRIPTION_TEMPLATES = (
    "{product} {verb} {comp} for {aud}.",
    "Tjenesten er {adj} og {adj2}, og passer godt for {aud}.",
    "Kunden får {comp} og {comp2} uten ekstra kostnad.",
    "{brand} har levert {kw} siden {year}, og har i dag kunder i {n} kommuner.",
    "Løsningen kan kobles til eksisterende {comp} via et åpent API.",
    "Med {comp} får {aud} bedre oversikt over {noun}.",
    "Etableringen tar {duration}, og leverandøren hjelper med {noun} underveis.",
    "Prisen beregnes per {price}, og forbruket kan følges i sanntid.",
    "{Adj} {noun} er en viktig del av {product}.",
    "Tjenesten er utviklet i samarbeid med {aud} i {place}.",
    "Innebygd {comp} gjør det enkelt å oppfylle krav til {noun}.",
    "{product} bruker {adj} {noun} for å holde {comp} oppdatert.",
    "Administratorer styrer {comp} fra en felles portal.",
    "Alle endringer i {comp} logges, slik at {noun} kan dokumenteres i ettertid.",
)
FEATURE_TEMPLATES = (
    "{Adj} {noun}",
    "{Comp} via API",
    "{Comp} i sanntid",
    "Innebygd {comp}",
    "{Noun} med {comp}",
    "Rapport for {comp}",
)
SUPPLIER_DESCRIPTION_TEMPLATES = (
    "{brand} er en {cadj} leverandør i {place} som leverer {kw} og {kw2} til {aud}.",
    "{brand} leverer {kw} til {aud} i hele landet, med hovedkontor i {place}.",
    "Selskapet har utviklet {kw} for offentlig sektor siden {year}, og har {n} ansatte i {place}.",
)
YEARS = tuple(range(1998, 2025))
DURATIONS = ("én dag", "to dager", "noen dager", "fem virkedager", "én uke", "to uker", "tre uker", "fire uker",
             "seks uker", "en måned", "to måneder")
# Words that keep their capital letter inside a sentence.
PROPER_NOUNS = ("Terraform", "Kubernetes", "Windows", "Helm", "Git", "Python", "Altinn", "Feide", "Noark",
                "Normen", "Maskinporten", "Ubuntu", "Excel", "OpenAPI")
