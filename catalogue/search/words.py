"""Curated Norwegian word lists for search: compound morphemes, stem exceptions, stop words.

Plain data, read by ``catalogue.search.analysis`` (index and query alike) and by the query
builder (synonyms, query side only). Changing ``MORPHEMES`` or ``STEM_EXCEPTIONS`` changes
how text is indexed: run ``flask --app marketplace index rebuild`` afterwards (the schema
fingerprint includes them, so a stale index is reported by ``index status``).
"""
from __future__ import annotations

# Morphemes that Norwegian compounds in this domain are made of, in their base form.
# Short function words (over, for, til …) are deliberately absent: they would split words that
# are not compounds ("overvåkning" is not "over" + "våkning").
MORPHEMES: tuple[str, ...] = tuple(sorted(set("""
    administrasjon administrator adgang adresse agent alarm analyse analytiker angrep ansatt anskaffelse
    api applikasjon app arbeid arkiv arkivering arkitektur assistent autentisering automatisering avtale
    avtrykk
    backup balansering balanserer bank barn barnehage base behandling behandler bemanning beredskap
    beregning betaling betjening bibliotek bilde blokk bok brannmur bruker budsjett buffer
    bygg byggesak
    container data database dashbord dekning deling design desk direkte disk distribusjon dokument
    domene drift døgn
    eiendom elev endring energi enhet etat
    faktor faktura fakturering fag felles fiber fil filter fjell fjern flyt folk folkeregister forbindelse
    forbruk forskning forvaltning fravær funksjon fylke
    gateway gjenkjenning gjenoppretting godkjenning graf grafikk gradering grensesnitt grunn grønn
    hall hendelse helse historikk hjem hjemmetjeneste hurtig hus hvelv håndtering
    identitet indeks indeksering infrastruktur innbygger innhold innlogging innsikt innsyn instans
    integrasjon internett journal
    kabel kald kalender kapasitet katalog katastrofe kjerne kjøring klasse klima klient kobling kode
    kolonne kommune kompetanse konsulent konto kontor kontroll kopi kopiering kost kostnad kraft
    kryptering kunde kunnskap kurs kvote kø
    lager lagring last leie lenke leveranse levering leverandør linje liste logg logging lønn læring
    løsning
    maskin maskinlæring melding miljø migrering minne modell modul motor møte
    navn nett nettverk node nøkkel
    objekt offentlig omsorg operasjon oppdatering oppfølging oppslag opplæring overføring overvåking
    overvåkning
    pakke passord pasient person personal personvern plan planlegging plattform portal post prosess
    prosessor produksjon program programvare prosjekt publisering pålogging
    rapport rapportering regel region register regnskap regne relasjon replikering reserve ressurs
    responstid revisjon risiko rolle rom rådgivning
    sak samarbeid samhandling sammenligning sanntid senter sentral sertifikat sertifisering
    serie server signering sikkerhet sikkerhetskopi sikkerhetskopiering skala skanning skjema
    skole sky språk statistikk stat strategi strøm styring støtte system søk søknad
    sårbarhet
    tale tast teknologi tekst test tid tilgang tilkobling tjener tjeneste tjenestenekt trafikk
    transport trussel tråd
    utvikler utvikling uttrekk utveksling
    vakt vann varehus varsling vask velferd verdi verk verktøy versjon video virksomhet
    vurdering
    ytelse
    økonomi øyeblikk
""".split())))

# Words whose Snowball stem is misleading, mapped to the stem to use instead.
STEM_EXCEPTIONS: dict[str, str] = {
    # Keep the adjective "sikker" with its noun "sikkerhet" rather than "sikk".
    "sikker": "sikker", "sikkert": "sikker", "sikre": "sikker", "sikrere": "sikker", "sikrest": "sikker",
}

# Besides Whoosh's Norwegian list: a few English function words, since listings mix languages.
EXTRA_STOP_WORDS: frozenset[str] = frozenset("""
    the and of to with in on by an as is are be or from this that
""".split())

# Query-side related words (synonyms, acronyms, English terms) are reviewed data in
# seed/thesaurus.txt (catalogue.search.thesaurus).
