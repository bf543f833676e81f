"""The domain's texts go through the same gettext catalogue as the templates (issue 11, item 4)."""
from __future__ import annotations

from flask_babel import force_locale

from catalogue.i18n import _l, _nl, pick, text


def test_a_domain_text_is_shown_in_the_language_of_the_request(app):
    draft = _l("Utkast")  # made once, before any request
    with app.test_request_context("/?lang=en"):
        assert text(draft) == "Draft"
    with app.test_request_context("/"):
        assert text(draft) == "Utkast"


def test_a_domain_text_follows_a_forced_locale_and_counts(app):
    staff = _nl("%(num)s ansatt", "%(num)s ansatte", 3)
    with app.app_context(), force_locale("en"):
        assert str(staff) == "3 employees"
        assert pick("nb-verdi", "en value") == "en value"
        assert pick("nb-verdi", "") == "nb-verdi"  # no English value: bokmål
    with app.app_context(), force_locale("nb"):
        assert str(staff) == "3 ansatte"
        assert pick("nb-verdi", "en value") == "nb-verdi"


def test_an_unknown_text_falls_back_to_bokmal_with_its_values(app):
    with app.test_request_context("/?lang=en"):
        assert text(_l("Ingen oversettelse for %(what)s", what="dette")) == "Ingen oversettelse for dette"


def test_a_word_with_a_context_and_a_stored_pair_chosen_when_shown(app):
    from catalogue.i18n import _lp, lazy_pick

    submitted, sent = _lp("hendelse", "sendt"), _lp("hendelse, sendt ut", "sendt")
    label = lazy_pick("Skylagring", "Cloud storage")  # kept across requests (cached figures)
    with app.test_request_context("/?lang=en"):
        assert (text(submitted), text(sent), text(label)) == ("was submitted", "was sent", "Cloud storage")
    with app.test_request_context("/"):
        assert (text(submitted), text(sent), text(label)) == ("sendt", "sendt", "Skylagring")


def test_a_diff_names_document_kinds_in_the_language_asked_for_outside_a_request(app):
    from catalogue.diff import diff

    old, new = {"documents": {"terms": 1}}, {"documents": {"terms": 2}}
    with app.app_context():  # a scheduled job: no request, so no request language
        english = [c.label for c in diff(old, new, name_of=lambda kind, ident: f"#{ident}", lang="en")]
        norwegian = [c.label for c in diff(old, new, name_of=lambda kind, ident: f"#{ident}", lang="nb")]
    assert "Standard terms" in english and "Standardvilkår" in norwegian
