"""Norwegian text analysis: folding, stop words, stemming and its guard, compounds, snippets."""
from __future__ import annotations

import pytest
from whoosh.lang.snowball.norwegian import NorwegianStemmer

from catalogue.search import analysis
from catalogue.search.analysis import analyse, analyse_token, fold, split_compound, stem, term_weights
from catalogue.search.highlight import Marks, best_snippet, snippet
from catalogue.search.schema import FACETS, SCHEMA, fingerprint
from catalogue.terms import TERMS


@pytest.mark.parametrize("raw, folded", [
    ("Kafé", "kafe"), ("crème", "creme"), ("Müller", "muller"), ("naïve", "naive"),
    ("Øst", "øst"), ("BÆR", "bær"), ("Ås", "ås"), ("Skärgårdsmoln", "skærgårdsmoln"), ("Göteborg", "gøteborg"),
    ("straße", "strasse"), ("plain", "plain"),
])
def test_fold_keeps_norwegian_letters_and_drops_other_accents(raw, folded):
    assert fold(raw) == folded


def test_norwegian_letters_stay_distinct():
    # "får" (gets) is not "far" (father), "bør" (should) is not "bor" (lives).
    assert analyse_token("får").term != analyse_token("far").term
    assert analyse_token("bør").term != analyse_token("bor").term
    assert analyse_token("kafé").term == analyse_token("kafe").term


def test_stop_words_are_dropped():
    words = [w.surface for w in analyse("Sikkerhetskopi av databaser i Norge og på Svalbard")]
    assert words == ["sikkerhetskopi", "databaser", "norge", "svalbard"]


@pytest.mark.parametrize("forms", [
    ("database", "databasen", "databaser", "databasene"),
    ("tjeneste", "tjenesten", "tjenester", "tjenestene"),
    ("løsning", "løsningen", "løsninger"),
    ("bil", "bilen", "biler", "bilene"),
    ("billig", "billige"),
])
def test_inflections_share_a_stem(forms):
    assert len({stem(fold(f)) for f in forms}) == 1


def test_over_stemming_guard_keeps_billig_apart_from_bil():
    # Plain Snowball cuts "billig" (cheap) down to "bil" (car); the guard must not.
    assert NorwegianStemmer().stem("billig") == "bil"
    assert stem("billig") != stem("bil")
    assert stem("billige") != stem("biler")
    assert stem("rimelig") == "rimelig"
    # Ordinary derivations with a long enough stem are still reduced.
    assert stem("kunstig") == NorwegianStemmer().stem("kunstig")


def test_the_guard_only_differs_from_snowball_on_short_stems_and_verbal_nouns():
    sample = ("skytjenester sikkerhet leverandørene kommunene datasentrene "
              "økonomisystem tilgjengelighet personvern").split()
    for word in sample:
        assert stem(word) == NorwegianStemmer().stem(word)


@pytest.mark.parametrize("forms", [
    ("overvåking", "overvåkning", "overvåker", "overvåke", "overvåkningen"),
    ("lagring", "lagre", "lagringen"),
    ("replikering", "replikere", "replikerer"),
])
def test_verbal_nouns_meet_their_verbs_and_both_spellings(forms):
    assert len({stem(fold(f)) for f in forms}) == 1


def test_capitalised_acronyms_are_indexed_case_aware():
    from catalogue.search.analysis import acronym_term

    weights = term_weights("GIS-data for kommunen. Tilgang gis til alle. Kartdata i GIS")
    assert weights[acronym_term("GIS")] == 1.0  # only the capitalised one ("GIS-data" is one token)
    assert stem("gis") in weights


@pytest.mark.parametrize("compound, part", [
    ("sikkerhetsovervåkning", "overvåkning"),
    ("sikkerhetsovervåkning", "sikkerhet"),
    ("skytjenester", "tjenester"),
    ("katastrofegjenoppretting", "gjenoppretting"),
    ("innholdsleveransenettverk", "nettverk"),
    ("tilgangsstyring", "styring"),
    ("lastbalansering", "balansering"),
    ("skylagringstjeneste", "lagring"),
    ("maskinlæringsplattform", "maskinlæring"),
])
def test_compounds_are_split_into_known_parts(compound, part):
    word = analyse_token(compound)
    assert word.term == stem(compound)
    assert stem(part) in word.parts


@pytest.mark.parametrize("word", ["overvåkning", "billig", "forbruk", "program", "ansvar", "status", "filter"])
def test_words_that_only_look_like_compounds_are_not_split(word):
    assert split_compound(word) == ()


def test_hyphenated_words_match_their_joined_spelling():
    assert analyse_token("e-post").term == analyse_token("epost").term
    assert stem("post") in analyse_token("e-post").parts


def test_index_weights_whole_words_above_parts():
    weights = term_weights("Sikkerhetsovervåkning for kommuner. Overvåkning døgnet rundt.")
    assert weights[stem("sikkerhetsovervåkning")] == 1.0
    assert weights[stem("overvåkning")] == 1.0 + analysis.PART_WEIGHT
    assert stem("for") not in weights


def test_whoosh_analyzer_chain_yields_the_same_terms_as_the_fast_path():
    text = ("Skybasert sikkerhetsovervåkning og e-post for kommunene – billige løsninger, "
            "Kafé-drift og databasene i Skärgårdsmoln")
    chain = {t.text for t in analysis.norwegian_analyzer()(text)}
    assert chain == set(term_weights(text))


def test_schema_has_a_facet_for_every_filterable_term():
    assert [f.key for f in FACETS if f.term is not None] == [t.key for t in TERMS.filterable()]
    assert "facets" in SCHEMA.names()
    nsm = next(f for f in FACETS if f.key == "nsm_principles")
    assert nsm.complement and nsm.index_terms(["1.1"]) == [f"nsm_principles={p.value}" for p in nsm.term.options
                                                         if p.value != "1.1"]
    assert [f.key for f in FACETS][:2] == ["kategori", "underkategori"]
    assert {"dps", "leverandor"} <= {f.key for f in FACETS}
    assert len(fingerprint()) == 16


def test_snippet_marks_inflections_and_compound_parts_and_escapes_everything_else():
    text = "Drift av <b>databaser</b> med sikkerhetsovervåkning & logging"
    marks = Marks(frozenset({stem("database"), stem("overvåkning")}))
    out = str(snippet(text, marks))
    assert "<mark>databaser</mark>" in out
    assert "<mark>sikkerhetsovervåkning</mark>" in out
    assert "&lt;b&gt;" in out and "&amp;" in out and "<b>" not in out


def test_snippet_does_not_mark_words_that_merely_share_a_part_with_the_query():
    marks = Marks(frozenset({stem("database")}), frozenset({stem("data"), stem("base")}))
    assert snippet("Fjellbase leverer hosting", marks) is None
    assert "<mark>Data</mark>" in str(snippet("Data lagres i Norge", marks))


def test_best_snippet_falls_back_to_the_start_of_the_first_text():
    long_text = "Ord " * 200
    out = best_snippet([long_text, "annen tekst"], Marks(frozenset({"finnesikke"})))
    assert "<mark>" not in out and len(out) < 260 and out.endswith("…")
