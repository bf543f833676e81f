"""The terms registry: declaration integrity, validation per type, display, facets, requirements."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from catalogue import nsm
from catalogue.terms import TERMS


def test_registry_declares_each_term_once_in_known_groups():
    keys = [t.key for t in TERMS]
    assert len(keys) == len(set(keys))
    assert [g.nb for g in TERMS.groups] == ["Pris", "Vilkår", "Referansearkitektur", "Databehandleravtale og SCC",
                                          "Andre vilkår"]
    for term in TERMS:
        assert term.nb and term.en, term.key
        assert term.group in {g.key for g in TERMS.groups}


def test_domain_terms_are_present_with_their_flags():
    for key in ("governing_law", "venue", "data_locations", "eea_only_option", "scc_modules",
                "own_purpose_processing", "nsm_principles"):
        assert TERMS[key].filterable, key
    assert TERMS["pentest_summary"].buyer_only
    assert all(not t.buyer_only for t in TERMS.comparable())
    assert any(t.buyer_only for t in TERMS.comparable(include_buyer_only=True))


def test_required_text_missing_and_too_long():
    term = TERMS["terms_document"]
    assert str(term.clean("")[1]).startswith("Fyll ut")
    assert term.clean("x" * 161)[1] is not None
    assert term.clean("  Enterprise Agreement ") == ("Enterprise Agreement", None)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "Se <a href=x>her</a>", "javascript:alert(1)", "a\x00b"])
def test_markup_and_control_characters_are_refused(text):
    assert TERMS["terms_document"].clean(text)[1] is not None


def test_less_than_sign_in_plain_text_is_fine():
    assert TERMS["liability_note"].clean("Ansvar < 12 måneders vederlag")[1] is None


def test_choice_and_multichoice():
    assert TERMS["governing_law"].clean("norge") == ("norge", None)
    assert TERMS["governing_law"].clean("mars")[1] is not None
    value, error = TERMS["scc_modules"].clean(["3", "2"])
    assert error is None and value == ["2", "3"]  # registry order
    assert TERMS["scc_modules"].clean(["5"])[1] is not None
    assert TERMS["data_locations"].clean([])[1] is not None  # required
    assert TERMS["scc_modules"].clean([]) == ([], None)       # optional


def test_boolean_and_numbers():
    assert TERMS["eea_only_option"].clean("ja") == (True, None)
    assert TERMS["eea_only_option"].clean("nei") == (False, None)
    assert TERMS["eea_only_option"].clean("kanskje")[1] is not None
    assert TERMS["availability_sla"].clean("99,95") == (99.95, None)
    assert TERMS["availability_sla"].clean("101")[1] is not None
    assert TERMS["exit_period_days"].clean("30") == (30, None)
    assert TERMS["exit_period_days"].clean("2.5")[1] is not None
    assert TERMS["exit_period_days"].clean("nan")[1] is not None


def test_nsm_matrix_needs_every_principle():
    full = {p.code: {"responsibility": "shared", "how": "Felles rutiner."} for p in nsm.PRINCIPLES}
    value, error = TERMS["nsm_principles"].clean(full)
    assert error is None and len(value) == 21
    partial = dict(full)
    partial.pop("3.2")
    assert "3.2" in str(TERMS["nsm_principles"].clean(partial)[1])
    bad = dict(full, **{"1.1": {"responsibility": "somebody"}})
    assert TERMS["nsm_principles"].clean(bad)[1] is not None


def test_rows_skip_blank_rows_and_validate_cells():
    term = TERMS["subprocessors"]
    rows = [{"name": "Drift AS", "country": "Norge", "purpose": "Drift"}, {"name": "", "country": "", "purpose": ""}]
    assert term.clean(rows) == ([{"name": "Drift AS", "country": "Norge", "purpose": "Drift"}], None)
    assert str(term.clean([{"name": "<b>x</b>", "country": "Norge", "purpose": "Drift"}])[1]).startswith("Rad 1")


def test_read_form_builds_raw_values_from_a_post():
    form = MultiDict([("terms-scc_modules", "2"), ("terms-scc_modules", "3"), ("terms-governing_law", "norge"),
                      ("terms-subprocessors-0-name", "A"), ("terms-subprocessors-0-country", "Norge"),
                      ("terms-subprocessors-0-purpose", "Drift"), ("terms-subprocessors-1-name", "B"),
                      ("terms-nsm_principles-2.7-responsibility", "supplier")])
    raw = TERMS.read_form(form)
    assert raw["scc_modules"] == ["2", "3"] and raw["governing_law"] == "norge"
    assert len(raw["subprocessors"]) == 2
    assert raw["nsm_principles"]["2.7"]["responsibility"] == "supplier"
    _clean, errors = TERMS.validate(raw)
    assert "terms_document" in errors and "governing_law" not in errors


def test_display_facets_and_requirements():
    law = TERMS["governing_law"]
    assert law.display("irland") == "Irsk rett" and law.display("irland", "en") == "Irish law"
    assert law.meets("norge", ["norge"]) is True and law.meets("irland", ["norge"]) is False
    assert law.meets("irland", []) is None
    scc = TERMS["scc_modules"]
    assert scc.meets(["2", "3"], ["2"]) is True and scc.meets(["3"], ["2"]) is False
    loc = TERMS["data_locations"]
    assert loc.meets(["norge", "eos"], ["norge", "eos"]) is True and loc.meets(["norge", "usa"], ["norge", "eos"]) is False
    assert TERMS["eea_only_option"].facet_values(True) == ["ja"]
    assert TERMS["availability_sla"].display(99.9) == "99,9 %" and TERMS["availability_sla"].display(99.9, "en") == "99.9 %"
    assert TERMS["availability_sla"].meets(99.95, ["99,9"]) is True
    matrix = {p.code: {"responsibility": "customer", "how": ""} for p in nsm.PRINCIPLES}
    matrix["3.2"] = {"responsibility": "shared", "how": ""}
    assert TERMS["nsm_principles"].facet_values(matrix) == ["3.2"]
    assert TERMS["nsm_principles"].meets(matrix, ["3.2"]) is True
    assert TERMS["nsm_principles"].meets(matrix, ["3.2", "2.7"]) is False


def test_none_cannot_be_combined():
    assert TERMS["code_of_conduct"].clean(["ingen", "cispe"])[1] is not None
    assert TERMS["code_of_conduct"].clean(["ingen"]) == (["ingen"], None)


def test_compact_values_display_as_the_whole_values():
    # A search document keeps compact values for its hit's line (issue 17): the line must not change.
    from catalogue import nsm as nsm_module

    matrix = {p.code: {"responsibility": ("supplier", "shared", "customer")[i % 3], "how": "Forklaring " * 40}
              for i, p in enumerate(nsm_module.PRINCIPLES)}
    samples = {"nsm_principles": matrix, "governing_law": "norge", "price_from": 1200.0}
    for key, value in samples.items():
        term = TERMS[key]
        small = term.compact(value)
        for lang in ("nb", "en"):
            assert term.display(small, lang) == term.display(value, lang)
    assert len(repr(TERMS["nsm_principles"].compact(matrix))) < len(repr(matrix)) / 5
