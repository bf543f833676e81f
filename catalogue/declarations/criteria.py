"""The self-declaration criterion by criterion, in the structure of the European Single Procurement
Document (ESPD, Commission Implementing Regulation (EU) 2016/7): part III exclusion grounds
(A convictions, B taxes and social security, C insolvency, misconduct and other grounds), then part IV
selection criteria (economic and financial standing, technical ability) and the Norwegian requirement
on pay and working conditions. Declared once: the form, its checking and its display follow from here.

Every exclusion ground is answered yes or no ("does this apply to you?"); a yes needs details of the
matter and the measures taken to restore reliability (self-cleaning). Every selection criterion is
confirmed with a short description.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from catalogue.i18n import _l, lazy_pick
from catalogue.lifecycle import N_
from catalogue.terms import BOOLEAN, LONGTEXT, Group
from catalogue.qualification import FieldTerm


class CriterionField(FieldTerm):
    prefix = "espd"


@dataclass(frozen=True)
class Criterion:
    """One criterion: its question, and the details field (needed when the answer is not the expected one)."""

    section: str
    question: CriterionField
    details: CriterionField
    exclusion: bool  # an exclusion ground: "yes" (it applies) needs details; a selection criterion needs "yes"

    @property
    def key(self) -> str:
        return self.question.key


SECTIONS = (  # the parts of the declaration, as groups of the form
    Group("A", "Del III A: Straffbare forhold", "Part III A: Criminal convictions"),
    Group("B", "Del III B: Skatter, avgifter og trygdeavgifter", "Part III B: Taxes and social security"),
    Group("C", "Del III C: Insolvens, interessekonflikter og alvorlige feil", "Part III C: Insolvency, conflicts "
            "of interest and professional misconduct"),
    Group("IV", "Del IV: Kvalifikasjonskrav", "Part IV: Selection criteria"),
)


def _ground(section: str, key: str, nb: str, en: str) -> Criterion:
    return Criterion(section, CriterionField(key, section, BOOLEAN, nb, en),
                     CriterionField(f"{key}_details", section, LONGTEXT, "Utdyping og tiltak", "Details and measures",
                                    "Påkrevd når svaret er ja: hva har skjedd, og hvilke tiltak gjenoppretter "
                                    "påliteligheten?", "Required when the answer is yes: what happened, and which "
                                    "measures restore reliability?", max_length=2000, required=False), True)


def _selection(key: str, nb: str, en: str, help_nb: str, help_en: str) -> Criterion:
    return Criterion("IV", CriterionField(key, "IV", BOOLEAN, nb, en),
                     CriterionField(f"{key}_details", "IV", LONGTEXT, "Beskrivelse", "Description", help_nb, help_en,
                                    max_length=2000, required=False), False)


# The other convictions of part III A, asked as a follow-up of the first question ("… for korrupsjon?").
_CONVICTIONS = (
    ("corruption", "korrupsjon", "corruption"),
    ("fraud", "bedrageri", "fraud"),
    ("terrorism", "terrorhandlinger eller straffbare forhold knyttet til terror",
     "terrorist offences or offences linked to terrorist activities"),
    ("money_laundering", "hvitvasking eller terrorfinansiering", "money laundering or terrorist financing"),
    ("human_trafficking", "barnearbeid eller andre former for menneskehandel",
     "child labour or other forms of trafficking in human beings"),
)

CRITERIA: tuple[Criterion, ...] = (
    _ground("A", "criminal_organisation", "Er selskapet eller noen i ledelsen dømt for deltakelse i en kriminell "
            "organisasjon?", "Has the company or anyone in its management been convicted of participation in a "
            "criminal organisation?"),
    *(_ground("A", key, f"… for {nb}?", f"… of {en}?") for key, nb, en in _CONVICTIONS),
    _ground("B", "unpaid_taxes", "Har selskapet misligholdt plikten til å betale skatter og avgifter?",
            "Has the company breached its obligations to pay taxes?"),
    _ground("B", "unpaid_social_security", "Har selskapet misligholdt plikten til å betale trygdeavgifter?",
            "Has the company breached its obligations to pay social security contributions?"),
    _ground("C", "insolvency", "Er selskapet konkurs, under akkord, avvikling eller tilsvarende?",
            "Is the company bankrupt, in composition with creditors, being wound up or in a similar situation?"),
    _ground("C", "misconduct", "Har selskapet begått alvorlige feil i yrkesutøvelsen?",
            "Has the company committed grave professional misconduct?"),
    _ground("C", "distorting_competition", "Har selskapet inngått avtaler med andre som har til formål å "
            "vri konkurransen?", "Has the company entered into agreements with others aimed at distorting "
            "competition?"),
    _ground("C", "conflict_of_interest", "Foreligger det en interessekonflikt knyttet til deltakelsen?",
            "Is there a conflict of interest due to the participation?"),
    _ground("C", "misrepresentation", "Har selskapet gitt uriktige opplysninger eller holdt tilbake "
            "opplysninger i en kvalifisering?", "Has the company been guilty of misrepresentation or withheld "
            "information in a qualification?"),
    _selection("financial_standing", "Har selskapet tilstrekkelig økonomisk og finansiell kapasitet?",
               "Does the company have sufficient economic and financial standing?",
               "Omsetning siste regnskapsår, egenkapitalandel og eventuell kredittvurdering.",
               "Turnover in the last financial year, equity ratio and any credit rating."),
    _selection("technical_ability", "Har selskapet den tekniske og faglige kvalifikasjonen som kreves?",
               "Does the company have the technical and professional ability required?",
               "Relevante leveranser, sertifiseringer og kompetanse.",
               "Relevant deliveries, certifications and expertise."),
    _selection("working_conditions", "Oppfyller selskapet kravene til HMS og lønns- og arbeidsvilkår?",
               "Does the company meet the requirements on health, safety and pay and working conditions?",
               "HMS-systemet, allmenngjorte tariffavtaler og oppfølging av underleverandører.",
               "The HSE system, generally applicable collective agreements and follow-up of subcontractors."),
)
BY_KEY = {c.key: c for c in CRITERIA}
CONFIRM_FIELD = "espd-confirm"


def read_form(form) -> dict[str, Any]:
    answers = {}
    for c in CRITERIA:
        answers[c.key] = {"answer": c.question.read_form(form), "details": c.details.read_form(form)}
    return {"answers": answers, "confirm": form.get(CONFIRM_FIELD, "")}


def validate(raw: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Every criterion answered; details where the answer needs them; the declaration confirmed."""
    answers: dict[str, dict[str, Any]] = {}
    errors: dict[str, Any] = {}
    given = raw.get("answers") or {}
    for c in CRITERIA:
        entry = given.get(c.key) if isinstance(given.get(c.key), Mapping) else {}
        answer, error = c.question.clean(entry.get("answer"))
        if error:
            errors[c.question.field_name] = error
            continue
        details, error = c.details.clean(entry.get("details"))
        if error:
            errors[c.details.field_name] = error
            continue
        needs_details = answer if c.exclusion else not answer
        if needs_details and not details:
            errors[c.details.field_name] = (
                _l("Beskriv forholdet og tiltakene som gjenoppretter påliteligheten.") if c.exclusion else
                _l("Beskriv hvorfor kravet ikke er oppfylt."))
            continue
        if not c.exclusion and answer and not details:
            errors[c.details.field_name] = _l("Fyll ut «%(field)s».", field=lazy_pick(c.details.nb, c.details.en))
            continue
        answers[c.key] = {"answer": answer, "details": details or ""}
    if str(raw.get("confirm") or "") not in ("ja", "on", "1", "true"):
        errors[CONFIRM_FIELD] = _l("Bekreft at opplysningene er riktige og fullstendige.")
    return answers, errors


def grounds_reported(answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The exclusion grounds the supplier says apply, and selection criteria it says it does not meet."""
    return [c.key for c in CRITERIA if c.key in answers and bool(answers[c.key].get("answer")) == c.exclusion]


SECTION_NOTE = N_("Svar for selskapet og personer i ledelsen, styret eller med fullmakt.")
